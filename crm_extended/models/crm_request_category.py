from odoo import fields, models


class CrmRequestCategory(models.Model):
    _name = "crm.request.category"
    _inherit = ["crm.request.routing.source"]
    _description = "Request Category"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id)
