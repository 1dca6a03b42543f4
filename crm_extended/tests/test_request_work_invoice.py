import unittest

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError, ValidationError
from odoo.tests.common import get_db_name

import odoo

from .common import CrmRequestCase


class TestRequestWorkInvoice(CrmRequestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pricelist = cls.env["product.pricelist"].create({
            "name": "Crmx service rates", "currency_id": cls.currency.id,
            "item_ids": [(0, 0, {"applied_on": "0_product_variant",
                                 "product_id": cls.service.id, "compute_price": "fixed",
                                 "fixed_price": 65.0})],
        })
        cls.customer.property_product_pricelist = cls.pricelist

    def log_work(self, request, **values):
        values.setdefault("name", "On site")
        values.setdefault("user_id", self.user_crm.id)
        return self.env["crm.request.work"].create(dict(values, request_id=request.id))

    def test_invoice_work_prices_with_the_pricelist_and_links_both_ways(self):
        request = self.create_request("Install chairs", partner=self.contact)
        hours = self.log_work(request, hours=2.5, product_id=self.service.id)
        parts = self.log_work(request, name="Spare wheels", material_product_id=self.product.id,
                              material_qty=4)
        unbilled = self.log_work(request, hours=1, product_id=self.service.id, billable=False)
        action = request.sudo(self.user_manager).action_invoice_work()
        invoice = self.env["account.invoice"].browse(action["res_id"])
        self.assertEqual((invoice.state, invoice.type, invoice.partner_id),
                         ("draft", "out_invoice", self.customer))
        self.assertEqual(hours.invoice_id, invoice)
        self.assertEqual(parts.invoice_id, invoice)
        self.assertFalse(unbilled.invoice_id)
        self.assertEqual(invoice.request_work_ids, hours | parts)
        self.assertEqual((hours.invoice_line_id.quantity, hours.invoice_line_id.price_unit),
                         (2.5, 65.0))
        self.assertEqual((parts.material_invoice_line_id.quantity,
                          parts.material_invoice_line_id.price_unit), (4.0, 200.0))
        self.assertEqual(invoice.amount_untaxed, 2.5 * 65.0 + 4 * 200.0)
        with self.assertRaises(UserError):
            request.action_invoice_work()
        with self.assertRaises(ValidationError):
            hours.hours = 3

    def test_customer_without_receivable_account_is_refused(self):
        request = self.create_request("Install chairs")
        work = self.log_work(request, hours=1, product_id=self.service.id)
        self.customer.property_account_receivable_id = False
        with self.assertRaises(UserError) as told:
            request.action_invoice_work()
        self.assertIn("receivable account", str(told.exception))
        self.assertFalse(work.invoice_id)
        self.assertFalse(self.env["account.invoice"].search(
            [("partner_id", "=", self.customer.id)]), "no invoice half-written")

    def test_customer_without_pricelist_is_refused(self):
        request = self.create_request("Install chairs")
        work = self.log_work(request, hours=1, product_id=self.service.id)
        invoices = self.env["account.invoice"].search_count(
            [("partner_id", "=", self.customer.id)])
        # no pricelist at all: neither the customer's nor one Odoo would fall back to
        # (the company's default, an active one)
        self.env["ir.property"].search(
            [("fields_id.name", "=", "property_product_pricelist")]).unlink()
        self.env["product.pricelist"].search([]).write({"active": False})
        self.customer.invalidate_cache()
        self.assertFalse(self.customer.property_product_pricelist)
        with self.assertRaises(UserError) as told:
            request.action_invoice_work()
        self.assertIn("no pricelist", str(told.exception))
        self.assertFalse(work.invoice_id)
        self.assertEqual(self.env["account.invoice"].search_count(
            [("partner_id", "=", self.customer.id)]), invoices, "no invoice half-written")

    def test_bad_work_is_refused(self):
        request = self.create_request("Install chairs")
        with self.assertRaises(ValidationError):
            self.log_work(request, hours=-1, product_id=self.service.id)
        with self.assertRaises(ValidationError):
            self.log_work(request, hours=2)
        with self.assertRaises(ValidationError):
            self.log_work(request)


class TestRequestWorkInvoiceConcurrency(odoo.tests.common.BaseCase):
    """Two real connections press Invoice Work at the same moment: one invoices, the other
    is told. The fixtures are committed (the second connection must see them) and removed
    afterwards; no connection ever waits on another's uncommitted data (NOWAIT)."""

    # BaseCase's own clears the environment of a test transaction, which this test has not
    assertRaises = unittest.TestCase.assertRaises

    def setUp(self):
        super().setUp()
        self.registry = odoo.registry(get_db_name())
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                     "mail_notify_force_send": False})
            partner = env["res.partner"].create({"name": "Crmx Concurrent Customer",
                                                 "customer": True})
            product = env["product.product"].create({
                "name": "Crmx concurrent service", "type": "service", "list_price": 90.0})
            request = env["crm.request"].create({
                "name": "Crmx concurrent work", "partner_id": partner.id,
                "request_type_id": env.ref("crm_extended.request_type_service").id,
                "confidentiality": "internal"})
            env["crm.request.work"].create({"request_id": request.id, "name": "Repair",
                                            "hours": 2, "product_id": product.id})
            self.ids = {"partner": partner.id, "product": product.id, "request": request.id}
        self.addCleanup(self.remove_fixtures)

    def remove_fixtures(self):
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["crm.request"].browse(self.ids["request"])
            request.work_ids.mapped("invoice_id").unlink()
            request.unlink()
            env["product.product"].browse(self.ids["product"]).unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()

    def test_second_press_at_the_same_moment_is_told(self):
        with api.Environment.manage(), self.registry.cursor() as cr1, \
                self.registry.cursor() as cr2:
            first = api.Environment(cr1, SUPERUSER_ID, {})["crm.request"].browse(
                self.ids["request"])
            second = api.Environment(cr2, SUPERUSER_ID, {})["crm.request"].browse(
                self.ids["request"])
            invoice_id = first.action_invoice_work()["res_id"]
            with self.assertRaises(UserError) as told:
                second.action_invoice_work()
            self.assertIn("right now", str(told.exception))
            cr1.commit()
            # pressed again (a new transaction, as Odoo retries a request): nothing left
            cr2.rollback()
            with self.assertRaises(UserError) as told:
                second.action_invoice_work()
            self.assertIn("no billable work left", str(told.exception))
            cr2.rollback()
        with api.Environment.manage(), self.registry.cursor() as cr:
            cr.execute("SELECT invoice_id FROM crm_request_work WHERE request_id = %s",
                       (self.ids["request"],))
            self.assertEqual(cr.fetchall(), [(invoice_id,)])
            cr.execute("SELECT count(*) FROM account_invoice_line WHERE invoice_id = %s",
                       (invoice_id,))
            self.assertEqual(cr.fetchone()[0], 1)
