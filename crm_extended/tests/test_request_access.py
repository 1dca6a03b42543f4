from odoo.exceptions import AccessError

from .common import CrmRequestCase


class TestRequestAccess(CrmRequestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.support_request = cls.create_request("Support case", team_id=cls.team_support.id,
                                                 user_id=cls.user_manager.id)
        cls.field_request = cls.create_request("Field case", team_id=cls.team_field.id,
                                               user_id=cls.user_salesman.id)
        cls.unassigned_request = cls.create_request("Nobody's yet")
        cls.other_customer = cls.env["res.partner"].create({
            "name": "Gemini Furniture", "is_company": True, "email": "info@gemini.example.com"})
        cls.colleague = cls.env["res.partner"].create({
            "name": "Colleen Azure", "parent_id": cls.customer.id,
            "email": "colleen@azure.example.com"})

    def visible_to(self, user, requests):
        return self.env["crm.request"].sudo(user).search([("id", "in", requests.ids)])

    def test_request_user_sees_own_team_unassigned_and_own_requests(self):
        everything = self.support_request | self.field_request | self.unassigned_request
        self.assertEqual(self.visible_to(self.user_crm, everything),
                         self.support_request | self.unassigned_request)
        with self.assertRaises(AccessError):
            self.field_request.sudo(self.user_crm).read(["name"])
        with self.assertRaises(AccessError):
            self.field_request.sudo(self.user_crm).write({"name": "Hijacked"})

    def test_team_leader_and_responsible_see_their_requests(self):
        everything = self.support_request | self.field_request | self.unassigned_request
        self.assertEqual(self.visible_to(self.user_salesman, everything),
                         self.field_request | self.unassigned_request)

    def test_manager_sees_every_request(self):
        everything = self.support_request | self.field_request | self.unassigned_request
        self.assertEqual(self.visible_to(self.user_manager, everything), everything)

    def test_request_user_files_a_request_for_another_team_and_keeps_reading_it(self):
        request = self.env["crm.request"].sudo(self.user_crm).create({
            "name": "Please visit", "request_type_id": self.type_help.id,
            "partner_id": self.customer.id, "team_id": self.team_field.id,
            "user_id": self.user_salesman.id,
        })
        self.assertEqual(request.user_id, self.user_salesman)
        self.assertEqual(request.read(["name"])[0]["name"], "Please visit")
        followed = self.create_request("Followed", team_id=self.team_field.id,
                                       user_id=self.user_salesman.id)
        followed.message_subscribe(partner_ids=self.user_crm.partner_id.ids)
        self.assertEqual(self.visible_to(self.user_crm, followed), followed)

    def test_request_user_cannot_delete_or_configure(self):
        with self.assertRaises(AccessError):
            self.unassigned_request.sudo(self.user_crm).unlink()
        with self.assertRaises(AccessError):
            self.type_help.sudo(self.user_crm).write({"auto_due_days": 30})

    def test_portal_user_sees_public_own_and_partner_organisation_requests(self):
        Request = self.env["crm.request"]
        public_own = self.create_request("Mine", partner=self.contact)
        shared = self.create_request("Company's", partner=self.colleague,
                                     confidentiality="partner")
        public_colleague = self.create_request("Colleague's", partner=self.colleague)
        internal_own = self.create_request("Internal note", partner=self.contact,
                                           confidentiality="internal")
        foreign = self.create_request("Other customer", partner=self.other_customer,
                                      confidentiality="partner")
        candidates = public_own | shared | public_colleague | internal_own | foreign
        portal = Request.sudo(self.portal_user)
        self.assertEqual(portal.search([("id", "in", candidates.ids)]), public_own | shared)
        for hidden in (public_colleague, internal_own, foreign):
            with self.assertRaises(AccessError):
                hidden.sudo(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            public_own.sudo(self.portal_user).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            portal.create({"name": "Direct", "request_type_id": self.type_help.id,
                           "partner_id": self.contact.id})
        groups = portal.read_group([], ["commercial_partner_id"], ["commercial_partner_id"])
        self.assertEqual(sum(group["commercial_partner_id_count"] for group in groups), 2)

    def test_portal_user_reads_only_portal_types(self):
        types = self.env["crm.request.type"].sudo(self.portal_user).search([])
        self.assertIn(self.type_warranty, types)
        self.assertNotIn(self.type_charge, types)

    def test_requests_of_another_company_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "Crmx Subsidiary"})
        subsidiary_customer = self.env["res.partner"].create({
            "name": "Subsidiary Client", "company_id": other_company.id})
        foreign = self.create_request("Subsidiary case", partner=subsidiary_customer,
                                      company_id=other_company.id)
        self.assertEqual(foreign.company_id, other_company)
        self.assertFalse(self.visible_to(self.user_manager, foreign))
        self.user_manager.write({"company_ids": [(4, other_company.id)],
                                 "company_id": other_company.id})
        self.assertEqual(self.visible_to(self.user_manager, foreign), foreign)
