from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    # -- attribution: the sales analysis can be grouped by campaign
    campaign_id = fields.Many2one("utm.campaign", readonly=True)

    def _select(self):
        return super()._select() + ", s.campaign_id AS campaign_id"

    def _group_by(self):
        return super()._group_by() + ", s.campaign_id"
