from odoo import api, fields, models, tools

TIMELINE_KINDS = [
    ("lead", "Lead / Opportunity"),
    ("stage", "Stage Change"),
    ("quotation", "Quotation"),
    ("order", "Sales Order"),
    ("invoice", "Invoice"),
    ("refund", "Credit Note"),
    ("payment", "Payment"),
    ("request", "Request"),
    ("request_message", "Request Message"),
    ("mailing_sent", "Mailing Received"),
    ("mailing_opened", "Mailing Opened"),
    ("mailing_clicked", "Mailing Clicked"),
    ("interest_subscribed", "Interest Subscribed"),
    ("interest_opted_out", "Interest Opted Out"),
    ("activity", "Activity Done"),
]

# Each branch yields (id, date, kind, name, amount, partner_id, user_id, company_id, res_model,
# res_id) with the partner joined in the branch itself, so that a filter on the commercial
# entity reaches every source table's index. Ids are unique across branches: source id * 16
# + the branch number.
TIMELINE_BRANCHES = [
    # leads and opportunities, lost ones included
    """SELECT l.id * 16 + 0, l.create_date, 'lead', l.name, l.planned_revenue,
              l.partner_id, l.user_id, l.company_id, 'crm.lead', l.id
         FROM crm_lead l""",
    # stage changes, from the chatter's tracking values
    """SELECT tv.id * 16 + 1, m.date, 'stage',
              l.name || ': ' || COALESCE(tv.old_value_char, '') || ' → '
                  || COALESCE(tv.new_value_char, ''),
              l.planned_revenue, l.partner_id, l.user_id, l.company_id, 'crm.lead', l.id
         FROM mail_tracking_value tv
         JOIN mail_message m ON m.id = tv.mail_message_id AND m.model = 'crm.lead'
         JOIN crm_lead l ON l.id = m.res_id
        WHERE tv.field = 'stage_id'""",
    """SELECT so.id * 16 + 2, so.date_order,
              CASE WHEN so.state IN ('sale', 'done') THEN 'order' ELSE 'quotation' END,
              so.name, so.amount_total, so.partner_id, so.user_id, so.company_id,
              'sale.order', so.id
         FROM sale_order so""",
    """SELECT inv.id * 16 + 3, inv.date_invoice::timestamp,
              CASE WHEN inv.type = 'out_refund' THEN 'refund' ELSE 'invoice' END,
              COALESCE(inv.number, inv.reference, ''), inv.amount_total_signed,
              inv.partner_id, inv.user_id, inv.company_id, 'account.invoice', inv.id
         FROM account_invoice inv
        WHERE inv.type IN ('out_invoice', 'out_refund') AND inv.state IN ('open', 'paid')""",
    """SELECT pay.id * 16 + 4, pay.payment_date::timestamp, 'payment',
              COALESCE(pay.name, pay.communication, ''),
              CASE WHEN pay.payment_type = 'outbound' THEN -pay.amount ELSE pay.amount END,
              pay.partner_id, pay.create_uid, pay.company_id, 'account.payment', pay.id
         FROM account_payment pay
        WHERE pay.partner_type = 'customer' AND pay.state IN ('posted', 'sent', 'reconciled')""",
    """SELECT req.id * 16 + 5, req.create_date, 'request',
              COALESCE(req.number || ' ', '') || req.name, NULL::numeric,
              req.partner_id, req.user_id, req.company_id, 'crm.request', req.id
         FROM crm_request req""",
    """SELECT m.id * 16 + 6, m.date, 'request_message',
              COALESCE(req.number || ': ', '') || COALESCE(m.subject, req.name), NULL::numeric,
              req.partner_id, req.user_id, req.company_id, 'crm.request', req.id
         FROM mail_message m
         JOIN crm_request req ON m.model = 'crm.request' AND req.id = m.res_id
        WHERE m.message_type IN ('email', 'comment') AND m.mail_activity_type_id IS NULL""",
    # mailings to the partner itself, to its leads, or to list contacts with its address
    """SELECT s.id * 16 + ev.code, ev.date, ev.kind, COALESCE(subject.name, ''), NULL::numeric,
              target.partner_id, NULL::integer, NULL::integer, 'mail.mass_mailing',
              s.mass_mailing_id
         FROM mail_mail_statistics s
         JOIN (SELECT st.id AS stat_id, st.res_id AS partner_id
                 FROM mail_mail_statistics st WHERE st.model = 'res.partner'
               UNION ALL
               SELECT st.id, l.partner_id
                 FROM mail_mail_statistics st
                 JOIN crm_lead l ON st.model = 'crm.lead' AND l.id = st.res_id
               UNION ALL
               SELECT st.id, address.partner_id
                 FROM mail_mail_statistics st
                 JOIN mail_mass_mailing_contact c
                   ON st.model = 'mail.mass_mailing.contact' AND c.id = st.res_id
                 JOIN (SELECT lower(email) AS email, MIN(id) AS partner_id
                         FROM res_partner WHERE email IS NOT NULL AND active
                        GROUP BY lower(email)) address ON address.email = lower(c.email)
              ) target ON target.stat_id = s.id
         LEFT JOIN mail_mass_mailing mm ON mm.id = s.mass_mailing_id
         LEFT JOIN utm_source subject ON subject.id = mm.source_id
        CROSS JOIN LATERAL (VALUES (7, 'mailing_sent', s.sent),
                                   (8, 'mailing_opened', s.opened),
                                   (9, 'mailing_clicked', s.clicked)) ev(code, kind, date)
        WHERE ev.date IS NOT NULL""",
    """SELECT sub.id * 16 + ev.code, ev.date, ev.kind, area.name, NULL::numeric,
              sub.partner_id, NULL::integer, area.company_id,
              'crm.interest.subscription', sub.id
         FROM crm_interest_subscription sub
         JOIN crm_interest_area area ON area.id = sub.area_id
        CROSS JOIN LATERAL (VALUES (10, 'interest_subscribed', sub.subscribe_date),
                                   (11, 'interest_opted_out', sub.opt_out_date))
                   ev(code, kind, date)
        WHERE ev.date IS NOT NULL""",
    # activities marked done on the partner or on its leads, orders and requests
    """SELECT m.id * 16 + 12, m.date, 'activity',
              COALESCE(type.name, '') || COALESCE(': ' || m.subject, ''), NULL::numeric,
              COALESCE(l.partner_id, so.partner_id, req.partner_id,
                       CASE WHEN m.model = 'res.partner' THEN m.res_id END),
              m.create_uid, NULL::integer, m.model, m.res_id
         FROM mail_message m
         JOIN mail_activity_type type ON type.id = m.mail_activity_type_id
         LEFT JOIN crm_lead l ON m.model = 'crm.lead' AND l.id = m.res_id
         LEFT JOIN sale_order so ON m.model = 'sale.order' AND so.id = m.res_id
         LEFT JOIN crm_request req ON m.model = 'crm.request' AND req.id = m.res_id""",
]

