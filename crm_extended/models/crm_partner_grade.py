"""Reseller grades (gold, silver...): their weight steers how many leads a reseller gets."""
from odoo import fields, models


class CrmPartnerGrade(models.Model):
    _name = "crm.partner.grade"
    _description = "Reseller Grade"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    weight = fields.Integer(
        default=1, required=True,
        help="Relative share of new leads: a reseller of weight 10 is proposed about twice "
             "as many leads as one of weight 5 with the same load. 0 proposes none.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "The weight of a grade cannot be negative."),
    ]
