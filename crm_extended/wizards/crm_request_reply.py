# Reply wizard of a request: a canned answer inserted, edited, sent as a customer-visible message.
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class CrmRequestReply(models.TransientModel):
    _name = "crm.request.reply"
    _description = "Reply to a Request"

    # staff's wizard: a portal user reaches transient models too, and must not post as one
    request_id = fields.Many2one("crm.request", required=True, ondelete="cascade",
                                 groups="base.group_user")
    request_type_id = fields.Many2one(related="request_id.request_type_id", readonly=True,
                                      groups="base.group_user")
    category_id = fields.Many2one(related="request_id.category_id", readonly=True,
                                  groups="base.group_user")
    template_id = fields.Many2one(
        "crm.request.response.template", string="Canned Answer",
        domain="['&', '|', ('request_type_ids', '=', False), "
               "('request_type_ids', 'in', [request_type_id]), '|', "
               "('category_ids', '=', False), ('category_ids', 'in', [category_id])]",
        groups="base.group_user")
    body = fields.Html(string="Message", groups="base.group_user")

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id:
            self.body = self.template_id._render(self.request_id)

    @api.multi
    def action_send(self):
        """Send the message to the customer, in the request's chatter."""
        self.ensure_one()
        if not html2plaintext(self.body or "").strip():
            raise UserError(_("Write the answer before sending it."))
        request = self.request_id
        if not request.partner_id:
            raise UserError(_("Request %s has no customer to answer.") % request.number)
        request.message_post(body=self.body, message_type="comment",
                             subtype="mail.mt_comment", partner_ids=request.partner_id.ids)
        return {"type": "ir.actions.act_window_close"}
