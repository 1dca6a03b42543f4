# Service level line: the clock of one policy on one request (deadline, pauses, outcome).
import pytz

from odoo import api, fields, models

from .crm_request_sla_policy import SLA_TARGETS

SLA_LINE_STATES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("missed", "Missed"),
    ("cancelled", "Cancelled"),
]
OPEN_LINE_STATES = ("running", "paused")
# A running line is at risk in the last quarter of the time to its deadline.
AT_RISK_SHARE = 0.25


def _to_datetime(value):
    return value and fields.Datetime.from_string(value)


class CrmRequestSlaLine(models.Model):
    _name = "crm.request.sla.line"
    _description = "Service Level Line"
    _order = "deadline, id"
    _rec_name = "policy_id"

    request_id = fields.Many2one("crm.request", required=True, index=True, ondelete="cascade")
    policy_id = fields.Many2one("crm.request.sla.policy", required=True, index=True,
                                ondelete="restrict")
    company_id = fields.Many2one("res.company", related="request_id.company_id", store=True,
                                 readonly=True)
    target = fields.Selection(SLA_TARGETS, required=True)
    time_hours = fields.Float(string="Target (working hours)", required=True,
                              help="The policy's target when the line started.")
    date_start = fields.Datetime(string="Started", required=True)
    deadline = fields.Datetime(index=True)
    state = fields.Selection(SLA_LINE_STATES, required=True, default="running", index=True)
    consumed_hours = fields.Float(string="Consumed (working hours)",
                                  help="Working hours the clock ran, pauses excluded, up to "
                                       "the last pause, resumption or the target's outcome.")
    paused_hours = fields.Float(string="Paused (working hours)")
    date_clock = fields.Datetime(string="Running Since",
                                 help="When the clock last started or resumed.")
    date_paused = fields.Datetime(string="Paused Since")
    date_met = fields.Datetime(string="Reached on",
                               help="When the target was reached, in time or late.")
    escalation_level = fields.Integer(help="How many steps of the escalation ladder fired.")
    next_escalation_date = fields.Datetime(index=True, readonly=True)

    _sql_constraints = [
        ("time_hours_positive", "CHECK (time_hours > 0)",
         "The target of a service level line must be a positive number of working hours."),
    ]

    def _working_time(self, cache):
        self.ensure_one()
        return self.policy_id._working_time(self.request_id.team_id, cache)

    # ------------------------------------------------------------------ start

    @api.model
    def _start_values(self, request, policy, now, cache):
        """Values of the line of `policy` starting on `request` at `now` (paused when the
        request sits in one of the policy's pausing stages)."""
        working_time = policy._working_time(request.team_id, cache)
        moment = fields.Datetime.from_string(now)
        values = {
            "request_id": request.id, "policy_id": policy.id, "target": policy.target,
            "time_hours": policy.time_hours, "date_start": now,
        }
        if request.stage_id in policy.paused_stage_ids:
            values.update(state="paused", date_paused=now, deadline=False)
        else:
            values.update(state="running", date_clock=now, deadline=fields.Datetime.to_string(
                working_time.add_hours(moment, policy.time_hours)))
            values["next_escalation_date"] = self._next_escalation(
                policy, 0, 0.0, moment, working_time)
        return values

    @api.model
    def _migrated_values(self, request, policy):
        """The line of a request filed before service level lines, keeping the deadline it
        was given (see migrations/11.0.1.2.0)."""
        values = {
            "request_id": request.id, "policy_id": policy.id, "target": policy.target,
            "time_hours": policy.time_hours, "date_start": request.create_date,
            "deadline": request.date_deadline,
            "escalation_level": 1 if request.is_escalated else 0,
        }
        if request.state == "cancel":
            values["state"] = "cancelled"
        elif request.date_closed:
            values.update(date_met=request.date_closed, state=(
                "met" if request.date_closed <= request.date_deadline else "missed"))
        else:
            values.update(state="running", date_clock=request.create_date,
                          next_escalation_date=False if request.is_escalated
                          else request.date_deadline)
        return values

    @api.model
    def _next_escalation(self, policy, level, consumed, clock, working_time):
        """When the next unfired step of `policy`'s ladder is due, for a clock running since
        `clock` with `consumed` hours already spent."""
        steps = policy.escalation_ids.sorted(lambda step: step._threshold_hours_of(policy))
        if level >= len(steps):
            return False
        left = steps[level]._threshold_hours_of(policy) - consumed
        return fields.Datetime.to_string(working_time.add_hours(clock, max(left, 0.0)))

    # ------------------------------------------------------------------ transitions

    def _elapsed(self, now, cache):
        """Working hours consumed up to `now` (a datetime), the running segment included."""
        self.ensure_one()
        if self.state != "running":
            return self.consumed_hours
        return self.consumed_hours + self._working_time(cache).hours_between(
            _to_datetime(self.date_clock), now)

    def _pause(self, now, cache):
        moment = fields.Datetime.from_string(now)
        for line in self.filtered(lambda line: line.state == "running"):
            line.write({"state": "paused", "date_paused": now, "date_clock": False,
                        "consumed_hours": line._elapsed(moment, cache),
                        "next_escalation_date": False})

    def _resume(self, now, cache):
        moment = fields.Datetime.from_string(now)
        for line in self.filtered(lambda line: line.state == "paused"):
            working_time = line._working_time(cache)
            left = line.time_hours - line.consumed_hours
            values = {
                "state": "running", "date_clock": now, "date_paused": False,
                "paused_hours": line.paused_hours + working_time.hours_between(
                    _to_datetime(line.date_paused), moment),
                "next_escalation_date": self._next_escalation(
                    line.policy_id, line.escalation_level, line.consumed_hours, moment,
                    working_time),
            }
            # Breached before the pause: the deadline that was missed stays.
            if left > 0 or not line.deadline:
                values["deadline"] = fields.Datetime.to_string(
                    working_time.add_hours(moment, left))
            line.write(values)

    def _reach(self, now, cache):
        """The target is reached at `now`: met in time, or missed."""
        moment = fields.Datetime.from_string(now)
        for line in self.filtered(lambda line: line.state in OPEN_LINE_STATES):
            values = {"date_met": now, "date_clock": False, "date_paused": False,
                      "next_escalation_date": False}
            if line.state == "running":
                values["consumed_hours"] = line._elapsed(moment, cache)
                in_time = moment <= _to_datetime(line.deadline)
            else:
                values["paused_hours"] = line.paused_hours + line._working_time(
                    cache).hours_between(_to_datetime(line.date_paused), moment)
                in_time = line.consumed_hours <= line.time_hours
            values["state"] = "met" if in_time else "missed"
            line.write(values)

    def _cancel(self, now, cache):
        """The policy no longer applies, or the request was cancelled: the line stays,
        cancelled, with the time it ran."""
        moment = fields.Datetime.from_string(now)
        for line in self.filtered(lambda line: line.state in OPEN_LINE_STATES):
            line.write({"state": "cancelled", "consumed_hours": line._elapsed(moment, cache),
                        "date_clock": False, "next_escalation_date": False})

    # ------------------------------------------------------------------ escalation

    @api.model
    def _cron_escalate(self, now=None):
        """Fire the escalation steps that are due (one indexed query finds them); each
        step fires once per line, so a second run fires nothing."""
        now = now or self.env["crm.request"]._sla_now()
        lines = self.search([("state", "=", "running"), ("next_escalation_date", "<=", now)],
                            order="next_escalation_date, id")
        lines._fire_due_steps(fields.Datetime.from_string(now))
        return lines

    def _fire_due_steps(self, moment):
        """Fire the steps of the lines' ladders due at `moment`, all lines in one batch:
        their new levels and next due dates written per group of equal values, the steps
        themselves fired together (see crm.request.sla.escalation._fire_steps)."""
        cache, ladders, fired, groups = {}, {}, [], {}
        for line in self:
            policy = line.policy_id
            if policy not in ladders:
                ladders[policy] = policy.escalation_ids.sorted(
                    lambda step: step._threshold_hours_of(policy))
            steps = ladders[policy]
            elapsed = line._elapsed(moment, cache)
            level = line.escalation_level
            # A minute's grace: the clock is counted to the second, the due date too.
            while (level < len(steps)
                   and steps[level]._threshold_hours_of(policy) <= elapsed + 1.0 / 60):
                fired.append((line, steps[level], level + 1))
                level += 1
            key = (level, self._next_escalation(policy, level, line.consumed_hours,
                                                _to_datetime(line.date_clock),
                                                line._working_time(cache)))
            groups[key] = groups.get(key, self.browse()) | line
        for (level, next_date), lines in groups.items():
            lines.write({"escalation_level": level, "next_escalation_date": next_date})
        if fired:
            self.env["crm.request.sla.escalation"]._fire_steps(fired, moment)

    def _deadline_label(self):
        """The deadline as the company reads it (its time zone)."""
        self.ensure_one()
        if not self.deadline:
            return "-"
        tz = pytz.timezone(self.company_id.partner_id.tz or "UTC")
        local = pytz.UTC.localize(_to_datetime(self.deadline)).astimezone(tz)
        return "%s %s" % (local.strftime("%Y-%m-%d %H:%M"), tz.zone)
