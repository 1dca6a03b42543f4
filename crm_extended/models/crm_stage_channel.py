"""Stages a reseller may move its opportunities to in the portal."""
from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    partner_visible = fields.Boolean(
        "Open to Resellers", groups="base.group_user",
        help="Resellers may move the opportunities they work to this stage in the portal. "
             "Won stages never are: resellers mark an opportunity won with its own button.")
