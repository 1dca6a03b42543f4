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
    def _rules_data(self, company_id):
        # Routing runs on every new request and the rules seldom change: they are read
        # once per version of their table. Every write gives a row a new version (xmin, the
        # writing transaction; ctid, where it lies), so the key changes with any change,
        # even one made earlier in the same transaction, and an entry made in a transaction
        # that was rolled back is never matched again.
        self.env.cr.execute("SELECT string_agg(id || ':' || xmin || ':' || ctid, ',' ORDER BY id) "
                            "FROM crm_request_routing_rule")
        return self._rules_data_cached(company_id, self.env.cr.fetchone()[0])

    @api.model
    @tools.ormcache("company_id", "stamp")
    def _rules_data_cached(self, company_id, stamp):
        # Routing applies whoever files the request: every active rule of the company.
        rules = self.sudo().search(["|", ("company_id", "=", False),
                                    ("company_id", "=", company_id)])
        return tuple(RuleData(
            rule.id, frozenset(rule.request_type_ids.ids), frozenset(rule.category_ids.ids),
            frozenset(rule.partner_category_ids.ids), frozenset(rule.country_ids.ids),
            rule._keyword_pattern()) for rule in rules)