# The documents the branches above point at (res_model): activities are those of leads,
# orders, requests and partners.
TIMELINE_DOCUMENT_MODELS = ("crm.lead", "sale.order", "account.invoice", "account.payment",
                            "crm.request", "mail.mass_mailing", "crm.interest.subscription",
                            "res.partner")


class CrmPartnerTimeline(models.Model):
    """The customer's 360° journey: everything that happened with a commercial entity and
    its contacts, newest first, as one SQL view (searchable, paged and grouped by Odoo)."""

    _name = "crm.partner.timeline"
    _inherit = ["crm.document.rules.mixin"]
    _description = "Customer Timeline"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    # each event shows to whoever may read the document it belongs to (its res_model)
    _document_models = TIMELINE_DOCUMENT_MODELS
    _document_model_column = "res_model"

    date = fields.Datetime(readonly=True)
    kind = fields.Selection(TIMELINE_KINDS, readonly=True)
    name = fields.Char("Description", readonly=True)
    amount = fields.Float(readonly=True)
    partner_id = fields.Many2one("res.partner", "Contact", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    res_model = fields.Char("Document Model", readonly=True)
    res_id = fields.Integer("Document", readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Dates to the second, as the ORM shows them: events of one transaction would
        # otherwise be ordered by microseconds nobody sees, not by id.
        branches = "\nUNION ALL\n".join(
            """SELECT ev.id, date_trunc('second', ev.date) AS date, ev.kind, ev.name,
                      ev.amount, ev.partner_id, p.commercial_partner_id, ev.user_id,
                      COALESCE(ev.company_id, p.company_id) AS company_id,
                      ev.res_model, ev.res_id
                 FROM ({branch}) ev(id, date, kind, name, amount, partner_id, user_id,
                                    company_id, res_model, res_id)
                 JOIN res_partner p ON p.id = ev.partner_id""".format(branch=branch)
            for branch in TIMELINE_BRANCHES)
        # the view is built from the constant branches above, no user input
        self.env.cr.execute(  # pylint: disable=sql-injection
            "CREATE VIEW {table} AS ({branches})".format(table=self._table, branches=branches))

    @api.multi
    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }
