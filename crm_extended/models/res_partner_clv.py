# The customer's lifetime value scores on res.partner, searchable.
# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression

from .crm_partner_clv import CLV_COLUMNS


def _clv_field(field_class, column, string, **kwargs):
    """The partner's read-only field clv_<column>: the column of its crm.partner.clv row
    in the user's current company, searchable there (internal users only)."""
    return field_class(string=string, compute="_compute_clv", readonly=True, copy=False,
                       groups="base.group_user",
                       search=lambda partners, operator, value: partners._search_clv(
                           column, operator, value), **kwargs)


class ResPartner(models.Model):
    _inherit = "res.partner"

    clv_probability_alive = _clv_field(
        fields.Float, "probability_alive", "Probability alive", digits=(16, 4),
        help="The chance that the customer still buys from us (BG/NBD), as of the last "
             "scoring.")
    clv_previous_probability_alive = _clv_field(
        fields.Float, "previous_probability_alive", "Previous probability alive",
        digits=(16, 4))
    clv_expected_purchases_90d = _clv_field(
        fields.Float, "expected_purchases_90d", "Expected purchases (90 days)",
        digits=(16, 2))
    clv_expected_value_12m = _clv_field(
        fields.Float, "expected_value_12m", "Expected value (12 months)", digits=(16, 2),
        help="Untaxed, in company currency, discounted at the model's yearly rate.")
    clv_model_date = _clv_field(fields.Date, "model_date", "Lifetime value model date")

    def _compute_clv(self):
        """The scores of the displayed partners in the user's company, in one query."""
        ids = [partner_id for partner_id in self.ids if isinstance(partner_id, int)]
        rows = self.env["crm.partner.clv"].search([
            ("partner_id", "in", ids), ("company_id", "=", self.env.user.company_id.id)])
        by_partner = {row.partner_id.id: row for row in rows}
        no_row = self.env["crm.partner.clv"]
        for partner in self:
            row = by_partner.get(partner.id, no_row)
            for column in CLV_COLUMNS:
                partner["clv_" + column] = row[column]

    @api.model
    def _search_clv(self, column, operator, value):
        """Partners whose crm.partner.clv row of the user's company satisfies ``column
        operator value``, as a subquery."""
        scores = self.env["crm.partner.clv"]
        scores.check_access_rights("read")
        company = [("company_id", "=", self.env.user.company_id.id)]
        domain = [(column, operator, value)]
        unscored_match = self._clv_unscored_match(operator, value)
        query = scores._where_calc(expression.AND([
            company, ["!"] + domain if unscored_match else domain]))
        scores._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        subquery = 'SELECT "crm_partner_clv".partner_id FROM %s WHERE %s' % (
            from_clause, where_clause or "TRUE")
        return [("id", "not inselect" if unscored_match else "inselect", (subquery, params))]

    @api.model
    def _clv_unscored_match(self, operator, value):
        """Whether a partner without scores meets the condition: only "= False" and its
        likes ("!= 0.3" too); comparisons such as "< 0.3" match scored customers only,
        so that a customer never invoiced is not taken for one slipping away."""
        values = value if isinstance(value, (list, tuple)) else [value]
        if operator not in ("=", "!=", "in", "not in"):
            return False
        return (any(item is False or item is None for item in values)
                != (operator in expression.NEGATIVE_TERM_OPERATORS))
