# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MailMassMailing(models.Model):
    _inherit = "mail.mass_mailing"

    segment_id = fields.Many2one(
        "crm.segment", ondelete="set null", index=True,
        help="Mail the customers of this segment: the mailing goes to the segment's "
             "mailing list, synchronised again right before sending.")

    @api.onchange("segment_id")
    def _onchange_segment_id(self):
        if self.segment_id:
            self.mailing_model_id = self.env.ref("mass_mailing.model_mail_mass_mailing_list")
            self.contact_list_ids = self.segment_id.mailing_list_id

    @api.model
    def create(self, vals):
        mailing = super().create(vals)
        if vals.get("segment_id"):
            mailing._target_segment_list()
        return mailing

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if vals.get("segment_id"):
            self._target_segment_list()
        return result

    @api.multi
    def send_mail(self, res_ids=None):
        # Recipients are read from the list: make it current first.
        # The segment's list is a mirror kept by the system, whoever sends (the queue
        # runs as the mailing's last editor, who may not be a CRM user).
        self.mapped("segment_id").sudo()._sync_mailing_lists()
        return super().send_mail(res_ids=res_ids)

    def _target_segment_list(self):
        """Point these mailings at their segment's (synchronised) mailing list."""
        list_model = self.env.ref("mass_mailing.model_mail_mass_mailing_list")
        for mailing in self:
            segment = mailing.segment_id
            if not segment.mailing_list_id:
                segment.sudo()._sync_mailing_lists()
            lists = mailing.contact_list_ids | segment.mailing_list_id
            mailing.write({
                "mailing_model_id": list_model.id,
                "contact_list_ids": [(6, 0, lists.ids)],
                "mailing_domain": repr([("list_ids", "in", lists.ids),
                                        ("opt_out", "=", False)]),
            })
