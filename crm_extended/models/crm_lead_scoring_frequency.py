"""crm.lead.scoring.frequency: won and lost leads per team and value of a scoring field."""
from odoo import fields, models


class CrmLeadScoringFrequency(models.Model):
    _name = "crm.lead.scoring.frequency"
    _description = "Lead Scoring Frequency"
    _order = "team_id, variable, value"

    # Raw counts of closed leads: the 0.1 that keeps a never-seen outcome from zeroing a
    # product is added when scoring (crm_lead_scoring), so the table reads as plain counts.
    team_id = fields.Many2one("crm.team", "Sales Channel", required=True, index=True,
                              ondelete="cascade", readonly=True)
    variable = fields.Char("Field", required=True, readonly=True,
                           help="Technical name of the lead's field.")
    value = fields.Char(required=True, readonly=True,
                        help="The field's value as stored (a record's id, a selection key).")
    won_count = fields.Float("Won", readonly=True)
    lost_count = fields.Float("Lost", readonly=True)

    _sql_constraints = [
        ("team_variable_value_uniq", "unique (team_id, variable, value)",
         "A value of a field is counted once per sales channel."),
    ]
