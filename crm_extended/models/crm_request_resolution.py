# Resolution code of a request: how it ended, for agents and for reports.
from odoo import fields, models


class CrmRequestResolution(models.Model):
    _name = "crm.request.resolution"
    _description = "Request Resolution"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    request_type_ids = fields.Many2many(
        "crm.request.type", "crm_request_resolution_type_rel", "resolution_id", "type_id",
        string="Request Types", help="The types this resolution fits; all when empty.")
