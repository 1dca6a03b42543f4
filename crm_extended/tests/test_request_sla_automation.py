from odoo.exceptions import UserError, ValidationError

from .sla_common import SlaCase, at
from .test_request_mail import MAIL


class TestSlaStageAutomation(SlaCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id = cls.calendar
        cls.stage_waiting.write({
            "on_customer_reply_stage_id": cls.stage_in_progress.id,
            "timeout_days": 10, "timeout_stage_id": cls.stage_cancelled.id,
            "timeout_warning_days": 2,
        })

    def waiting_request(self, when="2026-11-02 10:00"):
        request = self.file_request(when, partner_id=self.contact.id)
        self.at(request, when).write({"stage_id": self.stage_waiting.id})
        return request

    def test_mailed_reply_of_the_customer_moves_the_request_on(self):
        request = self.waiting_request()
        raw = MAIL.format(sender="brandon@azure.example.com", sender_name="Brandon Freeman",
                          to="crmx-support@example.com", message_id="reply-1", extra="",
                          subject="Re: [%s] %s" % (request.number, request.name),
                          body="Here are the photos.")
        self.assertEqual(self.env["mail.thread"].message_process(None, raw.encode()),
                         request.id)
        self.assertEqual(request.stage_id, self.stage_in_progress)
        self.assertFalse(request.first_response_date, "the customer's mail is no response")

    def test_auto_reply_on_a_request_is_filed_but_moves_nothing(self):
        # an out-of-office answer to our "waiting for you" mail is no news from the
        # customer: the request keeps waiting (and its timeout keeps running)
        request = self.waiting_request()
        raw = MAIL.format(sender="brandon@azure.example.com", sender_name="Brandon Freeman",
                          to="crmx-support@example.com", message_id="auto-reply-1",
                          extra="Auto-Submitted: auto-replied\n",
                          subject="Re: [%s] %s" % (request.number, request.name),
                          body="I am out of the office until Monday.")
        self.assertEqual(self.env["mail.thread"].message_process(None, raw.encode()),
                         request.id)
        self.assertTrue(request.message_ids.filtered(
            lambda message: "out of the office" in (message.body or "")), "filed")
        self.assertEqual(request.stage_id, self.stage_waiting)
        self.assertFalse(request.first_response_date)

    def test_agent_messages_do_not_move_the_request(self):
        request = self.waiting_request()
        request.sudo(self.user_crm).message_post(
            body="Still waiting for your photos", message_type="comment",
            subtype="mail.mt_comment")
        self.assertEqual(request.stage_id, self.stage_waiting)

    def test_timeout_warns_the_customer_then_moves_the_request(self):
        request = self.waiting_request()
        Request = self.env["crm.request"]
        # 8th working day after Monday 2 November ends on Thursday 12 at 17:00
        self.assertEqual(request.date_timeout, at("2026-11-16 17:00"))
        Request._cron_stage_timeout(now=at("2026-11-12 16:00"))
        self.assertFalse(request.date_timeout_warned)
        Request._cron_stage_timeout(now=at("2026-11-12 17:30"))
        Request._cron_stage_timeout(now=at("2026-11-13 09:00"))
        warnings = self.env["mail.mail"].search([
            ("model", "=", "crm.request"), ("res_id", "=", request.id),
            ("body_html", "ilike", "still waiting for your answer")])
        self.assertEqual(len(warnings), 1, "warned once")
        self.assertEqual(warnings.recipient_ids, self.contact)
        self.assertIn("2026-11-16", warnings.body_html)
        self.assertEqual(request.stage_id, self.stage_waiting)
        Request._cron_stage_timeout(now=at("2026-11-16 17:30"))
        self.assertEqual(request.stage_id, self.stage_cancelled)
        self.assertTrue(request.message_ids.filtered(
            lambda message: "10 working days without news" in (message.body or "")))

    def test_bad_timeouts_are_refused(self):
        with self.assertRaises(ValidationError):
            self.stage_waiting.timeout_warning_days = 10
        with self.assertRaises(ValidationError):
            self.stage_waiting.timeout_stage_id = self.stage_waiting
        with self.assertRaises(ValidationError):
            self.stage_in_progress.write({"timeout_days": 3, "timeout_stage_id": False})


class TestResolutionsAndCannedAnswers(SlaCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"].load_lang("es_ES")
        cls.code_fixed = cls.env.ref("crm_extended.request_resolution_fixed")
        cls.canned = cls.env["crm.request.response.template"].create({
            "name": "Crmx on it",
            "body": "<p>Dear ${customer}, case ${case_number} is with ${responsible} "
                    "until ${deadline}.</p>",
        })
        # the body translates term by term, as the form's translation dialog writes it
        cls.env["ir.translation"].create({
            "name": "crm.request.response.template,body", "type": "model", "lang": "es_ES",
            "res_id": cls.canned.id, "state": "translated",
            "src": "Dear ${customer}, case ${case_number} is with ${responsible} until "
                   "${deadline}.",
            "value": "Estimado/a ${customer}: el caso ${case_number} lo lleva ${responsible} "
                     "hasta el ${deadline}."})
        cls.policy = cls.create_policy("Crmx 8 h", 8)

    def test_closing_without_a_required_resolution_is_refused(self):
        self.type_help.resolution_required = True
        request = self.file_request("2026-12-07 09:00")
        with self.assertRaises(ValidationError):
            request.write({"stage_id": self.stage_done.id, "resolution": "Done."})
        self.assertEqual(request.stage_id, self.stage_new)
        self.assertEqual(self.line(request, self.policy).state, "running")
        request.write({"stage_id": self.stage_done.id, "resolution": "Done.",
                       "resolution_id": self.code_fixed.id})
        self.assertEqual(request.state, "done")

    def test_canned_answer_in_english_and_spanish(self):
        request = self.file_request("2026-12-07 09:00")
        self.contact.lang = "en_US"
        request.partner_id = self.contact
        english = self.canned._render(request)
        self.assertEqual(english, "<p>Dear Brandon Freeman, case %s is with Rita Requests "
                                  "until 2026-12-08 09:00.</p>" % request.number)
        self.contact.lang = "es_ES"
        spanish = self.canned._render(request)
        self.assertEqual(spanish, "<p>Estimado/a Brandon Freeman: el caso %s lo lleva Rita "
                                  "Requests hasta el 2026-12-08 09:00.</p>" % request.number)

    def test_unknown_placeholders_are_refused(self):
        with self.assertRaises(ValidationError):
            self.canned.body = "<p>Hello ${client}</p>"

    def test_reply_wizard_sends_the_edited_answer_to_the_customer(self):
        request = self.file_request("2026-12-07 09:00", partner_id=self.contact.id)
        wizard = self.env["crm.request.reply"].sudo(self.user_crm).create(
            {"request_id": request.id})
        wizard.template_id = self.canned
        wizard._onchange_template_id()
        self.assertIn("Dear Brandon Freeman", wizard.body)
        wizard.body = wizard.body.replace("Dear", "Hello")
        wizard.action_send()
        sent = request.message_ids.filtered(lambda message: "Hello Brandon" in message.body)
        self.assertEqual(sent.message_type, "comment")
        self.assertEqual(sent.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn(self.contact, sent.partner_ids)
        self.assertTrue(request.first_response_date)
        empty = self.env["crm.request.reply"].create({"request_id": request.id, "body": "<p></p>"})
        with self.assertRaises(UserError):
            empty.action_send()
