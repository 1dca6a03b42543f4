from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .sla_common import SlaCase, at


class TestSlaClock(SlaCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.resolution = cls.create_policy(
            "Crmx resolution in 8 h", 8, paused_stage_ids=[(6, 0, cls.stage_waiting.ids)])
        cls.response = cls.create_policy("Crmx first response in 2 h", 2,
                                         target="first_response")

    def test_policies_apply_on_creation_with_deadlines_in_working_hours(self):
        request = self.file_request("2026-12-07 09:00")
        resolution = self.line(request, self.resolution)
        response = self.line(request, self.response)
        self.assertEqual((resolution.state, resolution.target), ("running", "resolution"))
        # 3 h before lunch and 4 after on Monday, the 8th hour on Tuesday morning
        self.assertEqual(resolution.deadline, at("2026-12-08 09:00"))
        self.assertEqual(response.deadline, at("2026-12-07 11:00"))
        self.assertEqual(request.sla_deadline, at("2026-12-07 11:00"))
        # the request's own deadline follows the resolution line
        self.assertEqual(request.date_deadline, at("2026-12-08 09:00"))
        other_team = self.file_request("2026-12-07 09:00", team_id=self.team_field.id)
        self.assertFalse(other_team.sla_line_ids.filtered(
            lambda line: line.policy_id in self.resolution | self.response))

    def test_pause_and_resume_move_the_deadline_by_the_paused_working_time(self):
        request = self.file_request("2026-12-07 09:00")
        line = self.line(request, self.resolution)
        self.at(request, "2026-12-07 11:20").write({"stage_id": self.stage_waiting.id})
        self.assertEqual(line.state, "paused")
        self.assertMinutes(line.consumed_hours, 140)
        self.assertFalse(request.sla_deadline == line.deadline and line.state == "running")
        self.at(request, "2026-12-08 14:05").write({"stage_id": self.stage_in_progress.id})
        self.assertEqual(line.state, "running")
        # paused: 40 min before lunch and 4 h on Monday, 4 h and 65 min on Tuesday
        self.assertMinutes(line.paused_hours, 585)
        # 340 min left from Tuesday 14:05: 175 on Tuesday, 165 on Wednesday from 8:00
        self.assertEqual(line.deadline, at("2026-12-09 10:45"))
        self.assertEqual(request.date_deadline, at("2026-12-09 10:45"))
        # a second pause over the night
        self.at(request, "2026-12-08 16:30").write({"stage_id": self.stage_waiting.id})
        self.at(request, "2026-12-09 08:15").write({"stage_id": self.stage_in_progress.id})
        self.assertMinutes(line.consumed_hours, 140 + 145)
        self.assertMinutes(line.paused_hours, 585 + 30 + 15)
        self.assertEqual(line.deadline, at("2026-12-09 11:30"))
        self.at(request, "2026-12-09 09:30").write({
            "stage_id": self.stage_done.id, "resolution": "Glued.", "user_id": self.user_crm.id})
        self.assertEqual(line.state, "met")
        self.assertEqual(line.date_met, at("2026-12-09 09:30"))
        self.assertMinutes(line.consumed_hours, 140 + 145 + 75)
        # nobody answered within 2 hours: closing reaches the first response, late
        self.assertEqual(self.line(request, self.response).state, "missed")
        self.assertTrue(request.sla_missed)

    def test_target_reached_after_the_deadline_is_missed(self):
        request = self.file_request("2026-12-07 09:00")
        self.at(request, "2026-12-08 10:00").write({
            "stage_id": self.stage_done.id, "resolution": "Late."})
        line = self.line(request, self.resolution)
        self.assertEqual(line.state, "missed")
        self.assertMinutes(line.consumed_hours, 9 * 60)
        self.assertTrue(request.sla_missed)
        self.assertEqual(request.sla_status, "missed")

    def test_changes_reevaluate_policies_and_keep_cancelled_lines(self):
        urgent = self.create_policy("Crmx urgent in 4 h", 4, priority="3")
        request = self.file_request("2026-12-07 09:00")
        self.assertFalse(self.line(request, urgent))
        self.at(request, "2026-12-07 10:00").write({"priority": "3"})
        urgent_line = self.line(request, urgent)
        self.assertEqual(urgent_line.state, "running")
        self.assertEqual(urgent_line.deadline, at("2026-12-07 15:00"))
        self.at(request, "2026-12-07 11:00").write({"team_id": self.team_field.id})
        lines = request.sla_line_ids.filtered(
            lambda line: line.policy_id in urgent | self.resolution | self.response)
        self.assertEqual(set(lines.mapped("state")), {"cancelled"})
        self.assertEqual(len(lines), 3, "cancelled, not deleted")
        self.assertMinutes(self.line(request, urgent).consumed_hours, 60)
        self.at(request, "2026-12-07 11:30").write({"team_id": self.team_support.id})
        self.assertEqual(len(self.line(request, urgent)), 2, "a new line, the old one kept")
        self.assertEqual(self.line(request, urgent).filtered(
            lambda line: line.state == "running").deadline, at("2026-12-07 16:30"))

    def test_first_public_reply_of_an_agent_reaches_the_first_response(self):
        request = self.file_request("2026-12-07 09:00")
        request.message_post(body="Internal: checking stock", subtype="mail.mt_note",
                             message_type="comment")
        self.assertFalse(request.first_response_date)
        request.sudo(self.user_crm).message_post(
            body="We are on it", subtype="mail.mt_comment", message_type="comment")
        self.assertTrue(request.first_response_date)
        line = self.line(request, self.response)
        self.assertEqual(line.date_met, request.first_response_date)
        self.assertIn(line.state, ("met", "missed"))
        self.assertEqual(self.line(request, self.resolution).state, "running")

    def test_customer_messages_are_not_responses(self):
        request = self.file_request("2026-12-07 09:00")
        request.message_post(body="Any news?", subtype="mail.mt_comment",
                             message_type="comment", author_id=self.contact.id)
        self.assertFalse(request.first_response_date)
        self.assertEqual(self.line(request, self.response).state, "running")

    def test_cancelling_the_request_cancels_its_lines(self):
        request = self.file_request("2026-12-07 09:00")
        self.at(request, "2026-12-07 10:00").write({"stage_id": self.stage_cancelled.id})
        lines = self.line(request, self.resolution) | self.line(request, self.response)
        self.assertEqual(set(lines.mapped("state")), {"cancelled"})

    def test_request_created_in_a_pausing_stage_starts_paused(self):
        request = self.file_request("2026-12-07 09:00", stage_id=self.stage_waiting.id)
        line = self.line(request, self.resolution)
        self.assertEqual(line.state, "paused")
        self.assertFalse(line.deadline)
        self.at(request, "2026-12-07 13:00").write({"stage_id": self.stage_in_progress.id})
        self.assertEqual(line.deadline, at("2026-12-08 12:00"))

    def test_bad_policies_are_refused(self):
        # each refusal rolls back its transaction (here: its savepoint)
        for name, hours, values in (
                ("Crmx zero", 0, {}), ("Crmx negative", -2, {}),
                ("Crmx both", 4, {"paused_stage_ids": [(6, 0, self.stage_done.ids)],
                                  "reach_stage_ids": [(6, 0, self.stage_done.ids)]}),
                ("Crmx bad domain", 4, {"partner_domain": "[('nope', '=', 1)]"})):
            with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"), \
                    self.cr.savepoint():
                self.create_policy(name, hours, **values)
        self.assertFalse(self.env["crm.request.sla.policy"].search(
            [("name", "in", ["Crmx zero", "Crmx negative", "Crmx both", "Crmx bad domain"])]))

    def test_policy_without_any_calendar_says_round_the_clock(self):
        policy = self.create_policy("Crmx clock", 4, calendar_id=False)
        self.assertFalse(policy.round_the_clock, "the company has a calendar")
        self.company.resource_calendar_id = False
        policy.invalidate_cache()
        self.assertTrue(policy.round_the_clock)
        request = self.file_request("2026-12-05 10:00")
        self.assertEqual(self.line(request, policy).deadline, at("2026-12-05 14:00"))

    def test_policy_form_warns_when_round_the_clock(self):
        from lxml import etree
        arch = etree.fromstring(self.env["crm.request.sla.policy"].fields_view_get(
            view_type="form")["arch"])
        warning = arch.xpath("//div[hasclass('alert-warning')]")
        self.assertEqual(len(warning), 1)
        self.assertIn("round the clock", warning[0].text)
        # shown exactly when round_the_clock is set, which the form reads
        self.assertEqual(warning[0].get("modifiers"),
                         '{"invisible": [["round_the_clock", "=", false]]}')
        self.assertTrue(arch.xpath("//field[@name='round_the_clock']"))

    def test_partner_domain_and_customer_group_select_customers(self):
        group = self.env["crm.customer.group"].create({"name": "Crmx premium"})
        premium = self.create_policy("Crmx premium", 4,
                                     customer_group_ids=[(6, 0, group.ids)])
        spanish = self.create_policy("Crmx Spain", 4,
                                     partner_domain="[('country_id.code', '=', 'ES')]")
        request = self.file_request("2026-12-07 09:00")
        self.assertFalse(self.line(request, premium) | self.line(request, spanish))
        self.customer.write({"customer_group_id": group.id,
                             "country_id": self.env.ref("base.es").id})
        self.at(request, "2026-12-07 10:00").write({"partner_id": self.contact.id})
        self.assertEqual(self.line(request, premium).state, "running")
        self.assertEqual(self.line(request, spanish).state, "running")

    def test_sla_status_search_matches_the_computed_status(self):
        # filed in the past: its deadlines have passed
        late = self.file_request("2026-11-16 09:00", name="late")
        future = self.create_policy("Crmx far", 4000, team_ids=[(6, 0, self.team_field.ids)])
        fresh = self.create_request_at("2026-11-16 09:00", "fresh",
                                       team_id=self.team_field.id)
        self.assertEqual(self.line(fresh, future).state, "running")
        requests = late | fresh
        for status in ("ok", "at_risk", "missed"):
            found = self.Request.search([("id", "in", requests.ids),
                                         ("sla_status", "=", status)])
            self.assertEqual(found, requests.filtered(
                lambda request: request.sla_status == status), status)
        self.assertEqual(late.sla_status, "missed")
