from odoo import fields, models

STAGE_STATES = [
    ("new", "New"),
    ("open", "In Progress"),
    ("done", "Closed"),
    ("cancel", "Cancelled"),
]
CLOSED_STATES = ("done", "cancel")


class CrmRequestStage(models.Model):
    _name = "crm.request.stage"
    _description = "Request Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban",
                          help="Requests in a folded stage are out of the way in the kanban view.")
    state = fields.Selection(STAGE_STATES, required=True, default="open",
                             help="What the stage means for reports and SLA: requests entering a "
                                  "closed or cancelled stage get their closing date.")
    description = fields.Text(translate=True, groups="base.group_user")
    required_field_ids = fields.Many2many(
        "ir.model.fields", string="Required Fields",
        domain=[("model", "=", "crm.request"), ("store", "=", True)],
        help="Fields that must be filled before a request may enter this stage.",
        groups="base.group_user")
