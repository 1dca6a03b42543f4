"""crm.lead: conversion (source required, no duplicate partner, acquisition carried over)."""
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_extended_sql import email_sql, normalize_email

LEAD_SOURCE_REQUIRED_PARAM = "crm_extended.lead_source_required"


def normalize_vat(vat):
    """VAT numbers compare without spaces, dots and dashes, in upper case."""
    return re.sub(r"[^A-Z0-9]", "", (vat or "").upper())


class CrmLead(models.Model):
    _inherit = "crm.lead"

    vat = fields.Char(
        "Company VAT", help="Tax ID of the lead's company: given to the company created at "
                            "conversion and used to refuse duplicates.",
        groups="base.group_user")

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
        email = normalize_email(self.email_from)
        vat = normalize_vat(self.vat)
        if not email and not vat:
            return self.env["res.partner"]
        self.env.cr.execute("""
            SELECT id FROM (
                SELECT id, parent_id,
                       %%(email)s <> '' AND %s = %%(email)s AS same_email,
                       %%(vat)s <> ''
                       AND regexp_replace(upper(vat), '[^A-Z0-9]', '', 'g') = %%(vat)s AS same_vat
                  FROM res_partner
                 WHERE active) partner
             WHERE same_email OR same_vat
             ORDER BY same_vat DESC, parent_id IS NOT NULL, id
        """ % email_sql("email"), {"email": email, "vat": vat})
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
