from odoo.exceptions import ValidationError

from .sla_common import SlaCase, at


class TestSlaEscalationLadder(SlaCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_watcher = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Walter Watcher", "login": "crmx_watcher", "email": "walter@example.com",
            "groups_id": [(6, 0, [cls.env.ref("crm_extended.group_crm_extended_user").id])],
        })
        cls.policy = cls.create_policy("Crmx ladder in 4 h", 4, escalation_ids=[
            (0, 0, {"trigger": "percent", "percent": 50, "action": "notify_responsible"}),
            (0, 0, {"trigger": "percent", "percent": 75, "action": "notify_users",
                    "user_ids": [(6, 0, cls.user_watcher.ids)]}),
            (0, 0, {"trigger": "after_breach", "hours_after": 0, "action": "reassign_leader"}),
            (0, 0, {"trigger": "after_breach", "hours_after": 2, "action": "raise_priority"}),
            (0, 0, {"trigger": "after_breach", "hours_after": 3, "action": "schedule_activity",
                    "note": "Call the customer"}),
        ])

    def sweep(self, when):
        Line = self.env["crm.request.sla.line"]
        Line._cron_escalate(now=at(when))
        Line._cron_escalate(now=at(when))

    def escalation_notes(self, request):
        return request.message_ids.filtered(
            lambda message: "Service level escalation" in (message.body or ""))

    def test_each_step_fires_once_when_due_and_says_why(self):
        request = self.file_request("2026-12-07 08:00", priority="1")
        line = self.line(request, self.policy)
        self.assertEqual(line.deadline, at("2026-12-07 12:00"))
        self.assertEqual(line.next_escalation_date, at("2026-12-07 10:00"))
        self.sweep("2026-12-07 09:59")
        self.assertFalse(self.escalation_notes(request))
        self.sweep("2026-12-07 10:00")
        notes = self.escalation_notes(request)
        self.assertEqual(len(notes), 1)
        self.assertIn("step 1 of Crmx ladder in 4 h", notes.body)
        self.assertIn("50% of the 4 working hours elapsed", notes.body)
        self.assertEqual(notes.partner_ids, self.user_crm.partner_id)
        self.assertEqual(line.escalation_level, 1)
        self.assertTrue(request.is_escalated)
        self.assertEqual(line.next_escalation_date, at("2026-12-07 11:00"))
        # the lunch break is not working time: the breach steps wait for the afternoon
        self.sweep("2026-12-07 12:30")
        self.assertEqual(line.escalation_level, 3)
        self.assertEqual(request.user_id, self.user_manager, "reassigned to the leader")
        self.assertEqual(self.escalation_notes(request)[0].partner_ids,
                         self.user_manager.partner_id)
        self.assertEqual(line.next_escalation_date, at("2026-12-07 15:00"))
        self.sweep("2026-12-07 16:00")
        self.assertEqual(line.escalation_level, 5)
        self.assertEqual(request.priority, "2")
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "crm.request"), ("res_id", "=", request.id),
            ("summary", "=", "Call the customer")])
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertFalse(line.next_escalation_date)
        self.sweep("2026-12-08 16:00")
        notes = self.escalation_notes(request)
        self.assertEqual(len(notes), 5, "each step once")
        self.assertEqual(sorted(int(note.body.split("step ")[1].split(" ")[0]) for note in notes),
                         [1, 2, 3, 4, 5])

    def test_paused_lines_do_not_escalate(self):
        policy = self.policy
        policy.paused_stage_ids = self.stage_waiting
        request = self.file_request("2026-12-07 08:00")
        line = self.line(request, policy)
        self.at(request, "2026-12-07 09:00").write({"stage_id": self.stage_waiting.id})
        self.sweep("2026-12-07 16:00")
        self.assertEqual(line.escalation_level, 0)
        self.at(request, "2026-12-08 08:00").write({"stage_id": self.stage_in_progress.id})
        # 1 h consumed before the pause: 50 % is due one hour after resuming
        self.assertEqual(line.next_escalation_date, at("2026-12-08 09:00"))

    def test_reached_lines_stop_escalating(self):
        request = self.file_request("2026-12-07 08:00")
        self.at(request, "2026-12-07 09:00").write({
            "stage_id": self.stage_done.id, "resolution": "Done."})
        self.sweep("2026-12-07 16:00")
        self.assertFalse(self.escalation_notes(request))
        self.assertEqual(self.line(request, self.policy).state, "met")

    def test_notifying_users_without_email_is_refused(self):
        mute = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Nora Noemail", "login": "crmx_noemail"})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.policy.write({"escalation_ids": [(0, 0, {
                "trigger": "percent", "percent": 90, "action": "notify_users",
                "user_ids": [(6, 0, mute.ids)]})]})
        self.assertEqual(len(self.policy.escalation_ids), 5)

    def test_scheduled_action_runs_the_ladder(self):
        request = self.file_request("2026-11-16 08:00")
        self.env["crm.request"]._cron_escalate()
        self.env["crm.request"]._cron_escalate()
        self.assertEqual(self.line(request, self.policy).escalation_level, 5)
        self.assertEqual(len(self.escalation_notes(request)), 5)
