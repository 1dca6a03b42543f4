from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .crm_request_sla_time import WorkingTime

CONFIDENTIALITY = [
    ("public", "Public (customer)"),
    ("partner", "Customer's organisation"),
    ("internal", "Internal"),
]
DOCUMENT_TYPES = [
    ("none", "None"),
    ("quotation", "Quotation"),
    ("out_invoice", "Customer Invoice"),
    ("out_refund", "Credit Note"),
]


class CrmRequestType(models.Model):
    _name = "crm.request.type"
    _inherit = ["crm.request.routing.source"]
    _description = "Request Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code used in reports and integrations.",
                       groups="base.group_user")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id)
    sequence_id = fields.Many2one(
        "ir.sequence", string="Numbering", copy=False,
        help="Own numbering of this type; requests of types without one use the generic "
             "request numbering (REQ/year/number).", groups="base.group_user")
    prefix = fields.Char(compute="_compute_prefix", inverse="_inverse_prefix",
                         help="Prefix of the case numbers of this type, e.g. WAR/%(year)s/. "
                              "Setting it gives the type its own numbering.",
                         groups="base.group_user")
    team_id = fields.Many2one("crm.request.team", string="Default Team", groups="base.group_user")
    user_id = fields.Many2one("res.users", string="Default Responsible", groups="base.group_user")
    auto_due_days = fields.Integer(
        string="Due in (working days)",
        help="Service level: the deadline is this many working days after the request is "
             "filed, counted on the company's working calendar. 0 means no deadline.",
        groups="base.group_user")
    remind_days_before = fields.Integer(
        string="Remind (days before)",
        help="Schedule a reminder activity for the responsible this many days before the "
             "deadline. 0 means no reminder.", groups="base.group_user")
    escalate_to_leader = fields.Boolean(
        string="Escalate to Team Leader",
        help="When the deadline passes, the request is reassigned to its team's leader.",
        groups="base.group_user")
    confidentiality = fields.Selection(CONFIDENTIALITY, required=True, default="public",
                                       groups="base.group_user")
    confirmation_template_id = fields.Many2one(
        "mail.template", string="Confirmation Email",
        domain=[("model", "=", "crm.request")],
        default=lambda self: self.env.ref(
            "crm_extended.mail_template_crm_request_confirmation", raise_if_not_found=False),
        groups="base.group_user")
    auto_confirm = fields.Boolean(
        string="Confirm Automatically",
        help="Send the confirmation email with the case number as soon as the request is filed.",
        groups="base.group_user")
    portal_visible = fields.Boolean(string="Filed from the Portal",
                                    help="Customers may file requests of this type on the portal.")
    document_type = fields.Selection(DOCUMENT_TYPES, string="Creates", required=True,
                                     default="none",
                                     help="Which document a request of this type can produce.")
    show_planning = fields.Boolean(string="Planned Service",
                                   help="Requests of this type carry a planned date and a place.")
    show_product = fields.Boolean(string="About a Product",
                                  help="Requests of this type carry the product and the order or "
                                       "invoice it came on.")

    resolution_required = fields.Boolean(
        string="Resolution Code Required", groups="base.group_user",
        help="Requests of this type cannot be closed without a resolution code.")

    @api.depends("sequence_id.prefix")
    def _compute_prefix(self):
        for request_type in self:
            request_type.prefix = request_type.sequence_id.prefix

    @api.model
    def create(self, vals):
        self._check_sequence_choice(vals)
        return super().create(vals)

    @api.multi
    def write(self, vals):
        self._check_sequence_choice(vals)
        return super().write(vals)

    @api.model
    def _check_sequence_choice(self, vals):
        """Types draw their numbers as superuser: pointing one at another numbering (the
        customer invoices') would let its users consume or rename it. Only administrators
        (Settings) choose; everyone else sets a prefix, which gives the type its own."""
        if vals.get("sequence_id") and not (self.env.user._is_superuser()
                                            or self.env.user.has_group("base.group_system")):
            raise AccessError(_("Only administrators may choose the numbering of a request "
                                "type. Set its prefix instead: the type then gets a "
                                "numbering of its own."))

    def _own_sequence_name(self):
        """Name of the XML id (module crm_extended) of the numbering created for the type."""
        return "crm_request_type_%d_sequence" % self.id

    def _has_own_sequence(self):
        """Whether the type's numbering is the one created for it."""
        self.ensure_one()
        return bool(self.sequence_id) and bool(self.env["ir.model.data"].sudo().search_count([
            ("module", "=", "crm_extended"), ("name", "=", self._own_sequence_name()),
            ("model", "=", "ir.sequence"), ("res_id", "=", self.sequence_id.id)]))

    def _inverse_prefix(self):
        for request_type in self:
            if request_type._has_own_sequence():
                request_type.sequence_id.sudo().prefix = request_type.prefix
            elif request_type.prefix:
                # never renames a numbering the type does not own: it gets one of its own
                request_type._create_own_sequence({"prefix": request_type.prefix})

    def _create_own_sequence(self, values):
        """A numbering created for this type (``values`` complete the prefix and padding),
        with an XML id of crm_extended (noupdate, so that upgrades keep it), as Odoo's chart
        templates do for the records they create: uninstalling the addon then removes it
        with the rest of its data, and the id tells the type's own numbering apart."""
        self.ensure_one()
        sequence = self.env["ir.sequence"].sudo().create(dict({
            "name": _("Requests: %s") % self.name,
            "padding": 5,
            "company_id": self.company_id.id,
        }, **values))
        data = self.env["ir.model.data"].sudo()
        previous = data.search([("module", "=", "crm_extended"),
                                ("name", "=", self._own_sequence_name())])
        if previous:
            previous.write({"model": "ir.sequence", "res_id": sequence.id})
        else:
            data.create({
                "module": "crm_extended",
                "name": self._own_sequence_name(),
                "model": "ir.sequence",
                "res_id": sequence.id,
                "noupdate": True,
            })
        self.sudo().sequence_id = sequence
        return sequence

    @api.model
    def _migrate_foreign_sequences(self):
        """Types pointing at a numbering not created for them (possible before only
        administrators could choose it): each gets a numbering of its own continuing the
        prefix, padding and next number of the one it used, which is left untouched. A
        numbering several types share, or another type's own, goes to the first type
        only; the others fall back to the generic request numbering, so that no two
        types hand out the same case numbers."""
        types = self.sudo().with_context(active_test=False).search(
            [("sequence_id", "!=", False)], order="id")
        claimed = {request_type.sequence_id.id for request_type in types
                   if request_type._has_own_sequence()}
        for request_type in types.filtered(lambda rtype: not rtype._has_own_sequence()):
            foreign = request_type.sequence_id
            if foreign.id in claimed:
                request_type.sequence_id = False
                continue
            claimed.add(foreign.id)
            request_type._create_own_sequence({
                "prefix": foreign.prefix, "suffix": foreign.suffix,
                "padding": foreign.padding, "number_next": foreign.number_next_actual,
            })

    def _sla_policy_values(self, company):
        """The resolution policy promising what `auto_due_days` promised (migration)."""
        self.ensure_one()
        calendar = company.resource_calendar_id
        days = {attendance.dayofweek for attendance in calendar.attendance_ids}
        hours = sum(attendance.hour_to - attendance.hour_from
                    for attendance in calendar.attendance_ids)
        hours_per_day = hours / len(days) if days else 24.0
        leader_step = "reassign_leader" if self.escalate_to_leader else "notify_responsible"
        return {
            "name": _("%(type)s: resolution within %(days)d working days") % {
                "type": self.name, "days": self.auto_due_days},
            "company_id": company.id, "target": "resolution",
            "time_hours": self.auto_due_days * hours_per_day,
            "request_type_ids": [(6, 0, self.ids)],
            "escalation_ids": [(0, 0, {"trigger": "after_breach", "hours_after": 0,
                                       "action": leader_step})],
        }

    def _next_number(self):
        """The case number of a new request of this type (or of no type)."""
        if self.sequence_id:
            return self.sequence_id.sudo().next_by_id()
        return self.env["ir.sequence"].sudo().next_by_code("crm.request")

    def _deadline_from(self, date_from, company):
        """End of the `auto_due_days`-th working day after the day of `date_from` (naive
        UTC) on the company's working calendar, counted as service levels count: days of
        the company's time zone, whoever files the request, public holidays off. Calendar
        days without a calendar."""
        if not self.auto_due_days:
            return False
        try:
            working_time = WorkingTime.from_calendar(company.resource_calendar_id,
                                                     company.partner_id.tz or "UTC")
            return working_time.add_days(date_from, self.auto_due_days)
        except UserError:
            # a calendar without working days must not stop a request from being filed
            # (by mail too): it is due in calendar days then
            return date_from + timedelta(days=self.auto_due_days)
