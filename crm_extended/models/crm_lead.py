import re

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import float_compare

LEAD_SOURCE_REQUIRED_PARAM = "crm_extended.lead_source_required"


def normalize_vat(vat):
    """VAT numbers compare without spaces, dots and dashes, in upper case."""
    return re.sub(r"[^A-Z0-9]", "", (vat or "").upper())


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # -- sales force automation
    vat = fields.Char(
        "Company VAT", help="Tax ID of the lead's company: given to the company created at "
                            "conversion and used to refuse duplicates.")
    next_step = fields.Char(
        help="What happens next with this opportunity. Follows the summary (or type) of the "
             "next scheduled activity whenever there is one; free text otherwise.")
    next_step_date = fields.Date(
        help="When the next step is due: the deadline of the next scheduled activity "
             "whenever there is one.")
    probability_manual = fields.Boolean(
        "Probability Set by Hand", copy=False,
        help="The probability is the salesperson's own estimate and no longer follows the "
             "stage's default probability. Untick to follow the stage again.")
    mailing_list_ids = fields.Many2many(
        "mail.mass_mailing.list", string="Contact Lists",
        compute="_compute_mailing_list_ids",
        help="Mailing lists holding a contact with the lead's email address.")

    # next step <-> activities

    @api.multi
    def _sync_next_step(self):
        """Mirror the next scheduled activity (earliest deadline) into the next step."""
        if not self:
            return
        activities = self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)],
            order="date_deadline, id")
        next_activity = {}
        for activity in activities:
            next_activity.setdefault(activity.res_id, activity)
        # Activities belong to the lead: whoever may schedule one may move its next step.
        for lead in self.sudo().exists():
            activity = next_activity.get(lead.id)
            values = {
                "next_step": activity and (activity.summary or activity.activity_type_id.name)
                or False,
                "next_step_date": activity and activity.date_deadline or False,
            }
            if (lead.next_step or False, lead.next_step_date or False) != (
                    values["next_step"], values["next_step_date"]):
                lead.write(values)

    # probability: follows the stage unless set by hand

    @api.model
    def _onchange_stage_id_values(self, stage_id):
        values = super()._onchange_stage_id_values(stage_id)
        stage = self.env["crm.stage"].browse(stage_id)
        # Won stages always take their probability; other moves keep a hand-set estimate.
        if "probability" in values:
            if stage.probability < 100 and self and all(self.mapped("probability_manual")):
                del values["probability"]
            else:
                values["probability_manual"] = False
        return values

    @api.onchange("probability")
    def _onchange_probability_manual(self):
        self.probability_manual = self._is_probability_manual(
            {"probability": self.probability}, self.stage_id)

    @api.onchange("probability_manual")
    def _onchange_probability_follow_stage(self):
        if not self.probability_manual and self.stage_id:
            self.probability = self.stage_id.probability

    @api.model
    def _is_probability_manual(self, vals, stage):
        return bool(vals.get("active", True)) and float_compare(
            vals["probability"], stage.probability or 0.0, precision_digits=2) != 0

    @api.model
    def create(self, vals):
        if vals.get("stage_id") and "probability" not in vals:
            # Odoo takes the default stage's probability even when another stage is given
            vals = dict(vals, **self._onchange_stage_id_values(vals["stage_id"]))
        lead = super().create(vals)
        if ("probability" in vals and "probability_manual" not in vals
                and self._is_probability_manual(vals, lead.stage_id)):
            lead.probability_manual = True
        return lead

    @api.multi
    def write(self, vals):
        if vals.get("stage_id") and "probability" not in vals:
            sticky = self.filtered("probability_manual")
            if sticky and sticky != self:
                # each part takes its own probability rule (see _onchange_stage_id_values)
                return sticky.write(dict(vals)) and (self - sticky).write(dict(vals))
        if "probability" in vals and "probability_manual" not in vals:
            stages = self.env["crm.stage"].browse(vals.get("stage_id"))
            if stages or not self:
                groups = [(stages, self)]
            else:
                groups = [(stage, self.filtered(lambda lead, s=stage: lead.stage_id == s))
                          for stage in self.mapped("stage_id")]
                groups.append((stages, self.filtered(lambda lead: not lead.stage_id)))
            for stage, leads in groups:
                if leads:
                    super(CrmLead, leads).write(dict(
                        vals, probability_manual=self._is_probability_manual(vals, stage)))
            return True
        return super().write(vals)

    # contact lists

    @api.multi
    def _mailing_contact_values(self):
        """One mailing contact per lead, as Odoo's mass mailing makes them."""
        return [{
            "email": (tools.email_split(lead.email_from) or [False])[0],
            "name": lead.contact_name or lead.partner_name or lead.name,
            "company_name": lead.partner_name,
            "country_id": lead.country_id.id,
            "label": lead.name,
        } for lead in self]

    @api.depends("email_from")
    def _compute_mailing_list_ids(self):
        no_list = self.env["mail.mass_mailing.list"]
        emails = {lead: (tools.email_split(lead.email_from) or [""])[0].lower()
                  for lead in self}
        lists = self.env["mail.mass_mailing.contact"]._lists_by_email(
            set(emails.values()) - {""})
        for lead in self:
            lead.mailing_list_ids = lists.get(emails[lead], no_list)

    # conversion

    @api.multi
    def _check_source_for_conversion(self):
        param = self.env["ir.config_parameter"].sudo().get_param(LEAD_SOURCE_REQUIRED_PARAM)
        if param != "True":
            return
        missing = self.filtered(lambda lead: not lead.source_id)
        if missing:
            raise UserError(_(
                "Set the source of these leads before converting them into opportunities: "
                "%s.") % ", ".join(missing.mapped("name")))

    @api.multi
    def convert_opportunity(self, partner_id, user_ids=False, team_id=False):
        self._check_source_for_conversion()
        return super().convert_opportunity(partner_id, user_ids=user_ids, team_id=team_id)

    @api.multi
    def _find_duplicate_partner(self):
        """The existing partner with the lead's email address or its company's VAT."""
        self.ensure_one()
        email = (tools.email_split(self.email_from) or [""])[0].lower()
        vat = normalize_vat(self.vat)
        if not email and not vat:
            return self.env["res.partner"]
        self.env.cr.execute("""
            SELECT id FROM (
                SELECT id, parent_id,
                       %(email)s <> '' AND lower(email) = %(email)s AS same_email,
                       %(vat)s <> ''
                       AND regexp_replace(upper(vat), '[^A-Z0-9]', '', 'g') = %(vat)s AS same_vat
                  FROM res_partner
                 WHERE active) partner
             WHERE same_email OR same_vat
             ORDER BY same_vat DESC, parent_id IS NOT NULL, id
        """, {"email": email, "vat": vat})
        ids = [row[0] for row in self.env.cr.fetchall()]
        # the first visible match, in the query's order of preference
        visible = self.env["res.partner"].search([("id", "in", ids)])
        return next((visible.browse(pid) for pid in ids if pid in visible.ids),
                    self.env["res.partner"])

    @api.multi
    def _create_lead_partner_data(self, name, is_company, parent_id=False):
        values = super()._create_lead_partner_data(name, is_company, parent_id=parent_id)
        values.update(campaign_id=self.campaign_id.id, medium_id=self.medium_id.id,
                      source_id=self.source_id.id)
        if is_company:
            values["vat"] = self.vat
        return values

    @api.multi
    def _create_lead_partner(self):
        duplicate = self._find_duplicate_partner()
        if duplicate:
            raise UserError(_(
                "%(partner)s already exists with the same email address or VAT as the lead "
                "%(lead)s. Choose \"Link to an existing customer\" and select %(partner)s "
                "instead of creating a duplicate.") % {
                    "partner": duplicate.display_name, "lead": self.name})
        return super()._create_lead_partner()

    @api.multi
    def handle_partner_assignation(self, action="create", partner_id=False):
        result = super().handle_partner_assignation(action=action, partner_id=partner_id)
        for lead in self.filtered("partner_id"):
            lead._carry_acquisition_to_partner()
        return result

    @api.multi
    def _carry_acquisition_to_partner(self):
        """The account and contact keep where they came from (first touch wins) and join
        the lead's contact lists."""
        self.ensure_one()
        partners = self.partner_id | self.partner_id.commercial_partner_id
        for field in ("campaign_id", "medium_id", "source_id"):
            empty = partners.filtered(lambda partner, f=field: not partner[f])
            if self[field] and empty:
                empty.write({field: self[field].id})
        if self.mailing_list_ids:
            reachable = partners.filtered("email")
            self.env["mail.mass_mailing.contact"]._add_to_lists(
                reachable._mailing_contact_values(), self.mailing_list_ids)
