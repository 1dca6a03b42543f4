import re
import uuid
from datetime import datetime

from odoo import _, api, fields, models
from odoo.addons.crm.models.crm_stage import AVAILABLE_PRIORITIES
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_split, html2plaintext

from .crm_request_stage import CLOSED_STATES
from .crm_request_type import CONFIDENTIALITY, DOCUMENT_TYPES

# Case numbers quoted in a subject: "[WAR/2026/00042]" or a bare "REQ/2026/00042".
CASE_NUMBER_RE = re.compile(r"\[([^\[\]]{3,64})\]|\b([A-Z][\w-]*/\d{4}/\d+)\b")


class CrmRequest(models.Model):
    _name = "crm.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _description = "Service Request"
    _order = "priority desc, id desc"
    _mail_post_access = "read"

    number = fields.Char(string="Case Number", readonly=True, copy=False, index=True,
                         track_visibility="onchange")
    name = fields.Char(string="Summary", required=True, track_visibility="onchange")
    description = fields.Text()
    resolution = fields.Text(help="What was done or answered; kept for the customer and "
                                  "for similar requests later.")
    request_type_id = fields.Many2one("crm.request.type", string="Type", required=True,
                                      ondelete="restrict", index=True,
                                      default=lambda self: self._default_request_type(),
                                      track_visibility="onchange")
    category_id = fields.Many2one("crm.request.category",
                                  ondelete="restrict")
    team_id = fields.Many2one("crm.request.team", index=True,
                              track_visibility="onchange")
    user_id = fields.Many2one("res.users", string="Responsible", index=True,
                              track_visibility="onchange")
    stage_id = fields.Many2one("crm.request.stage", required=True,
                               ondelete="restrict", index=True, copy=False,
                               track_visibility="onchange",
                               default=lambda self: self._default_stage(),
                               group_expand="_read_group_stage_ids")
    state = fields.Selection(related="stage_id.state", store=True, readonly=True)
    priority = fields.Selection(AVAILABLE_PRIORITIES, default="0", index=True)
    priority_user = fields.Selection(AVAILABLE_PRIORITIES, string="Priority Asked",
                                     default="0",
                                     help="The urgency the customer asked for.")
    color = fields.Integer()
    partner_id = fields.Many2one("res.partner", string="Customer", index=True,
                                 track_visibility="onchange")
    commercial_partner_id = fields.Many2one(
        "res.partner", related="partner_id.commercial_partner_id", store=True, readonly=True,
        string="Customer Entity", index=True)
    partner_email = fields.Char(string="Email")
    confidentiality = fields.Selection(
        CONFIDENTIALITY, required=True, default="public", track_visibility="onchange",
        help="Public: the customer sees it on the portal. Customer's organisation: every "
             "portal user of the customer's company sees it. Internal: never on the portal.")
    date_deadline = fields.Datetime(string="Deadline", index=True, copy=False,
                                    track_visibility="onchange")
    date_closed = fields.Datetime(string="Closed on", readonly=True, copy=False)
    date_planned = fields.Datetime(string="Planned for")
    location = fields.Char()
    date_confirmation = fields.Datetime(string="Confirmation Sent", readonly=True, copy=False)
    is_escalated = fields.Boolean(string="Escalated", readonly=True, copy=False,
                                  track_visibility="onchange")
    date_escalated = fields.Datetime(string="Escalated on", readonly=True, copy=False)
    date_reminded = fields.Datetime(string="Reminder Scheduled", readonly=True, copy=False)
    sla_missed = fields.Boolean(string="SLA Missed", compute="_compute_sla", store=True,
                                help="Closed after the deadline, or escalated.")
    hours_to_close = fields.Float(string="Hours to Close", compute="_compute_sla", store=True,
                                  group_operator="avg")
    sale_order_id = fields.Many2one("sale.order", index=True,
                                    ondelete="set null")
    invoice_id = fields.Many2one("account.invoice", index=True,
                                 ondelete="set null")
    product_id = fields.Many2one("product.product")
    campaign_id = fields.Many2one("utm.campaign")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)
    access_token = fields.Char("Security Token", copy=False,
                               default=lambda self: str(uuid.uuid4()))
    show_planning = fields.Boolean(related="request_type_id.show_planning", readonly=True)
    show_product = fields.Boolean(related="request_type_id.show_product", readonly=True)
    document_type = fields.Selection(DOCUMENT_TYPES, related="request_type_id.document_type",
                                     readonly=True)

    _sql_constraints = [
        ("number_company_uniq", "unique (number, company_id)",
         "The case number must be unique per company."),
    ]

    # ------------------------------------------------------------------ defaults, names

    @api.model
    def _default_stage(self):
        return self.env["crm.request.stage"].search([], limit=1)

    @api.model
    def _default_request_type(self):
        # Requisitions received through the web or by email, unless the team says otherwise.
        return self.env.ref("crm_extended.request_type_information", raise_if_not_found=False)

    @api.model
    def _read_group_stage_ids(self, stages, domain, order):
        # Kanban columns: every unfolded stage, even empty, and the folded ones in use.
        return stages.search(["|", ("id", "in", stages.ids), ("fold", "=", False)],
                             order=order)

    @api.multi
    def name_get(self):
        return [(request.id, ("%s %s" % (request.number or "", request.name or "")).strip())
                for request in self]

    @api.model
    def _name_search(self, name, args=None, operator="ilike", limit=100, name_get_uid=None):
        args = list(args or [])
        if name:
            args = ["|", ("number", operator, name), ("name", operator, name)] + args
        return self.search(args, limit=limit).name_get()

    def _compute_portal_url(self):
        result = super()._compute_portal_url()
        for request in self:
            request.portal_url = "/my/requests/%s" % request.id
        return result

    @api.depends("date_deadline", "date_closed", "is_escalated", "create_date")
    def _compute_sla(self):
        for request in self:
            closed = request.date_closed and fields.Datetime.from_string(request.date_closed)
            deadline = request.date_deadline and fields.Datetime.from_string(
                request.date_deadline)
            request.sla_missed = bool(deadline) and (
                request.is_escalated or bool(closed and closed > deadline))
            if closed and request.create_date:
                opened = fields.Datetime.from_string(request.create_date)
                request.hours_to_close = (closed - opened).total_seconds() / 3600.0
            else:
                request.hours_to_close = 0.0

    # ------------------------------------------------------------------ checks

    @api.model
    def _check_requester_values(self, partner, email):
        if not partner and not email:
            raise ValidationError(
                _("A request needs a customer or at least the requester's email address."))

    def _check_stage_requirements(self, stage, vals):
        """Refuse entering `stage` while one of its required fields stays empty; on an
        empty recordset, `vals` are the create values."""
        for request in self or [self.browse()]:
            missing = [field.field_description for field in stage.required_field_ids
                       if not (vals[field.name] if field.name in vals else request[field.name])]
            if missing:
                raise ValidationError(
                    _("The request %(request)s cannot enter the stage %(stage)s before these "
                      "fields are filled: %(fields)s.") % {
                        "request": request.number or vals.get("name") or "",
                        "stage": stage.name, "fields": ", ".join(missing)})

    # ------------------------------------------------------------------ create / write

    @api.model
    def create(self, vals):
        vals = self._prepare_create_values(dict(vals))
        request = super().create(vals)
        if request.partner_id and request.confidentiality != "internal":
            # Followers get the public replies by email, so the customer hears back.
            request.message_subscribe(partner_ids=request.partner_id.ids)
        if request.request_type_id.auto_confirm:
            request._send_confirmation(automatic=True)
        return request

    @api.model
    def _prepare_create_values(self, vals):
        """Complete create values from the type (number, SLA deadline, confidentiality),
        the partner and the routing rules."""
        # Type and company decide the rest: take their defaults (context included) now.
        missing = [name for name in ("request_type_id", "company_id") if not vals.get(name)]
        if missing:
            vals.update({name: value for name, value in self.default_get(missing).items()
                         if value})
        company = (self.env["res.company"].browse(vals.get("company_id"))
                   or self.env.user.company_id)
        request_type = self.env["crm.request.type"].browse(vals.get("request_type_id"))
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        if not vals.get("partner_email") and partner.email:
            vals["partner_email"] = partner.email
        self._check_requester_values(partner, vals.get("partner_email"))
        if not vals.get("confidentiality") and request_type:
            vals["confidentiality"] = request_type.confidentiality
        if "date_deadline" not in vals and request_type:
            vals["date_deadline"] = request_type._deadline_from(datetime.utcnow(), company)
        if not vals.get("user_id"):
            vals.update(self._route(vals, request_type, partner, company))
        stage = (self.env["crm.request.stage"].browse(vals.get("stage_id"))
                 or self._default_stage())
        self.browse()._check_stage_requirements(stage, vals)
        # Numbered last: a refused request does not burn a case number.
        if not vals.get("number"):
            vals["number"] = request_type._next_number()
        if stage.state in CLOSED_STATES:
            vals.setdefault("date_closed", fields.Datetime.now())
        return vals

    @api.model
    def _route(self, vals, request_type, partner, company):
        """Team and responsible of a new request nobody assigned explicitly: the first
        routing rule that matches, else the type's defaults, else the team's method."""
        rule = self.env["crm.request.routing.rule"]._find_rule(vals, partner, company)
        team = (rule.team_id or self.env["crm.request.team"].browse(vals.get("team_id"))
                or request_type.team_id)
        if rule.user_id:
            user = rule.user_id
        elif rule.team_id:
            user = team._choose_user()
        else:
            user = request_type.user_id or (team and team._choose_user())
        values = {"team_id": team.id}
        if user:
            values["user_id"] = user.id
        return values

    @api.multi
    def write(self, vals):
        vals = dict(vals)
        if "partner_id" in vals or "partner_email" in vals:
            for request in self:
                self._check_requester_values(
                    self.env["res.partner"].browse(vals["partner_id"])
                    if "partner_id" in vals else request.partner_id,
                    vals["partner_email"] if "partner_email" in vals else request.partner_email)
        closing = self.browse()
        if vals.get("stage_id"):
            stage = self.env["crm.request.stage"].browse(vals["stage_id"])
            self._check_stage_requirements(stage, vals)
            if stage.state in CLOSED_STATES:
                closing = self.filtered(lambda request: request.state not in CLOSED_STATES)
            else:
                vals["date_closed"] = False
        result = super().write(vals)
        if closing:
            closing.write({"date_closed": fields.Datetime.now()})
        return result

    @api.onchange("request_type_id")
    def _onchange_request_type_id(self):
        if self.request_type_id:
            self.confidentiality = self.request_type_id.confidentiality

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id.email:
            self.partner_email = self.partner_id.email

    # ------------------------------------------------------------------ confirmation

    @api.multi
    def action_send_confirmation(self):
        """Send the confirmation email with the case number (button and XML-RPC)."""
        for request in self:
            request._send_confirmation(automatic=False)
        return True

    def _send_confirmation(self, automatic):
        self.ensure_one()
        if not self.partner_id.email:
            message = _("No confirmation sent for request %(number)s: the customer "
                        "%(customer)s has no email address. Add one to the contact first.") % {
                "number": self.number,
                "customer": self.partner_id.display_name or self.partner_email or ""}
            if not automatic:
                raise UserError(message)
            self.message_post(body=message, subtype="mail.mt_note")
            return False
        template = (self.request_type_id.confirmation_template_id
                    or self.env.ref("crm_extended.mail_template_crm_request_confirmation"))
        self.message_post_with_template(template.id, composition_mode="comment")
        self.date_confirmation = fields.Datetime.now()
        return True

    # ------------------------------------------------------------------ email gateway

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A mail to a team's alias: the request the subject quotes by case number, or a
        new request of the sender's partner (created as a contact if the team allows)."""
        email = (email_split(msg_dict.get("email_from") or "") or [False])[0]
        if not email:
            raise ValidationError(_("A request by email needs the sender's address; the "
                                    "message has none and was not filed."))
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        existing = self._find_quoted_request(msg_dict.get("subject") or "", partner, email)
        if existing:
            return existing
        values = dict(custom_values or {})
        if not partner:
            partner = self._create_sender_contact(msg_dict["email_from"], email,
                                                  values.get("team_id"))
            msg_dict["author_id"] = partner.id
        defaults = {
            "name": msg_dict.get("subject") or _("No Subject"),
            "description": html2plaintext(msg_dict.get("body") or ""),
            "partner_id": partner.id,
            "partner_email": email,
        }
        defaults.update(values)
        return super(CrmRequest, self.with_context(default_user_id=False)).message_new(
            msg_dict, custom_values=defaults)

    @api.model
    def _find_quoted_request(self, subject, partner, email):
        """The request whose case number the subject quotes, if the sender belongs to it
        (a stranger quoting a number starts a new request instead)."""
        numbers = [bracketed or bare for bracketed, bare in CASE_NUMBER_RE.findall(subject)]
        if not numbers:
            return self.browse()
        for request in self.sudo().search([("number", "in", numbers)]):
            same_customer = partner and (
                request.commercial_partner_id == partner.commercial_partner_id)
            if same_customer or (request.partner_email or "").lower() == email.lower():
                return self.browse(request.id)
        return self.browse()

    @api.model
    def _create_sender_contact(self, email_from, email, team_id):
        team = self.env["crm.request.team"].browse(team_id)
        if team and not team.allow_new_contacts:
            raise ValidationError(
                _("The team %(team)s only takes requests from known contacts; %(email)s is "
                  "not one.") % {"team": team.name, "email": email})
        name = self.env["res.partner"]._parse_partner_name(email_from)[0] or email
        return self.env["res.partner"].sudo().create({"name": name, "email": email})

    @api.multi
    def message_get_suggested_recipients(self):
        recipients = super().message_get_suggested_recipients()
        for request in self.filtered("partner_id"):
            request._message_add_suggested_recipient(
                recipients, partner=request.partner_id, reason=_("Customer"))
        return recipients
