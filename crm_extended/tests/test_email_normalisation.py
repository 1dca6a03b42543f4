"""One email normalisation, the same in Python and SQL, so addresses match alike everywhere."""
from datetime import datetime, timedelta

from odoo import fields

from ..models.crm_extended_sql import email_sql, normalize_email
from .common import CrmExtendedCase

# The forms on which the addon's three former normalisations (email_split, lower(email),
# strip().lower(), and a regular expression in SQL) disagreed.
CASES = [
    ("ana@example.com", "ana@example.com"),
    ("ANA@Example.COM", "ana@example.com"),
    ("  ana@example.com ", "ana@example.com"),
    ("Ana Ruiz <Ana@Example.com>", "ana@example.com"),
    ('"Ruiz, Ana" <ana@example.com>', "ana@example.com"),
    ('"ana@example.com"', "ana@example.com"),
    ("ana@example.com, billing@example.com", "ana@example.com"),
    ("ana@example.com; billing@example.com", "ana@example.com"),
    ("no address here", ""),
    ("", ""),
]


class TestEmailNormalisation(CrmExtendedCase):

    def test_python_and_sql_agree(self):
        for value, expected in CASES:
            self.assertEqual(normalize_email(value), expected, value)
            self.env.cr.execute("SELECT %s" % email_sql("%s"), [value])
            self.assertEqual(self.env.cr.fetchone()[0] or "", expected, value)

    def test_contact_lists_match_whatever_the_form_of_either_address(self):
        mailing_list = self.env["mail.mass_mailing.list"].create({"name": "Newsletter"})
        self.env["mail.mass_mailing.contact"].create({
            "name": "Ana", "email": " ANA@example.com", "list_ids": [(6, 0, mailing_list.ids)]})
        partner = self.env["res.partner"].create({
            "name": "Ana Ruiz", "email": "Ana Ruiz <ana@example.com>"})
        lead = self.env["crm.lead"].create({"name": "Chairs", "email_from": "ana@EXAMPLE.com"})
        self.assertEqual(partner.mailing_list_ids, mailing_list)
        self.assertEqual(lead.mailing_list_ids, mailing_list)
        # joining the list again reuses the contact instead of adding a second one
        self.env["mail.mass_mailing.contact"]._add_to_lists(
            partner._mailing_contact_values(), mailing_list)
        self.assertEqual(self.env["mail.mass_mailing.contact"].search_count(
            [("list_ids", "in", mailing_list.ids)]), 1)

    def test_interest_subscription_keeps_the_contact_of_a_named_address(self):
        area = self.env["crm.interest.area"].create({"name": "Ergonomics", "is_public": True})
        self.contact.email = "Brandon Freeman <Brandon@azure.example.com>"
        area.subscribe(self.contact)
        contacts = self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", area.mailing_list_id.ids)])
        self.assertEqual(contacts.mapped("email"), ["brandon@azure.example.com"])
        self.assertFalse(contacts.opt_out, "the subscriber is found under its named address")
        area.subscribe(self.contact)
        self.assertFalse(contacts.opt_out)

    def test_last_touch_finds_the_subscriber_of_a_named_address(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("crm_extended.mailing_attribution", "True")
        params.set_param("crm_extended.mailing_attribution_days", "30")
        campaign = self.env["utm.campaign"].create({"name": "Spring"})
        mailing = self.env["mail.mass_mailing"].create({
            "name": "Spring newsletter", "campaign_id": campaign.id, "body_html": "<p>Hi</p>"})
        subscriber = self.env["mail.mass_mailing.contact"].create({
            "name": "Ana", "email": "ana@example.com"})
        self.env["mail.mail.statistics"].create({
            "mass_mailing_id": mailing.id, "model": subscriber._name, "res_id": subscriber.id,
            "sent": fields.Datetime.to_string(datetime.now() - timedelta(days=2))})
        partner = self.env["res.partner"].create({
            "name": "Ana Ruiz", "email": "Ana Ruiz <ANA@example.com>"})
        self.assertEqual(self.env["sale.order"]._last_touch_mailing(partner), mailing)
