# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Partners: the audience of the fields crm_extended adds to them (see base_field_audience).
The figures and the profile are ours to act on; the customer sees none of them."""
from odoo import fields, models

SALES = "crm_extended.group_crm_extended_user"
INTERNAL = "base.group_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # -- profitability: what the customer is worth to us, for the people who sell to it
    lifetime_revenue = fields.Monetary(groups=SALES)
    lifetime_margin = fields.Monetary(groups=SALES)
    last_invoice_date = fields.Date(groups=SALES)
    order_count = fields.Integer(groups=SALES)
    average_order_value = fields.Monetary(groups=SALES)
    # internal users at large: Odoo copies the group of a company to its contacts as whoever
    # edits them (commercial fields)
    customer_group_id = fields.Many2one(groups=INTERNAL)

    # -- sales force automation: our classification and checklist of the customer
    customer_kind = fields.Selection(groups=INTERNAL)
    payment_preference = fields.Selection(groups=INTERNAL)
    ready_to_trade = fields.Boolean(groups=INTERNAL)
    profile_completeness = fields.Float(groups=INTERNAL)
    profile_missing = fields.Char(groups=INTERNAL)
    campaign_id = fields.Many2one(groups=INTERNAL)
    medium_id = fields.Many2one(groups=INTERNAL)
    source_id = fields.Many2one(groups=INTERNAL)
    mailing_list_ids = fields.Many2many(groups=INTERNAL)
