# Lifetime value: formulas by hand, the fit, scoring of posted invoices, refunds, errors, companies.
import datetime
import math
from unittest import mock

import numpy as np

from odoo import fields
from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_extended.models import clv_estimation as ce

from .common import CrmExtendedCase

# The published CDNOW estimates (Fader, Hardie & Lee 2005), as plausible parameters.
CDNOW = [0.2426, 4.4136, 0.7929, 2.4259]


class TestClvEstimation(CrmExtendedCase):
    """The formulas against values worked out by hand with integer parameters, where the
    gamma and beta functions are factorials."""

    def test_bgnbd_likelihood_by_hand(self):
        # r = alpha = a = b = 1. A repeat buyer x = 1, t_x = 1, T = 2:
        # B(1, 2)/B(1, 1) * G(2) 1^1 / (G(1) 3^2) = 1/2 * 1/9 = 1/18 (alive at T)
        # + B(2, 1)/B(1, 1) * G(2) 1^1 / (G(1) 2^2) = 1/2 * 1/4 = 1/8 (dead after t_x)
        # A customer who never came back, x = 0, T = 2: G(1) 1 / (G(1) 3) = 1/3.
        likelihood = ce.bgnbd_log_likelihood([1.0, 1.0, 1.0, 1.0], [1, 0], [1, 0], [2, 2])
        self.assertAlmostEqual(likelihood[0], math.log(1 / 18 + 1 / 8), places=12)
        self.assertAlmostEqual(likelihood[1], math.log(1 / 3), places=12)

    def test_alive_and_spend_by_hand(self):
        # P(alive) = 1 / (1 + a/(b + x - 1) ((alpha + T)/(alpha + t_x))^(r + x))
        #          = 1 / (1 + 1 * (3/2)^2) = 4/13; never came back: 1.
        alive = ce.probability_alive([1.0, 1.0, 1.0, 1.0], [1, 0], [1, 0], [2, 2])
        self.assertAlmostEqual(alive[0], 4 / 13, places=12)
        self.assertEqual(alive[1], 1.0)
        # Gamma-Gamma, p = 1, q = 2, gamma = 1, one repeat purchase of 1:
        # G(3)/(G(1) G(2)) * 1^2 * 1^0 * 1^1 / (1 + 1)^3 = 2/8.
        self.assertAlmostEqual(ce.gamma_gamma_log_likelihood([1.0, 2.0, 1.0], [1], [1])[0],
                               math.log(2 / 8), places=12)
        # Expected spend: (gamma + m x) p / (p x + q - 1) = (1 + 5 * 2) / (2 + 1) = 11/3;
        # without repeat purchases the population mean p gamma / (q - 1) = 1.
        spend = ce.expected_average_spend([1.0, 2.0, 1.0], [2, 0], [5, 7])
        self.assertAlmostEqual(spend[0], 11 / 3, places=12)
        self.assertAlmostEqual(spend[1], 1.0, places=12)

    def test_expected_purchases_add_up_from_the_start(self):
        # For a new customer (x = t_x = T = 0) E[Y(t)] is the unconditional
        # (a + b - 1)/(a - 1) [1 - (alpha/(alpha + t))^r 2F1(r, b; a + b - 1; t/(alpha + t))]
        # with r = 1, a = 2, b = 1, alpha = 1, t = 1: 2F1(1, 1; 2; z) = -ln(1 - z)/z, z = 1/2.
        expected = 2 * (1 - 0.5 * (-math.log(0.5) / 0.5))
        self.assertAlmostEqual(
            ce.expected_purchases([1.0, 1.0, 2.0, 1.0], 1.0, [0], [0], [0])[0], expected,
            places=10)

    def test_alive_falls_with_the_time_since_the_last_purchase(self):
        weeks = np.arange(10, 60, 5, dtype=float)
        alive = ce.probability_alive(CDNOW, np.full_like(weeks, 5), np.full_like(weeks, 10),
                                     weeks)
        self.assertTrue((np.diff(alive) < 0).all(), alive)
        # A weekly buyer silent for 30 weeks below a monthly one who bought lately,
        # although the weekly one bought more often.
        weekly, monthly = ce.probability_alive(CDNOW, [10, 9], [10, 39], [40, 43])
        self.assertLess(weekly, 0.1)
        self.assertGreater(monthly, 0.8)

    def test_fit_recovers_planted_parameters(self):
        """Customers drawn from BG/NBD itself: the fit lands near the parameters they were
        drawn with, and no worse than them by likelihood."""
        rng = np.random.RandomState(7)
        true = np.array([0.5, 5.0, 1.2, 3.0])
        n, horizon = 4000, 52.0
        rates = rng.gamma(true[0], 1.0 / true[1], n)
        dropout = rng.beta(true[2], true[3], n)
        x, t_x = np.zeros(n), np.zeros(n)
        for i in range(n):
            time, alive = 0.0, True
            while alive:
                time += rng.exponential(1.0 / rates[i])
                if time > horizon:
                    break
                x[i] += 1
                t_x[i] = time
                alive = rng.rand() >= dropout[i]
        params, log_likelihood = ce.fit_bgnbd(x, t_x, np.full(n, horizon))
        self.assertGreaterEqual(log_likelihood,
                                ce.bgnbd_log_likelihood(true, x, t_x, np.full(n, horizon)).sum())
        for fitted, planted in zip(params, true):
            self.assertAlmostEqual(fitted / planted, 1.0, delta=0.3)

    def test_too_few_customers_or_repeat_buyers(self):
        with self.assertRaisesRegex(ce.ClvFitError, "at least 20 are needed"):
            ce.fit_bgnbd([1] * 5, [1] * 5, [3] * 5)
        with self.assertRaisesRegex(ce.ClvFitError, "bought more than once"):
            ce.fit_bgnbd([0] * 30 + [1] * 3, [0] * 30 + [1] * 3, [5] * 33)


