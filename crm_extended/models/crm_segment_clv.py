# Segment criteria on the lifetime value scores (probability alive, expected value, falling).
# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_partner_clv import INTERNAL


class CrmSegment(models.Model):
    _inherit = "crm.segment"

    clv_probability_alive_below = fields.Float(
        "Probability alive below", digits=(16, 4), groups=INTERNAL,
        help="Customers scored by the company's lifetime value model whose probability "
             "alive is below this (0 to 1). 0: not a criterion.")
    clv_expected_value_above = fields.Monetary(
        "Expected value above", currency_field="currency_id", groups=INTERNAL,
        help="Customers whose expected value of the next 12 months is above this. "
             "0: not a criterion.")
    clv_falling = fields.Boolean(
        "Probability alive falling", groups=INTERNAL,
        help="Customers whose probability alive fell at the last scoring.")

    @api.depends("clv_probability_alive_below", "clv_expected_value_above", "clv_falling")
    def _compute_partner_count(self):
        return super()._compute_partner_count()

    @api.constrains("clv_probability_alive_below", "clv_expected_value_above")
    def _check_clv_criteria(self):
        for segment in self:
            if not 0 <= segment.clv_probability_alive_below <= 1:
                raise ValidationError(_("The probability alive of segment %s is between 0 "
                                        "and 1.") % segment.name)
            if segment.clv_expected_value_above < 0:
                raise ValidationError(_("The expected value of segment %s cannot be "
                                        "negative.") % segment.name)

    def _sales_conditions(self):
        conditions = super()._sales_conditions()
        clauses, params = [], [self.company_id.id]
        if self.clv_probability_alive_below:
            clauses.append("clv.probability_alive < %s")
            params.append(self.clv_probability_alive_below)
        if self.clv_expected_value_above:
            clauses.append("clv.expected_value_12m > %s")
            params.append(self.clv_expected_value_above)
        if self.clv_falling:
            clauses.append("clv.probability_alive_change < 0")
        if clauses:
            conditions.append((
                '"res_partner".id IN (SELECT clv.partner_id FROM crm_partner_clv clv '
                'WHERE clv.company_id = %%s AND %s)' % " AND ".join(clauses), params))
        return conditions
