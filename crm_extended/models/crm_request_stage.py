from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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

    # -- service levels: automation on a customer's reply and on timeout
    # internal configuration: portal users read stages for their requests' status only
    on_customer_reply_stage_id = fields.Many2one(
        "crm.request.stage", string="On Customer Reply", groups="base.group_user",
        help="A customer's reply (by mail or on the portal) moves a request of this stage "
             "there, e.g. from Waiting for Customer to In Progress.")
    timeout_days = fields.Integer(
        string="Timeout (working days)", groups="base.group_user",
        help="After this many working days in this stage a request moves to the timeout "
             "stage, e.g. closed after 10 days waiting for the customer. 0: never.")
    timeout_stage_id = fields.Many2one("crm.request.stage", groups="base.group_user")
    timeout_warning_days = fields.Integer(
        string="Warn (working days before)", groups="base.group_user",
        help="Tell the customer by mail this many working days before the timeout. 0: no "
             "warning.")
    timeout_template_id = fields.Many2one(
        "mail.template", string="Timeout Warning Email", groups="base.group_user",
        domain=[("model", "=", "crm.request")],
        help="By default the addon's timeout warning.")

    @api.constrains("timeout_days", "timeout_stage_id", "timeout_warning_days")
    def _check_timeout(self):
        for stage in self:
            if stage.timeout_days < 0 or stage.timeout_warning_days < 0:
                raise ValidationError(_("The timeout of the stage %s cannot be negative.")
                                      % stage.name)
            if stage.timeout_days and not stage.timeout_stage_id:
                raise ValidationError(_("Choose the stage requests of %s move to on timeout.")
                                      % stage.name)
            if stage.timeout_stage_id == stage:
                raise ValidationError(_("The stage %s cannot time out into itself.")
                                      % stage.name)
            if stage.timeout_warning_days and stage.timeout_warning_days >= stage.timeout_days:
                raise ValidationError(_(
                    "The warning of the stage %s must come before its timeout.") % stage.name)
