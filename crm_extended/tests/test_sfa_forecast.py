from odoo.exceptions import AccessError, ValidationError

from .common import CrmExtendedCase


class TestSfaForecast(CrmExtendedCase):
    """March 2026 of the Direct Sales channel: Sally and Otto, their opportunities and
    invoices, and what must (not) count in their forecasts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.otto = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Otto Outside", "login": "crmx_otto", "email": "otto@example.com",
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])]})
        cls.team = cls.env["crm.team"].create({
            "name": "Direct Sales", "use_opportunities": True,
            "member_ids": [(6, 0, (cls.user_salesman | cls.otto).ids)]})
        Lead = cls.env["crm.lead"]

        def opportunity(user, revenue, probability, deadline, **values):
            return Lead.create(dict(values, name="Opp %s" % revenue, type="opportunity",
                                    partner_id=cls.customer.id, user_id=user.id,
                                    team_id=cls.team.id, planned_revenue=revenue,
                                    probability=probability, date_deadline=deadline))
        opportunity(cls.user_salesman, 10000, 20, "2026-03-15")
        opportunity(cls.user_salesman, 4000, 60, "2026-03-31")
        opportunity(cls.user_salesman, 5000, 50, "2026-04-01")         # next month
        opportunity(cls.otto, 8000, 25, "2026-03-20")
        won = opportunity(cls.user_salesman, 3000, 70, "2026-03-10")
        won.action_set_won()
        won.date_closed = "2026-03-12 10:00:00"
        lost = opportunity(cls.user_salesman, 7000, 40, "2026-03-11")
        lost.action_set_lost()
        Lead.create({"name": "A mere lead", "type": "lead", "user_id": cls.user_salesman.id,
                     "team_id": cls.team.id, "planned_revenue": 900,
                     "date_deadline": "2026-03-05"})

        def invoice(user, lines, date, inv_type="out_invoice", post=True):
            return cls.create_invoice(cls.customer, lines, inv_type=inv_type, post=post,
                                      user_id=user.id, team_id=cls.team.id,
                                      date_invoice=date)
        invoice(cls.user_salesman, [(cls.product, 2, 200.0)], "2026-03-05")
        invoice(cls.user_salesman, [(cls.product, 1, 200.0)], "2026-03-25", "out_refund")
        invoice(cls.user_salesman, [(cls.product, 5, 200.0)], "2026-03-06", post=False)
        invoice(cls.user_salesman, [(cls.product, 1, 200.0)], "2026-04-02")
        invoice(cls.otto, [(cls.service, 3, 80.0)], "2026-03-10")

        Forecast = cls.env["crm.sales.forecast"]
        cls.company_forecast = Forecast.create({"date_from": "2026-03-01", "quota": 20000})
        cls.sally = Forecast.create({"date_from": "2026-03-17", "user_id": cls.user_salesman.id,
                                     "team_id": cls.team.id, "quota": 5000})
        cls.team_forecast = Forecast.create({"date_from": "2026-03-01",
                                             "team_id": cls.team.id, "quota": 12000})
        cls.otto_forecast = Forecast.create({"date_from": "2026-03-01", "user_id": cls.otto.id,
                                             "team_id": cls.team.id, "quota": 3000})

    def figures(self, forecast):
        return {name: forecast[name] for name in (
            "closed_amount", "pipeline_amount", "forecast_amount", "best_case_amount",
            "percent_of_quota_closed", "percent_of_quota_forecast")}

    def test_salesperson_figures(self):
        self.assertEqual((self.sally.date_from, self.sally.date_to), ("2026-03-01", "2026-03-31"))
        closed = 2 * 200 - 200                      # the invoice minus the credit note
        pipeline = 10000 + 4000                     # open, closing in March
        weighted = 10000 * 0.20 + 4000 * 0.60
        self.assertEqual(self.figures(self.sally), {
            "closed_amount": closed, "pipeline_amount": pipeline,
            "forecast_amount": weighted, "best_case_amount": closed + pipeline,
            "percent_of_quota_closed": 100.0 * closed / 5000,
            "percent_of_quota_forecast": 100.0 * (closed + weighted) / 5000})
        self.assertEqual(self.sally.won_amount, 3000)

    def test_team_rolls_up_its_salespeople(self):
        self.assertEqual(self.sally.parent_id, self.team_forecast,
                         "created before its team's forecast, still rolled up into it")
        self.assertEqual(self.otto_forecast.parent_id, self.team_forecast)
        self.assertEqual(self.team_forecast.parent_id, self.company_forecast)
        self.assertEqual(self.team_forecast.child_quota, 5000 + 3000)
        self.assertEqual(self.team_forecast.closed_amount,
                         self.sally.closed_amount + self.otto_forecast.closed_amount)
        self.assertEqual(self.team_forecast.closed_amount, 200 + 3 * 80)
        self.assertEqual(self.team_forecast.forecast_amount, 4400 + 8000 * 0.25)
        self.assertEqual(self.team_forecast.pipeline_amount, 14000 + 8000)

    def test_company_figures_against_the_ledger_lines(self):
        lines = self.env["account.invoice.line"].search([
            ("invoice_id.type", "in", ("out_invoice", "out_refund")),
            ("invoice_id.state", "in", ("open", "paid")),
            ("invoice_id.date_invoice", ">=", "2026-03-01"),
            ("invoice_id.date_invoice", "<=", "2026-03-31")])
        self.assertAlmostEqual(self.company_forecast.closed_amount,
                               sum(lines.mapped("price_subtotal_signed")), places=2)
        self.assertGreaterEqual(self.company_forecast.closed_amount,
                                self.team_forecast.closed_amount)

    def test_quarter(self):
        quarter = self.env["crm.sales.forecast"].create({
            "period_type": "quarter", "date_from": "2026-05-20",
            "user_id": self.user_salesman.id, "quota": 1000})
        self.assertEqual((quarter.date_from, quarter.date_to), ("2026-04-01", "2026-06-30"))
        self.assertEqual(quarter.name, "2026 Q2 · Sally Salesman")
        self.assertEqual(quarter.closed_amount, 200)
        self.assertEqual(quarter.pipeline_amount, 5000)
        self.assertEqual(quarter.forecast_amount, 2500)

    def test_lines_by_product_and_category(self):
        Line = self.env["crm.sales.forecast.line"]
        product_line = Line.create({"forecast_id": self.sally.id,
                                    "product_id": self.product.id, "quota": 1000})
        category_line = Line.create({"forecast_id": self.team_forecast.id,
                                     "categ_id": self.product.categ_id.id, "quota": 2000})
        self.assertEqual(product_line.closed_amount, 200)
        self.assertEqual(product_line.percent_of_quota_closed, 20.0)
        self.assertEqual(self.service.categ_id, self.product.categ_id)
        self.assertEqual(category_line.closed_amount, 200 + 240)
        with self.assertRaises(ValidationError):
            self.env["crm.sales.forecast.line"].create({"forecast_id": self.sally.id,
                                                        "quota": 10})

    def test_analysis_adds_up_per_period(self):
        Report = self.env["crm.sales.forecast.report"]
        groups = Report.read_group(
            [("scope", "=", "user"), ("date_from", "=", "2026-03-01")],
            ["date_from", "quota", "closed_amount", "forecast_amount"], ["date_from:month"])
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["quota"], 5000 + 3000)
        self.assertEqual(groups[0]["closed_amount"], 200 + 240)
        self.assertEqual(groups[0]["forecast_amount"], 4400 + 2000)

    def test_figures_take_one_query_for_any_number_of_forecasts(self):
        forecasts = self.sally | self.otto_forecast | self.team_forecast | self.company_forecast
        counts = []
        for records in (self.sally, forecasts):
            records.invalidate_cache()
            with self.count_queries() as counter:
                records.mapped("forecast_amount")
            counts.append(counter["queries"])
        self.assertEqual(counts[0], counts[1])

    def test_one_forecast_per_period_and_scope(self):
        with self.assertRaises(Exception), self.cr.savepoint():
            self.env["crm.sales.forecast"].create({"date_from": "2026-03-09",
                                                   "user_id": self.otto.id,
                                                   "team_id": self.team.id})
        with self.assertRaises(ValidationError):
            self.env["crm.sales.forecast"].create({
                "date_from": "2026-03-01", "user_id": self.user_manager.id,
                "team_id": self.team.id})

    def test_salespeople_read_forecasts_of_their_companies_only(self):
        as_sally = self.env["crm.sales.forecast"].sudo(self.user_salesman)
        self.assertEqual(as_sally.browse(self.sally.id).forecast_amount, 4400)
        with self.assertRaises(AccessError):
            as_sally.create({"date_from": "2026-05-01", "user_id": self.user_salesman.id})
        elsewhere = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        foreign = self.env["crm.sales.forecast"].create({
            "date_from": "2026-03-01", "company_id": elsewhere.id, "quota": 1})
        self.assertNotIn(foreign, as_sally.search([]))
        self.assertFalse(self.env["crm.sales.forecast.report"].sudo(self.user_salesman).search(
            [("forecast_id", "=", foreign.id)]))
