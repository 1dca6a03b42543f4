"""Wizard: propose many leads at once, to the best resellers or to one chosen by hand."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLeadAssignPartner(models.TransientModel):
    _name = "crm.lead.assign.partner"
    _description = "Assign Leads to Resellers"

    # salespeople's wizard: a portal user reaches transient models too
    lead_ids = fields.Many2many(
        "crm.lead", string="Leads", groups="base.group_user",
        default=lambda self: self.env.context.get("active_ids", []))
    mode = fields.Selection([("auto", "Best reseller of each lead's territory"),
                             ("manual", "One reseller for all")],
                            required=True, default="auto", groups="base.group_user")
    partner_id = fields.Many2one("res.partner", string="Reseller",
                                 domain=[("is_channel_partner", "=", True)],
                                 groups="base.group_user")

    @api.multi
    def action_apply(self):
        self.ensure_one()
        if not self.lead_ids:
            raise UserError(_("Select the leads to assign."))
        if self.mode == "manual":
            if not self.partner_id:
                raise UserError(_("Choose the reseller."))
            self.lead_ids.write({"partner_assigned_id": self.partner_id.id})
        else:
            self.lead_ids.action_assign_partner()
        return {"type": "ir.actions.act_window_close"}
