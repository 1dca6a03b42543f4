# Service level policy: which requests it covers, its target in working hours, its ladder.
from odoo import _, api, fields, models
from odoo.addons.crm.models.crm_stage import AVAILABLE_PRIORITIES
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from .crm_request_sla_time import WorkingTime

SLA_TARGETS = [
    ("first_response", "First Response"),
    ("resolution", "Resolution"),
]


class CrmRequestSlaPolicy(models.Model):
    _name = "crm.request.sla.policy"
    _description = "Service Level Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_ids = fields.Many2many(
        "crm.request.team", "crm_request_sla_policy_team_rel", "policy_id", "team_id",
        string="Teams", help="Requests of these teams; all teams when empty.")
    request_type_ids = fields.Many2many(
        "crm.request.type", "crm_request_sla_policy_type_rel", "policy_id", "type_id",
        string="Request Types", help="Requests of these types; all types when empty.")
    category_ids = fields.Many2many(
        "crm.request.category", "crm_request_sla_policy_category_rel", "policy_id",
        "category_id", string="Categories",
        help="Requests of these categories; all categories when empty.")
    priority = fields.Selection(AVAILABLE_PRIORITIES, string="Minimum Priority", default="0",
                                required=True)
    customer_group_ids = fields.Many2many(
        "crm.customer.group", "crm_request_sla_policy_group_rel", "policy_id", "group_id",
        string="Customer Groups",
        help="Requests of customers of these groups; all customers when empty.")
    partner_domain = fields.Char(
        string="Customers Matching", default="[]",
        help="A domain on the customer (e.g. [('country_id.code', '=', 'ES')]); the request's "
             "customer entity or its contact must match.")
    target = fields.Selection(SLA_TARGETS, required=True, default="resolution")
    time_hours = fields.Float(string="Target (working hours)", required=True, default=8.0)
    calendar_id = fields.Many2one(
        "resource.calendar", string="Working Hours",
        help="Calendar the target is counted on; by default the team's, then the company's. "
             "Leaves and public holidays of the calendar do not count.")
    round_the_clock = fields.Boolean(
        compute="_compute_round_the_clock",
        help="No calendar on the policy, its teams or the company: hours count round the "
             "clock.")
    paused_stage_ids = fields.Many2many(
        "crm.request.stage", "crm_request_sla_policy_paused_stage_rel", "policy_id",
        "stage_id", string="Stages Pausing the Clock",
        help="While the request is in one of these stages (e.g. Waiting for Customer) the "
             "clock stands still and the deadline moves by the time paused.")
    reach_stage_ids = fields.Many2many(
        "crm.request.stage", "crm_request_sla_policy_reach_stage_rel", "policy_id",
        "stage_id", string="Stages Reaching the Target",
        help="Entering one of these stages reaches the target; when empty, the closed "
             "stages. A first response target is also reached by the first reply the "
             "customer sees.")
    escalation_ids = fields.One2many("crm.request.sla.escalation", "policy_id",
                                     string="Escalation Ladder", copy=True)
    line_count = fields.Integer(compute="_compute_line_count", string="SLA Lines")

    @api.depends("calendar_id", "team_ids.resource_calendar_id",
                 "company_id.resource_calendar_id")
    def _compute_round_the_clock(self):
        for policy in self:
            policy.round_the_clock = not (
                policy.calendar_id or policy.company_id.resource_calendar_id
                or (policy.team_ids and all(team.resource_calendar_id
                                            for team in policy.team_ids)))

    def _compute_line_count(self):
        data = self.env["crm.request.sla.line"].read_group(
            [("policy_id", "in", self.ids)], ["policy_id"], ["policy_id"])
        counts = {row["policy_id"][0]: row["policy_id_count"] for row in data}
        for policy in self:
            policy.line_count = counts.get(policy.id, 0)

    # ------------------------------------------------------------------ checks

    @api.constrains("time_hours")
    def _check_time_hours(self):
        for policy in self:
            if policy.time_hours <= 0:
                raise ValidationError(_("The target of the service level policy %s must be a "
                                        "positive number of working hours.") % policy.name)

    @api.constrains("paused_stage_ids", "reach_stage_ids")
    def _check_stages(self):
        for policy in self:
            both = policy.paused_stage_ids & policy.reach_stage_ids
            if both:
                raise ValidationError(_(
                    "A stage cannot both pause the clock and reach the target of the policy "
                    "%(policy)s: %(stages)s.") % {
                        "policy": policy.name, "stages": ", ".join(both.mapped("name"))})

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for policy in self:
            try:
                self.env["res.partner"].search_count(policy._partner_domain())
            except Exception as error:
                raise ValidationError(_(
                    "The customer domain of the policy %(policy)s is not valid: %(error)s") % {
                        "policy": policy.name, "error": error})

    def _partner_domain(self):
        domain = safe_eval(self.partner_domain or "[]")
        if not isinstance(domain, list):
            raise ValueError(_("a domain is a list of conditions"))
        return domain

    # ------------------------------------------------------------------ matching

    def _applies_to(self, request):
        """Whether the policy covers `request` (partner domains are checked apart, in
        one query per policy: see _filter_applicable)."""
        self.ensure_one()
        return (self.company_id == request.company_id
                and (not self.team_ids or request.team_id in self.team_ids)
                and (not self.request_type_ids or request.request_type_id in self.request_type_ids)
                and (not self.category_ids or request.category_id in self.category_ids)
                and int(request.priority or 0) >= int(self.priority or 0)
                and (not self.customer_group_ids or (
                    request.commercial_partner_id.customer_group_id in self.customer_group_ids)))

    @api.model
    def _policies_for(self, requests):
        """{request: policies} of the active policies covering each request."""
        policies = self.sudo().search([("company_id", "in", requests.mapped("company_id").ids)])
        result = {request: policies.browse() for request in requests}
        for policy in policies:
            covered = requests.filtered(policy._applies_to)
            if covered and policy._partner_domain():
                partners = covered.mapped("partner_id") | covered.mapped("commercial_partner_id")
                matching = self.env["res.partner"].sudo().with_context(
                    active_test=False).search(expression.AND([
                        [("id", "in", partners.ids)], policy._partner_domain()]))
                covered = covered.filtered(lambda request: (
                    request.partner_id | request.commercial_partner_id) & matching)
            for request in covered:
                result[request] |= policy
        return result

    # ------------------------------------------------------------------ time

    def _working_time(self, team, cache):
        """The WorkingTime the policy counts on for a request of `team`: the policy's
        calendar, else the team's, else the company's, in the company's time zone."""
        self.ensure_one()
        calendar = (self.calendar_id or team.resource_calendar_id
                    or self.company_id.resource_calendar_id)
        tz_name = self.company_id.partner_id.tz or "UTC"
        key = (calendar.id, tz_name)
        if key not in cache:
            cache[key] = WorkingTime.from_calendar(calendar, tz_name)
        return cache[key]

    def _reach_stages(self):
        self.ensure_one()
        return self.reach_stage_ids or self.env["crm.request.stage"].search(
            [("state", "=", "done")])

    # ------------------------------------------------------------------ migration

    @api.model
    def _migrate_from_type_deadlines(self):
        """Policies and lines for the requests of types with a deadline in working days
        (the service level of version 11.0.1.1.0); see migrations/11.0.1.2.0."""
        Line = self.env["crm.request.sla.line"]
        for request_type in self.env["crm.request.type"].search([("auto_due_days", ">", 0)]):
            requests = self.env["crm.request"].search([
                ("request_type_id", "=", request_type.id), ("date_deadline", "!=", False),
                ("sla_line_ids", "=", False)])
            for company in requests.mapped("company_id") | (
                    request_type.company_id or self.env.user.company_id):
                policy = self.create(request_type._sla_policy_values(company))
                for request in requests.filtered(lambda request: request.company_id == company):
                    Line.create(Line._migrated_values(request, policy))
            requests._sla_sync()

    @api.multi
    def action_view_lines(self):
        self.ensure_one()
        action = self.env.ref("crm_extended.crm_request_sla_line_action").read()[0]
        action.update(domain=[("policy_id", "=", self.id)],
                      context={"default_policy_id": self.id})
        return action
