from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmMailingListAdd(models.TransientModel):
    _name = "crm.mailing.list.add"
    _description = "Add leads or partners to contact lists"

    mailing_list_ids = fields.Many2many(
        "mail.mass_mailing.list", string="Contact Lists", required=True, groups="base.group_user")
    res_model = fields.Char(
        "Records Model", required=True, readonly=True,
        default=lambda self: self.env.context.get("active_model"), groups="base.group_user")
    res_ids = fields.Char(
        "Records", required=True, readonly=True,
        default=lambda self: ",".join(str(i) for i in self.env.context.get("active_ids", [])),
        groups="base.group_user")
    record_count = fields.Integer(compute="_compute_record_count", groups="base.group_user")

    @api.depends("res_ids")
    def _compute_record_count(self):
        for wizard in self:
            wizard.record_count = len(wizard._records())

    def _records(self):
        if self.res_model not in ("crm.lead", "res.partner"):
            raise UserError(_("Only leads and partners can be added to contact lists."))
        ids = [int(i) for i in (self.res_ids or "").split(",") if i]
        return self.env[self.res_model].browse(ids).exists()

    @api.multi
    def action_add(self):
        self.ensure_one()
        records = self._records()
        # whoever adds people to a list must be allowed to see them
        records.check_access_rights("read")
        records.check_access_rule("read")
        self.env["mail.mass_mailing.contact"]._add_to_lists(
            records._mailing_contact_values(), self.mailing_list_ids)
        return {"type": "ir.actions.act_window_close"}
