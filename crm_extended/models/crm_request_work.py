# Time and material logged on a request, billable through a draft customer invoice.
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmRequestWork(models.Model):
    _name = "crm.request.work"
    _description = "Request Work"
    _order = "date desc, id desc"

    request_id = fields.Many2one("crm.request", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", related="request_id.company_id", store=True,
                                 readonly=True)
    name = fields.Char(string="Description", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Done by", required=True,
                              default=lambda self: self.env.user)
    hours = fields.Float()
    product_id = fields.Many2one("product.product", string="Service",
                                 domain=[("type", "=", "service")])
    material_product_id = fields.Many2one("product.product", string="Material",
                                          domain=[("type", "!=", "service")])
    material_qty = fields.Float(string="Material Quantity")
    billable = fields.Boolean(default=True)
    invoice_line_id = fields.Many2one("account.invoice.line", string="Invoiced Service Line",
                                      readonly=True, copy=False, ondelete="set null",
                                      index=True)
    material_invoice_line_id = fields.Many2one(
        "account.invoice.line", string="Invoiced Material Line", readonly=True, copy=False,
        ondelete="set null")
    invoice_id = fields.Many2one("account.invoice", readonly=True,
                                 copy=False, index=True, ondelete="set null")

    @api.constrains("hours", "material_qty", "product_id", "material_product_id", "billable")
    def _check_quantities(self):
        for work in self:
            if work.hours < 0 or work.material_qty < 0:
                raise ValidationError(_("Hours and quantities of work cannot be negative."))
            if work.hours and work.billable and not work.product_id:
                raise ValidationError(_("Billable hours need the service they are billed as."))
            if work.material_qty and not work.material_product_id:
                raise ValidationError(_("A material quantity needs its product."))
            if not work.hours and not work.material_qty:
                raise ValidationError(_("Log hours, material or both."))

    @api.multi
    def write(self, vals):
        if self.filtered("invoice_id") and set(vals) & {
                "hours", "product_id", "material_product_id", "material_qty", "billable"}:
            raise ValidationError(_("Invoiced work cannot be changed; correct the invoice."))
        return super().write(vals)

    @api.multi
    def unlink(self):
        if self.filtered("invoice_id"):
            raise ValidationError(_("Invoiced work cannot be deleted."))
        return super().unlink()
