"""res.partner: RFM scores, kept in crm.partner.rfm and shown (and searched) on the partner."""
from odoo import api, fields, models
from odoo.osv import expression

from .crm_partner_rfm import RFM_COLUMNS, RFM_SEGMENTS


def _rfm_field(field_class, column, string, **kwargs):
    """The partner's read-only field rfm_<column>: the column of its crm.partner.rfm row,
    searchable there (internal users only: the scores are no business of portal users)."""
    return field_class(string=string, compute="_compute_rfm", readonly=True, copy=False,
                       groups="base.group_user",
                       search=lambda partners, operator, value: partners._search_rfm(
                           column, operator, value), **kwargs)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # -- segments: RFM scores, kept in crm.partner.rfm (see there why) and shown here
    rfm_recency = _rfm_field(
        fields.Integer, "recency", "Recency score",
        help="1 to 5: the quintile of the customer's last invoice date among the company's "
             "invoiced customers (5: most recent).")
    rfm_frequency = _rfm_field(
        fields.Integer, "frequency", "Frequency score",
        help="1 to 5: the quintile of the customer's number of invoices.")
    rfm_monetary = _rfm_field(
        fields.Integer, "monetary", "Monetary score",
        help="1 to 5: the quintile of the customer's revenue (invoices minus credit notes).")
    rfm_score = _rfm_field(fields.Char, "score", "RFM score",
                           help="Recency, frequency and monetary scores, e.g. 545.")
    rfm_segment = _rfm_field(fields.Selection, "segment", "RFM segment", selection=RFM_SEGMENTS)
    rfm_last_invoice_date = _rfm_field(fields.Date, "last_invoice_date", "Last invoice")
    rfm_invoice_count = _rfm_field(fields.Integer, "invoice_count", "Invoices")
    rfm_revenue = _rfm_field(fields.Monetary, "revenue", "Revenue",
                             help="Posted invoices minus credit notes, untaxed, in company "
                                  "currency, as of the last RFM computation.")

    def _compute_rfm(self):
        """The scores of the displayed partners in one query; with the user's record
        rules, so that a partner shows only the scores taken in the user's companies."""
        ids = [partner_id for partner_id in self.ids if isinstance(partner_id, int)]
        rows = self.env["crm.partner.rfm"].search([("partner_id", "in", ids)])
        by_partner = {row.partner_id.id: row for row in rows}
        no_row = self.env["crm.partner.rfm"]
        for partner in self:
            row = by_partner.get(partner.id, no_row)
            for column in RFM_COLUMNS:
                partner["rfm_" + column] = row[column]

    @api.model
    def _search_rfm(self, column, operator, value):
        """Partners whose crm.partner.rfm row (within the user's record rules) satisfies
        ``column operator value``, as a subquery. A partner without scores reads as
        False, so it matches "= False", "!= 'lost'" and the like: those become "not
        among the rows satisfying the opposite"."""
        rfm = self.env["crm.partner.rfm"]
        rfm.check_access_rights("read")
        values = value if isinstance(value, (list, tuple)) else [value]
        unscored_match = (any(item is False or item is None for item in values)
                          != (operator in expression.NEGATIVE_TERM_OPERATORS))
        domain = [(column, operator, value)]
        query = rfm._where_calc(["!"] + domain if unscored_match else domain)
        rfm._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        subquery = 'SELECT "crm_partner_rfm".partner_id FROM %s WHERE %s' % (
            from_clause, where_clause or "TRUE")
        return [("id", "not inselect" if unscored_match else "inselect", (subquery, params))]

    @api.model
    def _cron_compute_rfm(self):
        self._compute_rfm_scores()

    @api.model
    def _compute_rfm_scores(self):
        """Rescore every invoiced customer (crm.partner.rfm); the number of rows written."""
        return self.env["crm.partner.rfm"]._compute_scores()
