from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_lead_conversion import LEAD_SOURCE_REQUIRED_PARAM

MAILING_ATTRIBUTION = "crm_extended.mailing_attribution"
MAILING_ATTRIBUTION_DAYS = "crm_extended.mailing_attribution_days"
DEFAULT_MAILING_ATTRIBUTION_DAYS = 30


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # -- attribution
    mailing_attribution = fields.Boolean(
        "Attribute Orders to Mailings",
        help="A quotation without campaign gets the campaign of the last mass mailing the "
             "customer received within the window (last touch).", groups="base.group_system")
    mailing_attribution_days = fields.Integer(
        "Attribution Window (days)", default=DEFAULT_MAILING_ATTRIBUTION_DAYS,
        groups="base.group_system")

    # -- sales force automation
    crm_lead_source_required = fields.Boolean(
        "Lead Source Required on Conversion",
        help="A lead can only become an opportunity once its source is known.",
        groups="base.group_system")

    @api.model
    def _mailing_attribution_days(self):
        """The window of the last-touch rule in days, 0 when the rule is off."""
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(MAILING_ATTRIBUTION) != "True":
            return 0
        return int(params.get_param(MAILING_ATTRIBUTION_DAYS, DEFAULT_MAILING_ATTRIBUTION_DAYS))

    @api.constrains("mailing_attribution_days")
    def _check_mailing_attribution_days(self):
        for settings in self:
            if settings.mailing_attribution and settings.mailing_attribution_days < 1:
                raise ValidationError(
                    _("The mailing attribution window must be at least one day."))

    @api.model
    def get_values(self):
        values = super().get_values()
        params = self.env["ir.config_parameter"].sudo()
        values.update(
            mailing_attribution=params.get_param(MAILING_ATTRIBUTION) == "True",
            mailing_attribution_days=int(params.get_param(
                MAILING_ATTRIBUTION_DAYS, DEFAULT_MAILING_ATTRIBUTION_DAYS)),
            crm_lead_source_required=params.get_param(LEAD_SOURCE_REQUIRED_PARAM) == "True",
        )
        return values

    @api.multi
    def set_values(self):
        result = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(MAILING_ATTRIBUTION, repr(self.mailing_attribution))
        params.set_param(MAILING_ATTRIBUTION_DAYS, self.mailing_attribution_days)
        params.set_param(LEAD_SOURCE_REQUIRED_PARAM, str(bool(self.crm_lead_source_required)))
        return result
