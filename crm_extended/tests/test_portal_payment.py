import re

from .common import PortalHttpCase


class TestPortalPayment(PortalHttpCase):
    """Pay Now on the statement goes through Odoo's invoice payment (account_payment, with
    the wire transfer acquirer), for the customer's own invoices only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's payment transactions require the payer's country
        cls.customer.country_id = cls.env.ref("base.us")
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 200.0)])
        cls.other_invoice = cls.create_invoice(cls.other_customer, [(cls.product, 7, 111.0)])
        cls.transfer = cls.env.ref("payment.payment_acquirer_transfer")
        cls.share_with_http()

    def login(self, user):
        self.authenticate(user.login, user.login)

    def pay_form(self, invoice, **params):
        return self.json_call("/invoice/pay/%d/form_tx" % invoice.id,
                              acquirer_id=self.transfer.id, **params)

    def transactions(self, invoice):
        return self.env["payment.transaction"].sudo().search(
            [("account_invoice_id", "=", invoice.id)])

    def open_receivable(self, partner):
        lines = self.env["account.move.line"].search([
            ("partner_id", "child_of", partner.id), ("reconciled", "=", False),
            ("account_id.internal_type", "=", "receivable")])
        return sum(lines.mapped("amount_residual"))

    def test_pay_now_from_the_statement_to_a_paid_invoice(self):
        self.login(self.portal_user)
        statement = self.url_open("/my/statement").text
        self.assertIn("/my/invoices/%d#portal_pay" % self.invoice.id, statement)
        page = self.url_open("/my/invoices/%d" % self.invoice.id).text
        self.assertIn('id="portal_pay"', page)
        self.assertIn(self.transfer.name, page)

        form = self.pay_form(self.invoice)
        tx = self.transactions(self.invoice)
        self.assertEqual(len(tx), 1)
        fields = dict(re.findall(r"name=['\"](\w+)['\"] value=['\"]([^'\"]*)['\"]", form))
        self.assertEqual(fields["reference"], tx.reference)
        self.assertEqual(float(fields["amount"]), self.invoice.amount_total)
        # the customer confirms the wire transfer: the browser posts the acquirer's form
        self.url_open("/payment/transfer/feedback", data=fields)
        self.assertEqual(tx.state, "pending")
        self.assertEqual(self.invoice.state, "open")

        # the transfer reaches the bank: the acquirer's confirmation pays the invoice
        tx.write({"state": "done"})
        self.assertIs(tx._confirm_invoice(), True)
        self.assertEqual(self.invoice.state, "paid")
        payment = self.invoice.payment_ids
        self.assertEqual(payment.payment_transaction_id, tx)
        self.assertEqual(payment.amount, self.invoice.amount_total)
        self.assertEqual(self.open_receivable(self.customer), 0.0)
        statement = self.url_open("/my/statement").text
        self.assertNotIn("/my/invoices/%d#portal_pay" % self.invoice.id, statement)
        self.assertIn(payment.move_line_ids[:1].move_id.name, statement)

    def test_no_payment_of_another_customers_invoice(self):
        for user in (self.portal_other, self.portal_company_b):
            self.login(user)
            self.assertFalse(self.pay_form(self.invoice))
            response = self.url_open("/invoice/pay/%d/s2s_token_tx?pm_id=1" % self.invoice.id,
                                     allow_redirects=False)
            self.assertEqual(response.status_code, 302)
            self.assertNotIn(self.invoice.number, response.text)
        self.assertFalse(self.transactions(self.invoice))

    def test_access_token_pays_its_own_invoice_only(self):
        self.login(self.portal_other)
        token = self.invoice.access_token
        form = self.pay_form(self.invoice, access_token=token)
        self.assertIn(self.transactions(self.invoice).reference, form)
        own_invoice = self.create_invoice(self.customer, [(self.product, 1, 50.0)])
        self.share_with_http()
        self.assertFalse(self.pay_form(own_invoice, access_token=token))
        self.assertFalse(self.transactions(own_invoice))
