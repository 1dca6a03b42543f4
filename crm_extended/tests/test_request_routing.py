from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import ValidationError

from .common import CrmRequestCase


class TestRequestRouting(CrmRequestCase):
    """The rules below are the only ones of their company."""

    own_company = "bare"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vip = cls.env["res.partner.category"].create({"name": "VIP"})
        Rule = cls.env["crm.request.routing.rule"]
        cls.rule_warranty = Rule.create({
            "name": "Warranty to field service", "sequence": 10,
            "request_type_ids": [(6, 0, cls.type_warranty.ids)],
            "team_id": cls.team_field.id,
        })
        cls.rule_keyword = Rule.create({
            "name": "Broken things to the manager", "sequence": 20,
            "keywords": "broken, defect", "user_id": cls.user_manager.id,
            "team_id": cls.team_support.id,
        })
        cls.rule_vip = Rule.create({
            "name": "VIP customers", "sequence": 30,
            "partner_category_ids": [(6, 0, cls.vip.ids)], "user_id": cls.user_crm.id,
        })

    def test_first_matching_rule_wins_in_sequence_order(self):
        # Matches the warranty rule (10) and the keyword rule (20): the warranty one wins.
        request = self.create_request("Broken chair", request_type=self.type_warranty)
        self.assertEqual(request.team_id, self.team_field)
        self.rule_keyword.sequence = 5
        request = self.create_request("Broken chair", request_type=self.type_warranty)
        self.assertEqual(request.team_id, self.team_support)
        self.assertEqual(request.user_id, self.user_manager)

    def test_keywords_match_whole_words_in_subject_or_description_in_any_case(self):
        request = self.create_request("Question", description="The lamp has a DEFECT.")
        self.assertEqual(request.user_id, self.user_manager)
        request = self.create_request("Unbroken record")
        self.assertFalse(request.user_id)
        self.assertFalse(request.team_id)

    def test_partner_tag_of_the_commercial_entity_matches(self):
        self.customer.category_id = self.vip
        request = self.create_request("Question", partner=self.contact)
        self.assertEqual(request.user_id, self.user_crm)

    def test_country_rule(self):
        self.customer.country_id = self.env.ref("base.cl")
        self.env["crm.request.routing.rule"].create({
            "name": "Chile", "sequence": 1, "country_ids": [(6, 0, self.env.ref("base.cl").ids)],
            "team_id": self.team_field.id})
        self.assertEqual(self.create_request("Hola", partner=self.contact).team_id,
                         self.team_field)

    def test_explicit_responsible_is_kept(self):
        request = self.create_request("Broken chair", request_type=self.type_warranty,
                                      user_id=self.user_crm.id)
        self.assertEqual(request.user_id, self.user_crm)
        self.assertFalse(request.team_id)

    def test_type_defaults_apply_when_no_rule_matches(self):
        self.type_help.write({"team_id": self.team_support.id,
                              "user_id": self.user_crm.id})
        request = self.create_request("How do I export?")
        self.assertEqual((request.team_id, request.user_id),
                         (self.team_support, self.user_crm))

    def test_round_robin_cycles_through_members(self):
        self.team_field.write({"assignment_method": "round_robin",
                               "member_ids": [(6, 0, (self.user_salesman | self.user_crm).ids)]})
        members = (self.user_salesman | self.user_crm).sorted("id")
        picked = [self.create_request("Claim %d" % i, request_type=self.type_warranty).user_id
                  for i in range(3)]
        self.assertEqual(picked, [members[0], members[1], members[0]])

    def test_least_open_picks_the_member_with_fewest_open_requests(self):
        self.team_field.write({"assignment_method": "least_open",
                               "member_ids": [(6, 0, (self.user_salesman | self.user_crm).ids)]})
        self.create_request("Busy 1", user_id=self.user_salesman.id)
        self.create_request("Busy 2", user_id=self.user_salesman.id)
        self.create_request("Closed", user_id=self.user_crm.id,
                            stage_id=self.stage_cancelled.id)
        self.create_request("Open", user_id=self.user_crm.id)
        request = self.create_request("New claim", request_type=self.type_warranty)
        self.assertEqual(request.user_id, self.user_crm)

    def test_rule_must_assign_something(self):
        with self.assertRaises(ValidationError):
            self.env["crm.request.routing.rule"].create({"name": "Nothing"})


