import re
import uuid
from datetime import date, datetime, timedelta
from email.utils import formataddr

from odoo import SUPERUSER_ID, _, api, fields, models, registry
from odoo.addons.crm.models.crm_stage import AVAILABLE_PRIORITIES
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import email_split, html2plaintext, plaintext2html

from .crm_extended_sql import normalize_email
from .crm_request_stage import CLOSED_STATES
from .crm_request_type import CONFIDENTIALITY, DOCUMENT_TYPES

# Case numbers quoted in a subject: "[WAR/2026/00042]" or a bare "REQ/2026/00042".
CASE_NUMBER_RE = re.compile(r"\[([^\[\]]{3,64})\]|\b([A-Z][\w-]*/\d{4}/\d+)\b")
# Operators Odoo's own code puts in domains besides the public ones.
INTERNAL_OPERATORS = ("inselect", "not inselect")
# Characters of a mailed request's description: the mail itself stays whole in the chatter.
DESCRIPTION_LIMIT = 10000


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
    def _check_value_types(self, vals):
        """Refuse values of the wrong kind with a clear error before they reach the
        routing rules or PostgreSQL (integrators send them over XML-RPC): an id that is
        not a number, a date that is not one, text that is not text or holds a NUL byte."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or value is None or value is False:
                continue
            error = None
            if field.type == "many2one" and (isinstance(value, bool) or not isinstance(
                    value, (int, models.BaseModel))):
                error = _("%s must be given as a record id.")
            elif field.type in ("date", "datetime") and not isinstance(value, date):
                parse = (fields.Date if field.type == "date" else fields.Datetime).from_string
                try:
                    parse(value)
                except (TypeError, ValueError):
                    error = _("%s is not a valid date.")
            elif field.type in ("char", "text", "html") and (
                    not isinstance(value, str) or "\x00" in value):
                error = _("%s must be text without NUL bytes.")
            if error:
                raise ValidationError(error % field.get_description(self.env)["string"])

    @api.model
    def _where_calc(self, domain, active_test=True):
        # Odoo raises a TypeError deep inside for a leaf sent as a list (as XML-RPC sends
        # them) whose operator it does not know
        for leaf in domain or []:
            if isinstance(leaf, (list, tuple)) and (
                    len(leaf) != 3 or not isinstance(leaf[1], str)
                    or leaf[1].lower() not in expression.TERM_OPERATORS + INTERNAL_OPERATORS):
                raise UserError(_("This search condition is not valid: %s") % (leaf,))
        return super()._where_calc(domain, active_test=active_test)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        # Odoo answers a group-by on no field with a KeyError from deep inside
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        unknown = [str(spec) for spec in groupbys if not isinstance(spec, str)
                   or spec.split(":")[0].strip() not in self._fields]
        if unknown:
            raise UserError(_("Requests cannot be grouped by %s: there is no such field.")
                            % ", ".join(unknown))
        return super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                  orderby=orderby, lazy=lazy)

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
        self._check_value_types(vals)
        vals = self._prepare_create_values(dict(vals))
        vals["message_follower_ids"] = (vals.get("message_follower_ids") or []) + \
            self._creation_follower_commands(vals)
        # The followers are in the values: mail.thread must not subscribe them one by one.
        request = super(CrmRequest, self.with_context(
            mail_create_nosubscribe=True, crm_request_followers_set=True)).create(vals)
        request = request.with_env(self.env)
        request._notify_creation_assignee()
        # Internal requests and requests filed already closed are not the customer's news;
        # an auto-reply answered would answer back.
        if (request.request_type_id.auto_confirm and request.confidentiality != "internal"
                and request.state not in CLOSED_STATES
                and not self.env.context.get("mail_auto_submitted")):
            request._send_confirmation(automatic=True)
        return request

    @api.model
    def _creation_follower_partners(self, vals):
        """Who follows a new request: the customer (public replies reach them by email)
        and, as mail.thread would subscribe them, its creator and its responsible."""
        partners = self.env["res.partner"]
        if vals.get("partner_id") and vals.get("confidentiality") != "internal":
            partners |= partners.browse(vals["partner_id"])
        if not self.env.context.get("tracking_disable"):
            if not self.env.context.get("mail_create_nosubscribe"):
                partners |= self.env.user.partner_id
            assignee = self.env["res.users"].sudo().browse(vals.get("user_id"))
            if assignee.partner_id.active:
                partners |= assignee.partner_id
        return partners

    @api.model
    def _creation_follower_commands(self, vals):
        partners = self._creation_follower_partners(vals)
        if not partners:
            return []
        # One call for all of them: each gets the subtypes mail.thread would give it.
        return self.env["mail.followers"]._add_follower_command(
            self._name, [], dict.fromkeys(partners.ids), {}, force=True)[0]

    def _message_get_auto_subscribe_fields(self, updated_fields, auto_follow_fields=None):
        if self.env.context.get("crm_request_followers_set"):
            return []
        return super()._message_get_auto_subscribe_fields(updated_fields, auto_follow_fields)

    def _notify_creation_assignee(self):
        """Tell the responsible of a new request it is theirs, as mail.thread does on
        assignment (not when they filed it themselves, nor when tracking is off)."""
        assignee = self.user_id
        if (assignee and assignee != self.env.user and assignee.notification_type == "email"
                and not self.env.context.get("tracking_disable")):
            self._message_auto_subscribe_notify(assignee.partner_id.ids)

    @api.multi
    def _message_auto_subscribe_notify(self, partner_ids):
        """Odoo's "you have been assigned" mail, queued like the other mails of requests
        (Odoo's own goes through a mass-mail composer and is sent on the spot, inside
        the transaction that assigns)."""
        if not partner_ids or self.env.context.get("mail_auto_subscribe_no_notify"):
            return
        view = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"].xmlid_to_res_id("mail.message_user_assigned"))
        for request in self:
            body = view.render({"object": request}, engine="ir.qweb")
            request._queue_mail({
                "subject": request.display_name,
                "body": body,
                "email_from": request._sender_address(),
                "recipient_ids": [(4, pid) for pid in partner_ids],
                # Deleted once sent, message included, as Odoo does with this mail.
                "auto_delete": True,
            })

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
        vals["stage_id"] = stage.id
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
        self._check_value_types(vals)
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
            return self._refuse_confirmation(automatic, _(
                "No confirmation sent for request %(number)s: the customer %(customer)s has "
                "no email address. Add one to the contact first.") % {
                "number": self.number,
                "customer": self.partner_id.display_name or self.partner_email or ""})
        template = (self.request_type_id.confirmation_template_id
                    or self.env.ref("crm_extended.mail_template_crm_request_confirmation"))
        rendered = template.generate_email(
            self.id, fields=["subject", "body_html", "email_from", "reply_to"])
        sender = rendered.get("email_from") or self._sender_address()
        if not sender:
            return self._refuse_confirmation(automatic, _(
                "No confirmation sent for request %s: neither you nor the company has an "
                "email address to send it from.") % self.number)
        self._queue_confirmation(template, rendered, sender)
        self.date_confirmation = fields.Datetime.now()
        return True

    def _refuse_confirmation(self, automatic, message):
        """A confirmation asked for by a user fails with `message`; an automatic one
        leaves it as a note on the request."""
        if not automatic:
            raise UserError(message)
        # The customer's name may come from a mail header: text, never markup.
        self.message_post(body=plaintext2html(message), subtype="mail.mt_note")
        return False

    def _queue_confirmation(self, template, rendered, sender):
        """The confirmation (`rendered` once from `template`, in the customer's language)
        as Odoo's template mailing makes it: a message in the chatter addressed to the
        customer, and its outgoing mail."""
        ir_model_data = self.env["ir.model.data"]
        values = {
            "message_type": "comment",
            "subtype_id": ir_model_data.xmlid_to_res_id("mail.mt_comment"),
            "author_id": self.env.user.partner_id.id,
            "email_from": sender,
            "subject": rendered["subject"],
            "body": rendered["body"],
            "partner_ids": [(4, self.partner_id.id)],
            "recipient_ids": [(4, self.partner_id.id)],
            # Only the mail is deleted once sent: the message stays in the chatter.
            "notification": True,
            "auto_delete": self.env.context.get("mail_auto_delete", template.auto_delete),
        }
        if rendered.get("attachment_ids"):
            values["attachment_ids"] = [(6, 0, rendered["attachment_ids"])]
        if rendered.get("reply_to"):
            values["reply_to"] = rendered["reply_to"]
        return self._queue_mail(values)

    def _queue_mail(self, values):
        """An outgoing mail about the request, sent after the commit like Odoo's
        notifications (by the mail queue when ``mail_notify_force_send`` is False)."""
        values = dict(values, model=self._name, res_id=self.id, body_html=values["body"])
        values.setdefault("record_name", self.display_name)
        # Internal users may not create outgoing mails themselves; the values are ours.
        mail = self.env["mail.mail"].sudo().create(values)
        if self.env.context.get("mail_notify_force_send", True):
            mail_ids, dbname = mail.ids, self.env.cr.dbname

            def send_mail():
                with api.Environment.manage(), registry(dbname).cursor() as cr:
                    api.Environment(cr, SUPERUSER_ID, {})["mail.mail"].browse(mail_ids).send()
            # After the commit: a rolled back request must not have announced its number.
            self.env.cr.after("commit", send_mail)
        return mail

    def _sender_address(self):
        """From whom mail about requests goes out: the user, else the company (users
        without an address file requests too), else the catchall address."""
        user, company = self.env.user, self.company_id or self.env.user.company_id
        if user.email:
            return formataddr((user.name, user.email))
        if company.email:
            return formataddr((company.name, company.email))
        parameters = self.env["ir.config_parameter"].sudo()
        alias = parameters.get_param("mail.catchall.alias")
        domain = parameters.get_param("mail.catchall.domain")
        if alias and domain:
            return formataddr((company.name, "%s@%s" % (alias, domain)))
        return False

    @api.multi
    @api.returns("self", lambda value: value.id)
    def message_post(self, body="", subject=None, message_type="notification", subtype=None,
                     parent_id=False, attachments=None, content_subtype="html", **kwargs):
        # Odoo refuses messages from users without an email address; on requests they
        # go out in the company's name instead.
        sender = (not self.env.user.email and "email_from" not in kwargs
                  and self._sender_address())
        if sender:
            kwargs["email_from"] = sender
        return super().message_post(
            body=body, subject=subject, message_type=message_type, subtype=subtype,
            parent_id=parent_id, attachments=attachments, content_subtype=content_subtype,
            **kwargs)

    # ------------------------------------------------------------------ email gateway

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A mail to a team's alias: the request the subject quotes by case number, or a
        new request of the sender's partner (created as a contact if the team allows)."""
        email = (email_split(msg_dict.get("email_from") or "") or [False])[0]
        if not email:
            raise ValidationError(_("A request by email needs the sender's address; the "
                                    "message has none and was not filed."))
        values = dict(custom_values or {})
        team = self.env["crm.request.team"].browse(values.get("team_id"))
        if team.company_id:
            values.setdefault("company_id", team.company_id.id)
        company = self.env["res.company"].browse(values.get("company_id")) or \
            self.env.user.company_id
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        existing = self._find_quoted_request(msg_dict.get("subject") or "", partner, email,
                                             company)
        if existing:
            existing._post_mail_size_note(self._limit_mail_size(msg_dict, team))
            return existing
        if not partner:
            partner = self._create_sender_contact(msg_dict["email_from"], email, team.id)
            msg_dict["author_id"] = partner.id
        left_out = self._limit_mail_size(msg_dict, team)
        defaults = {
            "name": msg_dict.get("subject") or _("No Subject"),
            "description": self._description_from_mail(msg_dict.get("body") or ""),
            "partner_id": partner.id,
            "partner_email": email,
        }
        defaults.update(values)
        request = super(CrmRequest, self.with_context(default_user_id=False)).message_new(
            msg_dict, custom_values=defaults)
        request._post_mail_size_note(left_out)
        return request

    @api.multi
    def message_update(self, msg_dict, update_vals=None):
        for request in self:
            request._post_mail_size_note(self._limit_mail_size(msg_dict, request.team_id))
        return super().message_update(msg_dict, update_vals=update_vals)

    @api.model
    def _description_from_mail(self, body):
        """The mail's text as the request's description, cut at DESCRIPTION_LIMIT: the
        whole message is kept once, in the chatter."""
        text = html2plaintext(body[:DESCRIPTION_LIMIT * 4])
        if len(text) <= DESCRIPTION_LIMIT:
            return text
        return "%s\n[...] %s" % (text[:DESCRIPTION_LIMIT], _(
            "The description is cut here; the whole mail is in the request's messages."))

    @api.model
    def _limit_mail_size(self, msg_dict, team):
        """Keep an incoming mail (`msg_dict`, changed in place before the gateway posts it)
        within the team's size limit: over it, the attachments are left out and the text
        cut. Returns what was left out, as a note for the request, or False."""
        limit = (team.max_mail_size or team._default_max_mail_size()) * 1024 * 1024
        attachments = msg_dict.get("attachments") or []
        body = msg_dict.get("body") or ""
        size = len(body) + sum(len(attachment[1] or b"") for attachment in attachments)
        if size <= limit:
            return False
        msg_dict["attachments"] = []
        if len(body) > limit:
            msg_dict["body"] = body[:limit]
        note = _("The mail was %(size).1f MB, over the limit of %(limit)d MB: it was filed "
                 "without its attachments (%(names)s)%(cut)s. Ask the sender for what is "
                 "missing another way.") % {
            "size": size / 1024.0 / 1024.0, "limit": limit // (1024 * 1024),
            "names": ", ".join(attachment[0] or "?" for attachment in attachments) or "-",
            "cut": _(" and its text cut") if len(body) > limit else ""}
        return note

    def _post_mail_size_note(self, note):
        if note:
            self.message_post(body=plaintext2html(note), subtype="mail.mt_note")

    @api.model
    def _find_quoted_request(self, subject, partner, email, company):
        """The request of `company` whose case number the subject quotes, if it already
        knows the sender (a stranger quoting a number starts a new request instead)."""
        numbers = [bracketed or bare for bracketed, bare in CASE_NUMBER_RE.findall(subject)]
        if not numbers:
            return self.browse()
        # The gateway often runs as superuser: the company is applied explicitly.
        candidates = self.sudo().search([("number", "in", numbers),
                                         ("company_id", "=", company.id)])
        for request in candidates:
            if request._knows_sender(partner, email):
                return self.browse(request.id)
        return self.browse()

    def _knows_sender(self, partner, email):
        """Whether the sender (`partner`, when the address is a contact's, and `email`) may
        add to this request: its customer or a contact of the customer's company, one of
        its followers, or the address it was filed from when it has no customer."""
        self.ensure_one()
        if not self.partner_id and normalize_email(self.partner_email) == normalize_email(email):
            return True
        return bool(partner) and (partner.commercial_partner_id == self.commercial_partner_id
                                  or partner in self.message_partner_ids)

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
        # Requests with SLA lines escalate along their policies' ladders instead.
        overdue = self.search([("date_deadline", "<", now), ("is_escalated", "=", False),
                               ("state", "not in", CLOSED_STATES),
                               ("sla_line_ids", "=", False)])
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

    def _schedule_follow_up(self, user, summary, note, activity_type=None):
        if not user:
            return
        self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": (activity_type
                                 or self.env.ref("mail.mail_activity_data_todo")).id,
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
