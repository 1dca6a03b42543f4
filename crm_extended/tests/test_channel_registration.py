from odoo.exceptions import AccessError, UserError, ValidationError

from .channel_common import ChannelFixtures
from .common import PortalCase


class TestChannelRegistration(ChannelFixtures, PortalCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_channel_fixtures()
        cls.customer.vat = "BE0477472701"
        cls.known_lead = cls.create_lead("Known Deal", cls.texas, partner_name="Rodeo Supplies",
                                         email_from="buyer@rodeo.example.com")

    def register(self, **values):
        base = {"partner_name": "Golden Gate Labs", "contact_name": "Grace Hopper",
                "email_from": "grace@goldengate.example.com", "planned_revenue": 9000}
        base.update(values)
        return self.env["crm.lead"]._partner_register(self.portal_west.partner_id, base)

    def test_duplicates_are_refused_without_saying_whose(self):
        count = self.env["crm.lead"].with_context(active_test=False).search_count([])
        for values in ({"email_from": "INFO@azure.example.com"},
                       {"vat": "be 0477.472.701"},
                       {"partner_name": " azure interior "},
                       {"email_from": "buyer@rodeo.example.com"},
                       {"partner_name": "Rodeo Supplies"}):
            with self.assertRaises(ValidationError) as caught:
                self.register(**values)
            message = caught.exception.name
            for secret in ("Azure", "Rodeo", "Known Deal", "Brandon"):
                self.assertNotIn(secret, message)
        self.assertEqual(self.env["crm.lead"].with_context(active_test=False).search_count([]),
                         count, "nothing half-written")

    def test_registration_approved_or_rejected_and_the_reseller_told(self):
        lead = self.register(partner_product_ids=[(6, 0, self.product.ids)])
        self.assertEqual((lead.type, lead.partner_registration_state, lead.partner_assigned_id),
                         ("opportunity", "submitted", self.reseller_west))
        self.assertIn(self.portal_west.partner_id, lead.message_partner_ids)
        self.assertEqual(self.env["crm.lead"].sudo(self.portal_west).search([]), lead)
        with self.assertRaises(AccessError):
            lead.sudo(self.portal_west).action_approve_registration()
        lead.sudo(self.user_salesman).action_approve_registration()
        self.assertEqual((lead.partner_registration_state, lead.partner_assign_state),
                         ("approved", "accepted"))
        self.assertEqual(lead.partner_assignment_ids.origin, "registration")
        told = lead.message_ids.filtered(lambda m: "is approved" in (m.body or ""))
        self.assertIn(self.portal_west.partner_id, told.mapped("notification_ids.res_partner_id"))
        with self.assertRaises(UserError):
            lead.action_reject_registration()

        other = self.register(partner_name="Presidio Tech", email_from="cto@presidio.example.com")
        other.sudo(self.user_salesman).action_reject_registration()
        self.assertFalse(other.active)
        self.assertEqual(other.partner_registration_state, "rejected")
        self.assertTrue(other.message_ids.filtered(lambda m: "is rejected" in (m.body or "")))

    def test_reseller_at_capacity_and_non_resellers_cannot_register(self):
        self.reseller_west.partner_capacity = 0
        with self.assertRaisesRegex(UserError, "at capacity"):
            self.register()
        with self.assertRaises(AccessError):
            self.env["crm.lead"]._partner_register(self.contact, {"partner_name": "X Corp"})
        self.assertFalse(self.env["crm.lead"].search([("partner_name", "=", "Golden Gate Labs")]))
