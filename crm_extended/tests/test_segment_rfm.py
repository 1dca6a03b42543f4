import datetime

from odoo import fields

from .common import CrmExtendedCase


class TestRfm(CrmExtendedCase):
    """Ten customers c1..c10: c_i is invoiced i x 100 (c9 and c10 in two invoices), the
    later the higher i, except that c2 and c3 share their invoice date. Quintiles are of the
    whole company, so these are its only invoiced customers."""

    own_company = "accounting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        cls.customers = cls.env["res.partner"]
        cls.unit = unit = cls.create_product("Unit", list_price=100.0, cost=50.0)
        for i in range(1, 11):
            customer = cls.env["res.partner"].create({"name": "c%s" % i, "customer": True})
            cls.customers |= customer
            days_ago = (11 - i) * 10 if i != 2 else 80  # c2 invoiced the day c3 was
            date = fields.Date.to_string(today - datetime.timedelta(days=days_ago))
            if i >= 9:
                early = fields.Date.to_string(today - datetime.timedelta(days=days_ago + 5))
                cls.create_invoice(customer, [(unit, i / 2.0, 100.0)], date_invoice=early)
                cls.create_invoice(customer, [(unit, i / 2.0, 100.0)], date_invoice=date)
            else:
                cls.create_invoice(customer, [(unit, i, 100.0)], date_invoice=date)
        cls.never_invoiced = cls.env["res.partner"].create({"name": "Prospect",
                                                            "customer": True})
        cls.env["res.partner"]._compute_rfm_scores()

    def scores(self):
        return [(c.rfm_recency, c.rfm_frequency, c.rfm_monetary) for c in self.customers]

    def test_quintiles_with_ties(self):
        self.assertEqual(self.scores(), [
            # recency: c2 and c3 share a date across the 1st/2nd quintile boundary and
            # both get the lower one; frequency: the eight one-invoice customers tie and
            # all get 1; c9 and c10 have two invoices each.
            (1, 1, 1), (1, 1, 1), (1, 1, 2), (2, 1, 2), (3, 1, 3),
            (3, 1, 3), (4, 1, 4), (4, 1, 4), (5, 5, 5), (5, 5, 5)])
        self.assertEqual(self.customers[9].rfm_score, "555")
        self.assertEqual(self.customers[3].rfm_score, "212")
        self.assertFalse(self.never_invoiced.rfm_score)

    def test_segments_follow_the_recency_frequency_map(self):
        self.assertEqual(self.customers.mapped("rfm_segment"), [
            "lost", "lost", "lost", "hibernating", "about_to_sleep", "about_to_sleep",
            "promising", "promising", "champions", "champions"])

    def test_figures_behind_the_scores(self):
        c10 = self.customers[9]
        self.assertEqual(c10.rfm_invoice_count, 2)
        self.assertAlmostEqual(c10.rfm_revenue, 1000.0, places=2)
        today = fields.Date.from_string(fields.Date.context_today(c10))
        self.assertEqual(c10.rfm_last_invoice_date,
                         fields.Date.to_string(today - datetime.timedelta(days=10)))

    def test_credit_notes_lower_revenue_and_recompute_is_idempotent(self):
        c5 = self.customers[4]
        self.create_invoice(c5, [(self.unit, 5, 100.0)], inv_type="out_refund")
        # Monetary order becomes c5 (0), c1, c2, c3, c4, c6...: c5 drops to 1, c2 rises
        # to 2 and c4 to 3; nobody else changes, and only those three are written.
        self.assertEqual(self.env["res.partner"]._compute_rfm_scores(), 3)
        self.assertAlmostEqual(c5.rfm_revenue, 0.0, places=2)
        self.assertEqual(self.customers.mapped("rfm_monetary"), [1, 2, 2, 3, 1, 3, 4, 4, 5, 5])
        self.assertEqual(self.env["res.partner"]._compute_rfm_scores(), 0)

    def _scores_row(self, partner, company=None, **values):
        """A crm.partner.rfm row written directly, as an earlier run would have left it."""
        return self.env["crm.partner.rfm"].create(dict({
            "partner_id": partner.id, "company_id": (company or self.company).id,
            "recency": 1, "frequency": 1, "monetary": 1, "score": "111", "segment": "lost",
        }, **values))

    def test_scores_are_dropped_when_no_longer_invoiced(self):
        self._scores_row(self.never_invoiced)
        self.assertEqual(self.never_invoiced.rfm_segment, "lost")
        self.assertEqual(self.env["res.partner"]._compute_rfm_scores(), 1)
        self.assertFalse(self.never_invoiced.rfm_score)
        self.assertFalse(self.never_invoiced.rfm_segment)

    def test_a_customer_whose_invoice_is_cancelled_loses_its_scores(self):
        c1 = self.customers[0]
        invoice = c1.invoice_ids
        invoice.journal_id.update_posted = True
        invoice.action_invoice_cancel()
        self.env["res.partner"]._compute_rfm_scores()
        self.assertFalse(c1.rfm_segment)
        self.assertFalse(self.env["crm.partner.rfm"].search([("partner_id", "=", c1.id)]))
        self.assertEqual(self.env["crm.partner.rfm"].search_count(
            [("partner_id", "in", self.customers.ids)]), 9)

    def test_scores_live_in_their_own_table_and_a_second_run_writes_nothing(self):
        rows = self.env["crm.partner.rfm"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(sorted(rows.mapped("score")), sorted(
            "%d%d%d" % scores for scores in self.scores()))
        self.assertEqual(set(rows.mapped("company_id")), {self.company})
        self.env.cr.execute("SELECT ctid::text FROM crm_partner_rfm ORDER BY partner_id")
        before = self.env.cr.fetchall()
        self.assertEqual(self.env["res.partner"]._compute_rfm_scores(), 0)
        self.env.cr.execute("SELECT ctid::text FROM crm_partner_rfm ORDER BY partner_id")
        self.assertEqual(self.env.cr.fetchall(), before, "a row was rewritten")
        # scoring from an empty table writes each customer once
        self.env["crm.partner.rfm"].search([("company_id", "=", self.company.id)]).unlink()
        self.assertEqual(self.env["res.partner"]._compute_rfm_scores(), 10)
        self.assertEqual(self.customers[9].rfm_score, "555")

    def test_partner_fields_search_like_stored_ones(self):
        partners = self.env["res.partner"]
        ours = [("company_id", "=", self.company.id)]
        lost = self.customers[:3]
        self.assertEqual(partners.search(ours + [("rfm_segment", "=", "lost")]), lost)
        self.assertEqual(partners.search(ours + [("rfm_score", "=", "555")]),
                         self.customers[8:])
        self.assertEqual(partners.search(ours + [("rfm_recency", ">=", 4)]),
                         self.customers[6:])
        unscored = partners.search([("id", "in", (self.customers | self.never_invoiced).ids),
                                    ("rfm_segment", "=", False)])
        self.assertEqual(unscored, self.never_invoiced)
        not_lost = partners.search([("id", "in", (self.customers | self.never_invoiced).ids),
                                    ("rfm_segment", "!=", "lost")])
        self.assertEqual(not_lost, self.customers[3:] | self.never_invoiced)

    def test_scores_of_another_company_stay_there(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        theirs = self.env["res.partner"].create({"name": "Their Client", "customer": True})
        self._scores_row(theirs, company=other, segment="champions", score="555")
        salesman = self.env["res.partner"].sudo(self.user_salesman)
        self.assertEqual(self.env["res.partner"].with_context(force_company=other.id).browse(
            theirs.id).rfm_segment, "champions")
        self.assertFalse(self.env["res.partner"].browse(theirs.id).rfm_segment,
                         "the superuser in the main company sees the main company's")
        self.assertFalse(salesman.browse(theirs.id).rfm_segment)
        self.assertEqual(salesman.search([("rfm_segment", "=", "champions")]),
                         self.customers[8:])
        report = self.env["crm.rfm.report"].sudo(self.user_salesman)
        self.assertNotIn(theirs, report.search([]).mapped("partner_id"))
        self.assertEqual(len(report.search([])), 10)

    def test_segment_on_rfm_segment(self):
        segment = self.env["crm.segment"].create({"name": "Champions",
                                                  "rfm_segment": "champions"})
        self.assertEqual(set(segment._get_partner_ids()), set(self.customers[8:].ids))

    def test_pivot_groups_customers_by_segment_with_revenue(self):
        groups = self.env["crm.rfm.report"].sudo(self.user_salesman).read_group(
            [], ["segment", "revenue"], ["segment"])
        revenue = {g["segment"]: g["revenue"] for g in groups}
        counts = {g["segment"]: g["segment_count"] for g in groups}
        self.assertAlmostEqual(revenue["lost"], 100 + 200 + 300, places=2)
        self.assertAlmostEqual(revenue["champions"], 900 + 1000, places=2)
        self.assertEqual(counts["about_to_sleep"], 2)
