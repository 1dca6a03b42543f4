import re
from collections import namedtuple

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

RuleData = namedtuple("RuleData", "id request_type_ids category_ids partner_category_ids "
                                  "country_ids pattern")


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

    def _keyword_pattern(self):
        """Any of the keywords as a whole word, or None without keywords."""
        words = [word.strip().lower() for word in (self.keywords or "").split(",")
                 if word.strip()]
        if not words:
            return None
        return re.compile(r"\b(?:%s)\b" % "|".join(re.escape(word) for word in words))

    @api.model
    def _find_rule(self, values, partner, company):
        """The first rule, in sequence order, under which the request described by
        `values` (create values) falls: every criterion the rule sets must hold."""
        text = " ".join([values.get("name") or "", values.get("description") or ""]).lower()
        commercial = partner.commercial_partner_id
        for rule in self._rules_data(company.id):
            if rule.request_type_ids and values.get("request_type_id") not in rule.request_type_ids:
                continue
            if rule.category_ids and values.get("category_id") not in rule.category_ids:
                continue
            if rule.partner_category_ids and rule.partner_category_ids.isdisjoint(
                    (partner.category_id | commercial.category_id).ids):
                continue
            if rule.country_ids and (
                    partner.country_id or commercial.country_id).id not in rule.country_ids:
                continue
            if rule.pattern and not rule.pattern.search(text):
                continue
            return self.browse(rule.id)
        return self.browse()

    @api.model
    @tools.ormcache("company_id")
    def _rules_data(self, company_id):
        """The active rules of the company, read once and kept until a rule changes (see
        _clear_routing_cache). Routing applies whoever files the request."""
        rules = self.sudo().search(["|", ("company_id", "=", False),
                                    ("company_id", "=", company_id)])
        return tuple(RuleData(
            rule.id, frozenset(rule.request_type_ids.ids), frozenset(rule.category_ids.ids),
            frozenset(rule.partner_category_ids.ids), frozenset(rule.country_ids.ids),
            rule._keyword_pattern()) for rule in rules)

    # Every change of a rule (its many2many included: they are written through the rule)
    # and every deletion of a record a rule refers to empties the cache of every worker
    # (Odoo signals the cleared cache to the others); a transaction rolled back empties it
    # again (Registry.reset_changes).
    @api.model
    def create(self, vals):
        self.clear_caches()
        return super().create(vals)

    @api.multi
    def write(self, vals):
        self.clear_caches()
        return super().write(vals)

    @api.multi
    def unlink(self):
        self.clear_caches()
        return super().unlink()
