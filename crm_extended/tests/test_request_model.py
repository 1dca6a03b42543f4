import re
from datetime import datetime
from xmlrpc.client import Binary

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import CrmRequestCase


class TestRequestModel(CrmRequestCase):

    def test_case_numbers_come_from_the_generic_sequence(self):
        first = self.create_request("Opening hours?")
        second = self.create_request("Catalogue please")
        year = datetime.utcnow().year
        pattern = r"^REQ/%d/(\d{5})$" % year
        self.assertRegex(first.number, pattern)
        self.assertRegex(second.number, pattern)
        self.assertEqual(int(re.match(pattern, second.number).group(1)),
                         int(re.match(pattern, first.number).group(1)) + 1)

    def test_type_with_own_prefix_numbers_its_requests(self):
        claim = self.create_request("Chair leg broken", request_type=self.type_warranty)
        self.assertRegex(claim.number, r"^WAR/%d/\d{5}$" % datetime.utcnow().year)
        self.type_help.prefix = "HLP-"
        self.assertTrue(self.type_help.sequence_id)
        self.assertRegex(self.create_request("How to?").number, r"^HLP-\d{5}$")

    def test_numbering_created_for_a_type_belongs_to_the_addon(self):
        # owned through an XML id of crm_extended: uninstalling the addon removes it
        self.type_help.prefix = "HLP-"
        for request_type in (self.type_warranty, self.type_help):
            owners = self.env["ir.model.data"].search([
                ("model", "=", "ir.sequence"), ("res_id", "=", request_type.sequence_id.id)])
            self.assertEqual(owners.mapped("module"), ["crm_extended"])
            self.assertTrue(owners.noupdate)

    def test_case_number_is_unique_per_company(self):
        request = self.create_request()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.create_request(number=request.number)

    def test_number_is_not_copied(self):
        request = self.create_request()
        self.assertNotEqual(request.copy().number, request.number)

    def test_display_name_and_search_by_number(self):
        request = self.create_request("Invoice copy")
        self.assertEqual(request.display_name, "%s Invoice copy" % request.number)
        found = self.env["crm.request"].name_search(request.number)
        self.assertEqual([row[0] for row in found], request.ids)

    def test_commercial_entity_is_stored_from_the_contact(self):
        request = self.create_request(partner=self.contact)
        self.assertEqual(request.commercial_partner_id, self.customer)
        self.assertEqual(request.partner_email, "brandon@azure.example.com")
        self.assertEqual(self.env["crm.request"].search_count(
            [("commercial_partner_id", "=", self.customer.id)]), 1)

    def test_new_request_starts_in_the_first_stage_with_the_type_confidentiality(self):
        request = self.create_request(request_type=self.type_charge)
        self.assertEqual(request.stage_id, self.stage_new)
        self.assertEqual(request.state, "new")
        self.assertEqual(request.confidentiality, "partner")
        self.assertEqual(request.priority, "0")

    def test_closing_sets_the_closing_date_and_reopening_clears_it(self):
        request = self.create_request(user_id=self.user_crm.id)
        request.write({"stage_id": self.stage_cancelled.id})
        self.assertEqual(request.state, "cancel")
        self.assertTrue(request.date_closed)
        request.write({"stage_id": self.stage_in_progress.id})
        self.assertFalse(request.date_closed)
        self.assertEqual(request.state, "open")

    def test_done_stage_requires_responsible_and_resolution(self):
        request = self.create_request(user_id=self.user_crm.id)
        with self.assertRaisesRegex(ValidationError, "Resolution"):
            request.write({"stage_id": self.stage_done.id})
        self.assertEqual(request.stage_id, self.stage_new)
        self.assertFalse(request.date_closed)
        request.write({"stage_id": self.stage_done.id, "resolution": "Sent the manual."})
        self.assertEqual(request.state, "done")
        self.assertTrue(request.date_closed)

    def test_request_needs_a_customer_or_an_email(self):
        with self.assertRaisesRegex(ValidationError, "customer or at least"), \
                self.cr.savepoint():
            self.env["crm.request"].create({"name": "Anonymous",
                                            "request_type_id": self.type_help.id})
        request = self.env["crm.request"].create({
            "name": "Walk-in", "request_type_id": self.type_help.id,
            "partner_email": "walkin@example.com"})
        self.assertTrue(request.number)

    def test_portal_url_points_to_my_requests(self):
        request = self.create_request()
        self.assertEqual(request.portal_url, "/my/requests/%d" % request.id)
        self.assertTrue(request.access_token)

    def test_removing_customer_and_email_is_refused(self):
        request = self.create_request()
        with self.assertRaisesRegex(ValidationError, "customer or at least"):
            request.write({"partner_id": False, "partner_email": False})
        self.assertEqual(request.partner_id, self.customer)

    def test_customer_or_document_of_another_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Crmx Subsidiary"})
        foreign_customer = self.env["res.partner"].create({
            "name": "Subsidiary Client", "company_id": other_company.id,
            "email": "client@subsidiary.example.com"})
        with self.assertRaisesRegex(ValidationError, "Subsidiary Client"):
            self.create_request("Cross-company case", partner=foreign_customer)
        request = self.create_request("Own case")
        with self.assertRaisesRegex(ValidationError, "another company"), \
                self.env.cr.savepoint():
            request.partner_id = foreign_customer
        request.invalidate_cache()
        self.assertEqual(request.partner_id, self.customer)
        shared_customer = self.env["res.partner"].create({"name": "Shared", "company_id": False})
        self.assertEqual(self.create_request("Shared case", partner=shared_customer).partner_id,
                         shared_customer)

    def test_values_of_the_wrong_kind_are_refused_clearly(self):
        # What integrators send over XML-RPC by mistake; each used to end in a KeyError,
        # TypeError or PostgreSQL error instead of saying which value is wrong.
        Request = self.env["crm.request"]
        before = Request.search_count([])
        cases = [("request_type_id", "abc"), ("partner_id", {"id": 1}),
                 ("date_deadline", "not a date"), ("date_deadline", "2026-02-30 10:00:00"),
                 ("description", b"\xff\xfe garbage"), ("description", Binary(b"\xff")),
                 ("name", "abc\x00def")]
        for name, value in cases:
            values = {"name": "Question", "request_type_id": self.type_help.id,
                      "partner_id": self.customer.id, name: value}
            with self.subTest(field=name, value=value), self.cr.savepoint():
                with self.assertRaises(ValidationError) as refused:
                    Request.create(values)
                self.assertIn(Request._fields[name].get_description(self.env)["string"],
                              refused.exception.name)
        self.assertEqual(Request.search_count([]), before)
        request = self.create_request()
        deadline = request.date_deadline
        with self.assertRaisesRegex(ValidationError, "Deadline"), self.cr.savepoint():
            request.write({"date_deadline": "2026-13-01 00:00:00"})
        request.invalidate_cache()
        self.assertEqual(request.date_deadline, deadline)

    def test_group_by_an_unknown_field_is_refused_clearly(self):
        with self.assertRaisesRegex(UserError, "no such field"):
            self.env["crm.request"].read_group(
                [], ["name"], ["name); DROP TABLE crm_request; --"])
        # a real field with its granularity still groups
        request = self.create_request()
        groups = self.env["crm.request"].read_group([("id", "=", request.id)], ["create_date"],
                                                    ["create_date:month"])
        self.assertEqual([group["create_date_count"] for group in groups], [1])

    def test_search_with_an_unknown_operator_is_refused_clearly(self):
        request = self.create_request("Opening hours?")
        Request = self.env["crm.request"]
        for domain in ([["name", "DELETE", "x"]], [("name", "DELETE", "x")], [["name", "="]]):
            with self.subTest(domain=domain), self.assertRaises(UserError):
                Request.search(domain)
        # leaves sent as lists, as XML-RPC sends them, still search
        self.assertEqual(Request.search([["id", "=", request.id], ["name", "ilike", "hours"]]),
                         request)
