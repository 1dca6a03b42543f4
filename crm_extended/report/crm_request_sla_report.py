# SLA analysis: one row per SLA line (cancelled ones left out) with its request's dimensions.
from odoo import api, fields, models, tools

from ..models.crm_request_sla_line import SLA_LINE_STATES
from ..models.crm_request_sla_policy import SLA_TARGETS

# read_group aggregates a column with one function of one argument: the 90th percentile
# is such a function (an array of the values, then percentile_cont over it).
P90_AGGREGATE = "crm_extended_p90"
MISSED_SQL = ("(line.state = 'missed' OR (line.state = 'running' AND "
              "line.deadline < (now() AT TIME ZONE 'UTC')))")


class CrmRequestSlaReport(models.Model):
    _name = "crm.request.sla.report"
    _description = "SLA Analysis"
    _auto = False
    _rec_name = "request_id"
    _order = "date_start desc"

    request_id = fields.Many2one("crm.request", readonly=True)
    policy_id = fields.Many2one("crm.request.sla.policy", readonly=True)
    target = fields.Selection(SLA_TARGETS, readonly=True)
    state = fields.Selection(SLA_LINE_STATES, string="Status", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.request.team", readonly=True)
    request_type_id = fields.Many2one("crm.request.type", string="Type", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date_start = fields.Datetime(string="Started", readonly=True)
    deadline = fields.Datetime(readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    met_count = fields.Integer(string="Met", readonly=True)
    missed_count = fields.Integer(string="Missed", readonly=True,
                                  help="Reached late, or running past the deadline.")
    met_rate = fields.Float(string="Share Met (%)", readonly=True, group_operator="avg",
                            help="Among the lines whose outcome is known.")
    response_hours = fields.Float(string="Hours to First Response", readonly=True,
                                  group_operator="avg", help="Working hours, pauses excluded.")
    response_hours_p90 = fields.Float(string="Hours to First Response (90th pct)",
                                      readonly=True, group_operator=P90_AGGREGATE)
    resolution_hours = fields.Float(string="Hours to Resolution", readonly=True,
                                    group_operator="avg", help="Working hours, pauses excluded.")
    resolution_hours_p90 = fields.Float(string="Hours to Resolution (90th pct)",
                                        readonly=True, group_operator=P90_AGGREGATE)
    paused_hours = fields.Float(readonly=True)

    _depends = {
        "crm.request.sla.line": ["request_id", "policy_id", "target", "state", "date_start",
                                 "deadline", "consumed_hours", "paused_hours", "date_met"],
        "crm.request": ["company_id", "team_id", "request_type_id", "user_id",
                        "commercial_partner_id"],
    }

    def _select(self):
        return """
            SELECT line.id, line.request_id, line.policy_id, line.target, line.state,
                   req.company_id, req.team_id, req.request_type_id, req.user_id,
                   req.commercial_partner_id AS partner_id, line.date_start, line.deadline,
                   1 AS line_count,
                   CASE WHEN line.state = 'met' THEN 1 ELSE 0 END AS met_count,
                   CASE WHEN %(missed)s THEN 1 ELSE 0 END AS missed_count,
                   CASE WHEN line.state = 'met' THEN 100.0
                        WHEN %(missed)s THEN 0.0 END AS met_rate,
                   CASE WHEN line.target = 'first_response' AND line.date_met IS NOT NULL
                        THEN line.consumed_hours END AS response_hours,
                   CASE WHEN line.target = 'first_response' AND line.date_met IS NOT NULL
                        THEN line.consumed_hours END AS response_hours_p90,
                   CASE WHEN line.target = 'resolution' AND line.date_met IS NOT NULL
                        THEN line.consumed_hours END AS resolution_hours,
                   CASE WHEN line.target = 'resolution' AND line.date_met IS NOT NULL
                        THEN line.consumed_hours END AS resolution_hours_p90,
                   line.paused_hours
        """ % {"missed": MISSED_SQL}

    def _from(self):
        return """
              FROM crm_request_sla_line line
              JOIN crm_request req ON req.id = line.request_id
             WHERE line.state != 'cancelled'
        """

    @api.model_cr
    def init(self):
        cr = self.env.cr
        cr.execute(  # pylint: disable=sql-injection
            """
            CREATE OR REPLACE FUNCTION %(name)s_final(double precision[])
                RETURNS double precision LANGUAGE sql IMMUTABLE AS
                'SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY v) FROM unnest($1) v';
            CREATE OR REPLACE AGGREGATE %(name)s(double precision) (
                SFUNC = array_append, STYPE = double precision[],
                FINALFUNC = %(name)s_final, INITCOND = '{}');
        """ % {"name": P90_AGGREGATE})
        tools.drop_view_if_exists(cr, self._table)
        cr.execute("CREATE OR REPLACE VIEW %s AS (%s %s)" % (  # pylint: disable=sql-injection
            self._table, self._select(), self._from()))
