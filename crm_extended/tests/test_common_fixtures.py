from .common import CrmExtendedCase


class TestFixtures(CrmExtendedCase):
    """The shared helpers go through Odoo's real flows; features rely on that."""

    def test_order_to_posted_invoice(self):
        order = self.create_order(self.customer, [(self.product, 3, None)])
        self.assertEqual(order.state, "sale")
        invoice = self.invoice_order(order)
        self.assertEqual(invoice.state, "open")
        self.assertAlmostEqual(invoice.amount_untaxed, 600.0)

    def test_refund_modes(self):
        invoice = self.create_invoice(self.customer, [(self.product, 2, 150.0)])
        refund = self.refund_invoice(invoice, mode="cancel")
        self.assertEqual(refund.type, "out_refund")
        self.assertEqual(refund.state, "paid")
        self.assertAlmostEqual(refund.amount_untaxed, 300.0)

    def test_a_class_whose_set_up_fails_ends_its_transaction(self):
        """Otherwise its uncommitted fixtures (users with unique logins) would hold the next
        class, which creates the same, forever: Odoo's runner would never end."""
        class Broken(CrmExtendedCase):
            own_company = "bare"

            @classmethod
            def create_company(cls, name, chart=False):
                # once the class's cursor is open, before any user is created (they would
                # wait on this test's own)
                raise ValueError("a fixture failed")
        with self.assertRaises(ValueError):
            Broken.setUpClass()
        self.assertTrue(Broken.cr.closed)
