"""Files on leads stay ours: a reseller reads only those sent to it in a message."""
from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def check(self, mode, values=None):
        super().check(mode, values)
        if self._uid == SUPERUSER_ID or not self.env.user.share:
            return
        if values and values.get("res_model") == "crm.lead":
            raise AccessError(_("Resellers do not attach files to leads."))
        if not self.ids:
            return
        # a lead's files are internal unless attached to a message the reseller may read
        self.env.cr.execute("""
            SELECT 1 FROM ir_attachment attachment
             WHERE attachment.id = ANY(%s) AND attachment.res_model = 'crm.lead'
               AND NOT EXISTS (
                   SELECT 1 FROM message_attachment_rel rel
                     JOIN mail_message message ON message.id = rel.message_id
                     JOIN mail_message_subtype subtype ON subtype.id = message.subtype_id
                    WHERE rel.attachment_id = attachment.id AND NOT subtype.internal)
             LIMIT 1
        """, (self.ids,))
        if self.env.cr.fetchone():
            raise AccessError(_("Sorry, you are not allowed to access this document."))
