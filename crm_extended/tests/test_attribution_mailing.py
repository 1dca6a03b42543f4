from datetime import datetime, timedelta

from odoo import fields

from ..models.sale_order_attribution import LAST_TOUCH_QUERY
from .attribution_common import AttributionCase


class TestMailingLastTouch(AttributionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param("crm_extended.mailing_attribution", "True")
        cls.params.set_param("crm_extended.mailing_attribution_days", "30")
        cls.email_medium = cls.env.ref("utm.utm_medium_email")
        cls.spring = cls.mailing("Spring newsletter", cls.campaign)
        cls.autumn = cls.mailing("Autumn offers", cls.other_campaign)

    @classmethod
    def mailing(cls, subject, campaign):
        return cls.env["mail.mass_mailing"].create({
            "name": subject, "campaign_id": campaign.id, "medium_id": cls.email_medium.id,
            "body_html": "<p>%s</p>" % subject,
        })

    def sent(self, mailing, days_ago, recipient=None):
        recipient = recipient or self.contact
        self.env["mail.mail.statistics"].create({
            "mass_mailing_id": mailing.id, "model": recipient._name, "res_id": recipient.id,
            "sent": fields.Datetime.to_string(datetime.now() - timedelta(days=days_ago)),
        })

    def quotation(self, **values):
        return self.create_order(self.customer, [(self.product, 1, None)], confirm=False,
                                 **values)

    def test_mailing_within_the_window_attributes_the_quotation(self):
        self.sent(self.spring, days_ago=29)
        order = self.quotation()
        # the mailing is the source, its medium the medium
        self.assertAttribution(order, self.campaign, self.email_medium, self.spring.source_id)

    def test_order_date_given_as_a_datetime(self):
        # as Odoo's own sale tests create orders
        self.sent(self.spring, days_ago=29)
        self.assertEqual(self.quotation(date_order=datetime.now()).campaign_id, self.campaign)
        self.assertFalse(
            self.quotation(date_order=datetime.now() - timedelta(days=40)).campaign_id)

    def test_lookup_reads_only_the_customers_mails(self):
        # Every new order runs it: with the planner told to avoid full scans, none is left
        # (the statistics and the subscribers' emails are indexed for it).
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute("EXPLAIN " + LAST_TOUCH_QUERY, {
            "since": datetime.now() - timedelta(days=30), "until": datetime.now(),
            "company": self.customer.id, "email": "someone@example.com"})
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute("SET LOCAL enable_seqscan = on")
        self.assertNotIn("Seq Scan on mail_mail_statistics", plan)
        self.assertNotIn("Seq Scan on mail_mass_mailing_contact", plan)

    def test_mailing_outside_the_window_does_not(self):
        self.sent(self.spring, days_ago=31)
        self.assertFalse(self.quotation().campaign_id)

    def test_the_window_is_a_setting(self):
        self.sent(self.spring, days_ago=31)
        self.params.set_param("crm_extended.mailing_attribution_days", "45")
        self.assertEqual(self.quotation().campaign_id, self.campaign)

    def test_the_rule_can_be_switched_off(self):
        self.sent(self.spring, days_ago=1)
        settings = self.env["res.config.settings"].create({"mailing_attribution": False})
        settings.execute()
        self.assertFalse(self.quotation().campaign_id)
        self.assertEqual(self.env["res.config.settings"].create({}).mailing_attribution_days,
                         30)

    def test_last_touch_wins(self):
        self.sent(self.spring, days_ago=10)
        self.sent(self.autumn, days_ago=3)
        self.sent(self.spring, days_ago=40)
        self.assertEqual(self.quotation().campaign_id, self.other_campaign)

    def test_mailing_list_subscriber_with_the_customer_email(self):
        subscriber = self.env["mail.mass_mailing.contact"].create({
            "name": "Azure info desk", "email": "Info@Azure.example.com"})
        self.sent(self.spring, days_ago=2, recipient=subscriber)
        self.assertEqual(self.quotation().campaign_id, self.campaign)

    def test_other_customers_mailings_do_not_count(self):
        stranger = self.env["res.partner"].create({"name": "Stranger",
                                                   "email": "x@stranger.example.com"})
        self.sent(self.spring, days_ago=2, recipient=stranger)
        self.assertFalse(self.quotation().campaign_id)

    def test_hand_set_and_opportunity_attribution_win_over_mailings(self):
        self.sent(self.autumn, days_ago=2)
        by_hand = self.quotation(campaign_id=self.campaign.id)
        self.assertEqual(by_hand.campaign_id, self.campaign)
        lead = self.env["crm.lead"].create(dict(self.attribution, name="Fair visitor",
                                                type="opportunity"))
        self.assertAttribution(self.quotation(opportunity_id=lead.id), self.campaign)

    def test_salesperson_gets_the_attribution(self):
        self.sent(self.spring, days_ago=5)
        order = self.env["sale.order"].sudo(self.user_salesman).create({
            "partner_id": self.customer.id})
        self.assertEqual(order.campaign_id, self.campaign)
