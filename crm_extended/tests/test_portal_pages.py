from .common import PortalHttpCase


class TestPortalPages(PortalHttpCase):
    """The statement and the guarded details over real HTTP, as each portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 200.0)])
        cls.order = cls.create_order(cls.customer, [(cls.product, 1, None)])
        cls.other_invoice = cls.create_invoice(cls.other_customer, [(cls.product, 7, 111.0)])
        cls.other_order = cls.create_order(cls.other_customer, [(cls.product, 3, 123.0)])
        cls.share_with_http()

    def login(self, user):
        self.authenticate(user.login, user.login)

    def test_statement_page(self):
        self.login(self.portal_user)
        response = self.url_open("/my/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice.number, response.text)
        self.assertIn('/my/invoices/%d#portal_pay' % self.invoice.id, response.text)
        self.assertIn("400.00", response.text)
        self.assertNotIn(self.other_invoice.number, response.text)
        self.assertNotIn("777.00", response.text)  # the other customer's total

    def test_statement_of_other_users(self):
        for user in (self.portal_other, self.portal_company_b):
            self.login(user)
            for url in ("/my/statement", "/my/statement/pdf",
                        "/my/statement?date_from=2000-01-01&side=customer"):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(self.invoice.number, response.text)
                self.assertNotIn("Azure Interior", response.text)

    def test_supplier_sees_their_bills(self):
        bill = self.create_invoice(self.supplier, [(self.product, 3, 90.0)],
                                   inv_type="in_invoice")
        self.share_with_http()
        self.login(self.portal_supplier)
        body = self.url_open("/my/statement").text
        self.assertIn("Vendor Bill", body)
        self.assertIn(bill.number, body)
        self.assertIn("270.00", body)
        self.assertNotIn(self.invoice.number, body)
        self.assertNotIn("o_statement_pay", body)

    def test_statement_pdf(self):
        self.login(self.portal_colleague)
        response = self.url_open("/my/statement/pdf?date_from=2000-01-01")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice.number, response.text)
        self.assertIn("Customer account statement", response.text)

    def test_statement_bad_dates_fall_back_to_the_last_year(self):
        self.login(self.portal_user)
        response = self.url_open("/my/statement?date_from=garbage&date_to=2026-99-99")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice.number, response.text)

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open("/my/statement", allow_redirects=False)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/web/login", response.headers["Location"])

    def test_home_counts_open_items(self):
        self.login(self.portal_user)
        response = self.url_open("/my/home")
        self.assertIn("/my/statement", response.text)
        self.assertRegex(response.text, r'<span class="badge">1</span>\s*<a href="/my/statement"')

    def test_other_customers_documents_answer_without_data(self):
        self.login(self.portal_user)
        for url in ("/my/invoices/%d" % self.other_invoice.id,
                    "/my/invoices/pdf/%d" % self.other_invoice.id,
                    "/my/orders/%d" % self.other_order.id,
                    "/my/quotes/%d" % self.other_order.id):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303, 403, 404), url)
            self.assertNotIn(self.other_invoice.number, response.text)
            self.assertNotIn(self.other_order.name, response.text)
        response = self.url_open("/my/invoices")
        self.assertIn(self.invoice.number, response.text)
        self.assertNotIn(self.other_invoice.number, response.text)

    def test_statement_page_query_count_is_fixed(self):
        self.login(self.portal_user)

        def count():
            # the steady state: pages right after a change also refill the registry caches
            return min(self.count_page_queries("/my/statement") for _i in range(3))
        few = count()
        for _i in range(5):
            self.create_invoice(self.customer, [(self.product, 1, 10.0)])
        self.assertEqual(count(), few)


class TestPortalDetailsGuard(PortalHttpCase):
    """/my/account: own contact details yes, the company's basic structure no."""

    def details(self, **values):
        data = {"name": self.contact.name, "email": "brandon@azure.example.com",
                "phone": "+1 555 0100", "street": "1 Main Street", "city": "Springfield",
                "country_id": str(self.env.ref("base.us").id), "zipcode": "",
                "state_id": "", "vat": "", "company_name": ""}
        data.update(values, csrf_token=self.csrf_token())
        return self.url_open("/my/account", data=data)

    def test_own_details_are_updated(self):
        self.authenticate("crmx_portal", "crmx_portal")
        self.details(phone="+1 555 0199", name="Brandon T. Freeman")
        self.assertEqual(self.contact.phone, "+1 555 0199")
        self.assertEqual(self.contact.name, "Brandon T. Freeman")

    def test_company_structure_is_refused_with_a_message(self):
        self.authenticate("crmx_portal", "crmx_portal")
        response = self.details(vat="BE0477472701", phone="+1 555 0142")
        self.assertEqual(response.status_code, 200)
        self.assertIn("can only be changed by us", response.text)
        self.assertFalse(self.contact.vat)
        self.assertNotEqual(self.contact.phone, "+1 555 0142")  # nothing changed
        self.assertFalse(self.customer.vat)
        group = self.env["crm.customer.group"].create({"name": "Gold"})
        response = self.details(customer_group_id=str(group.id))
        self.assertIn("can only be changed by us", response.text)
        self.assertFalse(self.customer.customer_group_id)
        self.assertFalse(self.contact.customer_group_id)
        pricelist = self.env["product.pricelist"].create({"name": "Friends"})
        response = self.details(property_product_pricelist=str(pricelist.id))
        self.assertIn("can only be changed by us", response.text)
        self.assertNotEqual(self.contact.property_product_pricelist, pricelist)

    def test_addresses_are_added_under_the_company(self):
        self.authenticate("crmx_portal", "crmx_portal")
        token = self.csrf_token()
        response = self.url_open("/my/addresses", data={
            "csrf_token": token, "type": "delivery", "name": "Azure Warehouse",
            "street": "7 Dock Road", "city": "Antwerp",
        })
        self.assertEqual(response.status_code, 200)
        address = self.env["res.partner"].search([("name", "=", "Azure Warehouse")])
        self.assertEqual((address.parent_id, address.type), (self.customer, "delivery"))
        self.assertIn("Azure Warehouse", response.text)
        # trying to smuggle a structure field or another parent stores nothing
        for extra in ({"parent_id": str(self.other_customer.id)}, {"vat": "BE0477472701"},
                      {"type": "other"}, {"name": ""}):
            data = dict({"csrf_token": token, "type": "invoice", "name": "Sneaky"}, **extra)
            response = self.url_open("/my/addresses", data=data)
            self.assertIn("o_portal_error", response.text, extra)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Sneaky")]))
        self.assertFalse(self.other_customer.child_ids.filtered(lambda p: p.name == "Sneaky"))
