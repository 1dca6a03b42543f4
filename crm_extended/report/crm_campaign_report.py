from odoo import api, fields, models, tools

from ..models.crm_extended_sql import (
    INVOICE_LINE_MARGIN, ORDER_AMOUNT, ORDER_CURRENCY_JOINS, posted_customer_invoices)


class CrmCampaignReport(models.Model):
    """The funnel of every campaign, medium and source in one place: leads and
    opportunities, confirmed orders and posted customer invoice lines, in company
    currency. Documents without a campaign are kept, so that the campaigns plus the
    unattributed rest add up to the company's revenue."""

    _name = "crm.campaign.report"
    _description = "Campaign Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    date = fields.Date(readonly=True)
    document_type = fields.Selection([
        ("lead", "Lead"), ("order", "Sales Order"), ("invoice", "Invoice"),
    ], readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Channel", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    country_id = fields.Many2one("res.country", "Customer Country", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_count = fields.Integer("Leads", readonly=True)
    opportunity_count = fields.Integer("Opportunities", readonly=True)
    won_count = fields.Integer("Won", readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    order_amount = fields.Float("Ordered", readonly=True)
    revenue = fields.Float(readonly=True)
    margin = fields.Float(readonly=True)

    _depends = {
        "crm.lead": ["campaign_id", "medium_id", "source_id", "user_id", "team_id",
                     "partner_id", "country_id", "company_id", "type", "active",
                     "probability", "create_date"],
        "sale.order": ["campaign_id", "medium_id", "source_id", "user_id", "team_id",
                       "partner_id", "company_id", "state", "date_order", "amount_untaxed",
                       "pricelist_id"],
        "account.invoice": ["campaign_id", "medium_id", "source_id", "user_id", "team_id",
                            "commercial_partner_id", "company_id", "state", "type",
                            "date_invoice"],
        "account.invoice.line": ["invoice_id", "price_subtotal_signed", "margin"],
    }

    def _select(self):
        return """
            SELECT MIN(doc.id) AS id, doc.date, doc.document_type,
                   doc.campaign_id, doc.medium_id, doc.source_id, doc.user_id, doc.team_id,
                   doc.partner_id, COALESCE(doc.country_id, partner.country_id) AS country_id,
                   doc.company_id,
                   SUM(doc.lead_count) AS lead_count,
                   SUM(doc.opportunity_count) AS opportunity_count,
                   SUM(doc.won_count) AS won_count,
                   SUM(doc.order_count) AS order_count,
                   SUM(doc.order_amount) AS order_amount,
                   SUM(doc.revenue) AS revenue,
                   SUM(doc.margin) AS margin
        """

    def _from(self):
        # ids: one residue class per kind of document, so that they never collide
        return """
            FROM (
                SELECT l.id * 3 AS id, l.create_date::date AS date, 'lead' AS document_type,
                       l.campaign_id, l.medium_id, l.source_id, l.user_id, l.team_id,
                       l.partner_id, l.country_id, l.company_id,
                       1 AS lead_count,
                       CASE WHEN l.type = 'opportunity' THEN 1 ELSE 0 END AS opportunity_count,
                       CASE WHEN l.type = 'opportunity' AND l.active AND l.probability >= 100
                            THEN 1 ELSE 0 END AS won_count,
                       0 AS order_count, 0.0 AS order_amount, 0.0 AS revenue, 0.0 AS margin
                  FROM crm_lead l
                UNION ALL
                SELECT so.id * 3 + 1, so.date_order::date, 'order',
                       so.campaign_id, so.medium_id, so.source_id, so.user_id, so.team_id,
                       so.partner_id, NULL, so.company_id,
                       0, 0, 0, 1, %(order_amount)s, 0.0, 0.0
                  FROM sale_order so
                  %(order_currency_joins)s
                 WHERE so.state IN ('sale', 'done')
                UNION ALL
                SELECT ail.id * 3 + 2, inv.date_invoice, 'invoice',
                       inv.campaign_id, inv.medium_id, inv.source_id, inv.user_id, inv.team_id,
                       inv.commercial_partner_id, NULL, inv.company_id,
                       0, 0, 0, 0, 0.0, ail.price_subtotal_signed, %(line_margin)s
                  FROM account_invoice_line ail
                  JOIN account_invoice inv ON inv.id = ail.invoice_id
                 WHERE %(posted)s
            ) AS doc
            LEFT JOIN res_partner partner ON partner.id = doc.partner_id
        """ % {"order_amount": ORDER_AMOUNT, "order_currency_joins": ORDER_CURRENCY_JOINS,
               "line_margin": INVOICE_LINE_MARGIN, "posted": posted_customer_invoices()}

    def _group_by(self):
        return """
            GROUP BY doc.date, doc.document_type, doc.campaign_id, doc.medium_id,
                     doc.source_id, doc.user_id, doc.team_id, doc.partner_id,
                     COALESCE(doc.country_id, partner.country_id), doc.company_id
        """

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # A view definition cannot take parameters; it is built from this class's own SQL
        # fragments only, nothing comes from users.
        view = """
            CREATE OR REPLACE VIEW %s AS (
                WITH currency_rate AS (%s)
                %s %s %s
            )""" % (self._table, self.env["res.currency"]._select_companies_rates(),
                    self._select(), self._from(), self._group_by())
        self.env.cr.execute(view)  # pylint: disable=sql-injection
