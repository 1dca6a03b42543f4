from odoo.exceptions import ValidationError

from .common import CrmExtendedCase


class TestSfaCustomerProfile(CrmExtendedCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment_term = cls.env.ref("account.account_payment_term_net")
        cls.country = cls.env.ref("base.es")

    def test_kind_defaults_from_company_type(self):
        Partner = self.env["res.partner"]
        self.assertEqual(self.customer.customer_kind, "b2b")
        self.assertEqual(self.contact.customer_kind, "b2b", "a company's contact is B2B")
        person = Partner.create({"name": "Ana Ruiz"})
        self.assertEqual(person.customer_kind, "b2c")
        company = Partner.create({"name": "Acme", "company_type": "company"})
        self.assertEqual(company.customer_kind, "b2b")
        chosen = Partner.create({"name": "Sole trader", "customer_kind": "b2b"})
        self.assertEqual(chosen.customer_kind, "b2b", "an explicit kind wins")
        form_partner = Partner.new({"name": "Draft", "company_type": "person"})
        form_partner.company_type = "company"
        form_partner._onchange_customer_kind()
        self.assertEqual(form_partner.customer_kind, "b2b")

    def test_b2c_completeness_and_missing_fields(self):
        person = self.env["res.partner"].create({"name": "Ana Ruiz", "customer": True})
        # name only: 1 of 5 critical fields
        self.assertEqual(person.profile_completeness, 20)
        self.assertEqual(person.profile_missing,
                         "Phone, Email, Payment preference, Shipping address")
        person.write({"mobile": "+34 600 000 000", "email": "ana@example.com",
                      "payment_preference": "card"})
        self.assertEqual(person.profile_completeness, 80)
        self.assertEqual(person.profile_missing, "Shipping address")
        # a delivery address counts as the shipping address
        self.env["res.partner"].create({
            "name": "Ana (home)", "parent_id": person.id, "type": "delivery",
            "street": "Calle Mayor 1", "city": "Madrid", "country_id": self.country.id})
        self.assertEqual(person.profile_completeness, 100)
        self.assertFalse(person.profile_missing)
        found = self.env["res.partner"].search([
            ("id", "in", (person | self.customer).ids), ("profile_completeness", ">=", 100)])
        self.assertEqual(found, person, "completeness is searchable")

    def test_b2b_completeness_reads_the_commercial_entity(self):
        # Azure Interior: company name only; no VAT, invoicing contact/address, terms
        self.assertEqual(self.customer.profile_completeness, 20)
        self.assertEqual(self.customer.profile_missing,
                         "VAT, Invoicing contact, Invoicing address, Payment terms")
        self.customer.write({"vat": "BE0477472701",
                             "property_payment_term_id": self.payment_term.id})
        self.env["res.partner"].create({
            "name": "Accounts payable", "parent_id": self.customer.id, "type": "invoice",
            "email": "ap@azure.example.com", "street": "Rue Neuve 1", "city": "Brussels",
            "country_id": self.env.ref("base.be").id})
        self.assertEqual(self.customer.profile_completeness, 100)
        self.assertEqual(self.contact.profile_completeness, 100,
                         "a B2B contact shares the completeness of its account")

    def test_ready_to_trade_lists_what_is_missing(self):
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            self.customer.write({"ready_to_trade": True})
        message = str(error.exception)
        for label in ("VAT", "Invoicing contact", "Invoicing address", "Payment terms"):
            self.assertIn(label, message)
        self.assertIn("Azure Interior", message)
        self.customer.invalidate_cache()
        self.assertFalse(self.customer.ready_to_trade)

    def test_ready_to_trade_keeps_critical_fields_required(self):
        person = self.env["res.partner"].create({
            "name": "Ana Ruiz", "customer": True, "phone": "+34 600 000 000",
            "email": "ana@example.com", "payment_preference": "bank_transfer",
            "street": "Calle Mayor 1", "city": "Madrid", "country_id": self.country.id,
            "ready_to_trade": True})
        self.assertTrue(person.ready_to_trade)
        with self.assertRaises(ValidationError) as error:
            person.write({"email": False})
        self.assertIn("Email", str(error.exception))
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create({"name": "Half done", "ready_to_trade": True})

    def test_existing_partners_get_their_kind_at_install(self):
        self.env.cr.execute("UPDATE res_partner SET customer_kind = NULL WHERE id IN %s",
                            [tuple((self.customer | self.contact).ids)])
        self.env["res.partner"]._auto_init()
        self.env.cr.execute("SELECT customer_kind FROM res_partner WHERE id IN %s ORDER BY id",
                            [tuple((self.customer | self.contact).ids)])
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], ["b2b", "b2b"])

    def test_ready_to_trade_in_the_same_save_as_the_missing_fields(self):
        self.env["res.partner"].create({
            "name": "Accounts payable", "parent_id": self.customer.id, "type": "invoice",
            "email": "ap@azure.example.com", "street": "Rue Neuve 1", "city": "Brussels",
            "country_id": self.env.ref("base.be").id})
        # what a user does in the form: fill the last fields and tick the box at once
        self.customer.write({"vat": "BE0477472701", "ready_to_trade": True,
                             "property_payment_term_id": self.payment_term.id})
        self.assertTrue(self.customer.ready_to_trade)
        self.assertEqual(self.customer.profile_completeness, 100)
