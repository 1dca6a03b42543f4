from .test_segment_criteria import SegmentCase


class TestSegmentMailingList(SegmentCase):

    def setUp(self):
        super().setUp()
        self.segment_30 = self.segment(
            name="Recent buyers", last_invoice_within_days=40,
            filter_domain="[('id', 'in', %s)]" % self.partners.ids)

    def list_emails(self, segment, opted_out=False):
        contacts = self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", segment.mailing_list_id.ids), ("opt_out", "=", opted_out)])
        return sorted(contacts.mapped("email"))

    def test_sync_fills_the_list_with_the_members_addresses(self):
        self.assertEqual(self.segment_30.action_sync_mailing_list(), True)
        self.assertEqual(self.list_emails(self.segment_30),
                         ["alpha@example.com", "beta@example.com", "epsilon@example.com"])
        self.assertTrue(self.segment_30.last_sync_date)
        self.assertIn("3 added, 0 removed", self.segment_30.message_ids[0].body)

    def test_sync_touches_only_the_members_that_changed(self):
        self.segment_30._sync_mailing_lists()
        contacts = self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", self.segment_30.mailing_list_id.ids)])
        kept_before = contacts.filtered(lambda c: c.email != "epsilon@example.com")
        leaving = contacts - kept_before
        # epsilon (invoiced 31 days ago) falls out of a 30 days window; gamma comes in
        # through a new invoice.
        self.segment_30.last_invoice_within_days = 30
        self.invoice(self.gamma, 1, [(self.service, 1, 80.0)])
        self.assertEqual(self.segment_30._sync_mailing_lists(), (1, 1))
        self.assertEqual(self.list_emails(self.segment_30),
                         ["alpha@example.com", "beta@example.com", "gamma@example.com"])
        after = self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", self.segment_30.mailing_list_id.ids)])
        self.assertEqual(after & contacts, kept_before, "unchanged members keep their contact")
        self.assertFalse(leaving.exists())
        self.assertEqual(self.segment_30._sync_mailing_lists(), (0, 0), "nothing to do twice")

    def test_opted_out_addresses_are_never_added(self):
        other_list = self.env["mail.mass_mailing.list"].create({"name": "Newsletter"})
        self.env["mail.mass_mailing.contact"].create({
            "name": "Alpha", "email": "ALPHA@example.com", "opt_out": True,
            "list_ids": [(4, other_list.id)]})
        self.beta.opt_out = True
        area = self.env["crm.interest.area"].create({"name": "News"})
        area.subscribe(self.epsilon).opt_out()
        self.segment_30._sync_mailing_lists()
        self.assertEqual(self.list_emails(self.segment_30), [])

    def test_a_member_who_opted_out_stays_opted_out(self):
        self.segment_30._sync_mailing_lists()
        contact = self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", self.segment_30.mailing_list_id.ids),
             ("email", "=", "beta@example.com")])
        contact.opt_out = True  # through the unsubscribe link of a mailing
        self.segment_30.last_invoice_within_days = 1
        self.segment_30._sync_mailing_lists()
        self.assertTrue(contact.exists(), "the refusal is remembered, not deleted")
        self.segment_30.last_invoice_within_days = 40
        self.segment_30._sync_mailing_lists()
        self.assertEqual(self.list_emails(self.segment_30, opted_out=True), ["beta@example.com"])
        self.assertEqual(self.list_emails(self.segment_30),
                         ["alpha@example.com", "epsilon@example.com"])

    def test_contact_shared_with_another_list_is_only_detached(self):
        self.segment_30._sync_mailing_lists()
        contact = self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", self.segment_30.mailing_list_id.ids),
             ("email", "=", "alpha@example.com")])
        other_list = self.env["mail.mass_mailing.list"].create({"name": "Fair visitors"})
        contact.list_ids |= other_list
        self.segment_30.country_ids = self.env.ref("base.be")
        self.segment_30._sync_mailing_lists()
        self.assertEqual(self.list_emails(self.segment_30), [])
        self.assertEqual(contact.list_ids, other_list)

    def test_cron_syncs_every_segment_with_a_list(self):
        self.segment_30._ensure_mailing_list()
        never_materialised = self.segment(name="Plain", last_invoice_within_days=40)
        self.env["crm.segment"]._cron_sync_mailing_lists()
        self.assertEqual(len(self.list_emails(self.segment_30)), 3)
        self.assertFalse(never_materialised.mailing_list_id)

    def test_mailing_targets_a_segment(self):
        mailing = self.env["mail.mass_mailing"].create({
            "name": "Spring chairs", "segment_id": self.segment_30.id,
            "body_html": "<p>Hello</p>", "reply_to_mode": "email"})
        self.assertEqual(mailing.mailing_model_real, "mail.mass_mailing.contact")
        self.assertEqual(mailing.contact_list_ids, self.segment_30.mailing_list_id)
        recipients = self.env["mail.mass_mailing.contact"].browse(mailing.get_recipients())
        self.assertEqual(sorted(recipients.mapped("email")),
                         ["alpha@example.com", "beta@example.com", "epsilon@example.com"])
        # gamma buys before the mailing leaves: sending re-synchronises the list.
        self.invoice(self.gamma, 0, [(self.service, 1, 80.0)])
        mailing.send_mail()
        mailed = self.env["mail.mass_mailing.contact"].browse(
            mailing.statistics_ids.mapped("res_id"))
        self.assertEqual(sorted(mailed.mapped("email")),
                         ["alpha@example.com", "beta@example.com", "epsilon@example.com",
                          "gamma@example.com"])
