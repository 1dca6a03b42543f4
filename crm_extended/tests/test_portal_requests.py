import io

from odoo.exceptions import AccessError

from .common import PortalCase, PortalHttpCase


class PortalRequestFixtures:
    """Requests around the shared customer, each visible to a different set of people."""

    @classmethod
    def create_portal_requests(cls):
        cls.req_public = cls.create_request("Chair squeaks", cls.type_warranty,
                                            cls.contact, confidentiality="public")
        cls.req_shared = cls.create_request("Statement question", cls.type_account,
                                            cls.contact, confidentiality="partner")
        cls.req_internal = cls.create_request("Credit check notes", cls.type_help,
                                              cls.contact, confidentiality="internal")
        cls.req_colleague = cls.create_request("Nicole's own question", cls.type_help,
                                               cls.colleague, confidentiality="public")
        cls.req_other = cls.create_request("Globex secret", cls.type_help,
                                           cls.other_contact, confidentiality="partner")
        cls.req_company_b = cls.create_request("Bluebird matter", cls.type_help,
                                               cls.contact_b, confidentiality="partner",
                                               company_id=cls.company_b.id)


class TestPortalRequestRules(PortalRequestFixtures, PortalCase):
    """Through the ORM, as each portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_portal_requests()

    def visible(self, user):
        return self.env["crm.request"].sudo(user).search([])

    def test_each_portal_user_sees_exactly_their_requests(self):
        self.assertEqual(self.visible(self.portal_user), self.req_public | self.req_shared)
        self.assertEqual(self.visible(self.portal_colleague),
                         self.req_shared | self.req_colleague)
        self.assertEqual(self.visible(self.portal_other), self.req_other)
        self.assertEqual(self.visible(self.portal_company_b), self.req_company_b)

    def test_no_read_write_unlink_read_group_on_others(self):
        Request = self.env["crm.request"].sudo(self.portal_user)
        for record in (self.req_internal, self.req_colleague, self.req_other,
                       self.req_company_b):
            with self.assertRaises(AccessError):
                record.sudo(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.req_public.sudo(self.portal_user).write({"name": "changed"})
        with self.assertRaises(AccessError):
            self.req_public.sudo(self.portal_user).unlink()
        with self.assertRaises(AccessError):
            Request.create({"name": "direct", "request_type_id": self.type_help.id,
                            "partner_id": self.contact.id})
        groups = Request.read_group([], ["confidentiality"], ["confidentiality"])
        self.assertEqual(sum(group["confidentiality_count"] for group in groups), 2)


class TestPortalRequestPages(PortalRequestFixtures, PortalHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_portal_requests()
        cls.order = cls.create_order(cls.customer, [(cls.product, 1, None)])
        cls.other_order = cls.create_order(cls.other_customer, [(cls.service, 2, None)])
        cls.share_with_http()

    def login(self, user):
        self.authenticate(user.login, user.login)

    def request_count(self):
        return self.env["crm.request"].search_count([])

    def test_list_shows_mine_and_shared_only(self):
        self.login(self.portal_user)
        body = self.url_open("/my/requests").text
        for visible in (self.req_public, self.req_shared):
            self.assertIn(visible.number, body)
        for hidden in (self.req_internal, self.req_colleague, self.req_other,
                       self.req_company_b):
            self.assertNotIn(hidden.number, body)
            self.assertNotIn(hidden.name, body)
        home = self.url_open("/my/home").text
        self.assertRegex(home, r'<span class="badge">2</span>\s*<a href="/my/requests"')

    def test_filters_search_and_sorting(self):
        self.req_shared.write({"stage_id": self.stage_done.id, "resolution": "Explained.",
                               "user_id": self.user_crm.id})
        self.login(self.portal_user)
        closed = self.url_open("/my/requests?filterby=closed").text
        self.assertIn(self.req_shared.number, closed)
        self.assertNotIn(self.req_public.number, closed)
        found = self.url_open("/my/requests?search_in=number&search=%s"
                              % self.req_public.number).text
        self.assertIn(self.req_public.number, found)
        self.assertNotIn(self.req_shared.number, found)
        by_text = self.url_open("/my/requests?search=squeaks").text
        self.assertIn(self.req_public.number, by_text)
        self.assertNotIn(self.req_shared.number, by_text)
        by_type = self.url_open("/my/requests?type_id=%d" % self.type_account.id).text
        self.assertIn(self.req_shared.number, by_type)
        self.assertNotIn(self.req_public.number, by_type)
        for sortby in ("number", "stage", "deadline", "bogus"):
            self.assertEqual(self.url_open("/my/requests?sortby=" + sortby).status_code, 200)

    def test_detail_pages_of_others_answer_without_data(self):
        for user in (self.portal_user, self.portal_other, self.portal_company_b):
            self.login(user)
            visible = self.env["crm.request"].sudo(user).search([])
            for record in (self.req_public, self.req_shared, self.req_internal,
                           self.req_colleague, self.req_other, self.req_company_b):
                response = self.url_open("/my/requests/%d" % record.id, allow_redirects=False)
                if record in visible:
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(record.number, response.text)
                else:
                    self.assertIn(response.status_code, (302, 303, 403, 404))
                    self.assertNotIn(record.number, response.text)
                    self.assertNotIn(record.name, response.text)
        self.login(self.portal_user)
        missing = self.url_open("/my/requests/999999", allow_redirects=False)
        self.assertIn(missing.status_code, (302, 303, 404))

    def test_detail_shows_status_responsible_links_and_chatter(self):
        self.req_shared.write({"sale_order_id": self.order.id, "user_id": self.user_crm.id})
        self.req_shared.message_post(body="We are looking into it", message_type="comment",
                                     subtype="mail.mt_comment")
        self.login(self.portal_colleague)
        body = self.url_open("/my/requests/%d" % self.req_shared.id).text
        self.assertIn(self.req_shared.stage_id.name, body)
        self.assertIn("Rita Requests", body)
        self.assertIn('/my/orders/%d' % self.order.id, body)
        self.assertIn("o_portal_chatter", body)

    def test_access_token_opens_only_its_request(self):
        self.login(self.portal_other)
        token = self.req_public.access_token
        ok = self.url_open("/my/requests/%d?access_token=%s" % (self.req_public.id, token))
        self.assertEqual(ok.status_code, 200)
        self.assertIn(self.req_public.number, ok.text)
        for record in (self.req_shared, self.req_colleague):
            response = self.url_open("/my/requests/%d?access_token=%s" % (record.id, token),
                                     allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            self.assertNotIn(record.number, response.text)
        internal = self.url_open("/my/requests/%d?access_token=%s" % (
            self.req_internal.id, self.req_internal.access_token), allow_redirects=False)
        self.assertIn(internal.status_code, (302, 303))
        self.assertNotIn(self.req_internal.name, internal.text)

    def new_request(self, files=None, **values):
        data = {"csrf_token": self.csrf_token(), "request_type_id": str(self.type_warranty.id),
                "name": "Armrest broke", "description": "Left armrest, since Monday."}
        data.update(values)
        return self.url_open("/my/requests/new", data=data, files=files)

    def test_file_a_request_with_attachment(self):
        self.login(self.portal_user)
        form = self.url_open("/my/requests/new").text
        self.assertIn(self.type_warranty.name, form)
        self.assertNotIn(self.type_charge.name, form)  # not filed from the portal
        self.assertIn(self.order.name, form)
        self.assertNotIn(self.other_order.name, form)
        response = self.new_request(
            sale_order_id=str(self.order.id), product_id=str(self.product.id),
            files={"attachments": ("photo.png", io.BytesIO(b"\x89PNG\r\n\x1a\n fake"),
                                   "image/png")})
        self.assertEqual(response.status_code, 200)
        filed = self.env["crm.request"].search([("name", "=", "Armrest broke")])
        self.assertEqual(len(filed), 1)
        self.assertIn(filed.number, response.text)
        self.assertEqual((filed.partner_id, filed.request_type_id, filed.sale_order_id,
                          filed.product_id),
                         (self.contact, self.type_warranty, self.order, self.product))
        attachment = self.env["ir.attachment"].search([
            ("res_model", "=", "crm.request"), ("res_id", "=", filed.id)])
        self.assertEqual(attachment.mapped("name"), ["photo.png"])
        # the confirmation went out with the case number, as in the backend
        self.assertTrue(filed.date_confirmation)
        confirmation = self.env["mail.message"].search([
            ("model", "=", "crm.request"), ("res_id", "=", filed.id),
            ("subject", "=", "[%s] Armrest broke" % filed.number)])
        self.assertEqual(len(confirmation), 1)
        self.assertIn(self.contact, confirmation.partner_ids)

    def test_bad_input_is_refused_and_nothing_stored(self):
        self.login(self.portal_user)
        before = self.request_count()
        attachments_before = self.env["ir.attachment"].search_count(
            [("res_model", "=", "crm.request")])
        cases = [
            ({"name": ""}, None, "subject"),
            ({"name": "x" * 10001}, None, "at most"),
            ({"request_type_id": ""}, None, "type of request"),
            ({"request_type_id": str(self.type_charge.id)}, None, "type of request"),
            ({"request_type_id": "abc"}, None, "type of request"),
            ({"sale_order_id": str(self.other_order.id)}, None, "not one of yours"),
            ({"product_id": str(self.service.id)}, None, "not on any of your orders"),
            ({"description": "y" * 20001}, None, "at most"),
            ({}, {"attachments": ("tool.exe", io.BytesIO(b"MZ"), "application/octet-stream")},
             "cannot be attached"),
            ({}, {"attachments": ("big.pdf", io.BytesIO(b"0" * (10 * 1024 * 1024 + 1)),
                                  "application/pdf")}, "larger than"),
        ]
        for values, files, message in cases:
            response = self.new_request(files=files, **values)
            self.assertEqual(response.status_code, 200)
            self.assertIn("o_portal_error", response.text, values)
            self.assertIn(message, response.text, values)
        self.assertEqual(self.request_count(), before)
        self.assertEqual(self.env["ir.attachment"].search_count(
            [("res_model", "=", "crm.request")]), attachments_before)

    def test_html_is_stored_as_text_and_shown_escaped(self):
        self.login(self.portal_user)
        script = "<script>alert('x')</script><b>bold</b>"
        self.new_request(name="Look " + script, description=script)
        filed = self.env["crm.request"].search([("name", "=", "Look " + script)])
        self.assertEqual(filed.description, script)
        body = self.url_open("/my/requests/%d" % filed.id).text
        self.assertNotIn("<script>alert", body)
        self.assertIn("&lt;script&gt;alert", body)

    def test_reply_with_attachment_and_others_cannot(self):
        self.login(self.portal_user)
        token = self.csrf_token()
        response = self.url_open("/my/requests/%d/reply" % self.req_public.id, data={
            "csrf_token": token, "message": "Still squeaking <b>loud</b>",
        }, files={"attachments": ("noise.txt", io.BytesIO(b"eek"), "text/plain")})
        self.assertEqual(response.status_code, 200)
        message = self.req_public.message_ids[0]
        self.assertEqual(message.author_id, self.contact)
        self.assertIn("&lt;b&gt;loud", message.body)
        self.assertEqual(message.attachment_ids.mapped("name"), ["noise.txt"])
        self.login(self.portal_other)
        response = self.url_open("/my/requests/%d/reply" % self.req_public.id, data={
            "csrf_token": self.csrf_token(), "message": "intrusion"})
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("intrusion", self.req_public.message_ids.mapped("body")[0])

    def test_list_query_count_is_fixed(self):
        self.login(self.portal_user)

        def count():
            # the steady state: pages right after a change also refill the registry caches
            return min(self.count_page_queries("/my/requests") for _i in range(3))
        few = count()
        for index in range(15):
            self.create_request("More %d" % index, self.type_help, self.contact)
        self.assertEqual(count(), few)
