from odoo.exceptions import UserError

from .common import CrmExtendedCase


class TestProfitabilityPrint(CrmExtendedCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group = cls.env["crm.customer.group"].create({"name": "Key Accounts"})
        cls.customer.customer_group_id = cls.group
        cls.create_invoice(cls.customer, [(cls.product, 3, 200.0)])
        cls.wizard = cls.env["crm.profitability.print"].sudo(cls.user_salesman).with_context(
            active_model="res.partner", active_id=cls.contact.id)

    def _html(self, wizard):
        report = self.env.ref("crm_extended.action_report_customer_profitability")
        return report.render_qweb_html(wizard.ids)[0].decode()

    def test_customer_report_from_a_contact_prints_the_company(self):
        wizard = self.wizard.create({})
        self.assertEqual(wizard.partner_id, self.customer)
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "crm_extended.report_customer_profitability")
        html = self._html(wizard)
        self.assertIn("Azure Interior", html)
        self.assertIn("600.00", html)           # revenue: 3 x 200
        self.assertIn("240.00", html)           # margin: 600 - 3 x 120
        self.assertIn("40.0", html)

    def test_customer_report_prints_as_pdf(self):
        report = self.env.ref("crm_extended.action_report_customer_profitability")
        content, kind = self.render_pdf(report, self.wizard.create({}).ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))

    def test_group_report_lists_its_customers(self):
        wizard = self.wizard.create({"scope": "group", "customer_group_id": self.group.id})
        html = self._html(wizard)
        self.assertIn("Key Accounts", html)
        self.assertIn("By customer", html)

    def test_a_period_without_sales_prints_zeros(self):
        wizard = self.wizard.create({"date_from": "2001-01-01", "date_to": "2001-12-31"})
        html = self._html(wizard)
        self.assertIn("Azure Interior", html)
        self.assertIn("0.00", html)
        self.assertNotIn("600.00", html)

    def test_bad_requests_are_refused(self):
        with self.assertRaises(UserError):
            self.wizard.create({"scope": "group"}).action_print()
        with self.assertRaises(UserError):
            self.wizard.create({"date_from": "2026-02-01", "date_to": "2026-01-01"}) \
                .action_print()
