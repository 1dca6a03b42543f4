"""One row per proposal of a lead to a reseller: the trail behind the lead's current
reseller and the facts of the reseller performance report."""
from odoo import api, fields, models, tools

PARTNER_ASSIGN_STATES = [
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("expired", "Expired"),
    ("returned", "Returned"),
]


class CrmPartnerAssignment(models.Model):
    _name = "crm.partner.assignment"
    _description = "Lead Proposed to a Reseller"
    _order = "date_proposed desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", required=True, index=True,
                              ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Reseller", required=True, index=True,
                                 ondelete="restrict", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    origin = fields.Selection([("proposal", "Proposal"), ("registration", "Deal Registration")],
                              required=True, default="proposal", readonly=True)
    state = fields.Selection(PARTNER_ASSIGN_STATES, required=True, default="proposed",
                             readonly=True)
    date_proposed = fields.Datetime("Proposed on", required=True, readonly=True)
    date_deadline = fields.Datetime("Answer by", readonly=True)
    date_answer = fields.Datetime("Answered on", readonly=True)
    hours_to_accept = fields.Float(
        "Working Hours to Accept", readonly=True,
        help="Working hours of the company's calendar between the proposal and the "
             "acceptance.")
    decline_reason = fields.Text(readonly=True)
    date_notified = fields.Datetime(
        "Reseller Told on", readonly=True,
        help="When the reseller was told of the proposal by email (one mail per reseller "
             "gathers the proposals made since the last). Proposals open when the emails "
             "began count as told when proposed.")

    @api.model_cr_context
    def _auto_init(self):
        # On a database that had proposals before resellers were emailed, the first run of
        # the scheduled action would mail every proposal still open, old ones included: the
        # resellers already have those in their portal. So when the column is created, the
        # open proposals count as told when they were proposed, and only new ones are mailed.
        # (Here, not in a migration script: it holds whatever version the database comes from.)
        new_column = not tools.column_exists(self.env.cr, self._table, "date_notified")
        result = super()._auto_init()
        if new_column:
            self.env.cr.execute("""
                UPDATE crm_partner_assignment SET date_notified = date_proposed
                 WHERE state = 'proposed' AND date_notified IS NULL""")
        return result
