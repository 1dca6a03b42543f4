from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_lead_conversion import LEAD_SOURCE_REQUIRED_PARAM
from .crm_lead_scoring import (
    DEFAULT_MIN_HISTORY, DEFAULT_SCORING_FIELDS, SCORING_FIELDS_PARAM, SCORING_MIN_HISTORY_PARAM)

MAILING_ATTRIBUTION = "crm_extended.mailing_attribution"
MAILING_ATTRIBUTION_DAYS = "crm_extended.mailing_attribution_days"
DEFAULT_MAILING_ATTRIBUTION_DAYS = 30


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # -- attribution
    mailing_attribution = fields.Boolean(
        "Attribute Orders to Mailings",
        help="A quotation without campaign gets the campaign of the last mass mailing the "
             "customer received within the window (last touch).")
    mailing_attribution_days = fields.Integer(
        "Attribution Window (days)", default=DEFAULT_MAILING_ATTRIBUTION_DAYS)

    # -- sales force automation
    crm_lead_source_required = fields.Boolean(
        "Lead Source Required on Conversion",
        help="A lead can only become an opportunity once its source is known.")

    # -- lead scoring
    lead_scoring_fields = fields.Char(
        default=DEFAULT_SCORING_FIELDS,
        help="Technical names of the lead's fields whose won and lost frequencies predict "
             "the probability, separated by commas. The stage always counts.")
    lead_scoring_min_history = fields.Integer(
        "Minimum History", default=DEFAULT_MIN_HISTORY,
        help="Won and lost leads a sales channel needs before its leads are scored; until "
             "then they take their stage's probability.")

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

    @api.constrains("lead_scoring_fields", "lead_scoring_min_history")
    def _check_lead_scoring(self):
        leads = self.env["crm.lead"]
        for settings in self:
            leads._scoring_check_fields(leads._scoring_parse_fields(settings.lead_scoring_fields))
            if settings.lead_scoring_min_history < 1:
                raise ValidationError(_("Lead scoring needs a minimum history of at least one "
                                        "won or lost lead."))

    @api.model
    def get_values(self):
        values = super().get_values()
        params = self.env["ir.config_parameter"].sudo()
        values.update(
            mailing_attribution=params.get_param(MAILING_ATTRIBUTION) == "True",
            mailing_attribution_days=int(params.get_param(
                MAILING_ATTRIBUTION_DAYS, DEFAULT_MAILING_ATTRIBUTION_DAYS)),
            crm_lead_source_required=params.get_param(LEAD_SOURCE_REQUIRED_PARAM) == "True",
            lead_scoring_fields=params.get_param(SCORING_FIELDS_PARAM, DEFAULT_SCORING_FIELDS),
            lead_scoring_min_history=int(params.get_param(
                SCORING_MIN_HISTORY_PARAM, DEFAULT_MIN_HISTORY)),
        )
        return values

    @api.multi
    def set_values(self):
        result = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(MAILING_ATTRIBUTION, repr(self.mailing_attribution))
        params.set_param(MAILING_ATTRIBUTION_DAYS, self.mailing_attribution_days)
        params.set_param(LEAD_SOURCE_REQUIRED_PARAM, str(bool(self.crm_lead_source_required)))
        scoring = (params.get_param(SCORING_FIELDS_PARAM, DEFAULT_SCORING_FIELDS),
                   int(params.get_param(SCORING_MIN_HISTORY_PARAM, DEFAULT_MIN_HISTORY)))
        scoring_fields = self.lead_scoring_fields or "stage_id"
        params.set_param(SCORING_FIELDS_PARAM, scoring_fields)
        params.set_param(SCORING_MIN_HISTORY_PARAM, self.lead_scoring_min_history)
        if scoring != (scoring_fields, self.lead_scoring_min_history):
            # other fields count other values: the tables and scores are rebuilt at once
            self.env["crm.lead"]._cron_lead_scoring()
        return result
