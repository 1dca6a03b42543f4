"""Reseller performance: one row per lead proposed to (or registered by) a reseller."""
from odoo import api, fields, models, tools

from ..models.crm_partner_assignment import PARTNER_ASSIGN_STATES


class CrmPartnerReport(models.Model):
    """Shares and rates are averages of 0/100 flags that are empty where they do not apply
    (acceptance is undecided while proposed, win rate counts closed leads only), so that
    the pivot's average over any grouping is the true rate."""

    _name = "crm.partner.report"
    _description = "Reseller Performance"
    _auto = False
    _rec_name = "lead_id"
    _order = "date desc"

    date = fields.Datetime("Proposed on", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Reseller", readonly=True)
    grade_id = fields.Many2one("crm.partner.grade", readonly=True)
    activation_id = fields.Many2one("crm.partner.activation", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    origin = fields.Selection([("proposal", "Proposal"), ("registration", "Deal Registration")],
                              readonly=True)
    state = fields.Selection(PARTNER_ASSIGN_STATES, string="Status", readonly=True)
    assigned_count = fields.Integer("Leads Assigned", readonly=True)
    accepted_share = fields.Float("Share Accepted (%)", readonly=True, group_operator="avg")
    hours_to_accept = fields.Float("Working Hours to Accept", readonly=True,
                                   group_operator="avg")
    win_rate = fields.Float("Win Rate (%)", readonly=True, group_operator="avg")
    revenue_won = fields.Float(readonly=True)
    open_pipeline = fields.Float(readonly=True)

    _depends = {
        "crm.partner.assignment": ["lead_id", "partner_id", "company_id", "origin", "state",
                                   "date_proposed", "hours_to_accept"],
        "crm.lead": ["country_id", "state_id", "user_id", "active", "probability",
                     "planned_revenue", "partner_assigned_id", "partner_assign_state"],
        "res.partner": ["partner_grade_id", "partner_activation_id"],
    }

    def _select(self):
        return """
            SELECT assignment.id, assignment.date_proposed AS date, assignment.lead_id,
                   assignment.partner_id, reseller.partner_grade_id AS grade_id,
                   reseller.partner_activation_id AS activation_id, lead.country_id,
                   lead.state_id, assignment.company_id, lead.user_id, assignment.origin,
                   assignment.state, 1 AS assigned_count,
                   CASE WHEN assignment.origin = 'registration' THEN NULL
                        WHEN assignment.state = 'accepted'
                             OR assignment.hours_to_accept IS NOT NULL THEN 100.0
                        WHEN assignment.state IN ('declined', 'expired') THEN 0.0
                        END AS accepted_share,
                   assignment.hours_to_accept,
                   CASE WHEN NOT %(holds)s THEN NULL
                        WHEN lead.active AND lead.probability = 100 THEN 100.0
                        WHEN NOT lead.active AND COALESCE(lead.probability, 0) = 0 THEN 0.0
                        END AS win_rate,
                   CASE WHEN %(holds)s AND lead.active AND lead.probability = 100
                        THEN lead.planned_revenue ELSE 0 END AS revenue_won,
                   CASE WHEN %(holds)s AND lead.active AND COALESCE(lead.probability, 0) < 100
                        THEN lead.planned_revenue ELSE 0 END AS open_pipeline
        """ % {"holds": "(assignment.state = 'accepted' "
                        "AND lead.partner_assigned_id = assignment.partner_id)"}

    def _from(self):
        return """
              FROM crm_partner_assignment assignment
              JOIN crm_lead lead ON lead.id = assignment.lead_id
              JOIN res_partner reseller ON reseller.id = assignment.partner_id
        """

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("CREATE OR REPLACE VIEW %s AS (%s %s)" % (
            self._table, self._select(), self._from()))
