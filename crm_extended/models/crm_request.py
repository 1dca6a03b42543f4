import re
import uuid
from datetime import datetime, timedelta

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
                                 ondelete="set null", domain=[("type", "=", "out_invoice")],
                                 help="The customer invoice the request is about.")
    refund_id = fields.Many2one("account.invoice", string="Credit Note", index=True,
                                ondelete="set null", copy=False,
                                domain=[("type", "=", "out_refund")])
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

    @api.constrains("company_id", "partner_id", "sale_order_id", "invoice_id", "refund_id")
    def _check_company_consistency(self):
        # Record rules isolate companies; this keeps one request from joining two of them.
        for request in self:
            foreign = [record.display_name for record in (
                request.partner_id, request.sale_order_id, request.invoice_id, request.refund_id)
                if record.company_id and record.company_id != request.company_id]
            if foreign:
                raise ValidationError(
                    _("Request %(number)s belongs to %(company)s but refers to records of "
                      "another company: %(records)s.") % {
                        "number": request.number or request.name,
                        "company": request.company_id.name, "records": ", ".join(foreign)})

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
        # Internal requests and requests filed already closed are not the customer's news.
        if (request.request_type_id.auto_confirm and request.confidentiality != "internal"
                and request.state not in CLOSED_STATES):
            request._send_confirmation(automatic=True)
        return request

    @api.model
    def _prepare_create_values(self, vals):
        """Complete create values from the type (number, SLA deadline, confidentiality),
        the partner and the routing rules."""
        # These decide the rest: take their defaults (context included) now.
        missing = [name for name in ("request_type_id", "company_id", "partner_id", "team_id",
                                     "category_id", "partner_email") if not vals.get(name)]
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
        # Rendered once in the customer's language and posted as a comment to the customer
        # (the composer wizard would render every field twice per request).
        mail = template.generate_email(self.id, fields=["subject", "body_html"])
        self.message_post(subject=mail["subject"], body=mail["body"],
                          partner_ids=self.partner_id.ids, attachment_ids=mail["attachment_ids"],
                          subtype="mail.mt_comment", message_type="comment")
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

    # ------------------------------------------------------------------ escalation

    @api.model
    def _cron_escalate(self):
        """Scheduled action: escalate the overdue open requests once, then schedule the
        reminders due before a deadline. Flags make a second run change nothing."""
        now = fields.Datetime.now()
        overdue = self.search([("date_deadline", "<", now), ("is_escalated", "=", False),
                               ("state", "not in", CLOSED_STATES)])
        for request in overdue:
            request._escalate(now)
        self._remind_before_deadline(now)
        return True

    def _escalate(self, now):
        self.ensure_one()
        values = {"is_escalated": True, "date_escalated": now}
        leader = self.team_id.user_id
        if self.request_type_id.escalate_to_leader and leader:
            values["user_id"] = leader.id
        self.write(values)
        responsible = self.user_id or leader
        self._schedule_follow_up(
            responsible, _("Overdue request: act now"),
            _("The deadline of request %s has passed.") % self.number)
        self.message_post(
            body=_("Escalated: the deadline %(deadline)s passed while the request was still "
                   "open.") % {"deadline": self.date_deadline},
            subtype="mail.mt_note", partner_ids=responsible.partner_id.ids)

    @api.model
    def _remind_before_deadline(self, now):
        candidates = self.search([
            ("request_type_id.remind_days_before", ">", 0), ("date_reminded", "=", False),
            ("is_escalated", "=", False), ("state", "not in", CLOSED_STATES),
            ("user_id", "!=", False), ("date_deadline", ">=", now)])
        moment = fields.Datetime.from_string(now)
        for request in candidates:
            deadline = fields.Datetime.from_string(request.date_deadline)
            if deadline - timedelta(days=request.request_type_id.remind_days_before) <= moment:
                request._schedule_follow_up(
                    request.user_id, _("Request due soon"),
                    _("Request %(number)s is due on %(deadline)s.") % {
                        "number": request.number, "deadline": request.date_deadline})
                request.date_reminded = now

    def _schedule_follow_up(self, user, summary, note):
        if not user:
            return
        self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "summary": summary,
            "note": note,
            "user_id": user.id,
            "date_deadline": fields.Date.context_today(self),
        })

    # ------------------------------------------------------------------ documents

    @api.multi
    def action_create_document(self):
        """Create the quotation, invoice or credit note the request's type allows,
        prefilled from the request and linked both ways; open it."""
        self.ensure_one()
        document_type = self.request_type_id.document_type
        if document_type in (False, "none"):
            raise UserError(_("Requests of type %s do not produce documents.")
                            % self.request_type_id.name)
        if not self.partner_id:
            raise UserError(_("Set the customer of request %s before creating a document.")
                            % self.number)
        link = {"quotation": "sale_order_id", "out_invoice": "invoice_id",
                "out_refund": "refund_id"}[document_type]
        if self[link]:
            raise UserError(_("Request %(number)s is already linked to %(document)s.") % {
                "number": self.number, "document": self[link].display_name})
        if document_type == "quotation":
            self.sale_order_id = self._create_quotation()
            return self._document_action(self.sale_order_id, "sale.action_quotations")
        self[link] = self._create_invoice(document_type)
        action = ("account.action_invoice_tree1" if document_type == "out_invoice"
                  else "account.action_invoice_out_refund")
        return self._document_action(self[link], action)

    def _create_quotation(self):
        order = self.env["sale.order"].create({
            "partner_id": self.partner_id.id,
            "origin": self.number,
            "campaign_id": self.campaign_id.id,
        })
        if self.product_id:
            self.env["sale.order.line"].create({
                "order_id": order.id, "product_id": self.product_id.id, "product_uom_qty": 1})
        return order

    def _create_invoice(self, invoice_type):
        invoice = self.env["account.invoice"].with_context(type=invoice_type).create({
            "partner_id": self.partner_id.id,
            "type": invoice_type,
            "origin": self.number,
            "name": self.name,
            "campaign_id": self.campaign_id.id,
            "refund_invoice_id": self.invoice_id.id if invoice_type == "out_refund" else False,
        })
        if self.product_id:
            line = self.env["account.invoice.line"].new({
                "invoice_id": invoice.id, "product_id": self.product_id.id, "quantity": 1})
            line._onchange_product_id()
            self.env["account.invoice.line"].create(line._convert_to_write(line._cache))
            invoice.compute_taxes()
        return invoice

    def _document_action(self, document, action_xmlid):
        action = self.env.ref(action_xmlid).read()[0]
        action.update(res_id=document.id, views=[(False, "form")], view_mode="form")
        return action

    @api.model
    def _action_for_documents(self, domain, context):
        """The requests of a partner, order or invoice (smart buttons), filing new ones
        already linked through `context` defaults."""
        action = self.env.ref("crm_extended.crm_request_action").read()[0]
        action.update(domain=domain, context=dict(context, search_default_open=0))
        return action
