import re

from odoo.tests.common import HOST, PORT

from .common import PortalHttpCase
from .sla_common import at


class TestSlaPortal(PortalHttpCase):
    """The customer sees the promised times and whether they were met; never the SLA
    internals, whatever route they take."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        stage_waiting = cls.env.ref("crm_extended.request_stage_waiting")
        stage_waiting.on_customer_reply_stage_id = cls.env.ref(
            "crm_extended.request_stage_in_progress")
        Policy = cls.env["crm.request.sla.policy"]
        cls.response = Policy.create({
            "name": "Crmx answer in 2 h", "target": "first_response", "time_hours": 2,
            "team_ids": [(6, 0, cls.team_support.ids)]})
        cls.resolution = Policy.create({
            "name": "Crmx fix in 16 h", "target": "resolution", "time_hours": 16,
            "team_ids": [(6, 0, cls.team_support.ids)],
            "paused_stage_ids": [(6, 0, stage_waiting.ids)]})
        cls.request = cls.env["crm.request"].with_context(sla_now=at("2026-11-16 09:00")).create({
            "name": "Crmx wobbly table", "partner_id": cls.contact.id,
            "request_type_id": cls.type_help.id, "team_id": cls.team_support.id,
            "user_id": cls.user_crm.id, "confidentiality": "public",
            "stage_id": stage_waiting.id})
        cls.request.sudo(cls.user_crm).message_post(
            body="We are on it", message_type="comment", subtype="mail.mt_comment")
        cls.share_with_http()

    def test_request_page_shows_promised_times_and_whether_met(self):
        self.authenticate("crmx_portal", "crmx_portal")
        page = self.url_open("/my/requests/%d" % self.request.id)
        self.assertEqual(page.status_code, 200)
        text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
        self.assertIn("Our commitment", text)
        # answered now, long after the 2 hours promised from 16 November
        self.assertIn("First response within 2 working hours: not met", text)
        self.assertIn("Resolution within 16 working hours: on hold while we wait for your "
                      "answer", text)
        self.assertNotIn("Crmx fix in 16 h", page.text, "policy names are internal")

    def test_portal_reply_moves_the_request_and_resumes_the_clock(self):
        self.authenticate("crmx_portal", "crmx_portal")
        response = self.url_open("/my/requests/%d/reply" % self.request.id, data={
            "csrf_token": self.csrf_token(), "message": "Photos attached"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.request.stage_id,
                         self.env.ref("crm_extended.request_stage_in_progress"))
        line = self.request.sla_line_ids.filtered(
            lambda sla_line: sla_line.policy_id == self.resolution)
        self.assertEqual(line.state, "running")

    def test_portal_cannot_read_sla_internals_over_json_rpc(self):
        self.authenticate("crmx_portal", "crmx_portal")
        for model, method, args in (
                ("crm.request.sla.line", "search_read", [[]]),
                ("crm.request.sla.policy", "search_read", [[]]),
                ("crm.request.work", "search_read", [[]]),
                ("crm.request.sla.report", "search_read", [[]]),
                ("crm.request", "read", [[self.request.id], ["sla_line_ids"]]),
                ("crm.request", "read", [[self.request.id], ["first_response_date"]]),
                ("crm.request", "search", [[("sla_status", "=", "ok")]])):
            self.share_with_http()
            response = self.opener.post(
                "http://%s:%s/web/dataset/call_kw" % (HOST, PORT), timeout=30, json={
                    "jsonrpc": "2.0", "method": "call", "params": {
                        "model": model, "method": method, "args": args, "kwargs": {}}})
            body = response.json()
            self.assertIn("error", body, "%s.%s must be refused" % (model, method))
            self.assertNotIn("result", body)
