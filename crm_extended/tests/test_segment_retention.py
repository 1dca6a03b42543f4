from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import fields

from .common import CrmExtendedCase


class TestRetentionReport(CrmExtendedCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        cls.this_month = today.replace(day=1)
        partners = cls.env["res.partner"]
        cls.a, cls.b, cls.c, cls.d = [partners.create({"name": name, "customer": True})
                                      for name in ("A", "B", "C", "D")]
        # (customer, months ago) of each posted invoice
        cls.purchases = [(cls.a, 3), (cls.a, 2), (cls.b, 3), (cls.b, 3), (cls.b, 1),
                         (cls.c, 3), (cls.d, 1), (cls.d, 0)]
        for partner, months_ago in cls.purchases:
            cls.create_invoice(partner, [(cls.product, 1, 200.0)],
                               date_invoice=fields.Date.to_string(cls.month(months_ago)))
        # Neither a draft invoice nor a credit note makes a customer "still buying".
        cls.create_invoice(cls.c, [(cls.product, 1, 200.0)], post=False,
                           date_invoice=fields.Date.to_string(cls.month(2)))
        cls.create_invoice(cls.c, [(cls.product, 1, 200.0)], inv_type="out_refund",
                           date_invoice=fields.Date.to_string(cls.month(1)))
        cls.partners = cls.a | cls.b | cls.c | cls.d

    @classmethod
    def month(cls, months_ago):
        return cls.this_month - relativedelta(months=months_ago)

    def expected(self):
        """{(cohort month, months since): (customers, still buying)} from the purchases."""
        bought = defaultdict(set)
        for partner, months_ago in self.purchases:
            bought[partner].add(self.month(months_ago))
        cells = defaultdict(lambda: [0, 0])
        for months in bought.values():
            cohort = min(months)
            since = 0
            while cohort + relativedelta(months=since) <= self.this_month:
                cell = cells[(cohort, since)]
                cell[0] += 1
                cell[1] += (cohort + relativedelta(months=since)) in months
                since += 1
        return {key: tuple(value) for key, value in cells.items()}

    def test_cohorts_match_an_independent_count(self):
        report = self.env["crm.retention.report"]
        got = {}
        cohorts = report.search([("partner_id", "in", self.partners.ids)]).mapped("cohort_month")
        for cohort in set(cohorts):
            for row in report.read_group(
                    [("partner_id", "in", self.partners.ids), ("cohort_month", "=", cohort)],
                    ["months_since", "customer_count", "active_count", "retention_rate"],
                    ["months_since"]):
                key = (fields.Date.from_string(cohort), row["months_since"])
                got[key] = (row["customer_count"], row["active_count"])
                self.assertAlmostEqual(row["retention_rate"],
                                       100.0 * row["active_count"] / row["customer_count"])
        self.assertEqual(got, self.expected())
        # spelled out for the oldest cohort: A, B, C; A came back after one month, B after
        # two, nobody in the third.
        self.assertEqual([got[(self.month(3), k)] for k in range(4)],
                         [(3, 3), (3, 1), (3, 1), (3, 0)])

    def test_rates_stay_right_at_coarser_groupings(self):
        report = self.env["crm.retention.report"]
        by_quarter = report.read_group(
            [("partner_id", "in", self.partners.ids), ("cohort_month", "=", self.month(3))],
            ["quarters_since", "quarter_retention_rate"], ["quarters_since"])
        self.assertEqual({g["quarters_since"]: round(g["quarter_retention_rate"], 2)
                          for g in by_quarter}, {0: 100.0, 1: 0.0})
        overall = report.read_group(
            [("partner_id", "in", self.partners.ids), ("months_since", "=", 1)],
            ["months_since", "retention_rate"], ["months_since"])
        # Month 1: A (bought) and B, C (did not) of the old cohort, D (bought) of the new.
        self.assertAlmostEqual(overall[0]["retention_rate"], 50.0)

    def test_other_companies_are_hidden(self):
        self.assertFalse(self.env["crm.retention.report"].sudo(self.user_crm).search(
            [("company_id", "!=", self.company.id)]))
        self.assertTrue(self.env["crm.retention.report"].sudo(self.user_crm).search(
            [("partner_id", "in", self.partners.ids)]))
