from odoo import fields
from odoo.tools import float_compare

from .common import CrmExtendedCase


class TestProfitabilityReport(CrmExtendedCase):
    """The report reconciles with accounting and computes ratios of sums in every group.
    Totals are of a whole company: a company of the class's own, read by the superuser
    (whom no record rule limits) through ``ours``."""

    own_company = "accounting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env["crm.profitability.report"]
        cls.ours = [("company_id", "=", cls.company.id)]
        cls.group_retail = cls.env["crm.customer.group"].create({"name": "Retail"})
        cls.customer.customer_group_id = cls.group_retail
        cls.other_customer = cls.env["res.partner"].create({
            "name": "Deco Addict", "is_company": True, "customer": True,
            "customer_group_id": cls.group_retail.id})

    def _totals(self, domain=None, groupby=(), user=None):
        report = self.report.sudo(user) if user else self.report
        if domain is None:
            domain = [] if user else self.ours
        return report.read_group(
            domain, ["revenue", "cost", "margin", "margin_percent", "invoice_count",
                     "quantity"] + [g.split(":")[0] for g in groupby],
            list(groupby), lazy=False)

    def test_revenue_reconciles_with_income_accounts_to_the_cent(self):
        today = fields.Date.context_today(self.env.user)
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create({
            "currency_id": eur.id, "rate": 0.8731, "name": today,
            "company_id": self.company.id})
        tax_included = self.env["account.tax"].create({
            "name": "VAT 21% included", "amount": 21.0, "type_tax_use": "sale",
            "price_include": True})
        lamp = self.create_product("Desk Lamp", list_price=33.33, cost=11.11,
                                   taxes_id=[(6, 0, tax_included.ids)])
        # a foreign-currency invoice with odd prices and a discount
        foreign = self.create_invoice(
            self.customer, [(lamp, 7, 33.33), (self.product, 3, 199.99)],
            post=False, currency_id=eur.id)
        foreign.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product).discount = 12.5
        foreign.compute_taxes()
        foreign.action_invoice_open()
        # a discounted order invoiced in company currency, then partly refunded
        order = self.create_order(
            self.other_customer, [(self.product, 5, 211.17), (self.service, 2, 79.95)])
        order.order_line[0].discount = 3.0
        invoice = self.invoice_order(order)
        self.create_invoice(self.other_customer, [(self.product, 1, 100.01)],
                            inv_type="out_refund")
        refund = self.refund_invoice(foreign)
        refund.action_invoice_open()
        # a draft invoice is not revenue yet
        self.create_invoice(self.customer, [(self.product, 1, 500.0)], post=False)

        expected = self.income_balance(today, today, self.company)
        total = self._totals(self.ours + [("date", "=", today)])[0]
        self.assertTrue(expected)
        self.assertEqual(float_compare(total["revenue"], expected, precision_digits=2), 0,
                         "%s != %s" % (total["revenue"], expected))
        # margin = revenue - cost, on each line as in total
        self.assertAlmostEqual(total["margin"], total["revenue"] - total["cost"], places=2)
        self.assertAlmostEqual(total["margin"], foreign.margin + invoice.margin + refund.margin
                               + (-100.01 + 120.0), places=2)

    def test_margin_percent_is_a_ratio_of_sums_in_every_group(self):
        # customer: 400 revenue, 160 margin (40%); other: 100 revenue, 70 margin (70%)
        self.create_invoice(self.customer, [(self.product, 2, 200.0)])
        self.create_invoice(self.other_customer, [(self.service, 1, 100.0)])
        by_partner = {g["partner_id"][0]: g for g in self._totals(groupby=["partner_id"])}
        self.assertAlmostEqual(by_partner[self.customer.id]["margin_percent"], 40.0)
        self.assertAlmostEqual(by_partner[self.other_customer.id]["margin_percent"], 70.0)
        by_group = self._totals(groupby=["customer_group_id"])
        self.assertEqual(len(by_group), 1)
        self.assertAlmostEqual(by_group[0]["margin_percent"], 100.0 * 230.0 / 500.0)
        # the same in lazy mode, as the pivot and list views ask
        lazy = self.report.read_group(self.ours, ["margin_percent", "date"],
                                      ["date:month"])
        self.assertAlmostEqual(lazy[0]["margin_percent"], 46.0)

    def test_invoice_count_counts_invoices_not_lines(self):
        self.create_invoice(self.customer, [(self.product, 1, 200.0), (self.service, 1, 80.0),
                                            (self.service, 2, 80.0)])
        self.create_invoice(self.customer, [(self.product, 1, 200.0)])
        self.create_invoice(self.other_customer, [(self.service, 1, 80.0)])
        by_partner = {g["partner_id"][0]: g["invoice_count"]
                      for g in self._totals(groupby=["partner_id", "date:month"])}
        self.assertEqual(by_partner, {self.customer.id: 2, self.other_customer.id: 1})
        by_product = {g["product_id"][0]: g["invoice_count"]
                      for g in self._totals(groupby=["product_id"])}
        self.assertEqual(by_product, {self.product.id: 2, self.service.id: 2})
        self.assertEqual(self._totals()[0]["invoice_count"], 3)

    def test_dimensions_follow_the_commercial_entity(self):
        self.create_invoice(self.contact, [(self.product, 1, 200.0)])
        groups = self._totals(groupby=["partner_id", "customer_group_id"])
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["partner_id"][0], self.customer.id)
        self.assertEqual(groups[0]["customer_group_id"][0], self.group_retail.id)

    def test_discount_amount_measures_what_was_given_away(self):
        order = self.create_order(self.customer, [(self.product, 4, 180.0)])
        order.order_line.discount = 10.0
        self.invoice_order(order)
        total = self._totals()[0]
        measures = self.report.read_group(self.ours, ["discount_amount"], [])[0]
        # list price 200 x 4 = 800, net 4 x 180 x 0.9 = 648
        self.assertAlmostEqual(measures["discount_amount"], 800.0 - 648.0, places=2)
        self.assertAlmostEqual(total["revenue"], 648.0, places=2)

    def test_other_companies_stay_out(self):
        other = self.env["res.company"].create({"name": "Second Co",
                                                "currency_id": self.currency.id})
        account_type = self.env.ref
        receivable = self.env["account.account"].create({
            "name": "Receivable", "code": "X1100", "company_id": other.id, "reconcile": True,
            "user_type_id": account_type("account.data_account_type_receivable").id})
        income = self.env["account.account"].create({
            "name": "Sales", "code": "X4000", "company_id": other.id,
            "user_type_id": account_type("account.data_account_type_revenue").id})
        self.other_customer.with_context(force_company=other.id).write({
            "property_account_receivable_id": receivable.id,
            "property_account_payable_id": receivable.id})
        journal = self.env["account.journal"].create({
            "name": "Sales", "code": "XSAL", "type": "sale", "company_id": other.id,
            "default_credit_account_id": income.id, "default_debit_account_id": income.id})
        theirs = self.env["account.invoice"].create({
            "partner_id": self.other_customer.id, "company_id": other.id,
            "journal_id": journal.id, "account_id": receivable.id, "type": "out_invoice",
            "currency_id": self.currency.id,
            "invoice_line_ids": [(0, 0, {"name": "Consulting", "product_id": self.service.id,
                                         "quantity": 1, "price_unit": 999.0,
                                         "account_id": income.id})]})
        theirs.action_invoice_open()
        self.create_invoice(self.customer, [(self.product, 1, 200.0)])
        self.user_manager.company_ids = [(4, other.id)]

        ours = self._totals(user=self.user_manager)[0]
        self.assertAlmostEqual(ours["revenue"], 200.0)
        self.user_manager.company_id = other
        self.assertAlmostEqual(self._totals(user=self.user_manager)[0]["revenue"], 999.0)

    def test_partner_smart_button_opens_the_customer(self):
        self.create_invoice(self.customer, [(self.product, 1, 200.0)])
        self.create_invoice(self.other_customer, [(self.service, 1, 80.0)])
        action = self.contact.action_view_profitability()
        total = self.report.read_group(action["domain"], ["revenue"], [])[0]
        self.assertAlmostEqual(total["revenue"], 200.0)
