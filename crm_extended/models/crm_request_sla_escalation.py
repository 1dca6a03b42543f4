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

    @api.model
    def _fire_steps(self, fired, moment):
        """Fire the due steps `fired` [(line, step, level)], in ladder order, in one batch:
        each action's writes grouped over all the requests it concerns, then one chatter
        message per request naming every step that fired on it and why, so that a sweep
        costs one message (and one notification) per request, not per step."""
        Request = self.env["crm.request"]
        requests = Request.browse(list({line.request_id.id: None for line, _s, _l in fired}))
        # what the steps do, applied in memory first: a later step of the same request
        # sees the earlier ones (an activity goes to the leader just assigned)
        state = {request: {"user": request.user_id, "priority": request.priority or "0",
                           "paragraphs": [], "partners": self.env["res.partner"],
                           "activities": []} for request in requests}
        for line, step, level in fired:
            request = line.request_id
            outcome = step._apply(request, state[request])
            state[request]["paragraphs"].append(_(
                "<p>Service level escalation, step %(level)d of %(policy)s: %(reason)s "
                "(deadline %(deadline)s). %(outcome)s</p>%(note)s") % {
                    "level": level, "policy": html_escape(step.policy_id.name),
                    "reason": step._describe(), "deadline": line._deadline_label(),
                    "outcome": html_escape(outcome),
                    "note": "<p>%s</p>" % html_escape(step.note) if step.note else ""})
        # The chatter message says who was reassigned and which priority was raised: the
        # field tracking would only repeat it, in a second message per request.
        quiet = Request.with_context(tracking_disable=True)
        for user, group in self._group(requests, lambda request: state[request]["user"]
                                       if state[request]["user"] != request.user_id
                                       else None).items():
            quiet.browse(group.ids).with_context(crm_request_sla_sync=True).write(
                {"user_id": user.id})
            group.message_subscribe(partner_ids=user.partner_id.ids)
        for priority, group in self._group(requests, lambda request: state[request]["priority"]
                                           if state[request]["priority"] != (
                                               request.priority or "0") else None).items():
            # not in sync mode: a higher priority may bring other policies into play
            quiet.browse(group.ids).write({"priority": priority})
        escalated = requests.filtered(lambda request: not request.is_escalated)
        if escalated:
            quiet.browse(escalated.ids).with_context(crm_request_sla_sync=True).write({
                "is_escalated": True, "date_escalated": fields.Datetime.to_string(moment)})
        for request in requests:
            for user, summary, note, activity_type in state[request]["activities"]:
                request._schedule_follow_up(user, summary, note, activity_type=activity_type)
            # queued, not sent inside the sweep: the mail queue's cron sends them in batches
            request.with_context(mail_notify_force_send=False).message_post(
                body="".join(state[request]["paragraphs"]), subtype="mail.mt_note",
                partner_ids=state[request]["partners"].ids)

    @staticmethod
    def _group(records, key):
        """{key: records} of the records whose key is set."""
        groups = {}
        for record in records:
            value = key(record)
            if value:
                groups[value] = groups.get(value, record.browse()) | record
        return groups

    def _apply(self, request, state):
        """Do what the step says to the in-memory `state` of `request` (responsible,
        priority, who to notify, activities to schedule); return what it did, as the
        chatter says it. Users without an email address are named, not notified."""
        self.ensure_one()
        leader = request.team_id.user_id
        responsible = state["user"] or leader
        if self.action == "notify_responsible":
            return self._tell(responsible, state) if responsible else _(
                "Nobody notified: the request has no responsible nor team leader.")
        if self.action == "reassign_leader":
            if not leader or leader == state["user"]:
                return _("Not reassigned: the team has no other leader.")
            state["user"] = leader
            return " ".join([_("Reassigned to the team leader %s.") % leader.name,
                             self._tell(leader, state)])
        if self.action == "notify_users":
            return self._tell(self.user_ids, state)
        if self.action == "raise_priority":
            old = state["priority"]
            state["priority"] = str(min(int(old) + 1, 3))
            return _("Priority raised from %(old)s to %(new)s stars.") % {
                "old": old, "new": state["priority"]}
        if not responsible:
            return _("No activity: the request has no responsible nor team leader.")
        state["activities"].append((
            responsible, self.note or _("Service level at risk"),
            _("%(policy)s: %(reason)s.") % {"policy": self.policy_id.name,
                                            "reason": self._describe()},
            self.activity_type_id))
        return _("Activity scheduled for %s.") % responsible.name

    @staticmethod
    def _tell(users, state):
        """Add the users with an email address to the message's recipients; say who they
        are, and who could not be told for want of one."""
        reachable = users.filtered("email")
        state["partners"] |= reachable.mapped("partner_id")
        said = []
        if reachable:
            said.append(_("Notified %s.") % ", ".join(reachable.mapped("name")))
        if users - reachable:
            said.append(_("Not notified, no email address: %s.")
                        % ", ".join((users - reachable).mapped("name")))
        return " ".join(said)
