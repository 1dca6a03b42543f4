"""res.partner: the customer's lifetime value scores, kept per company in crm.partner.clv and
shown (and searched) on the partner for the company of the figures."""
# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .res_partner_company_figures import company_figure_field


def _clv_field(field_class, column, string, **kwargs):
    """The partner's field clv_<column>: the column of its crm.partner.clv row in the
    company of the figures (internal users only). A customer without a row matches no
    comparison such as "< 0.3", so that one never invoiced is not taken for one slipping
    away."""
    return company_figure_field(field_class, "crm.partner.clv", column, string,
                                "base.group_user", **kwargs)


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
