# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools

from ..models.crm_extended_sql import posted_customer_invoices


class CrmRetentionReport(models.Model):
    """Customer cohorts: customers by the month of their first posted invoice, and for
    each following month whether they still bought.

    One row per customer, company and month since the first invoice, so that the rates
    are plain averages of 0/100 values and stay right at any grouping (by cohort and
    month, by cohort alone, by quarter...).
    """

    _name = "crm.retention.report"
    _description = "Customer Retention (cohorts)"
    _auto = False
    _rec_name = "cohort_month"
    _order = "cohort_month desc, months_since"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    cohort_month = fields.Date(string="First invoice month", readonly=True)
    period_month = fields.Date(string="Month", readonly=True)
    months_since = fields.Integer(string="Months since first invoice", readonly=True,
                                  group_operator=False)
    quarters_since = fields.Integer(string="Quarters since first invoice", readonly=True,
                                    group_operator=False)
    customer_count = fields.Integer(string="Customers in cohort", readonly=True)
    active_count = fields.Integer(string="Customers still buying", readonly=True)
    retention_rate = fields.Float(string="Still buying in the month (%)", readonly=True,
                                  group_operator="avg", digits=(16, 1))
    quarter_retention_rate = fields.Float(string="Still buying in the quarter (%)",
                                          readonly=True, group_operator="avg",
                                          digits=(16, 1))

    def _select(self):
        return """
            SELECT row_number() OVER (ORDER BY activity.partner_id, activity.company_id,
                                               activity.period_month) AS id,
                   activity.partner_id, activity.company_id, activity.cohort_month,
                   activity.period_month, activity.months_since,
                   activity.months_since / 3 AS quarters_since,
                   1 AS customer_count,
                   activity.active AS active_count,
                   activity.active * 100.0 AS retention_rate,
                   max(activity.active) OVER (
                       PARTITION BY activity.partner_id, activity.company_id,
                                    activity.months_since / 3) * 100.0 AS quarter_retention_rate
        """

    def _from(self):
        return """
            FROM (
                SELECT period.partner_id, period.company_id, period.cohort_month,
                       period.period_month, period.months_since,
                       (sales.partner_id IS NOT NULL)::int AS active
                  FROM (
                      SELECT cohort.partner_id, cohort.company_id, cohort.cohort_month,
                             month::date AS period_month,
                             ((extract(year FROM month)
                               - extract(year FROM cohort.cohort_month)) * 12
                              + extract(month FROM month)
                              - extract(month FROM cohort.cohort_month))::int AS months_since
                        FROM (SELECT partner_id, company_id, min(month) AS cohort_month
                                FROM sales GROUP BY partner_id, company_id) AS cohort
                       CROSS JOIN LATERAL generate_series(
                             cohort.cohort_month, date_trunc('month', current_date),
                             interval '1 month') AS month
                  ) AS period
                  LEFT JOIN sales ON sales.partner_id = period.partner_id
                                 AND sales.company_id = period.company_id
                                 AND sales.month = period.period_month
            ) AS activity
        """

    def _with(self):
        # Months in which each customer bought: posted customer invoices, not credit notes.
        return """
            WITH sales AS (
                SELECT inv.commercial_partner_id AS partner_id, inv.company_id,
                       date_trunc('month', inv.date_invoice)::date AS month
                  FROM account_invoice inv
                 WHERE %s
                   AND inv.commercial_partner_id IS NOT NULL
                   AND inv.date_invoice IS NOT NULL
                 GROUP BY inv.commercial_partner_id, inv.company_id,
                          date_trunc('month', inv.date_invoice)
            )
        """ % posted_customer_invoices(types=("out_invoice",))

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("CREATE OR REPLACE VIEW %s AS (%s %s %s)" % (
            self._table, self._with(), self._select(), self._from()))
