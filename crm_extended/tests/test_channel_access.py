from odoo.exceptions import AccessError

from .channel_common import ChannelFixtures
from .common import PortalCase


class TestChannelAccess(ChannelFixtures, PortalCase):
    """What a reseller's portal user reaches through the ORM (as over JSON-RPC/XML-RPC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_channel_fixtures()
        cls.lead_west = cls.create_lead("Malibu Surf", cls.california,
                                        description="Internal: credit risk, push hard")
        cls.lead_east = cls.create_lead("Brooklyn Deli", cls.new_york)
        cls.lead_none = cls.create_lead("Unassigned Lead", cls.texas)
        (cls.lead_west | cls.lead_east).action_assign_partner()

    def test_each_reseller_sees_only_its_leads_the_customer_none(self):
        Lead = self.env["crm.lead"]
        self.assertEqual(Lead.sudo(self.portal_west).search([]), self.lead_west)
        self.assertEqual(Lead.sudo(self.portal_east).search([]), self.lead_east)
        for user in (self.portal_user, self.portal_company_b):
            self.assertFalse(Lead.sudo(user).search([]))
            with self.assertRaises(AccessError):
                self.lead_west.sudo(user).read(["name"])
        with self.assertRaises(AccessError):
            self.lead_east.sudo(self.portal_west).read(["name"])
        groups = Lead.sudo(self.portal_west).read_group([], ["stage_id"], ["stage_id"])
        self.assertEqual(sum(group["stage_id_count"] for group in groups), 1)

    def test_reseller_reads_only_the_shared_fields(self):
        lead = self.lead_west.sudo(self.portal_west)
        values = lead.read()[0]
        self.assertEqual(values["name"], "Malibu Surf")
        for hidden in ("description", "probability", "user_id", "team_id", "partner_id",
                       "tag_ids", "partner_assignment_ids"):
            self.assertNotIn(hidden, values)
            with self.assertRaises(AccessError):
                lead.read([hidden])
        with self.assertRaises(AccessError):
            self.env["crm.lead"].sudo(self.portal_west).read_group(
                [], ["probability"], ["user_id"])
        with self.assertRaises(AccessError):
            lead.export_data(["description"])
        with self.assertRaises(AccessError):
            lead.onchange({"partner_id": self.other_customer.id}, "partner_id",
                          {"partner_id": "1"})
        self.assertNotIn("credit risk",
                         str(self.env["crm.lead"].sudo(self.portal_west).search_read([])))

    def test_reseller_cannot_search_by_hidden_fields(self):
        # two complementary searches on our note would tell it (found by the reliability
        # suite's reseller probes)
        Lead = self.env["crm.lead"].sudo(self.portal_west)
        for domain in ([("description", "ilike", "credit risk")],
                       [("description", "not ilike", "credit risk")],
                       [("probability", ">", 10)], [("user_id.name", "=", "x")]):
            with self.subTest(domain=domain), self.assertRaises(AccessError):
                Lead.search(domain)
        with self.assertRaises(AccessError):
            Lead.read_group([("probability", ">", 10)], ["stage_id"], ["stage_id"])
        # the shared fields still search
        self.assertEqual(Lead.search([("name", "ilike", "Malibu"),
                                      ("partner_assign_state", "=", "proposed")]),
                         self.lead_west)

    def test_reseller_writes_nothing_directly(self):
        for values in ({"planned_revenue": 1}, {"partner_assigned_id": False},
                       {"partner_name": "Hacked"}):
            with self.assertRaises(AccessError):
                self.lead_west.sudo(self.portal_west).write(values)
        with self.assertRaises(AccessError):
            self.env["crm.lead"].sudo(self.portal_west).create({"name": "Sneaky"})
        with self.assertRaises(AccessError):
            self.lead_west.sudo(self.portal_west).unlink()
        self.assertEqual(self.lead_west.partner_assigned_id, self.reseller_west)

    def test_reseller_fields_of_the_partner_are_internal(self):
        reseller = self.reseller_west.sudo(self.portal_west)
        self.assertEqual(reseller.read(["name"])[0]["name"], "West Coast Office")
        for name in ("is_channel_partner", "partner_grade_id", "partner_capacity",
                     "partner_win_rate", "partner_assigned_count", "partner_state_ids"):
            with self.assertRaises(AccessError):
                reseller.read([name])
        for model in ("crm.partner.assignment", "crm.partner.report", "crm.partner.grade"):
            with self.assertRaises(AccessError):
                self.env[model].sudo(self.portal_west).search([])

    def test_chatter_shows_no_internal_notes(self):
        self.lead_west.message_post(body="Our margin is thin here", subtype="mail.mt_note",
                                    message_type="comment")
        self.lead_west.message_post(body="Hello reseller", subtype="mail.mt_comment",
                                    message_type="comment")
        messages = self.env["mail.message"].sudo(self.portal_west).search(
            [("model", "=", "crm.lead"), ("res_id", "=", self.lead_west.id)])
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("Hello reseller", bodies)
        self.assertNotIn("margin", bodies)
        self.assertFalse(self.env["mail.message"].sudo(self.portal_east).search(
            [("model", "=", "crm.lead"), ("res_id", "=", self.lead_west.id)]))

    def test_files_on_the_lead_stay_ours_unless_sent(self):
        Attachment = self.env["ir.attachment"]
        internal = Attachment.create({"name": "credit.txt", "datas_fname": "credit.txt",
                                      "datas": "c2VjcmV0", "res_model": "crm.lead",
                                      "res_id": self.lead_west.id})
        sent = Attachment.create({"name": "brochure.txt", "datas_fname": "brochure.txt",
                                  "datas": "aGVsbG8=", "res_model": "crm.lead",
                                  "res_id": self.lead_west.id})
        self.lead_west.message_post(body="Our brochure", subtype="mail.mt_comment",
                                    message_type="comment", attachment_ids=sent.ids)
        self.lead_west.message_post(body="Credit check", subtype="mail.mt_note",
                                    message_type="comment", attachment_ids=internal.ids)
        with self.assertRaises(AccessError):
            internal.sudo(self.portal_west).read(["datas"])
        self.assertTrue(sent.sudo(self.portal_west).read(["datas"])[0]["datas"])
        with self.assertRaises(AccessError):
            sent.sudo(self.portal_east).read(["datas"])
        with self.assertRaises(AccessError):
            Attachment.sudo(self.portal_west).create({
                "name": "x.txt", "datas": "eA==", "res_model": "crm.lead",
                "res_id": self.lead_west.id})
