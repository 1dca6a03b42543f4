# Customer invoices: the request work they bill (the other side of the link).
from odoo import fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    request_work_ids = fields.One2many("crm.request.work", "invoice_id",
                                       string="Request Work", groups="base.group_user")
