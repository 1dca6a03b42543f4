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

    def fired_steps(self, request):
        """The step numbers the chatter reports fired, over all its notes."""
        return sorted(int(part.split(" ")[0]) for note in self.escalation_notes(request)
                      for part in note.body.split("step ")[1:])

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
        # the lunch break is not working time: the breach steps wait for the afternoon;
        # the two steps due by then are told in one note, to both users
        self.sweep("2026-12-07 12:30")
        self.assertEqual(line.escalation_level, 3)
        self.assertEqual(request.user_id, self.user_manager, "reassigned to the leader")
        note = self.escalation_notes(request)[0]
        self.assertEqual(note.partner_ids,
                         self.user_watcher.partner_id | self.user_manager.partner_id)
        self.assertIn("step 2 of", note.body)
        self.assertIn("step 3 of", note.body)
        self.assertIn(self.user_manager.partner_id,
                      request.message_follower_ids.mapped("partner_id"),
                      "the new responsible follows")
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
        self.assertEqual(self.fired_steps(request), [1, 2, 3, 4, 5], "each step once")

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
        self.assertEqual(self.fired_steps(request), [1, 2, 3, 4, 5])
        self.assertEqual(len(self.escalation_notes(request)), 1, "one note per request")


class TestSlaEscalationCost(SlaCase):
    """What the sweep costs to fire due steps: the writes of each action are grouped over
    all the requests, the chatter gets one note per request, so the cost per line stays
    the same whether 5 or 10 lines are due."""

    # Each line here fires all four steps on a request of its own, so what is left per line
    # is Odoo's own cost of what cannot be shared between requests: the one note (the
    # message, and the notification emails of the responsible and the leader rendered and
    # queued: about 70 queries), the activity (Odoo 11 creates them one by one with their
    # defaults, access check, follower and bus message: about 35) and the leader following
    # the request (about 10). The grouped writes and the search are shared (measured: 125).
    QUERIES_PER_LINE = 140

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.create_policy("Crmx cost 4 h", 4, escalation_ids=[
            (0, 0, {"trigger": "percent", "percent": 50, "action": "notify_responsible"}),
            (0, 0, {"trigger": "percent", "percent": 75, "action": "raise_priority"}),
            (0, 0, {"trigger": "after_breach", "hours_after": 0, "action": "reassign_leader"}),
            (0, 0, {"trigger": "after_breach", "hours_after": 1,
                    "action": "schedule_activity"}),
        ])

    def sweep_cost(self, count):
        # whatever else is due then (demo requests) fires first, uncounted
        self.env["crm.request.sla.line"]._cron_escalate(now=at("2026-12-07 14:00"))
        requests = self.Request.browse()
        for number in range(count):
            requests |= self.file_request("2026-12-07 08:00", name="Crmx cost %d" % number,
                                          priority="0")
        self.env.cache.invalidate()
        with self.count_queries() as counter:
            # 8-12 and 13-14: 5 working hours elapsed, every step of the ladder is due
            self.env["crm.request.sla.line"]._cron_escalate(now=at("2026-12-07 14:00"))
        lines = requests.mapped("sla_line_ids").filtered(
            lambda line: line.policy_id == self.policy)
        self.assertEqual(lines.mapped("escalation_level"), [4] * count)
        self.assertEqual(requests.mapped("user_id"), self.user_manager)
        self.assertEqual(set(requests.mapped("priority")), {"1"})
        return counter["queries"]

    def test_firing_costs_the_same_per_line_for_twice_the_lines(self):
        few, many = self.sweep_cost(5), self.sweep_cost(10)
        self.assertLessEqual(many, 2 * few, "twice the lines, at most twice the queries")
        self.assertLessEqual(many / 10.0, self.QUERIES_PER_LINE,
                             "%d queries for 10 lines" % many)


class TestSlaEscalationWithoutEmail(SlaCase):
    """A user without an email address cannot be notified: refused when the step is
    configured, named in the note when it fires (the address removed since, or the
    responsible has none); the step fires all the same."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = cls.env["res.users"].with_context(no_reset_password=True)
        group = cls.env.ref("crm_extended.group_crm_extended_user")
        cls.user_mute = users.create({"name": "Nora Noemail", "login": "crmx_mute",
                                      "groups_id": [(6, 0, group.ids)]})
        cls.user_watcher = users.create({"name": "Walter Watcher", "login": "crmx_watch",
                                         "email": "walter@example.com",
                                         "groups_id": [(6, 0, group.ids)]})

    def fire(self, step_values, **request_values):
        policy = self.create_policy("Crmx mute 4 h", 4, escalation_ids=[
            (0, 0, dict(step_values, trigger="percent", percent=50))])
        self.user_mute.email = False
        request = self.file_request("2026-12-07 08:00", **request_values)
        self.env["crm.request.sla.line"]._cron_escalate(now=at("2026-12-07 10:00"))
        self.assertEqual(self.line(request, policy).escalation_level, 1)
        return request.message_ids.filtered(
            lambda message: "Service level escalation" in (message.body or ""))

    def test_configuring_a_user_without_email_is_refused(self):
        with self.assertRaises(ValidationError) as refused, self.cr.savepoint():
            self.create_policy("Crmx mute refused", 4, escalation_ids=[(0, 0, {
                "trigger": "percent", "percent": 50, "action": "notify_users",
                "user_ids": [(6, 0, (self.user_mute | self.user_watcher).ids)]})])
        self.assertIn("Nora Noemail", refused.exception.name)
        self.assertFalse(self.env["crm.request.sla.policy"].search(
            [("name", "=", "Crmx mute refused")]))

    def test_user_who_lost_the_address_is_named_not_notified(self):
        # configured while both had an address; Nora's is removed before the step fires
        self.user_mute.email = "nora@example.com"
        note = self.fire({"action": "notify_users", "user_ids": [
            (6, 0, (self.user_mute | self.user_watcher).ids)]})
        self.assertIn("Notified Walter Watcher.", note.body)
        self.assertIn("Not notified, no email address: Nora Noemail.", note.body)
        self.assertEqual(note.partner_ids, self.user_watcher.partner_id)

    def test_responsible_without_email_is_named_not_notified(self):
        note = self.fire({"action": "notify_responsible"}, user_id=self.user_mute.id)
        self.assertIn("Not notified, no email address: Nora Noemail.", note.body)
        self.assertFalse(note.partner_ids)
