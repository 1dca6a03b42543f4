from .common import CrmExtendedCase


class TestInvoiceMargin(CrmExtendedCase):
    """Cost frozen on validation, margins on lines and invoices, credit notes negative."""

    def test_cost_frozen_at_validation(self):
        invoice = self.create_invoice(self.customer, [(self.product, 2, 200.0),
                                                      (self.service, 3, 80.0)])
        chair, install = invoice.invoice_line_ids.sorted("id")
        self.assertEqual(chair.cost_price, 120.0)
        self.assertEqual(install.cost_price, 30.0)
        self.assertAlmostEqual(chair.margin, 400.0 - 240.0, places=2)
        self.assertAlmostEqual(install.margin, 240.0 - 90.0, places=2)
        self.assertAlmostEqual(invoice.margin, 310.0, places=2)
        self.assertAlmostEqual(invoice.margin_percent, 100.0 * 310.0 / 640.0, places=4)

        # a later change of the product's cost leaves the posted margin alone ...
        self.product.standard_price = 150.0
        invoice.invalidate_cache()
        self.assertEqual(chair.cost_price, 120.0)
        self.assertAlmostEqual(invoice.margin, 310.0, places=2)
        # ... and applies to the next invoice
        later = self.create_invoice(self.customer, [(self.product, 1, 200.0)])
        self.assertEqual(later.invoice_line_ids.cost_price, 150.0)
        self.assertAlmostEqual(later.margin, 50.0, places=2)

    def test_credit_note_carries_negative_revenue_and_cost(self):
        invoice = self.create_invoice(self.customer, [(self.product, 2, 200.0)])
        self.product.standard_price = 180.0
        refund = self.refund_invoice(invoice)
        refund.action_invoice_open()
        line = refund.invoice_line_ids
        # the goods come back at the cost frozen on the invoice they were sold with
        self.assertEqual(line.cost_price, 120.0)
        self.assertAlmostEqual(line.price_subtotal_signed, -400.0, places=2)
        self.assertAlmostEqual(line.margin, -160.0, places=2)
        self.assertAlmostEqual(refund.margin, -160.0, places=2)
        self.assertAlmostEqual(refund.margin_percent, 40.0, places=4)

    def test_discount_and_order_invoices(self):
        order = self.create_order(self.customer, [(self.product, 4, 250.0)])
        order.order_line.discount = 10.0
        invoice = self.invoice_order(order)
        # 4 x 250 less 10% = 900 revenue, 4 x 120 cost
        self.assertAlmostEqual(invoice.invoice_line_ids.margin, 900.0 - 480.0, places=2)
        self.assertAlmostEqual(invoice.margin, 420.0, places=2)

    def test_validation_cost_is_one_statement_whatever_the_lines(self):
        small = self.create_invoice(self.customer, [(self.product, 1, 200.0)], post=False)
        big = self.create_invoice(self.customer, [(self.product, 1, 200.0)] * 12
                                  + [(self.service, 2, 80.0)] * 12, post=False)
        counts = []
        for invoice in (small, big):
            lines = invoice.invoice_line_ids
            lines.invalidate_cache()
            with self.count_queries() as counter:
                lines._freeze_costs()
            counts.append(counter["queries"])
        self.assertEqual(counts[0], counts[1])


class TestCustomerGroup(CrmExtendedCase):

    def test_contacts_follow_the_group_of_their_company(self):
        wholesale = self.env["crm.customer.group"].create({"name": "Wholesale", "code": "WS"})
        self.customer.customer_group_id = wholesale
        self.assertEqual(self.contact.customer_group_id, wholesale)
        new_contact = self.env["res.partner"].create({
            "name": "Another Buyer", "parent_id": self.customer.id})
        self.assertEqual(new_contact.customer_group_id, wholesale)
        self.assertEqual(wholesale.partner_count, 1)

    def test_groups_of_another_company_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        group = self.env["crm.customer.group"].create({"name": "Theirs", "company_id": other.id})
        visible = self.env["crm.customer.group"].sudo(self.user_salesman).search([])
        self.assertNotIn(group, visible)
