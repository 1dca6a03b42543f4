"""sale.order: campaign attribution (from the opportunity or the last mailing, to invoices)."""
from datetime import datetime, timedelta

from odoo import api, fields, models

from .crm_extended_sql import email_sql, normalize_email

# The user may change the attribution of a document while it is a draft; afterwards it
# is part of what was sold and reported.
UTM_FIELDS = ("campaign_id", "medium_id", "source_id")
_DRAFT_EDITABLE = {"draft": [("readonly", False)], "sent": [("readonly", False)]}


def attribution_fields(states):
    """campaign_id, medium_id, source_id of a document: tracked, editable in ``states``,
    internal (a customer reads its documents, not how we won them)."""
    return tuple(fields.Many2one(track_visibility="onchange", readonly=True, states=states,
                                 groups="base.group_user")
                 for _name in UTM_FIELDS)


# The last mailing of a campaign sent to a customer, as a contact of its company or as a
# mailing-list subscriber with its email, within a period. One branch per kind of recipient,
# so that each is answered from the statistics' index (mail_mail_statistics.py).
LAST_TOUCH_QUERY = """
      SELECT sent.mass_mailing_id
        FROM (SELECT s.mass_mailing_id, s.sent, s.id
                FROM mail_mail_statistics s
                JOIN res_partner p ON p.id = s.res_id
               WHERE s.model = 'res.partner' AND p.commercial_partner_id = %(company)s
                 AND s.sent > %(since)s AND s.sent <= %(until)s
              UNION ALL
              SELECT s.mass_mailing_id, s.sent, s.id
                FROM mail_mail_statistics s
                JOIN mail_mass_mailing_contact c ON c.id = s.res_id
               WHERE s.model = 'mail.mass_mailing.contact' AND {contact_email} = %(email)s
                 AND s.sent > %(since)s AND s.sent <= %(until)s) sent
        JOIN mail_mass_mailing m ON m.id = sent.mass_mailing_id
       WHERE m.campaign_id IS NOT NULL
    ORDER BY sent.sent DESC, sent.id DESC
       LIMIT 1
""".format(contact_email=email_sql("c.email"))


class SaleOrder(models.Model):
    _inherit = "sale.order"

    campaign_id, medium_id, source_id = attribution_fields(_DRAFT_EDITABLE)

    @api.model
    def _attribution_enabled(self):
        """Integrators (and the overhead test) may switch every attribution path off."""
        return not self.env.context.get("crm_extended_no_attribution")

    @api.model
    def _utm_values_from(self, record, values=None):
        """The campaign/medium/source of ``record`` (a lead, an order, a mailing, a request:
        anything carrying the utm fields) to fill in where ``values`` leaves them empty.

        Only empty values are filled: an attribution set by hand is never overwritten."""
        values = values or {}
        return {
            name: record[name].id for name in UTM_FIELDS
            if not values.get(name) and record[name]
        }

    @api.model
    def create(self, vals):
        if self._attribution_enabled():
            vals = dict(vals, **self._attribution_for_new_order(vals))
        return super().create(vals)

    @api.model
    def _attribution_for_new_order(self, vals):
        """What a new order inherits: its opportunity's attribution, for what neither the
        values nor the context defaults (sale_crm's "New Quotation" button) set."""
        given = {name: vals.get(name) or self.env.context.get("default_" + name)
                 for name in UTM_FIELDS}
        if all(given.values()):
            return {}
        lead_id = vals.get("opportunity_id") or self.env.context.get("default_opportunity_id")
        if lead_id:
            given.update(self._utm_values_from(self.env["crm.lead"].browse(lead_id), given))
        partner_id = vals.get("partner_id") or self.env.context.get("default_partner_id")
        if not given["campaign_id"] and partner_id:
            mailing = self._last_touch_mailing(self.env["res.partner"].browse(partner_id),
                                               vals.get("date_order"))
            given.update(self._utm_values_from(mailing, given))
        return {name: value for name, value in given.items() if value and not vals.get(name)}

    @api.model
    def _last_touch_mailing(self, partner, date_order=None):
        """The last mass mailing of a campaign sent to the customer (as a contact of its
        company or as a subscriber with its email) within the attribution window before
        the order; an empty recordset when the rule is off or nothing was sent."""
        mailings = self.env["mail.mass_mailing"]
        days = self.env["res.config.settings"]._mailing_attribution_days()
        if not days:
            return mailings
        until = date_order or fields.Datetime.now()
        if not isinstance(until, datetime):  # callers pass strings or datetimes alike
            until = fields.Datetime.from_string(until)
        # Statistics are marketing's records: read them for the salesperson, only to pick
        # the mailing whose campaign the order gets.
        self.env.cr.execute(LAST_TOUCH_QUERY, {
            "since": until - timedelta(days=days), "until": until,
            "company": partner.commercial_partner_id.id,
            "email": normalize_email(partner.email) or None,
        })
        row = self.env.cr.fetchone()
        return mailings.sudo().browse(row[0]) if row else mailings

    @api.multi
    def _prepare_invoice(self):
        invoice_vals = super()._prepare_invoice()
        if self._attribution_enabled():
            invoice_vals.update(self._utm_values_from(self, invoice_vals))
        return invoice_vals

    @api.multi
    def action_invoice_create(self, grouped=False, final=False):
        invoice_ids = super().action_invoice_create(grouped=grouped, final=final)
        if len(self) > 1 and self._attribution_enabled():
            self.env["account.invoice"].browse(invoice_ids)._check_grouped_attribution()
        return invoice_ids
