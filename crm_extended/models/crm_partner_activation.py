"""How far a reseller's onboarding has come (first contact, ramp-up, fully operational)."""
from odoo import fields, models


class CrmPartnerActivation(models.Model):
    _name = "crm.partner.activation"
    _description = "Reseller Activation"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
