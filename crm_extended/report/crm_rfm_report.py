# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools

from ..models.crm_partner_rfm import RFM_SEGMENTS


class CrmRfmReport(models.Model):
    """RFM analysis: the scored customers (crm.partner.rfm) with who they are, for the
    pivot of customers by segment with their revenue, by salesperson, country..."""

    _name = "crm.rfm.report"
    _description = "RFM Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "revenue desc"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment = fields.Selection(RFM_SEGMENTS, string="RFM segment", readonly=True)
    score = fields.Char(string="RFM score", readonly=True)
    recency = fields.Integer(string="Recency score", readonly=True, group_operator="avg")
    frequency = fields.Integer(string="Frequency score", readonly=True, group_operator="avg")
    monetary = fields.Integer(string="Monetary score", readonly=True, group_operator="avg")
    last_invoice_date = fields.Date(string="Last invoice", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    revenue = fields.Monetary(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    customer_group_id = fields.Many2one("crm.customer.group", string="Customer group",
                                        readonly=True)

    _depends = {
        "crm.partner.rfm": ["partner_id", "company_id", "segment", "score", "recency",
                            "frequency", "monetary", "last_invoice_date", "invoice_count",
                            "revenue"],
        "res.partner": ["user_id", "team_id", "country_id", "customer_group_id"],
    }

    def _select(self):
        return """
            SELECT rfm.id, rfm.partner_id, rfm.company_id, company.currency_id, rfm.segment,
                   rfm.score, rfm.recency, rfm.frequency, rfm.monetary,
                   rfm.last_invoice_date, rfm.invoice_count, rfm.revenue, partner.user_id,
                   partner.team_id, partner.country_id, partner.customer_group_id
        """

    def _from(self):
        return """
              FROM crm_partner_rfm rfm
              JOIN res_partner partner ON partner.id = rfm.partner_id
              JOIN res_company company ON company.id = rfm.company_id
        """

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("CREATE OR REPLACE VIEW %s AS (%s %s)" % (
            self._table, self._select(), self._from()))
