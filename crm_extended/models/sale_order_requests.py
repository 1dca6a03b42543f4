"""sale.order: the requests about an order (count, smart button)."""
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    request_ids = fields.One2many("crm.request", "sale_order_id", string="Requests",
                                  groups="crm_extended.group_crm_extended_user")
    request_count = fields.Integer(compute="_compute_request_count", string="Requests",
                                   groups="crm_extended.group_crm_extended_user")

    def _compute_request_count(self):
        data = self.env["crm.request"].read_group(
            [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["sale_order_id"])
        counts = {row["sale_order_id"][0]: row["sale_order_id_count"] for row in data}
        for order in self:
            order.request_count = counts.get(order.id, 0)

    @api.multi
    def action_view_requests(self):
        self.ensure_one()
        return self.env["crm.request"]._action_for_documents(
            [("sale_order_id", "=", self.id)],
            {"default_sale_order_id": self.id, "default_partner_id": self.partner_id.id,
             "default_campaign_id": self.campaign_id.id})
