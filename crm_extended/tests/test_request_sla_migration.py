from .sla_common import SlaCase, at


class TestSlaMigration(SlaCase):
    """Databases of 11.0.1.1.0: requests with one deadline in working days and an escalation
    flag get SLA lines, and keep what they were promised."""

    def test_type_deadlines_become_policies_and_lines(self):
        self.company.resource_calendar_id = self.calendar
        self.type_help.write({"auto_due_days": 2, "escalate_to_leader": True})
        Request = self.env["crm.request"]
        escalated = self.file_request("2026-11-02 09:00", name="escalated",
                                      date_deadline=at("2026-11-04 17:00"))
        escalated.write({"is_escalated": True})
        waiting = self.file_request("2026-11-02 09:00", name="waiting",
                                    date_deadline=at("2026-12-30 17:00"))
        late = self.file_request("2026-11-02 09:00", name="late",
                                 date_deadline=at("2026-11-04 17:00"))
        late.write({"stage_id": self.stage_done.id, "resolution": "Done."})
        requests = escalated | waiting | late
        self.assertFalse(requests.mapped("sla_line_ids"))
        notes = len(escalated.message_ids)

        self.env["crm.request.sla.policy"]._migrate_from_type_deadlines()

        policy = self.env["crm.request.sla.policy"].search(
            [("request_type_ids", "=", self.type_help.id)])
        self.assertEqual(len(policy), 1)
        self.assertEqual((policy.target, policy.time_hours), ("resolution", 16.0))
        self.assertEqual(policy.escalation_ids.action, "reassign_leader")
        line = escalated.sla_line_ids
        self.assertEqual((line.state, line.deadline, line.escalation_level),
                         ("running", at("2026-11-04 17:00"), 1))
        self.assertEqual(waiting.sla_line_ids.next_escalation_date, at("2026-12-30 17:00"))
        self.assertEqual(late.sla_line_ids.state, "missed")
        self.assertEqual(escalated.date_deadline, at("2026-11-04 17:00"))
        self.assertTrue(escalated.is_escalated)
        Request._cron_escalate()
        self.assertEqual(len(escalated.message_ids), notes, "not escalated a second time")
        # new requests of the type get their line from the policy
        fresh = self.file_request("2026-12-07 09:00", name="fresh")
        self.assertEqual(fresh.sla_line_ids.policy_id, policy)
        # 16 working hours from Monday 9:00: 7 on Monday, 8 on Tuesday, 1 on Wednesday
        self.assertEqual(fresh.date_deadline, at("2026-12-09 09:00"))
