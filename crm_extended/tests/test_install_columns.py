"""The install hook creates and fills only the columns crm_extended owns; the module that
would share them (OCA account_invoice_margin) is declared incompatible."""
from odoo.exceptions import UserError

from .. import hooks
from .common import CrmExtendedCase


class TestInstallColumns(CrmExtendedCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 1, 200.0)])
        cls.line = cls.invoice.invoice_line_ids

    def line_margin(self):
        self.env.cr.execute("SELECT margin FROM account_invoice_line WHERE id = %s",
                            [self.line.id])
        return self.env.cr.fetchone()[0]

    def set_line_margin(self, value):
        self.env.cr.execute("UPDATE account_invoice_line SET margin = %s WHERE id = %s",
                            [value, self.line.id])

    def give_margin_column_to(self, module):
        """As when ``module`` was installed first: Odoo recorded the field for it."""
        field = self.env["ir.model.fields"].search([
            ("model", "=", "account.invoice.line"), ("name", "=", "margin")])
        data = self.env["ir.model.data"].search([
            ("model", "=", "ir.model.fields"), ("res_id", "=", field.id)])
        self.assertTrue(data)
        data.write({"module": module})

    def test_hook_leaves_another_modules_column_alone(self):
        self.give_margin_column_to("account_invoice_margin")
        self.set_line_margin(42.0)
        with self.assertRaisesRegex(UserError, r"account_invoice_line\.margin "
                                               r"\(account_invoice_margin\)"):
            hooks._profitability_pre_init(self.env.cr)
        hooks._profitability_post_init(self.env.cr)
        self.assertEqual(self.line_margin(), 42.0, "the other module's figure stays")

    def test_hook_fills_its_own_columns(self):
        """Positive control: on the columns it owns, the hook does fill the margins of the
        posted customer invoices (cost of the product now: 120 for 200)."""
        self.assertEqual(hooks._foreign_profitability_columns(self.env.cr), {})
        self.set_line_margin(42.0)
        hooks._profitability_pre_init(self.env.cr)
        hooks._profitability_post_init(self.env.cr)
        self.assertEqual(self.line_margin(), 80.0)

    def test_account_invoice_margin_is_refused(self):
        """Odoo refuses to install the two together (the manifest's "excludes")."""
        crm_extended = self.env["ir.module.module"].search([("name", "=", "crm_extended")])
        self.assertIn("account_invoice_margin", crm_extended.exclusion_ids.mapped("name"))
        other = self.env["ir.module.module"].search([("name", "=", "account_invoice_margin")])
        other = other or self.env["ir.module.module"].create({
            "name": "account_invoice_margin", "shortdesc": "Account Invoice Margin",
            "state": "uninstalled"})
        with self.assertRaisesRegex(UserError, "incompatible"):
            other.button_install()
