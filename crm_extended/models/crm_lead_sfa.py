"""crm.lead: next step following the activities, probability following the automated one."""
from odoo import api, fields, models
from odoo.tools import float_compare


class CrmLead(models.Model):
    _inherit = "crm.lead"

    next_step = fields.Char(
        help="What happens next with this opportunity. Follows the summary (or type) of the "
             "next scheduled activity whenever there is one; free text otherwise.")
    next_step_date = fields.Date(
        help="When the next step is due: the deadline of the next scheduled activity "
             "whenever there is one.")
    probability_manual = fields.Boolean(
        "Probability Set by Hand", copy=False,
        help="The probability is the salesperson's own estimate and no longer follows the "
             "automated probability. Untick to follow it again.")

    # next step <-> activities

    @api.multi
    def _sync_next_step(self):
        """Mirror the next scheduled activity (earliest deadline) into the next step."""
        if not self:
            return
        activities = self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)],
            order="date_deadline, id")
        next_activity = {}
        for activity in activities:
            next_activity.setdefault(activity.res_id, activity)
        # Activities belong to the lead: whoever may schedule one may move its next step.
        for lead in self.sudo().exists():
            activity = next_activity.get(lead.id)
            values = {
                "next_step": activity and (activity.summary or activity.activity_type_id.name)
                or False,
                "next_step_date": activity and activity.date_deadline or False,
            }
            if (lead.next_step or False, lead.next_step_date or False) != (
                    values["next_step"], values["next_step_date"]):
                lead.write(values)

    # probability: follows the automated probability (the stage's while the sales channel
    # lacks history, see crm_lead_scoring) unless set by hand

    @api.model
    def _onchange_stage_id_values(self, stage_id):
        values = super()._onchange_stage_id_values(stage_id)
        stage = self.env["crm.stage"].browse(stage_id)
        # Won stages always take their probability; other moves keep a hand-set estimate.
        if "probability" in values:
            if stage.probability < 100 and self and all(self.mapped("probability_manual")):
                del values["probability"]
            else:
                values["probability_manual"] = False
        return values

    @api.onchange("probability")
    def _onchange_probability_manual(self):
        self.probability_manual = self._is_probability_manual(
            {"probability": self.probability}, self.stage_id, self.automated_probability)

    @api.onchange("probability_manual")
    def _onchange_probability_follow_stage(self):
        if not self.probability_manual and self.stage_id:
            # an unsaved lead has no automated probability yet: its stage's is the prior
            self.probability = self.automated_probability or self.stage_id.probability

    @api.model
    def _is_probability_manual(self, vals, stage, automated=None):
        """A probability is the salesperson's own when it is neither the stage's (what Odoo
        puts on a stage change, before the lead is rescored) nor the automated one."""
        probability = vals["probability"]
        return bool(vals.get("active", True)) and all(
            float_compare(probability, default or 0.0, precision_digits=2) != 0
            for default in (stage.probability, automated) if default is not None)

    @api.model
    def create(self, vals):
        if vals.get("stage_id") and "probability" not in vals:
            # Odoo takes the default stage's probability even when another stage is given
            vals = dict(vals, **self._onchange_stage_id_values(vals["stage_id"]))
        lead = super().create(vals)
        if ("probability" in vals and "probability_manual" not in vals
                and self._is_probability_manual(
                    vals, lead.stage_id, lead.sudo().automated_probability)):
            lead.probability_manual = True
        return lead

    @api.multi
    def write(self, vals):
        if vals.get("stage_id") and "probability" not in vals:
            sticky = self.filtered("probability_manual")
            if sticky and sticky != self:
                # each part takes its own probability rule (see _onchange_stage_id_values)
                return sticky.write(dict(vals)) and (self - sticky).write(dict(vals))
        if "probability" in vals and "probability_manual" not in vals:
            stage = self.env["crm.stage"].browse(vals.get("stage_id"))
            manual = self.filtered(lambda lead: self._is_probability_manual(
                vals, stage or lead.stage_id, lead.sudo().automated_probability))
            for leads, flag in ((manual, True), (self - manual, False)):
                if leads:
                    super(CrmLead, leads).write(dict(vals, probability_manual=flag))
            return True
        return super().write(vals)
