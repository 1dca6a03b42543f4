from odoo import fields
from odoo.tools import float_compare

from .common import CrmExtendedCase


class TestProfitabilityFacts(CrmExtendedCase):
    """The report reads facts maintained as invoices change: after every step of an
    invoice's life they match its lines and the general ledger, to the cent. The ledger is
    a whole company's: a company of the class's own."""

    own_company = "accounting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env["crm.profitability.report"]
        cls.other_customer = cls.env["res.partner"].create({
            "name": "Deco Addict", "is_company": True, "customer": True})
        cls.today = fields.Date.context_today(cls.env.user)

    def assertReportMatchesInvoices(self):
        """Line by line against the posted customer invoice lines, and in total against
        the income accounts of the ledger."""
        lines = self.env["account.invoice.line"].search([
            ("invoice_id.type", "in", ("out_invoice", "out_refund")),
            ("invoice_id.state", "in", ("open", "paid")),
            ("company_id", "=", self.company.id)])
        expected = {}
        for line in lines:
            sign = -1 if line.invoice_id.type == "out_refund" else 1
            expected[line.id] = (line.invoice_id.commercial_partner_id.id,
                                 line.invoice_id.date_invoice, line.product_id.id,
                                 round(line.price_subtotal_signed, 2), round(line.margin, 2),
                                 sign * line.quantity)
        rows = self.report.search_read(
            [("company_id", "=", self.company.id)],
            ["partner_id", "date", "product_id", "revenue", "margin", "quantity"])
        self.assertEqual({row["id"]: (row["partner_id"][0], row["date"], row["product_id"][0],
                                      round(row["revenue"], 2), round(row["margin"], 2),
                                      row["quantity"]) for row in rows}, expected)
        total = self.report.read_group([("company_id", "=", self.company.id)],
                                       ["revenue"], [])[0]["revenue"] or 0.0
        ledger = self.income_balance("1900-01-01", "2999-12-31", self.company)
        self.assertEqual(float_compare(total, ledger, precision_digits=2), 0,
                         "report %s, ledger %s" % (total, ledger))

    def test_facts_follow_validation_cancellation_draft_and_credit_notes(self):
        invoice = self.create_invoice(self.customer, [(self.product, 2, 190.0),
                                                      (self.service, 3, 75.5)])
        invoice.journal_id.update_posted = True
        self.assertReportMatchesInvoices()
        self.assertEqual(len(self.report.search([("invoice_id", "=", invoice.id)])), 2)

        invoice.action_invoice_cancel()
        self.assertFalse(self.report.search([("invoice_id", "=", invoice.id)]))
        self.assertReportMatchesInvoices()

        invoice.action_invoice_draft()
        # Odoo leaves "open" in the cache after deleting the printed invoice (do_in_draft)
        invoice.invalidate_cache(["state"])
        self.assertFalse(self.report.search([("invoice_id", "=", invoice.id)]))
        invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.service) \
            .quantity = 5
        invoice.compute_taxes()
        invoice.action_invoice_open()
        service_row = self.report.search([("invoice_id", "=", invoice.id),
                                          ("product_id", "=", self.service.id)])
        self.assertEqual(service_row.quantity, 5)
        self.assertAlmostEqual(service_row.revenue, 377.5, places=2)
        self.assertReportMatchesInvoices()

        # a credit note taking the whole invoice back (Odoo reconciles both: paid)
        refund = self.refund_invoice(invoice, mode="cancel")
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(refund.state, "paid")
        self.assertReportMatchesInvoices()
        totals = self.report.read_group([("partner_id", "=", self.customer.id)],
                                        ["revenue", "margin", "cost"], [])[0]
        self.assertAlmostEqual(totals["revenue"], 0.0, places=2)
        self.assertAlmostEqual(totals["margin"], 0.0, places=2)

        # a partial credit note in draft is not revenue yet, posted it is
        partial = self.create_invoice(self.customer, [(self.product, 1, 190.0)],
                                      inv_type="out_refund", post=False)
        self.assertReportMatchesInvoices()
        partial.action_invoice_open()
        self.assertAlmostEqual(self.report.search([("invoice_id", "=", partial.id)]).revenue,
                               -190.0, places=2)
        self.assertReportMatchesInvoices()

    def test_facts_follow_changes_after_validation(self):
        invoice = self.create_invoice(self.contact, [(self.product, 1, 200.0)])
        # a cost corrected on the posted line moves its margin
        invoice.invoice_line_ids.cost_price = 150.0
        self.assertAlmostEqual(self.report.search([("invoice_id", "=", invoice.id)]).margin,
                               50.0, places=2)
        self.assertReportMatchesInvoices()
        # the contact joins another company: its invoices follow the commercial entity
        self.contact.parent_id = self.other_customer
        self.assertEqual(self.report.search([("invoice_id", "=", invoice.id)]).partner_id,
                         self.other_customer)
        self.assertReportMatchesInvoices()

    def test_install_fills_the_facts_from_the_invoices(self):
        self.create_invoice(self.customer, [(self.product, 2, 200.0)])
        self.create_invoice(self.other_customer, [(self.service, 1, 80.0)],
                            inv_type="out_refund")
        facts = self.env["crm.profitability.line"]
        self.env.cr.execute("DELETE FROM crm_profitability_line")
        facts.invalidate_cache()
        self.assertFalse(self.report.search([]))
        facts.init()
        self.assertReportMatchesInvoices()

    def test_validation_writes_the_facts_in_one_statement_whatever_the_lines(self):
        small = self.create_invoice(self.customer, [(self.product, 1, 200.0)], post=False)
        big = self.create_invoice(self.customer, [(self.product, 1, 200.0)] * 12
                                  + [(self.service, 2, 80.0)] * 12, post=False)
        for invoice, count in ((small, 1), (big, 24)):
            with self.capture_queries() as queries:
                invoice.action_invoice_open()
            self.assertEqual(len([query for query in queries
                                  if "crm_profitability_line" in query]), 1)
            self.assertEqual(self.report.search_count([("invoice_id", "=", invoice.id)]),
                             count)