class TestRequestSla(CrmRequestCase):

    def setUp(self):
        super().setUp()
        # Deadlines count in the company's time zone; UTC keeps the expected hours plain.
        self.company.partner_id.tz = "UTC"
        self.calendar = self.company.resource_calendar_id

    def test_company_calendar_is_the_standard_week(self):
        days = set(self.calendar.attendance_ids.mapped("dayofweek"))
        self.assertEqual(days, {"0", "1", "2", "3", "4"})
        self.assertEqual(max(self.calendar.attendance_ids.mapped("hour_to")), 17.0)

    def test_deadline_counts_working_days_after_the_filing_day(self):
        self.type_help.auto_due_days = 2
        monday = datetime(2026, 11, 23, 10, 0)
        self.assertEqual(self.type_help._deadline_from(monday, self.company),
                         datetime(2026, 11, 25, 17, 0))
        friday = datetime(2026, 11, 27, 16, 0)
        self.assertEqual(self.type_help._deadline_from(friday, self.company),
                         datetime(2026, 12, 1, 17, 0))
        saturday = datetime(2026, 11, 28, 9, 0)
        self.assertEqual(self.type_help._deadline_from(saturday, self.company),
                         datetime(2026, 12, 1, 17, 0))
        late_monday = datetime(2026, 11, 23, 22, 30)
        self.assertEqual(self.type_help._deadline_from(late_monday, self.company),
                         datetime(2026, 11, 25, 17, 0), "the hour of filing does not matter")

    def test_the_filing_day_is_the_companys_whoever_files(self):
        self.type_help.auto_due_days = 2
        self.company.partner_id.tz = "Europe/Brussels"
        # Monday 23:30 UTC is Tuesday 00:30 in Brussels, in winter: Tuesday is the filing
        # day, Thursday 17:00 there (16:00 UTC) the deadline, in any user's time zone
        late_monday = datetime(2026, 11, 23, 23, 30)
        for tz in ("Etc/GMT+12", "UTC", "Pacific/Auckland"):
            self.assertEqual(self.type_help.with_context(tz=tz)._deadline_from(
                late_monday, self.company), datetime(2026, 11, 26, 16, 0))

    def test_public_holidays_are_not_working_days(self):
        self.type_help.auto_due_days = 2
        self.env["resource.calendar.leaves"].create({
            "name": "Company holiday", "calendar_id": self.calendar.id,
            "date_from": "2026-11-24 00:00:00", "date_to": "2026-11-24 23:59:59"})
        monday = datetime(2026, 11, 23, 10, 0)
        self.assertEqual(self.type_help._deadline_from(monday, self.company),
                         datetime(2026, 11, 26, 17, 0))

    def test_no_calendar_counts_calendar_days(self):
        self.type_help.auto_due_days = 3
        self.company.resource_calendar_id = False
        friday = datetime(2026, 11, 27, 16, 0)
        self.assertEqual(self.type_help._deadline_from(friday, self.company),
                         datetime(2026, 11, 30, 16, 0))

    def test_new_request_gets_its_deadline_on_a_working_day(self):
        self.type_help.auto_due_days = 3
        request = self.create_request()
        deadline = fields.Datetime.from_string(request.date_deadline)
        expected, working_days = datetime.utcnow().date(), 0
        while working_days < 3:
            expected += timedelta(days=1)
            working_days += expected.weekday() < 5
        self.assertEqual(deadline.date(), expected)
        self.assertEqual(deadline.hour, 17)
        self.type_help.auto_due_days = 0
        self.assertFalse(self.create_request().date_deadline)

    def test_report_groups_sla_met_and_missed_with_average_hours_to_close(self):
        Request = self.env["crm.request"]
        requests = Request
        for deadline, hours in (("2000-01-01 00:00:00", 10.0), ("2000-01-01 00:00:00", 30.0),
                                ("2999-01-01 00:00:00", 4.0)):
            request = self.create_request(user_id=self.user_crm.id, date_deadline=deadline,
                                          team_id=self.team_support.id)
            request.write({"stage_id": self.stage_done.id, "resolution": "Answered."})
            # Back-date the filing so that the hours to close are known figures.
            self.env.cr.execute(
                "UPDATE crm_request SET create_date = date_closed - %s * interval '1 hour' "
                "WHERE id = %s", (hours, request.id))
            requests |= request
        requests.invalidate_cache()
        requests.modified(["create_date"])
        requests.recompute()
        groups = Request.read_group([("id", "in", requests.ids)],
                                    ["sla_missed", "hours_to_close"], ["sla_missed"])
        by_status = {group["sla_missed"]: (group["sla_missed_count"],
                                           round(group["hours_to_close"], 2))
                     for group in groups}
        self.assertEqual(by_status, {True: (2, 20.0), False: (1, 4.0)})

    def test_sla_missed_and_hours_to_close(self):
        request = self.create_request(user_id=self.user_crm.id,
                                      date_deadline="2000-01-01 00:00:00")
        self.assertFalse(request.sla_missed)
        request.write({"stage_id": self.stage_done.id, "resolution": "Done late."})
        self.assertTrue(request.sla_missed)
        self.assertGreaterEqual(request.hours_to_close, 0.0)
        on_time = self.create_request(user_id=self.user_crm.id,
                                      date_deadline="2999-01-01 00:00:00")
        on_time.write({"stage_id": self.stage_cancelled.id})
        self.assertFalse(on_time.sla_missed)