class TestClvModel(CrmExtendedCase):
    """A company of its own (generic chart of accounts) whose customers bought over the
    last year on posted invoices: the model fits on them and scores each one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        cls.company_clv = cls.env["res.company"].create({
            "name": "Crmx CLV Records", "currency_id": cls.currency.id})
        root = cls.env.user
        home = root.company_id
        root.write({"company_ids": [(4, cls.company_clv.id)], "company_id": cls.company_clv.id})
        cls.env.ref("l10n_generic_coa.configurable_chart_template") \
            .try_loading_for_current_company()
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company_clv.id)], limit=1)
        cls.income = cls.env["account.account"].search([
            ("company_id", "=", cls.company_clv.id),
            ("user_type_id", "=", cls.env.ref("account.data_account_type_revenue").id)],
            limit=1)
        cls.receivable = cls.env["account.account"].search([
            ("company_id", "=", cls.company_clv.id), ("internal_type", "=", "receivable")],
            limit=1)
        cls.invoices = cls.env["account.invoice"]
        cls.weekly = cls._customer("Lapsed Weekly", [300 - 7 * k for k in range(10)], 40.0)
        cls.monthly = cls._customer("Steady Monthly", [300 - 30 * k for k in range(10)], 25.0)
        cls.others = cls.env["res.partner"]
        for k in range(20):
            days = [40 + 13 * k] + ([12 + 9 * k] if k % 2 == 0 else [])
            days += [200 + 5 * k, 190 + 5 * k] if k % 4 == 1 else []
            cls.others |= cls._customer("Buyer %02d" % k, days, 10.0 + (7 * k) % 30)
        # Refunds: a fully credited invoice is no purchase; a partly credited one counts
        # for what is left; a credit note against no invoice lowers the spend.
        cls.refunded = cls._customer("Refunded", [200, 100], 100.0)
        cls._invoice(cls.refunded, 90, 100.0, "out_refund", origin=cls.invoices[-1])
        cls.partly = cls._customer("Partly Refunded", [200, 100], 100.0)
        cls._invoice(cls.partly, 95, 30.0, "out_refund", origin=cls.invoices[-1])
        cls._invoice(cls.partly, 80, 20.0, "out_refund")
        cls.invoices.action_invoice_open()
        root.write({"company_id": home.id})
        cls.model = cls.env["crm.clv.model"].create({"company_id": cls.company_clv.id,
                                                     "history_months": 24})
        cls.user_clv = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Clara CLV", "login": "crmx_clv_salesman",
            "company_id": cls.company_clv.id, "company_ids": [(6, 0, cls.company_clv.ids)],
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])]})

    @classmethod
    def _customer(cls, name, days_ago, amount):
        partner = cls.env["res.partner"].create({"name": name, "customer": True,
                                                 "company_id": cls.company_clv.id})
        for days in days_ago:
            cls._invoice(partner, days, amount)
        return partner

    @classmethod
    def _invoice(cls, partner, days_ago, amount, inv_type="out_invoice", origin=None):
        invoice = cls.env["account.invoice"].create({
            "partner_id": partner.id, "type": inv_type, "company_id": cls.company_clv.id,
            "journal_id": cls.env["account.journal"].search([
                ("type", "=", "sale"), ("company_id", "=", cls.company_clv.id)], limit=1).id,
            "account_id": cls.receivable.id, "currency_id": cls.currency.id,
            "refund_invoice_id": origin.id if origin else False,
            "date_invoice": fields.Date.to_string(
                cls.today - datetime.timedelta(days=days_ago)),
            "invoice_line_ids": [(0, 0, {"name": "Music", "quantity": 1.0,
                                         "price_unit": amount,
                                         "account_id": cls.income.id})],
        })
        cls.invoices |= invoice
        return invoice

    def _summary(self):
        date_from, date_to = self.model._window(fields.Date.to_string(self.today))
        return self.model._purchase_summary(date_from, date_to)

    def _row(self, summary, partner):
        index = summary.partner_ids.tolist().index(partner.id)
        return {name: getattr(summary, name)[index] for name in ("x", "t_x", "T", "m",
                                                                 "revenue")}

    def test_purchases_count_days_to_the_day_in_weeks(self):
        row = self._row(self._summary(), self.weekly)
        self.assertEqual(row["x"], 9)
        self.assertAlmostEqual(row["t_x"], 63 / 7.0)
        self.assertAlmostEqual(row["T"], 300 / 7.0)
        self.assertAlmostEqual(row["m"], 40.0)
        self.assertAlmostEqual(row["revenue"], 400.0)

    def test_refunds(self):
        summary = self._summary()
        refunded = self._row(summary, self.refunded)
        self.assertEqual(refunded["x"], 0, "the fully credited invoice is no purchase")
        self.assertAlmostEqual(refunded["revenue"], 100.0)
        partly = self._row(summary, self.partly)
        self.assertEqual(partly["x"], 1)
        self.assertAlmostEqual(partly["m"], 100.0 - 30.0 - 20.0)
        self.assertAlmostEqual(partly["revenue"], 200.0 - 30.0 - 20.0)
        # What the accounting says this customer brought, to the cent.
        self.assertAlmostEqual(partly["revenue"], sum(self.env["account.invoice"].search([
            ("commercial_partner_id", "=", self.partly.id),
            ("state", "in", ("open", "paid"))]).mapped("amount_untaxed_signed")), places=2)

    def test_fit_and_score_the_company_customers(self):
        self.model.action_fit()
        self.assertFalse(self.model.last_error)
        self.assertEqual(self.model.customer_count, 24)
        self.assertEqual(self.model.repeat_customer_count, 18)
        self.assertTrue(all(value > 0 for value in self.model._bgnbd_params()
                            + self.model._gamma_gamma_params()))
        partners = self.env["res.partner"].sudo(self.user_clv)
        weekly, monthly = partners.browse(self.weekly.id), partners.browse(self.monthly.id)
        self.assertLess(weekly.clv_probability_alive, monthly.clv_probability_alive)
        self.assertLess(weekly.clv_expected_value_12m, monthly.clv_expected_value_12m)
        self.assertEqual(monthly.clv_model_date, fields.Date.to_string(self.today))
        mine = self.others | self.weekly | self.monthly | self.refunded | self.partly
        self.assertEqual(partners.search([("id", "in", mine.ids),
                                          ("clv_model_date", "!=", False)]), mine)
        self.assertIn(self.weekly, partners.search([
            ("id", "in", mine.ids), ("clv_probability_alive", "<",
                                     monthly.clv_probability_alive)]))
        self.assertNotIn(self.monthly, partners.search([
            ("id", "in", mine.ids), ("clv_probability_alive", "<",
                                     monthly.clv_probability_alive)]))
        self.assertFalse(partners.search([("id", "=", self.customer.id),
                                          ("clv_probability_alive", "<", 1.0)]),
                         "a customer never invoiced here is not taken for a lapsed one")

    def test_rescoring_writes_only_changes_and_keeps_the_previous_probability(self):
        self.model.action_fit()
        self.assertEqual(self.model._fit_and_score()[0], 0)
        row = self.env["crm.partner.clv"].search([("partner_id", "=", self.weekly.id)])
        before = row.probability_alive
        # A month later without a purchase, the lapsed buyer's probability falls.
        later = fields.Date.to_string(self.today + datetime.timedelta(days=30))
        self.model._fit_and_score(later)
        row.invalidate_cache()
        self.assertEqual(row.previous_probability_alive, before)
        self.assertLess(row.probability_alive, before)
        self.assertAlmostEqual(row.probability_alive_change, row.probability_alive - before)

    def test_failed_fit_keeps_the_last_good_model(self):
        self.model.action_fit()
        good = self.model._bgnbd_params()
        failing = mock.patch.object(ce, "fit_bgnbd", side_effect=ce.ClvFitError(
            "BG/NBD: the fit did not converge (Maximum number of function evaluations)"))
        with failing, self.assertRaisesRegex(UserError, "did not converge"):
            self.model.action_fit()
        later = fields.Date.to_string(self.today + datetime.timedelta(days=30))
        with failing:
            written, failure = self.model._fit_and_score(later)
        self.assertIn("did not converge", failure)
        self.assertIn("did not converge", self.model.last_error)
        self.assertEqual(self.model._bgnbd_params(), good)
        self.assertTrue(written, "the customers are rescored with the last good model")

    def test_single_purchases_only_or_no_customer(self):
        date_to = fields.Date.to_string(self.today - datetime.timedelta(days=250))
        date_from = fields.Date.to_string(self.today - datetime.timedelta(days=400))
        summary = self.model._purchase_summary(date_from, date_to)
        with self.assertRaisesRegex(UserError, "bought on a single day only"):
            self.model._fit_summary(summary._replace(x=summary.x * 0))
        with self.assertRaisesRegex(UserError, "No customer has a posted invoice"):
            self.model._fit_summary(self.model._purchase_summary(date_from, date_from))
        with self.assertRaisesRegex(UserError, "at least 20 are needed"):
            self.model._fit_summary(summary)

    def test_currency_without_rate(self):
        currency = self.env["res.currency"].create({"name": "XCL", "symbol": "X"})
        root = self.env.user
        root.company_id = self.company_clv
        invoice = self._invoice(self.weekly, 3, 10.0)
        invoice.currency_id = currency
        invoice.action_invoice_open()
        root.company_id = self.company
        with self.assertRaisesRegex(UserError, "in XCL have no exchange rate"):
            self.model.action_fit()

    def test_companies_are_kept_apart(self):
        self.model.action_fit()
        theirs = self.env["res.partner"].create({"name": "Their Client", "customer": True})
        self.env["crm.partner.clv"]._write_scores(self.company, "2026-01-01", [
            [theirs.id, self.weekly.id], [0.3, 0.9], [1.0, 2.0], [50.0, 60.0], [2, 3],
            ["2025-12-01", "2025-12-01"], [100.0, 200.0]])
        self.model._fit_and_score()
        scores = self.env["crm.partner.clv"]
        self.assertEqual(len(scores.search([("partner_id", "=", self.weekly.id)])), 2,
                         "each company keeps its own scores of a shared customer")
        self.assertTrue(scores.search([("partner_id", "=", theirs.id)]))
        mine = scores.sudo(self.user_clv).search([])
        self.assertEqual(mine.mapped("company_id"), self.company_clv)
        partner = self.env["res.partner"].sudo(self.user_clv).browse(self.weekly.id)
        self.assertNotEqual(partner.clv_probability_alive, 0.9)
        # a segment or scheduled action working for one company reads that company's
        self.assertEqual(self.weekly.with_context(
            force_company=self.company.id).clv_probability_alive, 0.9)
        self.assertNotEqual(self.weekly.with_context(
            force_company=self.company_clv.id).clv_probability_alive, 0.9)
        with self.assertRaises(AccessError):
            self.model.sudo(self.user_salesman).read(["bgnbd_r"])

    def test_portal_users_read_nothing(self):
        self.model.action_fit()
        with self.assertRaises(AccessError):
            self.env["crm.partner.clv"].sudo(self.portal_user).search([])
        partner = self.env["res.partner"].sudo(self.portal_user).browse(
            self.portal_user.partner_id.id)
        with self.assertRaises(AccessError):
            partner.read(["clv_probability_alive"])

    def test_segment_on_probability_alive_and_expected_value(self):
        self.model.action_fit()
        partners = self.env["res.partner"].sudo(self.user_clv)
        monthly = partners.browse(self.monthly.id)
        weekly = partners.browse(self.weekly.id)
        segment = self.env["crm.segment"].create({
            "name": "Slipping", "company_id": self.company_clv.id,
            "clv_probability_alive_below": monthly.clv_probability_alive})
        members = set(segment._get_partner_ids())
        self.assertIn(self.weekly.id, members)
        self.assertNotIn(self.monthly.id, members)
        segment.clv_probability_alive_below = 0
        segment.clv_expected_value_above = weekly.clv_expected_value_12m
        members = set(segment._get_partner_ids())
        self.assertIn(self.monthly.id, members)
        self.assertNotIn(self.weekly.id, members)
        self.assertEqual(segment.partner_count, len(members))

    def test_customers_at_risk_and_one_click_actions(self):
        self.model.write({"at_risk_probability": 0.9, "at_risk_min_revenue": 300.0})
        self.model.action_fit()
        self.model._fit_and_score(
            fields.Date.to_string(self.today + datetime.timedelta(days=30)))
        scores = self.env["crm.partner.clv"].sudo(self.user_clv)
        action = scores.action_at_risk()
        at_risk = scores.search(action["domain"])
        self.assertIn(self.weekly, at_risk.mapped("partner_id"))
        self.assertNotIn(self.refunded, at_risk.mapped("partner_id"),
                         "a customer who brought less than the threshold is not valuable")
        for score in at_risk:
            self.assertLess(score.probability_alive, score.previous_probability_alive)
            self.assertLess(score.probability_alive, 0.9)
            self.assertGreaterEqual(score.revenue, 300.0)
        # One click: a segment that keeps matching them, and a to-do for the salesperson.
        manager = self.env["crm.partner.clv"].sudo(self.user_manager)
        self.user_manager.write({"company_ids": [(4, self.company_clv.id)],
                                 "company_id": self.company_clv.id})
        segment = self.env["crm.segment"].browse(
            manager.browse(at_risk.ids).action_create_segment()["res_id"])
        self.assertEqual(set(segment._get_partner_ids()), set(at_risk.mapped("partner_id").ids))
        self.weekly.user_id = self.user_clv
        at_risk.filtered(lambda score: score.partner_id == self.weekly) \
            .action_schedule_activity()
        activity = self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                     ("res_id", "=", self.weekly.id)])
        self.assertEqual(activity.user_id, self.user_clv)
        self.assertIn("Customer at risk", activity.summary)
