# crm.sales.forecast: a quota of a month or quarter against live closed, won and open figures.
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_extended_sql import posted_customer_invoices, posted_customer_invoices_domain

PERIOD_MONTHS = {"month": 1, "quarter": 3}


def _in_scope(alias):
    """SQL: the document ``alias`` is the forecast f's salesperson's and sales channel's
    (either left empty: any); the SQL twin of CrmSalesForecast._scope_domain()."""
    return ("(f.user_id IS NULL OR {alias}.user_id = f.user_id) "
            "AND (f.team_id IS NULL OR {alias}.team_id = f.team_id)").format(alias=alias)


# Where the figures come from, shared by the forecast's form and the analysis view.
# closed: posted customer invoice lines net of credit notes, untaxed, company currency, dated
# in the period; pipeline: open opportunities expected to close in the period.
FORECAST_FIGURES = """
    SELECT f.id AS forecast_id,
           COALESCE(closed.amount, 0) AS closed_amount,
           COALESCE(open_opp.pipeline, 0) AS pipeline_amount,
           COALESCE(open_opp.weighted, 0) AS forecast_amount,
           COALESCE(closed.amount, 0) + COALESCE(open_opp.pipeline, 0) AS best_case_amount,
           COALESCE(won.amount, 0) AS won_amount
      FROM crm_sales_forecast f
      LEFT JOIN LATERAL (
          SELECT SUM(line.price_subtotal_signed) AS amount
            FROM account_invoice inv
            JOIN account_invoice_line line ON line.invoice_id = inv.id
           WHERE %(posted)s
             AND inv.company_id = f.company_id
             AND inv.date_invoice BETWEEN f.date_from AND f.date_to
             AND %(invoice_in_scope)s) closed ON TRUE
      LEFT JOIN LATERAL (
          SELECT SUM(lead.planned_revenue) AS pipeline,
                 SUM(lead.planned_revenue * lead.probability / 100.0) AS weighted
            FROM crm_lead lead
           WHERE lead.type = 'opportunity' AND lead.active AND lead.probability < 100
             AND COALESCE(lead.company_id, f.company_id) = f.company_id
             AND lead.date_deadline BETWEEN f.date_from AND f.date_to
             AND %(lead_in_scope)s) open_opp ON TRUE
      LEFT JOIN LATERAL (
          SELECT SUM(lead.planned_revenue) AS amount
            FROM crm_lead lead
           WHERE lead.type = 'opportunity' AND lead.probability = 100
             AND COALESCE(lead.company_id, f.company_id) = f.company_id
             AND lead.date_closed >= f.date_from
             AND lead.date_closed < f.date_to + INTERVAL '1 day'
             AND %(lead_in_scope)s) won ON TRUE
""" % {"posted": posted_customer_invoices(), "invoice_in_scope": _in_scope("inv"),
       "lead_in_scope": _in_scope("lead")}


def _figure(string, help_text):
    """An amount of the period read live by FORECAST_FIGURES, in company currency."""
    return fields.Monetary(string, compute="_compute_figures", help=help_text)


def period_start(day, period_type):
    day = fields.Date.from_string(day)
    month = day.month - (day.month - 1) % PERIOD_MONTHS[period_type]
    return day.replace(month=month, day=1)


