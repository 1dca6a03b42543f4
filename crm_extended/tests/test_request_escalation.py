from datetime import datetime, timedelta

from odoo import fields

from .common import CrmRequestCase


def moment(**delta):
    return fields.Datetime.to_string(datetime.utcnow() + timedelta(**delta))


class TestRequestEscalation(CrmRequestCase):

    def run_cron_twice(self):
        Request = self.env["crm.request"]
        Request._cron_escalate()
        Request._cron_escalate()

    def activities(self, request, summary):
        return self.env["mail.activity"].search([("res_model", "=", "crm.request"),
                                                 ("res_id", "=", request.id),
                                                 ("summary", "=", summary)])

    def test_cron_is_the_scheduled_action_on_requests(self):
        cron = self.env.ref("crm_extended.ir_cron_crm_request_escalate")
        self.assertEqual(cron.model_id.model, "crm.request")
        self.assertEqual(cron.code.strip(), "model._cron_escalate()")
        self.assertTrue(cron.active)

    def test_overdue_request_is_escalated_to_the_leader_once(self):
        request = self.create_request(
            "Broken leg", request_type=self.type_warranty, team_id=self.team_support.id,
            user_id=self.user_crm.id, date_deadline=moment(hours=-2))
        notes_before = len(request.message_ids)
        self.run_cron_twice()
        self.assertTrue(request.is_escalated)
        self.assertTrue(request.sla_missed)
        self.assertEqual(request.user_id, self.user_manager)
        activity = self.activities(request, "Overdue request: act now")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_manager)
        escalation_notes = request.message_ids.filtered(lambda m: "Escalated" in (m.body or ""))
        self.assertEqual(len(escalation_notes), 1)
        self.assertEqual(escalation_notes.partner_ids, self.user_manager.partner_id)
        self.assertEqual(len(request.message_ids), notes_before + 1)

    def test_type_without_leader_escalation_keeps_the_responsible(self):
        request = self.create_request("Where is my order?", team_id=self.team_support.id,
                                      user_id=self.user_crm.id, date_deadline=moment(days=-1))
        self.run_cron_twice()
        self.assertTrue(request.is_escalated)
        self.assertEqual(request.user_id, self.user_crm)
        self.assertEqual(self.activities(request, "Overdue request: act now").user_id,
                         self.user_crm)

    def test_closed_and_future_requests_are_left_alone(self):
        closed = self.create_request("Done already", user_id=self.user_crm.id,
                                     date_deadline=moment(days=-3),
                                     stage_id=self.stage_cancelled.id)
        future = self.create_request("Next week", user_id=self.user_crm.id,
                                     date_deadline=moment(days=7))
        self.run_cron_twice()
        self.assertFalse(closed.is_escalated)
        self.assertFalse(future.is_escalated)
        self.assertFalse(self.activities(future, "Request due soon"))

    def test_reminder_before_the_deadline_is_scheduled_once(self):
        self.assertEqual(self.type_warranty.remind_days_before, 1)
        soon = self.create_request("Squeaky chair", request_type=self.type_warranty,
                                   user_id=self.user_crm.id, date_deadline=moment(hours=12))
        later = self.create_request("Wobbly desk", request_type=self.type_warranty,
                                    user_id=self.user_crm.id, date_deadline=moment(days=3))
        self.run_cron_twice()
        reminder = self.activities(soon, "Request due soon")
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user_crm)
        self.assertTrue(soon.date_reminded)
        self.assertFalse(soon.is_escalated)
        self.assertFalse(self.activities(later, "Request due soon"))
