from odoo.exceptions import AccessError

from .common import PortalCase


class TestPortalPartnerGuard(PortalCase):
    """The model refuses structure changes from portal users, whatever the path."""

    def test_portal_user_cannot_write_partners(self):
        for partner, values in ((self.customer, {"name": "Hacked"}),
                                (self.customer, {"vat": "BE0477472701"}),
                                (self.contact, {"parent_id": self.other_customer.id})):
            with self.assertRaises(AccessError):
                partner.sudo(self.portal_user).write(values)
        self.assertEqual(self.customer.name, "Azure Interior")
        self.assertEqual(self.contact.parent_id, self.customer)

    def test_guard_covers_superuser_writes_made_for_the_portal(self):
        guarded = self.customer.with_context(portal_partner_guard=True)
        pricelist = self.env["product.pricelist"].create({"name": "Friends"})
        for values in ({"name": "Hacked"}, {"vat": "BE0477472701"},
                       {"property_product_pricelist": pricelist.id},
                       {"property_payment_term_id": self.env.ref(
                           "account.account_payment_term_net").id}):
            with self.assertRaises(AccessError):
                guarded.write(values)
        # unchanged values and the contact's own details pass
        guarded.write({"name": "Azure Interior", "vat": False})
        self.contact.with_context(portal_partner_guard=True).write({"phone": "+32 2 555"})
        self.assertEqual(self.contact.phone, "+32 2 555")

    def test_internal_users_keep_changing_the_structure(self):
        self.customer.write({"vat": "BE0477472701", "name": "Azure Interior SA"})
        self.assertEqual(self.contact.vat, "BE0477472701")  # synced by Odoo as before

    def test_other_portal_users_cannot_read_the_company(self):
        Partner = self.env["res.partner"].sudo(self.portal_other)
        self.assertFalse(Partner.search([("id", "=", self.customer.id)]))
        with self.assertRaises(AccessError):
            self.customer.sudo(self.portal_company_b).read(["name"])
        with self.assertRaises(AccessError):
            self.customer.sudo(self.portal_other).unlink()
        self.assertFalse(Partner.read_group([("id", "=", self.customer.id)], ["name"], ["name"]))
