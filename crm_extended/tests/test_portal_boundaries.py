"""What a portal session reaches of requests beyond their pages: uploads, attachments through
/web/content, /web/image and JSON-RPC, and Odoo's chatter routes with access tokens."""
import base64
import io
from unittest.mock import patch

from odoo.tests.common import HOST, PORT

from ..models import crm_request_portal
from .common import PortalHttpCase
from .test_portal_requests import PortalRequestFixtures

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
    "rkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
SCRIPT = b"<html><body><script>document.title='pwned'</script></body></html>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script>'
       b'</svg>')


class PortalBoundaryCase(PortalRequestFixtures, PortalHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_portal_requests()
        cls.share_with_http()

    def login(self, user):
        self.authenticate(user.login, user.login)

    def staff_login(self):
        self.user_manager.password = "crmx_manager"
        self.authenticate("crmx_manager", "crmx_manager")

    def request_attachments(self, record):
        return self.env["ir.attachment"].search([
            ("res_model", "=", "crm.request"), ("res_id", "=", record.id)])

    def reply(self, record, files, message="See attached"):
        return self.url_open("/my/requests/%d/reply" % record.id, data={
            "csrf_token": self.csrf_token(), "message": message}, files=files)

    def json_rpc(self, url, **params):
        """The whole JSON-RPC answer (a refusal answers HTTP 200 with an error)."""
        self.share_with_http()
        response = self.opener.post("http://%s:%s%s" % (HOST, PORT, url), timeout=30,
                                    json={"jsonrpc": "2.0", "method": "call",
                                          "params": params})
        self.env.cache.invalidate()
        self.assertEqual(response.status_code, 200)
        return response.json()


class TestPortalUploads(PortalBoundaryCase):

    def test_only_documents_and_images_are_attached(self):
        """Active content is refused whatever its name, including a page renamed to an
        image; documents and images pass."""
        self.login(self.portal_user)
        refused = [("page.html", SCRIPT), ("page.htm", SCRIPT), ("drawing.svg", SVG),
                   ("data.xml", SCRIPT), ("page.xhtml", SCRIPT), ("run.js", b"alert(1)"),
                   ("tool.exe", b"MZ"), ("noextension", SCRIPT), ("photo.png", SCRIPT),
                   ("invoice.pdf", SVG)]
        for name, content in refused:
            response = self.reply(self.req_public, {"attachments": (name, io.BytesIO(content),
                                                                    "image/png")})
            self.assertEqual(response.status_code, 200)
            self.assertIn("o_portal_error", response.text, name)
            self.assertFalse(self.request_attachments(self.req_public), name)
        accepted = [("photo.PNG", PNG), ("invoice.pdf", PDF), ("notes.txt", b"plain words")]
        for name, content in accepted:
            self.reply(self.req_public, {"attachments": (name, io.BytesIO(content),
                                                         "text/html")})
        self.assertEqual(sorted(self.request_attachments(self.req_public).mapped("name")),
                         sorted(name for name, _content in accepted))

    def test_stored_types_come_from_the_allowlist_never_from_the_browser(self):
        """The staff member who opens a customer's file gets the type its extension stands
        for: markup in a text file is served as text, never as a page."""
        self.login(self.portal_user)
        self.reply(self.req_public, {"attachments": ("notes.txt", io.BytesIO(SCRIPT),
                                                     "text/html")})
        self.reply(self.req_public, {"attachments": ("photo.png", io.BytesIO(PNG),
                                                     "image/svg+xml")})
        stored = {attachment.name: attachment
                  for attachment in self.request_attachments(self.req_public)}
        self.assertEqual(stored["notes.txt"].mimetype, "text/plain")
        self.assertEqual(stored["photo.png"].mimetype, "image/png")
        self.staff_login()
        served = self.url_open("/web/content/%d" % stored["notes.txt"].id)
        self.assertEqual(served.status_code, 200)
        self.assertTrue(served.headers["Content-Type"].startswith("text/plain"),
                        served.headers["Content-Type"])
        self.assertEqual(served.content, SCRIPT)
        image = self.url_open("/web/image/%d" % stored["photo.png"].id)
        self.assertEqual(image.headers["Content-Type"], "image/png")

    def test_each_file_and_the_whole_request_have_a_size_limit(self):
        self.login(self.portal_user)
        with patch.object(crm_request_portal, "PORTAL_UPLOAD_MAX_SIZE", 1000), \
                patch.object(crm_request_portal, "PORTAL_REQUEST_MAX_SIZE", 2500):
            big = self.reply(self.req_public, {"attachments": (
                "big.txt", io.BytesIO(b"x" * 1001), "text/plain")})
            self.assertIn("larger than", big.text)
            first = self.reply(self.req_public, [
                ("attachments", ("one.txt", io.BytesIO(b"1" * 900), "text/plain")),
                ("attachments", ("two.txt", io.BytesIO(b"2" * 900), "text/plain"))])
            self.assertNotIn("o_portal_error", first.text)
            # 1,800 bytes stored: 900 more would pass each file's limit, not the request's
            third = self.reply(self.req_public, {"attachments": (
                "three.txt", io.BytesIO(b"3" * 900), "text/plain")})
            self.assertIn("o_portal_error", third.text)
            self.assertIn("add up to", third.text)
            # the same limit when filing a new request with several files at once
            response = self.url_open("/my/requests/new", data={
                "csrf_token": self.csrf_token(), "name": "Many files",
                "request_type_id": str(self.type_warranty.id)}, files=[
                ("attachments", ("%d.txt" % index, io.BytesIO(b"x" * 900), "text/plain"))
                for index in range(3)])
            self.assertIn("add up to", response.text)
        self.assertEqual(sorted(self.request_attachments(self.req_public).mapped("name")),
                         ["one.txt", "two.txt"])
        self.assertFalse(self.env["crm.request"].search([("name", "=", "Many files")]))

    def test_files_stored_before_the_allowlist_are_served_as_text(self):
        """What the upgrade does to files uploaded before: a page or a drawing with a
        script, stored as superuser with its own type, is served to staff as text."""
        request = self.req_public
        request.message_post(body="Old upload", message_type="comment",
                             subtype="mail.mt_comment",
                             attachments=[("page.html", SCRIPT), ("drawing.svg", SVG),
                                          ("sheet.xlsx", b"PK\x03\x04 fake")])
        stored = {attachment.name: attachment
                  for attachment in self.request_attachments(request)}
        self.assertEqual(stored["page.html"].mimetype, "text/html")
        self.env["crm.request"]._neutralise_stored_uploads()
        stored["page.html"].invalidate_cache()
        self.assertEqual([stored[name].mimetype for name in ("page.html", "drawing.svg")],
                         ["text/plain", "text/plain"])
        self.assertEqual(
            stored["sheet.xlsx"].mimetype,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.staff_login()
        served = self.url_open("/web/content/%d" % stored["drawing.svg"].id)
        self.assertTrue(served.headers["Content-Type"].startswith("text/plain"))


class TestPortalInternalAttachments(PortalBoundaryCase):
    """Files staff attach to internal notes, or to the request itself, stay internal: not
    listed on the customer's page, not served to their session by any route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        request = cls.req_public.with_context(mail_create_nosubscribe=True)
        cls.note = request.message_post(
            body="Cost sheet for the credit decision", message_type="comment",
            subtype="mail.mt_note", attachments=[("cost-sheet.txt", b"our margin: 62%")])
        cls.note_image = request.message_post(
            body="Photo of the warehouse", message_type="comment", subtype="mail.mt_note",
            attachments=[("warehouse.png", PNG)])
        cls.loose = cls.env["ir.attachment"].create({
            "name": "supplier-quote.txt", "datas_fname": "supplier-quote.txt",
            "datas": base64.b64encode(b"supplier price 41.00"),
            "res_model": "crm.request", "res_id": cls.req_public.id})
        cls.answer = request.message_post(
            body="Here is the manual", message_type="comment", subtype="mail.mt_comment",
            attachments=[("manual.pdf", PDF)])
        cls.hidden = cls.note.attachment_ids | cls.note_image.attachment_ids | cls.loose
        cls.shown = cls.answer.attachment_ids
        cls.share_with_http()

    def test_the_page_lists_only_what_the_customer_may_see(self):
        self.login(self.portal_user)
        body = self.url_open("/my/requests/%d" % self.req_public.id).text
        self.assertIn("manual.pdf", body)
        for attachment in self.hidden:
            self.assertNotIn(attachment.name, body)

    def test_web_content_and_image_serve_only_what_the_customer_may_see(self):
        self.login(self.portal_user)
        for attachment in self.shown:
            response = self.url_open("/web/content/%d?download=true" % attachment.id)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, PDF)
        for attachment in self.hidden:
            for url in ("/web/content/%d?download=true", "/web/content/%d",
                        "/web/image/%d"):
                response = self.url_open(url % attachment.id, allow_redirects=False)
                self.assertNotEqual(response.status_code, 200, url % attachment.id)
                self.assertNotIn(b"our margin", response.content)
                self.assertNotIn(b"supplier price", response.content)
                self.assertNotIn(PNG, response.content)
        # staff read all of them (the same route can serve them)
        self.staff_login()
        response = self.url_open("/web/content/%d?download=true" % self.note.attachment_ids.id)
        self.assertEqual(response.content, b"our margin: 62%")

    def test_json_rpc_and_chatter_show_only_what_the_customer_may_see(self):
        self.login(self.portal_user)
        found = self.json_rpc("/web/dataset/call_kw", model="ir.attachment",
                              method="search_read", args=[[("res_model", "=", "crm.request")],
                                                          ["name", "datas"]], kwargs={})
        self.assertEqual([row["name"] for row in found["result"]], ["manual.pdf"])
        count = self.json_rpc("/web/dataset/call_kw", model="ir.attachment",
                              method="search_count",
                              args=[[("res_id", "=", self.req_public.id)]], kwargs={})
        self.assertEqual(count["result"], 1)
        for attachment in self.hidden:
            read = self.json_rpc("/web/dataset/call_kw", model="ir.attachment",
                                 method="read", args=[attachment.ids, ["datas"]], kwargs={})
            self.assertIn("error", read)
            self.assertNotIn("result", read)
        chatter = self.json_rpc("/mail/chatter_fetch", res_model="crm.request",
                                res_id=self.req_public.id, limit=50)
        messages = chatter["result"]["messages"]
        self.assertIn("Here is the manual", str(messages))
        self.assertNotIn("Cost sheet", str(messages))
        names = {attachment["name"] for message in messages
                 for attachment in message["attachment_ids"]}
        self.assertEqual(names, {"manual.pdf"})


class TestRequestAccessTokens(PortalBoundaryCase):

    def test_token_changes_with_the_audience(self):
        request = self.req_public
        tokens = [request.access_token]
        request.write({"name": "Chair squeaks loudly", "description": "Still"})
        self.assertEqual(request.access_token, tokens[-1])
        for values in ({"partner_id": self.colleague.id}, {"confidentiality": "partner"},
                       {"confidentiality": "internal"}):
            request.write(values)
            self.assertNotIn(request.access_token, tokens, values)
            self.assertTrue(request.access_token)
            tokens.append(request.access_token)
        # writing the same audience again keeps the links sent meanwhile
        request.write({"confidentiality": "internal", "partner_id": self.colleague.id})
        self.assertEqual(request.access_token, tokens[-1])
        # several requests moved at once: each its own new token
        both = self.req_shared | self.req_colleague
        before = set(both.mapped("access_token"))
        both.write({"partner_id": self.customer.id})
        self.assertFalse(before & set(both.mapped("access_token")))
        self.assertNotEqual(self.req_shared.access_token, self.req_colleague.access_token)

    def chatter_fetch(self, record, token):
        return self.json_rpc("/mail/chatter_fetch", res_model="crm.request",
                             res_id=record.id, token=token, limit=50)

    def chatter_post(self, record, token, message):
        self.opener.headers["Referer"] = "http://%s:%s/my" % (HOST, PORT)
        return self.url_open("/mail/chatter_post", data={
            "csrf_token": self.csrf_token(), "res_model": "crm.request",
            "res_id": str(record.id), "message": message, "token": token},
            allow_redirects=False)

    def test_stock_chatter_routes_refuse_stale_tokens_and_internal_requests(self):
        request = self.req_public
        request.message_post(body="Replacement part ordered", message_type="comment",
                             subtype="mail.mt_comment")
        old_token = request.access_token
        # a customer of another company holding the link: the token works while it is valid
        self.login(self.portal_other)
        fetched = self.chatter_fetch(request, old_token)
        self.assertIn("Replacement part ordered", str(fetched["result"]))
        posted = self.chatter_post(request, old_token, "Thanks, noted")
        self.assertIn(posted.status_code, (302, 303))
        self.assertIn("Thanks, noted", request.message_ids[0].body)

        # the request moves to another customer: the link sent before is dead
        request.write({"partner_id": self.colleague.id})
        stale = self.chatter_fetch(request, old_token)
        self.assertIn("error", stale)
        self.assertNotIn("Replacement part", str(stale))
        posted = self.chatter_post(request, old_token, "stale intrusion")
        self.assertEqual(posted.status_code, 403)
        self.assertNotIn("stale intrusion", request.message_ids[0].body)

        # internal: not even its current token opens it to a customer
        request.write({"confidentiality": "internal"})
        current = request.access_token
        for token in (old_token, current):
            refused = self.chatter_fetch(request, token)
            self.assertIn("error", refused)
            self.assertNotIn("Replacement part", str(refused))
            posted = self.chatter_post(request, token, "internal intrusion")
            self.assertEqual(posted.status_code, 403)
        self.assertNotIn("internal intrusion", request.message_ids[0].body)
        # staff still read it through the same route
        self.staff_login()
        staff = self.chatter_fetch(request, current)
        self.assertIn("Replacement part ordered", str(staff["result"]))
