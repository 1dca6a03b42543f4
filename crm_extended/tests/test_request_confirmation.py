from odoo.exceptions import UserError
from odoo.tests.common import HttpCase, get_db_name

from .common import CrmRequestCase


class TestRequestConfirmation(CrmRequestCase):

    def confirmations(self, request):
        return request.message_ids.filtered(
            lambda message: request.number in (message.subject or ""))

    def test_auto_confirm_type_sends_the_case_number_to_the_customer(self):
        request = self.create_request("Catalogue please", request_type=self.type_information)
        messages = self.confirmations(request)
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages.subject, "[%s] Catalogue please" % request.number)
        self.assertEqual(messages.partner_ids, self.customer)
        self.assertIn(request.number, messages.body)
        self.assertTrue(request.date_confirmation)

    def test_internal_and_already_closed_requests_are_not_confirmed_automatically(self):
        internal = self.create_request("Credit check", request_type=self.type_information,
                                       confidentiality="internal")
        closed = self.create_request("Duplicate", request_type=self.type_information,
                                     stage_id=self.stage_cancelled.id)
        self.assertFalse(self.confirmations(internal) | self.confirmations(closed))

    def test_button_sends_confirmation_when_type_does_not(self):
        request = self.create_request("How to?")
        self.assertFalse(self.confirmations(request))
        self.assertIs(request.action_send_confirmation(), True)
        self.assertEqual(len(self.confirmations(request)), 1)

    def test_type_template_is_used(self):
        template = self.env.ref("crm_extended.mail_template_crm_request_confirmation").copy({
            "subject": "Case ${object.number} opened"})
        self.type_help.confirmation_template_id = template
        request = self.create_request("How to?")
        request.action_send_confirmation()
        self.assertEqual(self.confirmations(request).subject, "Case %s opened" % request.number)

    def test_customer_without_email_gets_a_clear_message_not_a_crash(self):
        walk_in = self.env["res.partner"].create({"name": "No Mail Ltd"})
        request = self.create_request("Call me", partner=walk_in, partner_email="x@example.com")
        with self.assertRaisesRegex(UserError, "has no email address"):
            request.action_send_confirmation()
        self.assertFalse(request.date_confirmation)
        automatic = self.create_request("Call me", request_type=self.type_information,
                                        partner=walk_in, partner_email="x@example.com")
        self.assertFalse(automatic.date_confirmation)
        self.assertTrue(automatic.message_ids.filtered(
            lambda message: "has no email address" in message.body))

    def queued_confirmation(self, request):
        return self.env["mail.mail"].search([("model", "=", "crm.request"),
                                             ("res_id", "=", request.id),
                                             ("subject", "like", request.number)])

    def test_confirmation_is_queued_once_and_kept_in_the_chatter(self):
        request = self.create_request("Catalogue please", request_type=self.type_information)
        mail = self.queued_confirmation(request)
        self.assertEqual(len(mail), 1)
        self.assertEqual((mail.state, mail.recipient_ids), ("outgoing", self.customer))
        # from the user who filed it
        self.assertEqual(mail.email_from, "%s <%s>" % (self.env.user.name, self.env.user.email))
        # Deleted once sent (the template says so), its message stays on the request.
        self.assertTrue(mail.auto_delete)
        self.assertTrue(mail.notification)
        self.assertEqual(mail.mail_message_id, self.confirmations(request))

    def test_user_without_email_files_a_confirmed_request_in_the_company_name(self):
        self.company.email = "service@crmx.example.com"
        clerk = self.env["res.users"].create({
            "name": "Clerk Without Mail", "login": "crmx_clerk_nomail",
            "groups_id": [(6, 0, self.env.ref("crm_extended.group_crm_extended_user").ids)]})
        self.assertFalse(clerk.email)
        # As in the web client: tracking and the creation message on.
        request = self.env["crm.request"].sudo(clerk).with_context(
            tracking_disable=False, mail_create_nolog=False).create({
                "name": "Catalogue please", "partner_id": self.customer.id,
                "request_type_id": self.type_information.id})
        self.assertTrue(request.date_confirmation)
        self.assertEqual(self.queued_confirmation(request).email_from,
                         "%s <service@crmx.example.com>" % self.company.name)

    def test_without_any_sender_address_the_button_says_so(self):
        self.company.email = False
        self.env["ir.config_parameter"].set_param("mail.catchall.domain", False)
        clerk = self.env["res.users"].create({
            "name": "Clerk Without Mail", "login": "crmx_clerk_nomail",
            "groups_id": [(6, 0, self.env.ref("crm_extended.group_crm_extended_user").ids)]})
        request = self.create_request("How to?")
        with self.assertRaisesRegex(UserError, "email address to send it from"):
            request.sudo(clerk).action_send_confirmation()
        self.assertFalse(request.date_confirmation)

    def test_responsible_is_told_unless_they_filed_the_request(self):
        tracked = self.env["crm.request"].with_context(tracking_disable=False)
        for creator, expected in ((self.env.user, 1), (self.user_manager, 0)):
            request = tracked.sudo(creator).create({
                "name": "Assigned by %s" % creator.name, "partner_id": self.customer.id,
                "request_type_id": self.type_help.id, "user_id": self.user_manager.id})
            told = self.env["mail.mail"].search([
                ("model", "=", "crm.request"), ("res_id", "=", request.id),
                ("recipient_ids", "in", self.user_manager.partner_id.ids)])
            self.assertEqual(len(told), expected, creator.name)
            self.assertEqual(request.message_follower_ids.mapped("partner_id"),
                             self.customer | creator.partner_id | self.user_manager.partner_id)

    def test_reassigning_several_requests_tells_the_new_responsible_once_each(self):
        requests = self.create_request("First") | self.create_request("Second")
        requests.with_context(tracking_disable=False).write({"user_id": self.user_crm.id})
        told = self.env["mail.mail"].search([
            ("model", "=", "crm.request"), ("res_id", "in", requests.ids),
            ("recipient_ids", "in", self.user_crm.partner_id.ids)])
        self.assertEqual(sorted(told.mapped("res_id")), sorted(requests.ids))
        self.assertTrue(all("You have been assigned" in mail.body_html for mail in told))


class TestRequestXmlRpc(HttpCase):
    """Integrators script requests over XML-RPC: creation is routed and numbered, and the
    confirmation button is callable. In Odoo 11 the HTTP side has its own test cursor, so
    the fixtures are made over XML-RPC too (and rolled back with it)."""

    def call(self, model, method, *args):
        return self.xmlrpc_object.execute(get_db_name(), self.env.ref("base.user_root").id,
                                          "admin", model, method, *args)

    def test_create_and_confirm_over_xmlrpc(self):
        customer_id = self.call("res.partner", "create", {"name": "Rpc Customer",
                                                          "email": "rpc@example.com"})
        team_id = self.call("crm.request.team", "create", {"name": "Rpc team",
                                                           "alias_name": "crmx-rpc"})
        self.call("crm.request.routing.rule", "create",
                  {"name": "Rpc", "keywords": "xmlrpc", "team_id": team_id})
        request_id = self.call("crm.request", "create", {
            "name": "Created over xmlrpc", "partner_id": customer_id,
            "request_type_id": self.env.ref("crm_extended.request_type_help").id})
        self.assertIs(self.call("crm.request", "action_send_confirmation", [request_id]), True)
        request = self.call("crm.request", "read", [request_id],
                            ["team_id", "number", "date_confirmation"])[0]
        self.assertEqual(request["team_id"][0], team_id)
        self.assertRegex(request["number"], r"^REQ/\d{4}/\d{5}$")
        self.assertTrue(request["date_confirmation"])
