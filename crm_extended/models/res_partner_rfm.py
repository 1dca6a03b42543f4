"""res.partner: RFM scores, kept per company in crm.partner.rfm and shown (and searched) on
the partner for the user's company."""
from odoo import api, fields, models

from .crm_partner_rfm import RFM_SEGMENTS
from .res_partner_company_figures import company_figure_field


def _rfm_field(field_class, column, string, **kwargs):
    """The partner's field rfm_<column>: the column of its crm.partner.rfm row in the
    company of the figures (internal users only: the scores are no business of portal
    users)."""
    return company_figure_field(field_class, "crm.partner.rfm", column, string,
                                "base.group_user", **kwargs)


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

    @api.model
    def _cron_compute_rfm(self):
        self._compute_rfm_scores()

    @api.model
    def _compute_rfm_scores(self):
        """Rescore every invoiced customer (crm.partner.rfm); the number of rows written."""
        return self.env["crm.partner.rfm"]._compute_scores()
