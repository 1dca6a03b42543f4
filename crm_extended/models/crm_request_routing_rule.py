import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmRequestRoutingRule(models.Model):
    _name = "crm.request.routing.rule"
    _description = "Request Routing Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10,
                              help="Rules are tried in this order; the first that matches wins.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id)
    request_type_ids = fields.Many2many("crm.request.type", string="Request Types")
    category_ids = fields.Many2many("crm.request.category", string="Categories")
    partner_category_ids = fields.Many2many("res.partner.category", string="Partner Tags")
    country_ids = fields.Many2many("res.country", string="Countries")
    keywords = fields.Char(help="Comma-separated words; the rule matches when any of them "
                                "appears in the subject or the description (any case).")
    team_id = fields.Many2one("crm.request.team", string="Assign to Team")
    user_id = fields.Many2one("res.users", string="Assign to")

    # "name" is always written on create, so the check runs for new rules too.
    @api.constrains("name", "team_id", "user_id")
    def _check_assigns(self):
        for rule in self:
            if not rule.team_id and not rule.user_id:
                raise ValidationError(
                    _("Routing rule %s must assign a team, a responsible or both.") % rule.name)

    def _keyword_list(self):
        return [word.strip().lower() for word in (self.keywords or "").split(",")
                if word.strip()]

    def _matches(self, values, partner):
        """Whether the request described by `values` (create values) falls under this rule;
        every criterion that is set must hold."""
        self.ensure_one()
        if self.request_type_ids and values.get("request_type_id") not in self.request_type_ids.ids:
            return False
        if self.category_ids and values.get("category_id") not in self.category_ids.ids:
            return False
        commercial = partner.commercial_partner_id
        if self.partner_category_ids and not (
                self.partner_category_ids & (partner.category_id | commercial.category_id)):
            return False
        country = partner.country_id or commercial.country_id
        if self.country_ids and country not in self.country_ids:
            return False
        words = self._keyword_list()
        if words:
            text = " ".join([values.get("name") or "", values.get("description") or ""]).lower()
            if not any(re.search(r"\b%s\b" % re.escape(word), text) for word in words):
                return False
        return True

    @api.model
    def _find_rule(self, values, partner, company):
        rules = self.sudo().search(["|", ("company_id", "=", False),
                                    ("company_id", "=", company.id)])
        return next((rule for rule in rules if rule._matches(values, partner)), self.browse())
