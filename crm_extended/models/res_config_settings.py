from odoo import api, fields, models

from .crm_lead import LEAD_SOURCE_REQUIRED_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # -- sales force automation
    crm_lead_source_required = fields.Boolean(
        "Lead Source Required on Conversion",
        help="A lead can only become an opportunity once its source is known.")

    @api.model
    def get_values(self):
        values = super().get_values()
        param = self.env["ir.config_parameter"].sudo().get_param(LEAD_SOURCE_REQUIRED_PARAM)
        values["crm_lead_source_required"] = param == "True"
        return values

    @api.multi
    def set_values(self):
        result = super().set_values()
        self.env["ir.config_parameter"].sudo().set_param(
            LEAD_SOURCE_REQUIRED_PARAM, str(bool(self.crm_lead_source_required)))
        return result
