from datetime import date, timedelta

from odoo import fields

from .common import PipelineCase


class TestSfaOpportunity(PipelineCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.email = cls.env.ref("mail.mail_activity_data_email")
        cls.lead_model = cls.env.ref("crm.model_crm_lead")
        cls.team = cls.env["crm.team"].create({
            "name": "Direct Sales", "use_leads": True, "use_opportunities": True,
            "member_ids": [(4, cls.user_salesman.id)]})
        cls.opportunity = cls.Lead.create({
            "name": "Chairs for Azure", "type": "opportunity", "partner_id": cls.customer.id,
            "user_id": cls.user_salesman.id, "team_id": cls.team.id,
            "stage_id": cls.stage_new.id, "planned_revenue": 5000})

    def schedule(self, lead, days, summary=False, activity_type=None, user=None):
        return self.env["mail.activity"].sudo(self.user_salesman).create({
            "res_model_id": self.lead_model.id, "res_id": lead.id,
            "activity_type_id": (activity_type or self.call).id, "summary": summary,
            "date_deadline": fields.Date.to_string(date.today() + timedelta(days=days)),
            "user_id": (user or self.user_salesman).id})

    def day(self, days):
        return fields.Date.to_string(date.today() + timedelta(days=days))

    # next step

    def test_next_step_follows_the_next_scheduled_activity(self):
        opportunity = self.opportunity.sudo(self.user_salesman)
        later = self.schedule(opportunity, 10, "Send the quotation")
        self.assertEqual((opportunity.next_step, opportunity.next_step_date),
                         ("Send the quotation", self.day(10)))
        sooner = self.schedule(opportunity, 2, activity_type=self.email)
        self.assertEqual((opportunity.next_step, opportunity.next_step_date),
                         ("Email", self.day(2)), "no summary: the activity type names the step")
        sooner.write({"date_deadline": self.day(20)})
        self.assertEqual((opportunity.next_step, opportunity.next_step_date),
                         ("Send the quotation", self.day(10)), "rescheduling reorders")
        later.action_feedback("Sent")
        self.assertEqual((opportunity.next_step, opportunity.next_step_date),
                         ("Email", self.day(20)), "done: the following activity is next")
        sooner.unlink()
        self.assertFalse(opportunity.next_step, "cancelled: no next step left")
        self.assertFalse(opportunity.next_step_date)

    def test_next_step_is_free_text_without_activities(self):
        self.opportunity.write({"next_step": "Call back after the fair",
                                "next_step_date": self.day(-3)})
        self.assertEqual(self.opportunity.next_step, "Call back after the fair")
        overdue = self.Lead.search([
            ("next_step_date", "<", fields.Date.context_today(self.Lead)),
            ("probability", "<", 100), ("id", "=", self.opportunity.id)])
        self.assertEqual(overdue, self.opportunity, "the overdue next step filter finds it")
        self.schedule(self.opportunity, 1, "Demo")
        self.assertEqual(self.opportunity.next_step, "Demo", "an activity takes over")

    # probability

    def test_stage_probabilities_follow_ofbiz(self):
        self.assertEqual([self.stage_new.probability, self.stage_qualified.probability,
                          self.stage_proposition.probability, self.stage_won.probability],
                         [10, 20, 60, 100])

    def test_probability_follows_stage_until_set_by_hand(self):
        opportunity = self.opportunity
        self.assertEqual(opportunity.probability, 10)
        self.assertFalse(opportunity.probability_manual)
        opportunity.write({"stage_id": self.stage_qualified.id})
        self.assertEqual(opportunity.probability, 20)
        opportunity.write({"probability": 45})
        self.assertTrue(opportunity.probability_manual)
        opportunity.write({"stage_id": self.stage_proposition.id})
        self.assertEqual(opportunity.probability, 45, "a hand-set probability is sticky")
        opportunity.write({"stage_id": self.stage_won.id})
        self.assertEqual(opportunity.probability, 100, "winning always means 100%")
        self.assertFalse(opportunity.probability_manual)

    def test_new_opportunity_takes_its_stage_probability(self):
        created = self.Lead.create({"name": "Cabinets", "type": "opportunity",
                                    "stage_id": self.stage_proposition.id})
        self.assertEqual(created.probability, 60)
        self.assertFalse(created.probability_manual)
        estimated = self.Lead.create({"name": "Lamps", "type": "opportunity",
                                      "stage_id": self.stage_proposition.id, "probability": 80})
        self.assertEqual(estimated.probability, 80)
        self.assertTrue(estimated.probability_manual)

    def test_probability_follows_stage_again_when_unticked(self):
        opportunity = self.opportunity
        opportunity.write({"probability": 35})
        opportunity.write({"probability_manual": False})
        opportunity._onchange_probability_follow_stage()
        self.assertEqual(opportunity.probability, 10)
        self.assertFalse(opportunity.probability_manual)
        opportunity.write({"stage_id": self.stage_proposition.id})
        self.assertEqual(opportunity.probability, 60)

    def test_moving_a_mixed_batch_keeps_each_rule(self):
        by_hand = self.opportunity.copy({"probability": 33})
        self.assertTrue(by_hand.probability_manual)
        following = self.opportunity.copy()
        self.assertFalse(following.probability_manual)
        (by_hand | following).write({"stage_id": self.stage_proposition.id})
        self.assertEqual(by_hand.probability, 33)
        self.assertEqual(following.probability, 60)
        # the form: choosing the stage applies its probability unless set by hand
        self.assertEqual(following._onchange_stage_id_values(self.stage_qualified.id),
                         {"probability": 20, "probability_manual": False})
        self.assertEqual(by_hand._onchange_stage_id_values(self.stage_qualified.id), {})
