"""account.invoice: the requests about an invoice or settled by a credit note (smart button)."""
from odoo import api, fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    request_ids = fields.One2many("crm.request", "invoice_id", string="Requests",
                                  groups="crm_extended.group_crm_extended_user")
    request_count = fields.Integer(compute="_compute_request_count", string="Requests",
                                   groups="crm_extended.group_crm_extended_user",
                                   help="Requests about this invoice, or settled by this "
                                        "credit note.")

    def _request_domain(self):
        return ["|", ("invoice_id", "in", self.ids), ("refund_id", "in", self.ids)]

    def _compute_request_count(self):
        counts = dict.fromkeys(self.ids, 0)
        for row in self.env["crm.request"].search_read(self._request_domain(),
                                                       ["invoice_id", "refund_id"]):
            for link in {row["invoice_id"] and row["invoice_id"][0],
                         row["refund_id"] and row["refund_id"][0]} & set(counts):
                counts[link] += 1
        for invoice in self:
            invoice.request_count = counts.get(invoice.id, 0)

    @api.multi
    def action_view_requests(self):
        self.ensure_one()
        link = "refund_id" if self.type == "out_refund" else "invoice_id"
        return self.env["crm.request"]._action_for_documents(
            self._request_domain(),
            {"default_" + link: self.id, "default_partner_id": self.partner_id.id,
             "default_campaign_id": self.campaign_id.id})