class CrmSalesForecast(models.Model):
    """A salesperson's, a team's or the company's quota for a month or a quarter, against
    figures read live from invoices and opportunities (never typed twice)."""

    _name = "crm.sales.forecast"
    _description = "Sales Forecast"
    _inherit = ["mail.thread"]
    _order = "date_from desc, team_id, user_id"

    name = fields.Char(compute="_compute_name", store=True)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], "Period", required=True,
        default="month", track_visibility="onchange")
    date_from = fields.Date(
        "Start", required=True, track_visibility="onchange",
        default=lambda self: fields.Date.context_today(self),
        help="First day of the month or quarter (any day given is moved to it).")
    date_to = fields.Date("End", compute="_compute_date_to", store=True)
    scope = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales Channel"), ("company", "Company")],
        compute="_compute_scope", store=True)
    user_id = fields.Many2one("res.users", "Salesperson", index=True,
                              track_visibility="onchange")
    team_id = fields.Many2one("crm.team", "Sales Channel", index=True,
                              track_visibility="onchange")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    quota = fields.Monetary(track_visibility="onchange",
                            help="Revenue to invoice in the period.")
    closed_amount = _figure(
        "Closed", "Won and invoiced: posted customer invoices minus credit notes of the "
                  "salesperson / sales channel dated in the period, untaxed, company currency.")
    won_amount = _figure("Won", "Expected revenue of the opportunities won in the period.")
    pipeline_amount = _figure("Pipeline", "Expected revenue of the open opportunities whose "
                                          "expected closing date falls in the period.")
    forecast_amount = _figure("Forecast",
                              "The pipeline weighted by each opportunity's probability.")
    best_case_amount = _figure("Best Case", "Closed plus the whole pipeline: every open "
                                            "opportunity of the period won.")
    percent_of_quota_closed = fields.Float(
        "% of Quota Closed", compute="_compute_figures", digits=(16, 1))
    percent_of_quota_forecast = fields.Float(
        "% of Quota Forecast", compute="_compute_figures", digits=(16, 1),
        help="Closed plus forecast, against the quota.")
    parent_id = fields.Many2one(
        "crm.sales.forecast", "Rolls up into", compute="_compute_parent_id", store=True,
        index=True, help="The team's forecast of the period for a salesperson, the "
                         "company's for a team.")
    child_ids = fields.One2many("crm.sales.forecast", "parent_id", "Rolled-up Forecasts")
    child_quota = fields.Monetary(
        "Quotas Below", compute="_compute_child_quota",
        help="Sum of the quotas of the forecasts rolling up into this one.")
    line_ids = fields.One2many("crm.sales.forecast.line", "forecast_id", "Products",
                               copy=True)

    _sql_constraints = [
        ("period_scope_unique",
         "UNIQUE(company_id, period_type, date_from, user_id, team_id)",
         "There is already a forecast for this period, salesperson and sales channel."),
    ]

    @api.depends("period_type", "date_from", "user_id", "team_id", "company_id")
    def _compute_name(self):
        for forecast in self:
            if not forecast.date_from:
                continue
            start = fields.Date.from_string(forecast.date_from)
            period = (start.strftime("%Y-%m") if forecast.period_type == "month"
                      else "%s Q%s" % (start.year, (start.month - 1) // 3 + 1))
            who = forecast.user_id.name or forecast.team_id.name or forecast.company_id.name
            forecast.name = "%s · %s" % (period, who)

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for forecast in self.filtered("date_from"):
            start = fields.Date.from_string(forecast.date_from)
            end = start + relativedelta(months=PERIOD_MONTHS[forecast.period_type], days=-1)
            forecast.date_to = fields.Date.to_string(end)

    @api.depends("user_id", "team_id")
    def _compute_scope(self):
        for forecast in self:
            forecast.scope = ("user" if forecast.user_id else
                              "team" if forecast.team_id else "company")

    @api.depends("scope", "period_type", "date_from", "team_id", "company_id")
    def _compute_parent_id(self):
        candidates = self.search([
            ("user_id", "=", False),
            ("company_id", "in", self.mapped("company_id").ids),
            ("date_from", "in", [date for date in self.mapped("date_from") if date]),
        ])
        parents = {(parent.company_id, parent.period_type, parent.date_from, parent.team_id):
                   parent for parent in candidates}
        no_team = self.env["crm.team"]
        for forecast in self:
            team = forecast.team_id if forecast.scope == "user" else no_team
            key = (forecast.company_id, forecast.period_type, forecast.date_from, team)
            parent = parents.get(key) if forecast.scope != "company" else None
            forecast.parent_id = parent if parent != forecast else False

    @api.depends("child_ids.quota")
    def _compute_child_quota(self):
        for forecast in self:
            forecast.child_quota = sum(forecast.child_ids.mapped("quota"))

    @api.model
    def _figures(self, forecast_ids):
        """{forecast id: figures} in one query over live invoices and opportunities."""
        if not forecast_ids:
            return {}
        self.env.cr.execute(FORECAST_FIGURES + " WHERE f.id IN %s", [tuple(forecast_ids)])
        return {row["forecast_id"]: row for row in self.env.cr.dictfetchall()}

    def _compute_figures(self):
        figures = self._figures([forecast.id for forecast in self if forecast.id])
        for forecast in self:
            row = figures.get(forecast.id, {})
            for name in ("closed_amount", "won_amount", "pipeline_amount", "forecast_amount",
                         "best_case_amount"):
                forecast[name] = row.get(name, 0.0)
            quota = forecast.quota
            forecast.percent_of_quota_closed = (
                100.0 * forecast.closed_amount / quota if quota else 0.0)
            forecast.percent_of_quota_forecast = (
                100.0 * (forecast.closed_amount + forecast.forecast_amount) / quota
                if quota else 0.0)

    @api.model
    def _normalize_period(self, vals, current=None):
        period_type = vals.get("period_type") or (current and current.period_type) or "month"
        date_from = vals.get("date_from") or (current and current.date_from)
        if date_from and ("date_from" in vals or "period_type" in vals):
            vals["date_from"] = fields.Date.to_string(period_start(date_from, period_type))
        return vals

    @api.model
    def create(self, vals):
        forecast = super().create(self._normalize_period(dict(vals)))
        forecast._refresh_rollup()
        return forecast

    @api.multi
    def write(self, vals):
        if "date_from" in vals or "period_type" in vals:
            for forecast in self:
                super(CrmSalesForecast, forecast).write(
                    self._normalize_period(dict(vals), forecast))
            result = True
        else:
            result = super().write(vals)
        if {"date_from", "period_type", "user_id", "team_id", "company_id"} & set(vals):
            self._refresh_rollup()
        return result

    @api.multi
    def _refresh_rollup(self):
        """A new or moved forecast may become the parent of existing ones of its period."""
        periods = self.search([
            ("company_id", "in", self.mapped("company_id").ids),
            ("date_from", "in", self.mapped("date_from")),
        ])
        self.env.add_todo(self._fields["parent_id"], periods)
        periods.recompute()

    @api.constrains("user_id", "team_id")
    def _check_user_in_team(self):
        for forecast in self.filtered(lambda f: f.user_id and f.team_id):
            team = forecast.team_id
            if forecast.user_id not in team.member_ids | team.user_id:
                raise ValidationError(_(
                    "%(user)s is not a member of the sales channel %(team)s.") % {
                        "user": forecast.user_id.name, "team": team.name})

    def _scope_domain(self):
        """The documents of this forecast's salesperson and sales channel (either left
        empty: any), as _in_scope() reads them in SQL."""
        self.ensure_one()
        domain = []
        if self.user_id:
            domain.append(("user_id", "=", self.user_id.id))
        if self.team_id:
            domain.append(("team_id", "=", self.team_id.id))
        return domain

    @api.multi
    def action_open_opportunities(self):
        self.ensure_one()
        action = self.env.ref("crm.crm_lead_opportunities").read()[0]
        domain = [("type", "=", "opportunity"),
                  ("date_deadline", ">=", self.date_from),
                  ("date_deadline", "<=", self.date_to)] + self._scope_domain()
        action.update(domain=domain, context={"default_user_id": self.user_id.id,
                                              "default_team_id": self.team_id.id})
        return action

    @api.multi
    def action_open_invoices(self):
        self.ensure_one()
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        domain = posted_customer_invoices_domain() + [
                  ("company_id", "=", self.company_id.id),
                  ("date_invoice", ">=", self.date_from),
                  ("date_invoice", "<=", self.date_to)] + self._scope_domain()
        action.update(domain=domain, context={})
        return action
