from odoo.exceptions import AccessError, UserError

from .common import CrmExtendedCase


class TestInterestSubscription(CrmExtendedCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.area_public = cls.env["crm.interest.area"].create({
            "name": "Ergonomics", "is_public": True})
        cls.area_private = cls.env["crm.interest.area"].create({"name": "Key accounts"})

    def list_contacts(self, area):
        return self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", area.mailing_list_id.ids)])

    def test_subscribe_records_origin_and_fills_the_mailing_list(self):
        subscription = self.area_public.sudo(self.user_crm).subscribe(self.contact)
        self.assertEqual(subscription.origin, "backend")
        self.assertEqual(subscription.state, "subscribed")
        self.assertTrue(subscription.subscribe_date)
        contacts = self.list_contacts(self.area_public)
        self.assertEqual(contacts.mapped("email"), ["brandon@azure.example.com"])
        self.assertFalse(contacts.opt_out)
        self.assertEqual(self.area_public.subscriber_count, 1)

    def test_subscribing_twice_keeps_one_running_subscription(self):
        first = self.area_public.subscribe(self.contact)
        self.assertEqual(self.area_public.subscribe(self.contact), first)
        with self.assertRaises(UserError):
            self.env["crm.interest.subscription"].create({
                "partner_id": self.contact.id, "area_id": self.area_public.id})

    def test_opt_out_then_subscribe_again_keeps_history(self):
        first = self.area_public.subscribe(self.contact)
        first.opt_out("portal")
        self.assertEqual(first.state, "opted_out")
        self.assertEqual(first.opt_out_origin, "portal")
        self.assertTrue(first.opt_out_date)
        self.assertTrue(self.list_contacts(self.area_public).opt_out,
                        "the refusal stays in the list, marked as opted out")
        self.assertEqual((self.area_public.subscriber_count, self.area_public.opt_out_count),
                         (0, 1))

        second = self.area_public.subscribe(self.contact, "import")
        self.assertNotEqual(second, first)
        history = self.env["crm.interest.subscription"].search(
            [("partner_id", "=", self.contact.id)])
        self.assertEqual(history, first | second)
        self.assertEqual(first.state, "opted_out")
        contacts = self.list_contacts(self.area_public)
        self.assertEqual(len(contacts), 1, "one contact per address, never duplicated")
        self.assertFalse(contacts.opt_out)

    def test_history_cannot_be_rewritten(self):
        subscription = self.area_public.subscribe(self.contact)
        subscription.opt_out()
        with self.assertRaises(UserError):
            subscription.write({"opt_out_date": False})
        with self.assertRaises(UserError):
            subscription.write({"partner_id": self.customer.id})

    def test_shared_address_stays_subscribed_while_one_partner_follows(self):
        twin = self.env["res.partner"].create({
            "name": "Brandon (home)", "email": "Brandon@Azure.example.com"})
        self.area_public.subscribe(self.contact)
        twin_subscription = self.area_public.subscribe(twin)
        twin_subscription.opt_out()
        contacts = self.list_contacts(self.area_public)
        self.assertEqual(len(contacts), 1)
        self.assertFalse(contacts.opt_out)

    def test_partner_without_email_subscribes_without_list_contact(self):
        partner = self.env["res.partner"].create({"name": "No Mail"})
        subscription = self.area_public.subscribe(partner)
        self.assertEqual(subscription.state, "subscribed")
        self.assertFalse(self.area_public.mailing_list_id)

    def test_import_origin_from_csv_import(self):
        subscription = self.env["crm.interest.subscription"].with_context(
            import_file=True).create({"partner_id": self.contact.id,
                                      "area_id": self.area_public.id})
        self.assertEqual(subscription.origin, "import")

    def test_portal_user_reads_public_areas_and_own_subscriptions(self):
        other = self.env["res.partner"].create({"name": "Other", "email": "o@example.com"})
        self.area_public.subscribe(other)
        own = self.area_private.subscribe(self.contact)
        areas = self.env["crm.interest.area"].sudo(self.portal_user)
        self.assertEqual(areas.search([("id", "in", (self.area_public | self.area_private).ids)]),
                         self.area_public)
        subscriptions = self.env["crm.interest.subscription"].sudo(self.portal_user)
        self.assertEqual(subscriptions.search([]), own)
        with self.assertRaises(AccessError):
            subscriptions.create({"partner_id": self.contact.id,
                                  "area_id": self.area_public.id})

    def test_portal_user_subscribes_and_opts_out_themselves(self):
        area = self.area_public.sudo(self.portal_user)
        subscription = area.subscribe(self.portal_user.partner_id, "portal")
        self.assertEqual(subscription.sudo().origin, "portal")
        area.opt_out(self.portal_user.partner_id, "portal")
        subscription = subscription.sudo()
        self.assertEqual((subscription.state, subscription.opt_out_origin),
                         ("opted_out", "portal"))
        self.assertTrue(self.list_contacts(self.area_public).opt_out)

    def test_portal_user_cannot_act_for_others_or_on_private_areas(self):
        with self.assertRaises(AccessError):
            self.area_public.sudo(self.portal_user).subscribe(self.customer, "portal")
        with self.assertRaises(AccessError):
            self.area_private.sudo(self.portal_user).subscribe(
                self.portal_user.partner_id, "portal")
        self.assertFalse(self.env["crm.interest.subscription"].search(
            [("partner_id", "in", (self.customer | self.contact).ids)]))

    def test_areas_of_another_company_stay_hidden(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["crm.interest.area"].create({
            "name": "Foreign", "company_id": other_company.id})
        foreign.subscribe(self.customer)
        self.assertFalse(self.env["crm.interest.area"].sudo(self.user_crm).search(
            [("id", "=", foreign.id)]))
        self.assertFalse(self.env["crm.interest.subscription"].sudo(self.user_crm).search(
            [("area_id", "=", foreign.id)]))

    def test_subscribing_costs_the_same_however_many_subscribers(self):
        """The portal's subscribe button: no query per existing subscriber."""
        def cost(area):
            partner = self.env["res.partner"].create({
                "name": "Newcomer", "email": "new%s@example.com" % area.id})
            with self.count_queries() as counter:
                area.subscribe(partner, "portal")
            return counter["queries"]

        small = self.env["crm.interest.area"].create({"name": "Small"})
        large = self.env["crm.interest.area"].create({"name": "Large"})
        for number in range(30):
            large.subscribe(self.env["res.partner"].create({
                "name": "Fan %s" % number, "email": "fan%s@example.com" % number}))
        small.subscribe(self.env["res.partner"].create({"name": "Fan", "email": "f@example.com"}))
        self.assertEqual(cost(small), cost(large))
