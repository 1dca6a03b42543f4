from dateutil.relativedelta import relativedelta

from odoo import fields

from .common import CrmExtendedCase


class TestCustomerRanking(CrmExtendedCase):
    """Rolling revenue, share, rank and ABC class recomputed by the scheduled action; shares
    and classes are of the whole company, so the customers below are its only ones."""

    own_company = "accounting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env.user))

    def _customer(self, name, revenue=None):
        partner = self.env["res.partner"].create({"name": name, "is_company": True,
                                                  "customer": True})
        if revenue:
            self.create_invoice(partner, [(self.service, 1, revenue)])
        return partner

    def _rank(self):
        self.env.ref("crm_extended.ir_cron_customer_ranking").method_direct_trigger()
        self.env["res.partner"].invalidate_cache()

    def test_abc_boundaries_share_and_window(self):
        top = self._customer("Top", 600.0)
        self.create_invoice(top, [(self.service, 1, 100.0)], inv_type="out_refund")
        second = self._customer("Second", 300.0)   # customers before it: 500 < 800 -> A
        third = self._customer("Third", 100.0)     # before it: exactly 800 -> B
        fourth = self._customer("Fourth", 50.0)    # 900 -> B
        fifth = self._customer("Fifth", 30.0)      # exactly 950 -> C
        sixth = self._customer("Sixth", 20.0)      # 980 -> C
        lapsed = self._customer("Lapsed")
        self.create_invoice(lapsed, [(self.service, 1, 5000.0)],
                            date_invoice=fields.Date.to_string(
                                self.today - relativedelta(months=13)))
        self._rank()

        customers = top | second | third | fourth | fifth | sixth
        self.assertEqual(customers.mapped("revenue_12m"), [500.0, 300.0, 100.0, 50.0, 30.0, 20.0])
        self.assertEqual(customers.mapped("abc_class"), ["A", "A", "B", "B", "C", "C"])
        self.assertEqual(customers.mapped("revenue_rank"), [1, 2, 3, 4, 5, 6])
        self.assertEqual(customers.mapped("revenue_share"), [50.0, 30.0, 10.0, 5.0, 3.0, 2.0])
        # 600 - 30 on the invoice, -(100 - 30) on the credit note
        self.assertEqual(top.margin_12m, 500.0)
        self.assertFalse(lapsed.abc_class)
        self.assertFalse(lapsed.revenue_rank)
        self.assertEqual(lapsed.revenue_12m, 0.0)
        self.assertEqual(lapsed.lifetime_revenue, 5000.0)

        # searchable on the partner, listed best first in the ranking
        partners = self.env["res.partner"]
        self.assertEqual(partners.search([("abc_class", "=", "A")]), top | second)
        ranking = self.env["crm.partner.ranking"].search([("partner_id", "in", customers.ids)])
        self.assertEqual(ranking.mapped("partner_id"), customers)

    def test_equal_revenues_share_rank_and_class(self):
        first = self._customer("First", 400.0)
        twin = self._customer("Twin", 400.0)
        last = self._customer("Last", 200.0)
        self._rank()
        self.assertEqual((first | twin | last).mapped("revenue_rank"), [1, 1, 3])
        self.assertEqual((first | twin | last).mapped("abc_class"), ["A", "A", "B"])

    def test_partners_without_sales_lose_their_rank(self):
        customer = self._customer("Once", 100.0)
        self._rank()
        self.assertEqual(customer.abc_class, "A")
        customer.invoice_ids.write({"date_invoice": fields.Date.to_string(
            self.today - relativedelta(years=2))})
        self._rank()
        self.assertFalse(customer.abc_class)
        self.assertEqual(customer.revenue_12m, 0.0)

    def test_company_isolation(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        theirs = self.env["res.partner"].create({
            "name": "Their Client", "is_company": True, "company_id": other.id})
        ours = self._customer("Our Client", 100.0)
        self._rank()
        self.assertEqual(ours.revenue_share, 100.0)
        self.assertFalse(theirs.abc_class)


class TestPartnerKpis(CrmExtendedCase):

    def test_lifetime_figures_of_the_commercial_entity(self):
        first = self.create_order(self.customer, [(self.product, 5, 200.0)])
        second = self.create_order(self.customer, [(self.product, 2, 250.0)])
        self.invoice_order(first)
        invoice = self.invoice_order(second)
        self.refund_invoice(invoice, mode="cancel")
        # both orders count; the second one's invoice is cancelled by its credit note
        for partner in (self.customer, self.contact):
            self.assertEqual(partner.order_count, 2)
            self.assertAlmostEqual(partner.average_order_value, (1000.0 + 500.0) / 2, places=2)
            self.assertAlmostEqual(partner.lifetime_revenue, 1000.0, places=2)
            self.assertAlmostEqual(partner.lifetime_margin, 1000.0 - 5 * 120.0, places=2)
        self.assertEqual(self.customer.last_invoice_date, invoice.date_invoice)

    def test_profitability_list_costs_a_fixed_number_of_queries(self):
        partners = self.env["res.partner"]
        for i in range(80):
            partners |= self.env["res.partner"].create(
                {"name": "Customer %02d" % i, "is_company": True, "customer": True})
        # the partner's figures: ranking and RFM rows of the company, lifetime KPIs
        columns = ["display_name", "customer_group_id"] + [
            name for name, field in partners._fields.items()
            if getattr(field, "figure_model", None)
            or field.compute == "_compute_profitability_kpis"]
        domain = [("id", "in", partners.ids)]

        def list_queries():
            partners.invalidate_cache()
            with self.count_queries() as counter:
                rows = partners.search_read(domain, columns, limit=80)
            self.assertEqual(len(rows), 80)
            return counter["queries"]

        without_history = list_queries()
        for partner in partners[:6]:
            invoice = self.create_invoice(partner, [(self.product, 1, 200.0),
                                                    (self.service, 2, 80.0)])
            self.refund_invoice(invoice)
        self.create_order(partners[7], [(self.product, 3, None)])
        with_history = list_queries()
        self.assertEqual(without_history, with_history)
        # The search, the partners, their groups' names, one statement for the lifetime
        # figures, and a search and a read of each figure table (ranking, RFM) with its
        # record rules: a handful for the whole page, where a query per partner would make
        # 80 more; the margin is for Odoo's own changes.
        self.assertLessEqual(with_history, 12)
