from odoo import fields, models


class AccountInvoiceReport(models.Model):
    _inherit = "account.invoice.report"

    # -- attribution: the invoice analysis can be grouped by campaign
    campaign_id = fields.Many2one("utm.campaign", readonly=True)

    def _select(self):
        return super()._select() + ", sub.campaign_id AS campaign_id"

    def _sub_select(self):
        return super()._sub_select() + ", ai.campaign_id AS campaign_id"

    def _group_by(self):
        return super()._group_by() + ", ai.campaign_id"
