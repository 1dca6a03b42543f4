# Service levels on requests: SLA lines applied and re-evaluated, clocks paused by stages,
# first response, stage automation on customer replies and timeouts, resolutions, and the
# billable work logged on requests with its Invoice Work button.
from psycopg2 import OperationalError, errorcodes

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .crm_request_sla_line import AT_RISK_SHARE, OPEN_LINE_STATES
from .crm_request_sla_time import WorkingTime
from .crm_request_stage import CLOSED_STATES

SLA_STATUSES = [
    ("ok", "On Track"),
    ("at_risk", "At Risk"),
    ("missed", "Missed"),
]
# Changing one of these re-evaluates which policies apply.
SLA_MATCHED_FIELDS = {"team_id", "request_type_id", "category_id", "priority", "partner_id",
                      "company_id"}


class CrmRequest(models.Model):
    _inherit = "crm.request"

    sla_line_ids = fields.One2many("crm.request.sla.line", "request_id", string="SLA Lines",
                                   groups="base.group_user")
    sla_deadline = fields.Datetime(
        string="SLA Deadline", compute="_compute_sla_deadline", store=True, index=True,
        groups="base.group_user", help="The nearest deadline of the running SLA lines.")
    sla_status = fields.Selection(
        SLA_STATUSES, string="SLA Status", compute="_compute_sla_status",
        search="_search_sla_status", groups="base.group_user",
        help="Missed: a target was missed or a running deadline passed. At risk: a running "
             "line is in the last quarter of its time, or its escalation started.")
    first_response_date = fields.Datetime(
        string="First Response", readonly=True, copy=False, groups="base.group_user",
        help="The first reply the customer could see from an internal user (mail, chatter "
             "message or portal reply); internal notes do not count.")
    resolution_id = fields.Many2one(
        "crm.request.resolution", string="Resolution Code", index=True,
        track_visibility="onchange", groups="base.group_user",
        domain="['|', ('request_type_ids', '=', False), "
               "('request_type_ids', 'in', [request_type_id])]")
    resolution_required = fields.Boolean(related="request_type_id.resolution_required",
                                         readonly=True, groups="base.group_user")
    date_last_stage_update = fields.Datetime(
        string="Last Stage Update", index=True, copy=False, readonly=True,
        default=lambda self: self._sla_now(), groups="base.group_user")
    date_timeout = fields.Datetime(
        string="Times Out on", compute="_compute_date_timeout", groups="base.group_user",
        help="When the request leaves its stage by the stage's timeout.")
    date_timeout_warned = fields.Datetime(
        string="Timeout Warning Sent", readonly=True, copy=False, groups="base.group_user")

    # ------------------------------------------------------------------ computes

    @api.depends("sla_line_ids.state", "sla_line_ids.deadline")
    def _compute_sla_deadline(self):
        for request in self:
            deadlines = [line.deadline for line in request.sla_line_ids
                         if line.state == "running" and line.deadline]
            request.sla_deadline = min(deadlines) if deadlines else False

    @api.depends("sla_line_ids.state", "sla_line_ids.deadline",
                 "sla_line_ids.escalation_level")
    def _compute_sla_status(self):
        status = self._sla_statuses(self.ids)
        for request in self:
            request.sla_status = status.get(request.id, "ok")

    def _search_sla_status(self, operator, value):
        if self.env.user.share:
            raise AccessError(_("Service level statuses are internal."))
        if operator not in ("=", "!=", "in", "not in"):
            raise ValidationError(_("The SLA status can only be searched for equality."))
        values = [value] if isinstance(value, str) else list(value or [])
        status = self._sla_statuses()
        positive = operator in ("=", "in")
        if "ok" in values:
            others = [rid for rid, state in status.items() if state not in values]
            return [("id", "not in" if positive else "in", others)]
        ids = [rid for rid, state in status.items() if state in values]
        return [("id", "in" if positive else "not in", ids)]

    def _sla_statuses(self, ids=None):
        """{request id: 'missed' or 'at_risk'} of the requests with such lines (all, or
        those of `ids`), in one query: the list view and the search filters share it.
        Missed: a line missed, or running past its deadline. At risk: a running line in
        the last quarter of its time to the deadline, or escalated."""
        self.env.cr.execute("""
            SELECT request_id,
                   bool_or(state = 'missed' OR (state = 'running' AND deadline < %(now)s)),
                   bool_or(state = 'running' AND deadline >= %(now)s AND (
                           escalation_level > 0 OR
                           deadline - %(now)s < (deadline - date_start) * %(share)s))
              FROM crm_request_sla_line
             WHERE state IN ('running', 'missed') AND (%(all)s OR request_id = ANY(%(ids)s))
             GROUP BY request_id
        """, {"now": fields.Datetime.now(), "share": AT_RISK_SHARE, "all": ids is None,
              "ids": list(ids or [])})
        return {request_id: "missed" if missed else "at_risk"
                for request_id, missed, at_risk in self.env.cr.fetchall() if missed or at_risk}

    @api.depends("date_deadline", "date_closed", "is_escalated", "create_date",
                 "sla_line_ids.state")
    def _compute_sla(self):
        result = super()._compute_sla()
        # With SLA lines the outcome of the lines decides, not the single deadline.
        for request in self:
            lines = request.sudo().sla_line_ids.filtered(
                lambda line: line.state != "cancelled")
            if lines:
                request.sla_missed = "missed" in lines.mapped("state")
        return result

    # ------------------------------------------------------------------ create / write

    @api.model
    def create(self, vals):
        request = super().create(vals)
        request._check_resolution(request.stage_id)
        # the deadline derived at creation is no news for the chatter
        request.with_context(tracking_disable=True)._sla_apply()
        return request

    @api.multi
    def write(self, vals):
        if self.env.context.get("crm_request_sla_sync"):
            return super().write(vals)
        vals = dict(vals)
        stage = self.env["crm.request.stage"].browse(vals.get("stage_id"))
        if stage:
            self._check_resolution(stage, vals)
            vals.update(date_last_stage_update=self._sla_now(), date_timeout_warned=False)
        result = super().write(vals)
        if stage:
            self._sla_stage_changed()
        if SLA_MATCHED_FIELDS.intersection(vals):
            self._sla_apply()
        return result

    def _check_resolution(self, stage, vals=None):
        """Refuse closing a request of a type requiring a resolution code without one."""
        if stage.state != "done":
            return
        for request in self:
            resolution = (vals["resolution_id"] if vals and "resolution_id" in vals
                          else request.resolution_id)
            if request.request_type_id.resolution_required and not resolution:
                raise ValidationError(_(
                    "Request %(number)s of type %(type)s cannot be closed without a "
                    "resolution code: choose one first.") % {
                        "number": request.number, "type": request.request_type_id.name})

    # ------------------------------------------------------------------ SLA lines

    def _sla_now(self):
        """The moment of the SLA clocks: now, unless the context gives it (imports of past
        requests, tests)."""
        return self.env.context.get("sla_now") or fields.Datetime.now()

    def _sla_apply(self):
        """Start a line for each policy that now applies and has none; cancel the open
        lines of policies that no longer apply (kept for the history)."""
        now = self._sla_now()
        cache = {}
        Line = self.env["crm.request.sla.line"].sudo()
        applicable = self.env["crm.request.sla.policy"]._policies_for(self)
        for request in self:
            lines = request.sudo().sla_line_ids
            lines.filtered(lambda line: line.state in OPEN_LINE_STATES
                           and line.policy_id not in applicable[request])._cancel(now, cache)
            if request.state in CLOSED_STATES:
                continue
            covered = lines.filtered(lambda line: line.state != "cancelled").mapped("policy_id")
            for policy in applicable[request] - covered:
                Line.create(Line._start_values(request, policy, now, cache))
        self._sla_sync()

    def _sla_stage_changed(self):
        """Pause, resume, reach or cancel the open lines for the stage just entered."""
        now = self._sla_now()
        cache = {}
        reach_stages = {}
        for request in self:
            stage = request.stage_id
            for line in request.sudo().sla_line_ids.filtered(
                    lambda line: line.state in OPEN_LINE_STATES):
                policy = line.policy_id
                if policy not in reach_stages:
                    reach_stages[policy] = policy._reach_stages()
                if stage in reach_stages[policy]:
                    line._reach(now, cache)
                elif stage.state in CLOSED_STATES:
                    line._cancel(now, cache)
                elif stage in policy.paused_stage_ids:
                    line._pause(now, cache)
                else:
                    line._resume(now, cache)
        self._sla_sync()

    def _sla_first_response(self, date):
        """The first customer-visible reply of an internal user: stamp it and reach the
        first response targets."""
        for request in self.sudo().filtered(lambda request: not request.first_response_date):
            request.with_context(crm_request_sla_sync=True).first_response_date = date
            request.sla_line_ids.filtered(
                lambda line: line.target == "first_response"
                and line.state in OPEN_LINE_STATES)._reach(date, {})
            request._sla_sync()

    def _sla_sync(self):
        """Keep the request's own deadline and escalation flag derived from its lines."""
        for request in self.sudo():
            lines = request.sla_line_ids
            if not lines:
                continue
            running = lines.filtered(lambda line: line.state == "running" and line.deadline)
            preferred = running.filtered(lambda line: line.target == "resolution") or running
            values = {}
            if preferred:
                deadline = min(preferred.mapped("deadline"))
                if deadline != request.date_deadline:
                    values["date_deadline"] = deadline
            escalated = any(lines.mapped("escalation_level"))
            if escalated != request.is_escalated:
                values["is_escalated"] = escalated
            if values:
                request.with_context(crm_request_sla_sync=True).write(values)

    # ------------------------------------------------------------------ messages

    @api.multi
    @api.returns("self", lambda value: value.id)
    def message_post(self, body="", subject=None, message_type="notification", subtype=None,
                     parent_id=False, attachments=None, content_subtype="html", **kwargs):
        message = super().message_post(
            body=body, subject=subject, message_type=message_type, subtype=subtype,
            parent_id=parent_id, attachments=attachments, content_subtype=content_subtype,
            **kwargs)
        if self and message.message_type in ("comment", "email") and not (
                message.sudo().subtype_id.internal or not message.subtype_id):
            self._sla_on_public_message(message.sudo())
        return message

    def _sla_on_public_message(self, message):
        """A message the customer sees: from an internal user it is a response; from
        anyone else a customer's reply, which may move the request on."""
        author_users = message.author_id.user_ids
        if author_users and not all(author_users.mapped("share")):
            if not self.env.context.get("crm_request_automatic"):
                self._sla_first_response(message.date)
            return
        if self.env.context.get("mail_auto_submitted"):
            return      # an out-of-office reply is no news from the customer
        # a portal user's own post reads the stage's automation, which is internal
        for request in self.sudo():
            target = request.stage_id.on_customer_reply_stage_id
            if target and target != request.stage_id and request.state not in CLOSED_STATES:
                request.write({"stage_id": target.id})

    # ------------------------------------------------------------------ timeouts

    @api.model
    def _cron_escalate(self):
        self.env["crm.request.sla.line"]._cron_escalate()
        self._cron_stage_timeout()
        return super()._cron_escalate()

    @api.model
    def _cron_stage_timeout(self, now=None):
        """Requests waiting too long in a stage with a timeout move on to its timeout stage;
        the customer is warned by mail the stage's number of working days before."""
        moment = fields.Datetime.from_string(now or self._sla_now())
        stages = self.env["crm.request.stage"].search(
            [("timeout_days", ">", 0), ("timeout_stage_id", "!=", False)])
        if not stages:
            return
        cache = {}
        for request in self.search([("stage_id", "in", stages.ids)]):
            request._stage_timeout(moment, cache)

    def _stage_timeout(self, moment, cache):
        self.ensure_one()
        stage = self.stage_id
        working_time = self._company_working_time(cache)
        entered = fields.Datetime.from_string(self.date_last_stage_update or self.create_date)
        if fields.Datetime.from_string(self.date_timeout) <= moment:
            self.message_post(body=_(
                "Moved from %(stage)s to %(target)s: %(days)d working days without news.") % {
                    "stage": stage.name, "target": stage.timeout_stage_id.name,
                    "days": stage.timeout_days}, subtype="mail.mt_note")
            self.write({"stage_id": stage.timeout_stage_id.id})
            return
        warn_days = stage.timeout_days - stage.timeout_warning_days
        if (stage.timeout_warning_days and not self.date_timeout_warned and warn_days >= 0
                and self.partner_id.email
                and (not warn_days or working_time.add_days(entered, warn_days) <= moment)):
            template = (stage.timeout_template_id or
                        self.env.ref("crm_extended.mail_template_crm_request_timeout_warning"))
            rendered = template.generate_email(
                self.id, fields=["subject", "body_html", "email_from", "reply_to"])
            self._queue_confirmation(template, rendered,
                                     rendered.get("email_from") or self._sender_address())
            self.with_context(crm_request_sla_sync=True).date_timeout_warned = \
                fields.Datetime.to_string(moment)

    def _company_working_time(self, cache):
        company = self.company_id
        key = ("company", company.id)
        if key not in cache:
            cache[key] = WorkingTime.from_calendar(company.resource_calendar_id,
                                                   company.partner_id.tz or "UTC")
        return cache[key]

    def _compute_date_timeout(self):
        cache = {}
        for request in self:
            stage = request.stage_id
            entered = request.date_last_stage_update or request.create_date
            request.date_timeout = stage.timeout_days and entered and fields.Datetime.to_string(
                request._company_working_time(cache).add_days(
                    fields.Datetime.from_string(entered), stage.timeout_days))

    # ------------------------------------------------------------------ portal

    def _portal_sla_lines(self):
        """The promised times the customer may see: target, hours, deadline, outcome."""
        self.ensure_one()
        return self.sudo().sla_line_ids.filtered(lambda line: line.state != "cancelled")

    # ------------------------------------------------------------------ billable work

    work_ids = fields.One2many("crm.request.work", "request_id", groups="base.group_user")
    work_hours = fields.Float(compute="_compute_work", string="Hours Worked",
                              groups="base.group_user")
    work_to_invoice_count = fields.Integer(compute="_compute_work", string="Work to Invoice",
                                           groups="base.group_user")

    @api.depends("work_ids.hours", "work_ids.billable", "work_ids.invoice_id")
    def _compute_work(self):
        for request in self:
            request.work_hours = sum(request.work_ids.mapped("hours"))
            request.work_to_invoice_count = len(request.work_ids.filtered(
                lambda work: work.billable and not work.invoice_id))

    @api.multi
    def action_invoice_work(self):
        """Add the billable work not invoiced yet to a new draft customer invoice, priced
        with the customer's pricelist, linked both ways; open it. The work rows are locked
        first: a second user pressing the button at the same moment is told, not billed
        twice."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if not partner:
            raise UserError(_("Set the customer of request %s before invoicing its work.")
                            % self.number)
        company_partner = partner.with_context(force_company=self.company_id.id)
        if not company_partner.property_account_receivable_id:
            raise UserError(_("The customer %s has no receivable account: set one on its "
                              "accounting tab before invoicing.") % partner.display_name)
        pricelist = company_partner.property_product_pricelist
        if not pricelist:
            raise UserError(_("The customer %s has no pricelist: set one on its sales tab "
                              "before invoicing.") % partner.display_name)
        works = self._lock_work_to_invoice()
        if not works:
            raise UserError(_("Request %s has no billable work left to invoice.") % self.number)
        invoice = self.env["account.invoice"].create({
            "partner_id": partner.id, "type": "out_invoice", "origin": self.number,
            "name": self.name, "company_id": self.company_id.id,
            "currency_id": pricelist.currency_id.id,
        })
        for work in works:
            values = {"invoice_id": invoice.id}
            if work.hours and work.product_id:
                values["invoice_line_id"] = self._work_invoice_line(
                    invoice, work, work.product_id, work.hours, pricelist).id
            if work.material_qty and work.material_product_id:
                values["material_invoice_line_id"] = self._work_invoice_line(
                    invoice, work, work.material_product_id, work.material_qty, pricelist).id
            # the user may invoice colleagues' work: the link is written past their rule
            work.sudo().write(values)
        invoice.compute_taxes()
        self.message_post(body=_("Work invoiced on the draft invoice %s.")
                          % invoice.display_name, subtype="mail.mt_note")
        return self._document_action(invoice, "account.action_invoice_tree1")

    def _lock_work_to_invoice(self):
        """The billable, not invoiced work of the request, its rows locked for this
        transaction (NOWAIT: whoever comes second is told at once)."""
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute("""
                    SELECT id FROM crm_request_work
                     WHERE request_id = %s AND billable AND invoice_id IS NULL
                       FOR UPDATE NOWAIT
                """, (self.id,))
                ids = [row[0] for row in self.env.cr.fetchall()]
        except OperationalError as error:
            if error.pgcode != errorcodes.LOCK_NOT_AVAILABLE:
                raise
            raise UserError(_("Someone else is invoicing the work of request %s right now; "
                              "try again in a moment.") % self.number)
        works = self.env["crm.request.work"].browse(ids)
        works.invalidate_cache()
        return works.sorted(lambda work: (work.date, work.id))

    def _work_invoice_line(self, invoice, work, product, quantity, pricelist):
        line = self.env["account.invoice.line"].new({
            "invoice_id": invoice.id, "product_id": product.id, "quantity": quantity})
        line._onchange_product_id()
        values = line._convert_to_write(line._cache)
        values.update(
            name="%s - %s: %s" % (self.number, work.name, product.display_name),
            quantity=quantity,
            price_unit=pricelist.get_product_price(
                product, quantity, invoice.partner_id, date=work.date,
                uom_id=values.get("uom_id") or product.uom_id.id),
        )
        return self.env["account.invoice.line"].create(values)
