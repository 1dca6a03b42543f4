"""Leads handed to resellers: assignment engine, proposals, acceptance and deal registration."""
import heapq
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.resource.models.resource import to_naive_user_tz, to_naive_utc

from .crm_lead_conversion import normalize_vat
from .crm_partner_assignment import PARTNER_ASSIGN_STATES

_logger = logging.getLogger(__name__)

ACCEPT_HOURS_PARAM = "crm_extended.partner_accept_hours"
DEFAULT_ACCEPT_HOURS = 48
HELD_STATES = ("proposed", "accepted")
REGISTRATION_STATES = [
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
# What a reseller's portal users may read of the leads handed to them, whatever the path
# (portal pages, JSON-RPC, XML-RPC): the deal, the contact, never our notes or figures.
PORTAL_LEAD_FIELDS = frozenset([
    "id", "display_name", "name", "type", "active", "stage_id", "planned_revenue",
    "company_currency", "date_deadline", "next_step", "next_step_date", "partner_name",
    "contact_name", "title", "function", "email_from", "phone", "mobile", "street",
    "street2", "zip", "city", "state_id", "country_id", "create_date", "write_date",
    "__last_update", "partner_assigned_id", "date_partner_assign", "partner_assign_state",
    "partner_accept_deadline", "partner_decline_reason", "partner_registration_state",
    "partner_product_ids",
])


class CrmLead(models.Model):
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    partner_assigned_id = fields.Many2one(
        "res.partner", string="Reseller", index=True, copy=False,
        domain=[("is_channel_partner", "=", True)],
        help="The reseller this lead is proposed to or worked by. Setting it by hand "
             "proposes the lead to that reseller.")
    date_partner_assign = fields.Datetime("Proposed to Reseller on", readonly=True, copy=False)
    partner_assign_state = fields.Selection(
        PARTNER_ASSIGN_STATES, string="Reseller Status", readonly=True, copy=False, index=True)
    partner_accept_deadline = fields.Datetime(
        "Reseller Answer Deadline", readonly=True, copy=False,
        help="A proposal not accepted by then expires and goes to the next reseller.")
    partner_decline_reason = fields.Text(
        "Reason Declined", readonly=True, copy=False,
        help="Why the reseller declined the lead.")
    partner_registration_state = fields.Selection(
        REGISTRATION_STATES, string="Deal Registration", readonly=True, copy=False,
        index=True, help="Set on opportunities registered by a reseller in the portal.")
    partner_product_ids = fields.Many2many(
        "product.product", "crm_lead_partner_product_rel", "lead_id", "product_id",
        string="Products of Interest", copy=False)
    partner_assignment_ids = fields.One2many(
        "crm.partner.assignment", "lead_id", string="Reseller History", readonly=True,
        groups="base.group_user")

    # ------------------------------------------------------------------
    # what a reseller's portal users may read
    # ------------------------------------------------------------------

    def _is_reseller_session(self):
        return self._uid != SUPERUSER_ID and self.env.user.share

    @api.model
    def check_field_access_rights(self, operation, fields):
        allowed = super().check_field_access_rights(operation, fields)
        if not self._is_reseller_session():
            return allowed
        if fields:
            hidden = set(fields) - PORTAL_LEAD_FIELDS
            if hidden:
                raise AccessError(_("These fields of the lead are not shared with "
                                    "resellers: %s") % ", ".join(sorted(hidden)))
            return allowed
        return [name for name in allowed if name in PORTAL_LEAD_FIELDS]

    @api.model
    def _where_calc(self, domain, active_test=True):
        # search, search_count and read_group: a condition on a field the reseller may not
        # read would tell its value one comparison at a time
        if self._is_reseller_session():
            hidden = {leaf[0].split(".")[0] for leaf in domain or []
                      if isinstance(leaf, (list, tuple)) and leaf and isinstance(leaf[0], str)
                      } - PORTAL_LEAD_FIELDS
            if hidden:
                raise AccessError(_("Resellers cannot search leads by these fields: %s")
                                  % ", ".join(sorted(hidden)))
        return super()._where_calc(domain, active_test=active_test)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        if self._is_reseller_session():
            names = {spec.split(":")[0].split("(")[0].strip() for spec in
                     list(fields or []) + ([groupby] if isinstance(groupby, str)
                                           else list(groupby or []))}
            if names - PORTAL_LEAD_FIELDS or not fields:
                raise AccessError(_("Resellers cannot group leads by these fields."))
        return super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                  orderby=orderby, lazy=lazy)

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        if self._is_reseller_session():
            roots = {path.split("/")[0].split(".")[0] for path in fields_to_export}
            if roots - PORTAL_LEAD_FIELDS:
                raise AccessError(_("Resellers cannot export these fields of a lead."))
        return super().export_data(fields_to_export, raw_data=raw_data)

    @api.multi
    def onchange(self, values, field_name, field_onchange):
        # onchanges read related customers and figures without any record rule
        if self._is_reseller_session():
            raise AccessError(_("Resellers change their leads in the portal only."))
        return super().onchange(values, field_name, field_onchange)

    # ------------------------------------------------------------------
    # manual override: setting the reseller by hand proposes the lead to it
    # ------------------------------------------------------------------

    @api.model
    def create(self, vals):
        reseller_id = vals.pop("partner_assigned_id", None) \
            if not self.env.context.get("partner_assign_engine") else None
        lead = super().create(vals)
        if reseller_id:
            lead._assign_partner_manually(self.env["res.partner"].browse(reseller_id))
        return lead

    @api.multi
    def write(self, vals):
        if "partner_assigned_id" in vals and not self.env.context.get("partner_assign_engine"):
            vals = dict(vals)
            reseller = self.env["res.partner"].browse(vals.pop("partner_assigned_id") or [])
            result = super().write(vals) if vals else True
            self.check_access_rights("write")
            self.check_access_rule("write")
            self._assign_partner_manually(reseller)
            return result
        return super().write(vals)

    @api.multi
    def _assign_partner_manually(self, reseller):
        leads = self.filtered(lambda lead: lead.partner_assigned_id != reseller)
        if not leads:
            return
        if not reseller:
            leads._release_partner("returned")
            return
        reseller = reseller.sudo()
        if not reseller.is_channel_partner:
            raise ValidationError(_("%s is not a reseller.") % reseller.display_name)
        passed = leads.sudo().mapped("partner_assignment_ids").filtered(
            lambda row: row.partner_id == reseller and row.state == "declined")
        if passed:
            raise UserError(_("%(reseller)s declined %(lead)s: a lead never goes back to a "
                              "reseller who declined it.") % {
                "reseller": reseller.display_name, "lead": passed[0].lead_id.name})
        reseller._check_partner_capacity(len(leads))
        leads._release_partner("returned")
        leads._propose_to([(lead.id, reseller.id) for lead in leads])

    # ------------------------------------------------------------------
    # assignment engine
    # ------------------------------------------------------------------

    @api.multi
    def action_assign_partner(self):
        """Propose each open lead without a reseller to the best reseller of its territory
        (state first, then country), by grade weight against current load, within
        capacity, never to one who had it before. Callable over XML-RPC; leads that
        already have a reseller are left alone. Returns the number of leads proposed."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(_("Only salespeople assign leads to resellers."))
        self.check_access_rights("write")
        self.check_access_rule("write")
        return len(self.sudo()._propose_to_resellers())

    @api.multi
    def _propose_to_resellers(self):
        """The engine itself, in a fixed number of queries whatever the number of leads:
        returns the leads it proposed."""
        leads = self._assignable_leads()
        if not leads:
            return self.browse()
        resellers = self.env["res.partner"]._channel_candidates()
        by_state, by_country = {}, {}
        for reseller in resellers.values():
            for state_id in reseller["state_ids"]:
                by_state.setdefault(state_id, []).append(reseller)
            for country_id in reseller["country_ids"]:
                by_country.setdefault(country_id, []).append(reseller)
        heaps = {}
        pairs = []
        for lead_id, country_id, state_id, company_id, passed in leads:
            for key, pool in ((("state", state_id), by_state.get(state_id)),
                              (("country", country_id), by_country.get(country_id))):
                if not pool:
                    continue
                if key not in heaps:
                    heaps[key] = [(-r["weight"] / (r["load"] + 1.0), r["load"], r["id"])
                                  for r in pool]
                    heapq.heapify(heaps[key])
                chosen = self._pop_best(heaps[key], resellers, set(passed or ()), company_id)
                if chosen:
                    chosen["load"] += 1
                    pairs.append((lead_id, chosen["id"]))
                    break
        return self._propose_to(pairs)

    @api.multi
    def _assignable_leads(self):
        """(id, country, state, company, resellers who had it) of the open leads of
        ``self`` that no reseller holds."""
        if not self.ids:
            return []
        self.env.cr.execute("""
            SELECT lead.id, lead.country_id, lead.state_id, lead.company_id,
                   ARRAY(SELECT assignment.partner_id FROM crm_partner_assignment assignment
                          WHERE assignment.lead_id = lead.id)
              FROM crm_lead lead
             WHERE lead.id = ANY(%s) AND lead.active AND COALESCE(lead.probability, 0) < 100
               AND (lead.partner_assign_state IS NULL
                    OR lead.partner_assign_state NOT IN %s)
             ORDER BY lead.id
        """, (self.ids, HELD_STATES))
        return self.env.cr.fetchall()

    @staticmethod
    def _pop_best(heap, resellers, passed, company_id):
        """The best reseller of a territory's heap for one lead. Scores only fall as loads
        grow, so a stale entry is re-pushed with its current score; full resellers leave
        the heap; those who had the lead or belong to another company wait aside."""
        aside, chosen = [], None
        while heap:
            score, load, reseller_id = heapq.heappop(heap)
            reseller = resellers[reseller_id]
            if reseller["load"] >= reseller["capacity"]:
                continue
            if reseller["load"] != load:
                heapq.heappush(heap, (-reseller["weight"] / (reseller["load"] + 1.0),
                                      reseller["load"], reseller_id))
                continue
            aside.append((score, load, reseller_id))
            if reseller_id in passed or reseller["company_id"] not in (None, company_id):
                continue
            chosen = reseller
            aside.pop()
            # back with its next score, after the caller counts the new lead
            aside.append((-reseller["weight"] / (load + 2.0), load + 1, reseller_id))
            break
        for entry in aside:
            heapq.heappush(heap, entry)
        return chosen

    @api.model
    def _accept_deadline(self, now):
        hours = self.env["ir.config_parameter"].sudo().get_param(
            ACCEPT_HOURS_PARAM, DEFAULT_ACCEPT_HOURS)
        try:
            hours = float(hours)
        except ValueError:
            hours = DEFAULT_ACCEPT_HOURS
        return fields.Datetime.to_string(fields.Datetime.from_string(now)
                                         + timedelta(hours=hours))

    @api.model
    def _propose_to(self, pairs, origin="proposal", state="proposed"):
        """Hand each lead of ``pairs`` [(lead id, reseller id)] to its reseller: one
        statement for the leads and one for their history, whatever their number."""
        if not pairs:
            return self.browse()
        now = fields.Datetime.now()
        deadline = self._accept_deadline(now) if state == "proposed" else None
        lead_ids = [lead_id for lead_id, _reseller in pairs]
        reseller_ids = [reseller_id for _lead, reseller_id in pairs]
        self.env.cr.execute("""
            UPDATE crm_lead lead
               SET partner_assigned_id = pair.reseller_id, partner_assign_state = %s,
                   date_partner_assign = %s, partner_accept_deadline = %s,
                   partner_decline_reason = NULL, write_uid = %s, write_date = %s
              FROM unnest(%s::int[], %s::int[]) AS pair(lead_id, reseller_id)
             WHERE lead.id = pair.lead_id
        """, (state, now, deadline, self.env.uid, now, lead_ids, reseller_ids))
        self.env.cr.execute("""
            INSERT INTO crm_partner_assignment
                   (lead_id, partner_id, company_id, origin, state, date_proposed,
                    date_deadline, date_answer, create_uid, create_date, write_uid,
                    write_date)
            SELECT pair.lead_id, pair.reseller_id, lead.company_id, %s, %s, %s, %s,
                   CASE WHEN %s = 'accepted' THEN %s::timestamp END, %s, %s, %s, %s
              FROM unnest(%s::int[], %s::int[]) AS pair(lead_id, reseller_id)
              JOIN crm_lead lead ON lead.id = pair.lead_id
        """, (origin, state, now, deadline, state, now, self.env.uid, now, self.env.uid, now,
              lead_ids, reseller_ids))
        leads = self.browse(lead_ids)
        leads.invalidate_cache()
        self.env["res.partner"].browse(reseller_ids).invalidate_cache(
            ["partner_assigned_count", "partner_win_rate"])
        return leads

    @api.multi
    def _release_partner(self, state, reason=None):
        """End the current reseller's hold on the leads of ``self`` (declined, expired,
        returned): the lead keeps no trace of them but its history."""
        live = self.filtered(lambda lead: lead.partner_assign_state in HELD_STATES)
        if not live:
            return
        now = fields.Datetime.now()
        self.env.cr.execute("""
            UPDATE crm_partner_assignment
               SET state = %s, date_answer = %s, decline_reason = %s, write_date = %s,
                   write_uid = %s
             WHERE lead_id = ANY(%s) AND state IN %s
        """, (state, now, reason, now, self.env.uid, live.ids, HELD_STATES))
        self.env.cr.execute("""
            UPDATE crm_lead
               SET partner_assign_state = %s, partner_assigned_id = NULL,
                   partner_accept_deadline = NULL, partner_decline_reason = %s,
                   write_date = %s, write_uid = %s
             WHERE id = ANY(%s)
        """, (state, reason, now, self.env.uid, live.ids))
        live.invalidate_cache()

    @api.model
    def _cron_expire_partner_proposals(self):
        """Proposals not accepted by their deadline expire; each lead goes to the next
        reseller at once. The conditional update leaves alone a proposal accepted in the
        same instant (the acceptance holds the row and wins)."""
        now = fields.Datetime.now()
        self.env.cr.execute("""
            UPDATE crm_lead
               SET partner_assign_state = 'expired', partner_assigned_id = NULL,
                   partner_accept_deadline = NULL, write_date = %s
             WHERE partner_assign_state = 'proposed' AND partner_accept_deadline < %s
         RETURNING id
        """, (now, now))
        lead_ids = [row[0] for row in self.env.cr.fetchall()]
        if not lead_ids:
            return self.browse()
        self.env.cr.execute("""
            UPDATE crm_partner_assignment SET state = 'expired', date_answer = %s
             WHERE lead_id = ANY(%s) AND state = 'proposed'
        """, (now, lead_ids))
        leads = self.browse(lead_ids)
        leads.invalidate_cache()
        return leads._propose_to_resellers()

    @api.model
    def _cron_notify_partner_proposals(self):
        """Tell each reseller by email of the leads proposed to it since the last run, in one
        mail per reseller and proposing company: the assignment engine stays a fixed number
        of queries whatever the number of leads, and a reseller handed 20 leads reads one
        mail, not 20. The mail goes to the reseller's portal users (who answer in the
        portal), else to the reseller's own address. A reseller with neither is logged and
        its proposals stay untold, so that they are mailed once it has an address (while
        still open).
        Returns the resellers told."""
        assignments = self.env["crm.partner.assignment"].search(
            [("state", "=", "proposed"), ("date_notified", "=", False)])
        if not assignments:
            return self.env["res.partner"]
        # a reseller working for two of our companies reads each one's proposals under its
        # own name, as each company's leads are its own business
        by_reseller = {}
        for assignment in assignments:
            by_reseller.setdefault((assignment.partner_id, assignment.company_id),
                                   []).append(assignment)
        resellers = assignments.mapped("partner_id")
        # one search for the portal users of all the resellers, not one per reseller
        portal_contacts = self.env["res.users"].sudo().search([
            ("partner_id.commercial_partner_id", "in", resellers.ids), ("share", "=", True),
        ]).mapped("partner_id").filtered("email")
        template = self.env.ref("crm_extended.mail_template_crm_partner_proposal")
        portal_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        told = self.env["res.partner"]
        for (reseller, company), proposals in sorted(
                by_reseller.items(), key=lambda item: (item[0][0].id, item[0][1].id)):
            contacts = portal_contacts.filtered(
                lambda contact: contact.commercial_partner_id == reseller
            ) or reseller.filtered("email")
            if not contacts:
                continue
            template.with_context(
                proposals=sorted(proposals, key=lambda row: (
                    row.date_deadline or "", row.lead_id.name)),
                company=company or self.env.user.company_id,
                portal_url=portal_url,
            ).send_mail(reseller.id, email_values={"recipient_ids": [(6, 0, contacts.ids)]})
            told |= reseller
        if resellers - told:
            _logger.warning("Leads proposed to resellers without an email address, not told: %s",
                            ", ".join((resellers - told).mapped("display_name")))
        assignments.filtered(lambda row: row.partner_id in told).write(
            {"date_notified": fields.Datetime.now()})
        return told

    # ------------------------------------------------------------------
    # the reseller's answer (called as superuser by the portal, after its access check)
    # ------------------------------------------------------------------

    @api.multi
    def _partner_accept(self, reseller):
        """Accept the proposal for ``reseller``. One conditional UPDATE decides: of two
        accepts at the same moment the second waits for the first's row lock; its
        transaction then fails to serialize, Odoo's request handling retries it, and the
        retry finds the lead no longer proposed and tells so."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.env.cr.execute("""
            UPDATE crm_lead SET partner_assign_state = 'accepted', type = 'opportunity',
                   date_conversion = COALESCE(date_conversion, %s), write_date = %s
             WHERE id = %s AND partner_assigned_id = %s AND partner_assign_state = 'proposed'
               AND partner_accept_deadline >= %s
         RETURNING id
        """, (now, now, self.id, reseller.id, now), log_exceptions=False)
        if not self.env.cr.fetchone():
            self.invalidate_cache()
            raise UserError(self._partner_refusal_message(reseller, now))
        self.invalidate_cache()
        assignment = self.env["crm.partner.assignment"].search(
            [("lead_id", "=", self.id), ("state", "=", "proposed")], limit=1)
        assignment.write({"state": "accepted", "date_answer": now,
                          "hours_to_accept": self._working_hours(assignment.date_proposed,
                                                                 now)})
        self.message_post(body=_("Accepted by %s.") % reseller.display_name,
                          subtype="mail.mt_note")
        return True

    @api.multi
    def _partner_refusal_message(self, reseller, now):
        self.ensure_one()
        if self.partner_assigned_id == reseller and self.partner_assign_state == "accepted":
            return _("This lead has already been accepted by your company.")
        if (self.partner_assigned_id == reseller and self.partner_assign_state == "proposed"
                and self.partner_accept_deadline and self.partner_accept_deadline < now):
            return _("The proposal expired on %s (UTC): this lead can no longer be "
                     "accepted.") % self.partner_accept_deadline
        return _("This lead is no longer proposed to your company.")

    @api.multi
    def _working_hours(self, start, end):
        calendar = self.company_id.resource_calendar_id or \
            self.env.user.company_id.resource_calendar_id
        start, end = fields.Datetime.from_string(start), fields.Datetime.from_string(end)
        if not calendar:
            return (end - start).total_seconds() / 3600.0
        # Odoo 11 steps from day to day at the start's time of day, and so misses the last
        # day when it ends earlier: both counts start at the calendar's local midnight
        midnight = to_naive_utc(to_naive_user_tz(start, calendar).replace(
            hour=0, minute=0, second=0, microsecond=0), calendar)
        return (calendar.get_work_hours_count(midnight, end, None)
                - calendar.get_work_hours_count(midnight, start, None))

    @api.multi
    def _partner_decline(self, reseller, reason):
        """Decline the proposal with a reason; the lead goes to the next reseller."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Please say why you decline this lead."))
        self.env.cr.execute("""
            SELECT id FROM crm_lead
             WHERE id = %s AND partner_assigned_id = %s AND partner_assign_state = 'proposed'
               FOR UPDATE
        """, (self.id, reseller.id))
        if not self.env.cr.fetchone():
            self.invalidate_cache()
            raise UserError(self._partner_refusal_message(reseller, fields.Datetime.now()))
        self.invalidate_cache()
        self._release_partner("declined", reason)
        self.message_post(body=_("Declined by %(reseller)s: %(reason)s") % {
            "reseller": reseller.display_name, "reason": reason}, subtype="mail.mt_note")
        self._propose_to_resellers()
        return True

    @api.multi
    def _partner_propose_change(self, contact, text):
        """A reseller never changes our customer's master data: its proposal becomes a
        message to the salesperson, who applies it (or not)."""
        self.ensure_one()
        salesperson = self.user_id or self.team_id.user_id
        self.with_context(mail_create_nosubscribe=True).message_post(
            body=tools.plaintext2html(_("Change proposed by the reseller:") + "\n" + text),
            subject=_("Change proposed for %s") % self.name,
            author_id=contact.id, partner_ids=salesperson.partner_id.ids,
            message_type="comment", subtype="mail.mt_comment")
        return True

    # ------------------------------------------------------------------
    # deal registration
    # ------------------------------------------------------------------

    @api.model
    def _partner_duplicate_exists(self, company_name, email, vat):
        """Whether a lead or a partner already has this email address, VAT or company
        name. Only yes or no: the reseller is never told whose it is."""
        email = (tools.email_split(email or "") or [""])[0].lower()
        vat = normalize_vat(vat)
        name = (company_name or "").strip().lower()
        self.env.cr.execute("""
            SELECT 1 FROM crm_lead
             WHERE (%(email)s <> '' AND lower(email_from) = %(email)s)
                OR (%(vat)s <> ''
                    AND regexp_replace(upper(vat), '[^A-Z0-9]', '', 'g') = %(vat)s)
                OR (%(name)s <> '' AND lower(trim(partner_name)) = %(name)s)
            UNION ALL
            SELECT 1 FROM res_partner
             WHERE active AND ((%(email)s <> '' AND lower(email) = %(email)s)
                OR (%(vat)s <> ''
                    AND regexp_replace(upper(vat), '[^A-Z0-9]', '', 'g') = %(vat)s)
                OR (%(name)s <> '' AND is_company AND lower(trim(name)) = %(name)s))
             LIMIT 1
        """, {"email": email, "vat": vat, "name": name})
        return bool(self.env.cr.fetchone())

    @api.model
    def _partner_register(self, contact, values):
        """A deal registered by ``contact`` (a reseller's portal user's partner): refused
        when its customer is known to us, else an opportunity awaiting approval."""
        reseller = contact.commercial_partner_id
        if not reseller.is_channel_partner:
            raise AccessError(_("Only resellers register deals."))
        if self._partner_duplicate_exists(values.get("partner_name"), values.get("email_from"),
                                          values.get("vat")):
            raise ValidationError(_(
                "This customer or deal is already known to us, so it cannot be registered. "
                "Please contact your channel manager."))
        reseller._check_partner_capacity(1)
        lead = self.with_context(partner_assign_engine=True, mail_create_nosubscribe=True).create(
            dict(values, name=values.get("name") or values.get("partner_name"),
                 type="opportunity", partner_registration_state="submitted",
                 partner_assigned_id=reseller.id, user_id=reseller.user_id.id or False))
        lead.message_subscribe(partner_ids=contact.ids)
        lead.message_post(body=_("Deal registered by %s, awaiting approval.")
                          % contact.display_name, subtype="mail.mt_note")
        return lead

    @api.multi
    def action_approve_registration(self):
        self._check_registration_answer()
        for lead in self:
            lead.partner_assigned_id._check_partner_capacity(1)
        self.write({"partner_registration_state": "approved"})
        self._propose_to([(lead.id, lead.partner_assigned_id.id) for lead in self],
                         origin="registration", state="accepted")
        for lead in self:
            lead.message_post(body=_("Your deal registration %s is approved.") % lead.name,
                              subtype="mail.mt_comment")
        return True

    @api.multi
    def action_reject_registration(self):
        self._check_registration_answer()
        for lead in self:
            lead.message_post(body=_("Your deal registration %s is rejected.") % lead.name,
                              subtype="mail.mt_comment")
        self.write({"partner_registration_state": "rejected", "active": False})
        return True

    @api.multi
    def _check_registration_answer(self):
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(_("Only salespeople approve or reject deal registrations."))
        pending = self.filtered(lambda lead: lead.partner_registration_state == "submitted")
        if pending != self:
            raise UserError(_("Only submitted deal registrations can be approved or "
                              "rejected."))
