from odoo.exceptions import UserError

from .common import CrmExtendedCase


class TestSfaLeadConversion(CrmExtendedCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"]
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring fair"})
        cls.medium = cls.env.ref("utm.utm_medium_email")
        cls.source = cls.env["utm.source"].create({"name": "Trade show"})
        cls.newsletter = cls.env["mail.mass_mailing.list"].create({"name": "Newsletter"})
        cls.offers = cls.env["mail.mass_mailing.list"].create({"name": "Office offers"})
        cls.lead = cls.Lead.create({
            "name": "Desks for Globex", "type": "lead", "partner_name": "Globex",
            "contact_name": "Hank Scorpio", "email_from": "Hank Scorpio <hank@globex.example.com>",
            "vat": "US 123-456", "campaign_id": cls.campaign.id, "medium_id": cls.medium.id,
            "source_id": cls.source.id, "user_id": cls.user_salesman.id})

    def add_to_lists(self, records, lists, user=None):
        wizard = self.env["crm.mailing.list.add"].sudo(user or self.user_salesman).with_context(
            active_model=records._name, active_ids=records.ids,
        ).create({"mailing_list_ids": [(6, 0, lists.ids)]})
        return wizard.action_add()

    def forget_caches(self):
        # Wizards run with their own context, in environments that do not share the cache
        # of the class's environment (set up before the test): each must reread.
        self.env["crm.lead"].with_context(active_model="crm.lead").invalidate_cache()
        self.env["crm.lead"].invalidate_cache()

    def convert(self, lead, **values):
        wizard = self.env["crm.lead2opportunity.partner"].with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids,
        ).create(dict({"name": "convert"}, **values))
        wizard.action_apply()
        self.forget_caches()
        return wizard

    def contacts(self, email):
        return self.env["mail.mass_mailing.contact"].search([("email", "=ilike", email)])

    # contact lists

    def test_add_leads_and_partners_to_lists_reusing_contacts(self):
        self.env["mail.mass_mailing.contact"].create({
            "email": "HANK@globex.example.com", "name": "Hank", "opt_out": True,
            "list_ids": [(4, self.offers.id)]})
        self.add_to_lists(self.lead, self.newsletter)
        self.assertEqual(len(self.contacts("hank@globex.example.com")), 1,
                         "the contact with the same address is reused")
        self.assertEqual(self.lead.mailing_list_ids, self.newsletter | self.offers)
        self.assertTrue(self.contacts("hank@globex.example.com").opt_out,
                        "an opt-out stays opted out")
        self.add_to_lists(self.customer | self.contact, self.newsletter)
        self.assertEqual(self.contacts("brandon@azure.example.com").list_ids, self.newsletter)
        self.assertEqual(self.contact.mailing_list_ids, self.newsletter)
        self.assertEqual(self.contacts("info@azure.example.com").name, "Azure Interior")

    def test_records_without_email_refuse_the_whole_batch(self):
        no_email = self.Lead.create({"name": "Walk-in visitor", "user_id": self.user_salesman.id})
        with self.assertRaises(UserError) as error:
            self.add_to_lists(self.lead | no_email, self.newsletter)
        self.assertIn("Walk-in visitor", str(error.exception))
        self.assertFalse(self.contacts("hank@globex.example.com"), "nothing half done")

    # conversion

    def test_conversion_creates_account_and_contact_with_acquisition_and_lists(self):
        self.add_to_lists(self.lead, self.newsletter)
        self.convert(self.lead, action="create")
        contact = self.lead.partner_id
        company = contact.parent_id
        self.assertEqual((contact.name, company.name), ("Hank Scorpio", "Globex"))
        self.assertTrue(company.is_company)
        self.assertEqual(company.vat, "US 123-456")
        for partner in contact | company:
            self.assertEqual((partner.campaign_id, partner.medium_id, partner.source_id),
                             (self.campaign, self.medium, self.source))
        self.assertEqual(contact.mailing_list_ids, self.newsletter)
        self.assertEqual(self.lead.type, "opportunity")

    def test_conversion_refuses_a_duplicate_email_and_offers_the_partner(self):
        existing = self.env["res.partner"].create({
            "name": "Hank S.", "email": "hank@GLOBEX.example.com"})
        with self.assertRaises(UserError) as error, self.cr.savepoint():
            self.convert(self.lead, action="create")
        self.assertIn("Hank S.", str(error.exception))
        self.assertIn("Link to an existing customer", str(error.exception))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Globex")]),
                         "nothing half-written")
        defaults = self.env["crm.lead2opportunity.partner"].with_context(
            active_model="crm.lead", active_id=self.lead.id, active_ids=self.lead.ids,
        ).default_get(["action", "partner_id", "name"])
        self.assertEqual((defaults["action"], defaults["partner_id"]), ("exist", existing.id))

    def test_conversion_refuses_a_duplicate_vat_and_links_when_asked(self):
        self.customer.vat = "US123456"
        self.lead.email_from = "purchasing@globex.example.com"
        with self.assertRaises(UserError) as error, self.cr.savepoint():
            self.convert(self.lead, action="create")
        self.assertIn("Azure Interior", str(error.exception))
        self.add_to_lists(self.lead, self.offers)
        self.convert(self.lead, action="exist", partner_id=self.customer.id)
        self.assertEqual(self.lead.partner_id, self.customer)
        self.assertEqual(self.customer.campaign_id, self.campaign, "first touch recorded")
        self.assertEqual(self.customer.mailing_list_ids, self.offers,
                         "the linked account joins the lead's lists")

    def test_mass_conversion_links_existing_partners(self):
        existing = self.env["res.partner"].create({
            "name": "Hank S.", "email": "hank@globex.example.com"})
        wizard = self.env["crm.lead2opportunity.partner.mass"].with_context(
            active_model="crm.lead", active_id=self.lead.id, active_ids=self.lead.ids,
        ).create({"user_ids": [(6, 0, self.user_salesman.ids)]})
        wizard.mass_convert()
        self.assertEqual(self.lead.partner_id, existing)
        self.assertEqual(self.lead.type, "opportunity")

    def test_source_required_on_conversion_when_configured(self):
        settings = self.env["res.config.settings"].create({"crm_lead_source_required": True})
        settings.execute()
        self.assertTrue(self.env["res.config.settings"].default_get(
            ["crm_lead_source_required"])["crm_lead_source_required"])
        self.lead.source_id = False
        with self.assertRaises(UserError) as error, self.cr.savepoint():
            self.convert(self.lead, action="nothing")
        self.assertIn("Desks for Globex", str(error.exception))
        self.forget_caches()
        self.assertEqual(self.lead.type, "lead")
        self.lead.source_id = self.source
        self.convert(self.lead, action="nothing")
        self.assertEqual(self.lead.type, "opportunity")
