from odoo import api, fields, models, tools

from ..models.crm_sales_forecast import FORECAST_FIGURES


class CrmSalesForecastReport(models.Model):
    """Forecast against actual over time: one row per forecast, its quota beside the
    figures read live from invoices and opportunities (the same query as the forecast's
    form), so that pivot and graph add up salespeople, teams and periods."""

    _name = "crm.sales.forecast.report"
    _description = "Sales Forecast Analysis"
    _auto = False
    _rec_name = "date_from"
    _order = "date_from desc"

    forecast_id = fields.Many2one("crm.sales.forecast", readonly=True)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], "Period", readonly=True)
    scope = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales Channel"), ("company", "Company")],
        readonly=True)
    date_from = fields.Date("Period Start", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Channel", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    quota = fields.Float(readonly=True)
    closed_amount = fields.Float("Closed", readonly=True)
    won_amount = fields.Float("Won", readonly=True)
    pipeline_amount = fields.Float("Pipeline", readonly=True)
    forecast_amount = fields.Float("Forecast", readonly=True)
    best_case_amount = fields.Float("Best Case", readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # built from the constant FORECAST_FIGURES query, no user input
        view = """
            CREATE VIEW {table} AS (
                SELECT f.id, f.id AS forecast_id, f.period_type, f.scope, f.date_from,
                       f.user_id, f.team_id, f.company_id, COALESCE(f.quota, 0) AS quota,
                       figures.closed_amount, figures.won_amount, figures.pipeline_amount,
                       figures.forecast_amount, figures.best_case_amount
                  FROM crm_sales_forecast f
                  JOIN ({figures}) figures ON figures.forecast_id = f.id
            )""".format(table=self._table, figures=FORECAST_FIGURES)
        self.env.cr.execute(view)  # pylint: disable=sql-injection
