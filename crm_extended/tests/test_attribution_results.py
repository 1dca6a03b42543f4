from odoo import fields
from odoo.exceptions import ValidationError

from .attribution_common import CampaignStoryCase


class TestCampaignResults(CampaignStoryCase):
    """A campaign's funnel and money; the figures are worked out by hand below."""

    def test_lead_funnel(self):
        self.assertEqual(
            (self.campaign.lead_count, self.campaign.opportunity_count,
             self.campaign.won_count), (5, 3, 1))

    def test_orders(self):
        # confirmed orders only: 2 x 200 + (3 x 180 + 80)
        self.assertEqual(self.campaign.order_count, 2)
        self.assertAlmostEqual(self.campaign.order_amount, 400.0 + 620.0, places=2)

    def test_order_amounts_in_company_currency_whatever_its_rate(self):
        # as in Odoo's demo data: the company currency is not the one with rate 1; both
        # rates of the day of the order. date_order is a UTC timestamp and, as in sale's
        # report, the rate is the one in force at that instant: dated by UTC's day, not
        # by the user's (which differs from it for some hours of every day).
        today = fields.Date.today()
        for currency, rate in ((self.currency, 1.25), (self.foreign, 1.5)):
            self.env["res.currency.rate"].create({
                "currency_id": currency.id, "name": today, "rate": rate,
                "company_id": self.company.id})
        pricelist = self.env["product.pricelist"].create({
            "name": "CRX prices", "currency_id": self.foreign.id})
        self.create_order(self.customer, [(self.product, 1, 150.0)],
                          pricelist_id=pricelist.id, campaign_id=self.other_campaign.id)
        self.assertAlmostEqual(self.campaign.order_amount, 1020.0, places=2)
        # 150 CRX at 1.5 CRX and 1.25 of ours per unit of the base currency
        self.assertAlmostEqual(self.other_campaign.order_amount, 150.0 / 1.5 * 1.25, places=2)
        report = self.env["crm.campaign.report"].read_group(
            [("campaign_id", "=", self.other_campaign.id)], ["order_amount"], [])
        self.assertAlmostEqual(report[0]["order_amount"], 125.0, places=2)

    def test_revenue_margin_and_roi(self):
        revenue = 400.0 + 620.0 - 200.0
        cost_of_goods = 2 * 120.0 + (3 * 120.0 + 30.0) - 120.0
        margin = revenue - cost_of_goods
        self.assertEqual(self.campaign.invoice_count, 3)
        self.assertAlmostEqual(self.campaign.revenue, revenue, places=2)
        self.assertAlmostEqual(self.campaign.margin, margin, places=2)
        self.assertAlmostEqual(self.campaign.roi, (margin - 500.0) / 500.0, places=4)
        self.assertAlmostEqual(self.campaign.roi, -0.38, places=4)

    def test_margin_keeps_the_cost_of_the_day_of_the_invoice(self):
        margin = self.campaign.margin
        self.product.standard_price = 150.0
        self.campaign.invalidate_cache()
        self.assertAlmostEqual(self.campaign.margin, margin, places=2)

    def test_foreign_currency_revenue_is_converted_line_by_line_like_the_books(self):
        # each line converted and rounded on its own, as the journal entry does
        revenue = round(100.01 / 1.5, 2) + round(10.01 / 1.5, 2)
        self.assertAlmostEqual(revenue, 73.34, places=2)
        self.assertAlmostEqual(self.other_campaign.revenue, revenue, places=2)
        self.assertAlmostEqual(self.other_campaign.margin, revenue - 150.0, places=2)
        self.assertFalse(self.other_campaign.roi, "no cost, no return on investment")

    def test_revenue_reconciles_with_the_journal_entries(self):
        for campaign in self.campaign | self.other_campaign:
            invoices = self.env["account.invoice"].search([("campaign_id", "=", campaign.id)])
            self.assertEqual(round(campaign.revenue, 2), self.posted_income(invoices))

    def test_period(self):
        march = self.other_campaign.with_context(date_from="2026-03-01", date_to="2026-03-31")
        self.assertEqual(march.invoice_count, 1)
        april = self.other_campaign.with_context(date_from="2026-04-01", date_to="2026-04-30")
        self.assertEqual((april.invoice_count, april.revenue, april.lead_count), (0, 0.0, 0))

    def test_results_of_many_campaigns_take_a_fixed_number_of_queries(self):
        few = self.campaign | self.other_campaign
        many = few
        for i in range(4):
            many |= self.env["utm.campaign"].create({"name": "Campaign %d" % i})
        names = ["lead_count", "order_amount", "revenue", "margin", "roi"]
        # The figures are reserved (groups=): the first read in the process looks the
        # user's groups up, later reads find them in Odoo's cache. Whichever measured read
        # came first paid for it, so that the counts depended on the tests run before:
        # one read beforehand pays it for both.
        self.campaign.read(names)
        few.invalidate_cache()
        with self.count_queries() as few_queries:
            few.read(names)
        many.invalidate_cache()
        with self.count_queries() as many_queries:
            many.read(names)
        # three times the campaigns, not one query more: one statement per figure for all
        self.assertLessEqual(many_queries["queries"], few_queries["queries"])

    def test_campaign_cannot_end_before_it_starts(self):
        with self.assertRaises(ValidationError):
            self.campaign.write({"date_start": "2026-05-01", "date_end": "2026-04-01"})
        with self.assertRaises(ValidationError):
            self.campaign.write({"cost": -1.0})

    def test_smart_buttons_open_the_campaign_documents(self):
        leads = self.campaign.action_view_leads()
        self.assertEqual(
            self.env["crm.lead"].with_context(**leads["context"]).search_count(leads["domain"]),
            5)
        orders = self.campaign.action_view_orders()
        self.assertEqual(self.env["sale.order"].search(orders["domain"]),
                         self.order1 | self.order2)
        invoices = self.campaign.action_view_invoices()
        self.assertEqual(self.env["account.invoice"].search(invoices["domain"]),
                         self.invoice1 | self.invoice2 | self.refund)
