"""res.partner: the requests of the partner's commercial entity (count, smart button)."""
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    request_count = fields.Integer(compute="_compute_request_count", string="Requests",
                                   groups="crm_extended.group_crm_extended_user",
                                   help="Requests of the partner's commercial entity.")

    def _compute_request_count(self):
        commercial = self.mapped("commercial_partner_id")
        data = self.env["crm.request"].read_group(
            [("commercial_partner_id", "in", commercial.ids)],
            ["commercial_partner_id"], ["commercial_partner_id"])
        counts = {row["commercial_partner_id"][0]: row["commercial_partner_id_count"]
                  for row in data}
        for partner in self:
            partner.request_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.multi
    def action_view_requests(self):
        self.ensure_one()
        return self.env["crm.request"]._action_for_documents(
            [("commercial_partner_id", "=", self.commercial_partner_id.id)],
            {"default_partner_id": self.id})
