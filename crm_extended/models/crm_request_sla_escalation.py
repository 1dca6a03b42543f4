# A step of a service level policy's escalation ladder: when it fires and what it does.
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_escape

ESCALATION_TRIGGERS = [
    ("percent", "Share of the target elapsed"),
    ("after_breach", "Hours after the breach"),
]
ESCALATION_ACTIONS = [
    ("notify_responsible", "Notify the responsible"),
    ("reassign_leader", "Reassign to the team leader"),
    ("notify_users", "Notify given users"),
    ("raise_priority", "Raise the priority"),
    ("schedule_activity", "Schedule an activity"),
]


class CrmRequestSlaEscalation(models.Model):
    _name = "crm.request.sla.escalation"
    _description = "Service Level Escalation Step"
    _order = "policy_id, trigger desc, percent, hours_after, id"

    policy_id = fields.Many2one("crm.request.sla.policy", required=True, index=True,
                                ondelete="cascade")
    trigger = fields.Selection(ESCALATION_TRIGGERS, required=True, default="percent")
    percent = fields.Float(string="Share Elapsed (%)", default=80.0,
                           help="The step fires when this share of the target's working "
                                "hours has elapsed.")
    hours_after = fields.Float(string="Working Hours after the Breach",
                               help="The step fires this many working hours after the "
                                    "deadline passed.")
    action = fields.Selection(ESCALATION_ACTIONS, required=True, default="notify_responsible")
    user_ids = fields.Many2many("res.users", "crm_request_sla_escalation_user_rel",
                                "escalation_id", "user_id", string="Users to Notify")
    activity_type_id = fields.Many2one("mail.activity.type")
    note = fields.Char(translate=True, help="Said in the chatter and in the activity.")

    @api.constrains("trigger", "percent", "hours_after")
    def _check_trigger(self):
        for step in self:
            if step.trigger == "percent" and not 0 < step.percent <= 100:
                raise ValidationError(_(
                    "An escalation step of %s fires at a share of the target between 1 and "
                    "100 %%.") % step.policy_id.name)
            if step.trigger == "after_breach" and step.hours_after < 0:
                raise ValidationError(_(
                    "An escalation step of %s cannot fire a negative number of hours after "
                    "the breach.") % step.policy_id.name)

    @api.constrains("action", "user_ids")
    def _check_users(self):
        for step in self.filtered(lambda step: step.action == "notify_users"):
            if not step.user_ids:
                raise ValidationError(_("Name the users an escalation step of %s notifies.")
                                      % step.policy_id.name)
            without_email = step.user_ids.filtered(lambda user: not user.email)
            if without_email:
                raise ValidationError(_(
                    "An escalation step of %(policy)s notifies users without an email "
                    "address: %(users)s. Give them one first.") % {
                        "policy": step.policy_id.name,
                        "users": ", ".join(without_email.mapped("name"))})

    def _threshold_hours_of(self, policy):
        """Working hours on the clock (pauses excluded) at which the step is due."""
        self.ensure_one()
        if self.trigger == "percent":
            return policy.time_hours * self.percent / 100.0
        return policy.time_hours + self.hours_after

    def _describe(self):
        self.ensure_one()
        if self.trigger == "percent":
            return _("%(percent)s%% of the %(hours)s working hours elapsed") % {
                "percent": "%g" % self.percent, "hours": "%g" % self.policy_id.time_hours}
        return _("%(hours)s working hours after the deadline") % {
            "hours": "%g" % self.hours_after}

    def _fire(self, line, level):
        """Do what the step says on the line's request and say in the chatter which step
        fired and why."""
        self.ensure_one()
        request = line.request_id
        leader = request.team_id.user_id
        responsible = request.user_id or leader
        recipients = self.env["res.partner"]
        outcome = ""
        if self.action == "notify_responsible":
            recipients = responsible.partner_id
            outcome = (_("Notified %s.") % responsible.name if responsible.email else
                       _("Nobody notified: the request has no responsible with an email "
                         "address."))
        elif self.action == "reassign_leader":
            if leader and leader != request.user_id:
                request.user_id = leader
                recipients = leader.partner_id
                outcome = _("Reassigned to the team leader %s.") % leader.name
            else:
                outcome = _("Not reassigned: the team has no other leader.")
        elif self.action == "notify_users":
            recipients = self.user_ids.mapped("partner_id")
            outcome = _("Notified %s.") % ", ".join(self.user_ids.mapped("name"))
        elif self.action == "raise_priority":
            priority = str(min(int(request.priority or 0) + 1, 3))
            outcome = _("Priority raised from %(old)s to %(new)s stars.") % {
                "old": request.priority or "0", "new": priority}
            request.priority = priority
        elif self.action == "schedule_activity":
            request._schedule_follow_up(
                responsible, self.note or _("Service level at risk"),
                _("%(policy)s: %(reason)s.") % {
                    "policy": self.policy_id.name, "reason": self._describe()},
                activity_type=self.activity_type_id)
            outcome = (_("Activity scheduled for %s.") % responsible.name if responsible
                       else _("No activity: the request has no responsible nor team leader."))
        request.message_post(
            body=_("<p>Service level escalation, step %(level)d of %(policy)s: %(reason)s "
                   "(deadline %(deadline)s). %(outcome)s</p>%(note)s") % {
                "level": level, "policy": html_escape(self.policy_id.name),
                "reason": self._describe(), "deadline": line._deadline_label(),
                "outcome": html_escape(outcome),
                "note": "<p>%s</p>" % html_escape(self.note) if self.note else ""},
            subtype="mail.mt_note", partner_ids=recipients.ids)
