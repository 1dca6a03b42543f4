from odoo import fields
from odoo.exceptions import UserError

from ..models.crm_request_sla_time import WorkingTime
from .sla_common import SlaCase, at


def moment(text):
    return fields.Datetime.from_string(at(text))


class TestSlaWorkingTime(SlaCase):
    """Working hours of the office calendar (Monday to Friday, 8-12 and 13-17 local time)."""

    def working_time(self, tz_name):
        return WorkingTime.from_calendar(self.calendar, tz_name)

    def test_hours_carry_over_the_night_and_the_weekend(self):
        office = self.working_time("UTC")
        # Friday 15:00 + 4 h: 2 h on Friday, the other 2 on Monday morning.
        self.assertEqual(office.add_hours(moment("2026-12-04 15:00"), 4),
                         moment("2026-12-07 10:00"))
        # the lunch break does not count
        self.assertEqual(office.add_hours(moment("2026-12-07 11:00"), 2),
                         moment("2026-12-07 14:00"))
        # from Saturday, the clock starts on Monday at 8
        self.assertEqual(office.add_hours(moment("2026-12-05 10:00"), 1),
                         moment("2026-12-07 09:00"))
        self.assertEqual(office.hours_between(moment("2026-12-04 15:00"),
                                              moment("2026-12-07 10:00")), 4.0)

    def test_public_holidays_and_leaves_do_not_count(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Crmx holiday", "calendar_id": self.calendar.id,
            "date_from": at("2026-12-07 00:00"), "date_to": at("2026-12-07 23:59")})
        self.env["resource.calendar.leaves"].create({
            "name": "Crmx afternoon off", "calendar_id": self.calendar.id,
            "date_from": at("2026-12-08 13:00"), "date_to": at("2026-12-08 17:00")})
        office = self.working_time("UTC")
        self.assertEqual(office.add_hours(moment("2026-12-04 15:00"), 4),
                         moment("2026-12-08 10:00"))
        self.assertEqual(office.add_hours(moment("2026-12-04 15:00"), 8),
                         moment("2026-12-09 10:00"))
        self.assertEqual(office.hours_between(moment("2026-12-04 08:00"),
                                              moment("2026-12-09 08:00")), 12.0)

    def test_two_time_zones_count_local_office_hours(self):
        # Madrid is UTC+1 in December: Friday 15:00 local is 14:00 UTC, and 4 working hours
        # later is Monday 10:00 local, 09:00 UTC.
        madrid = self.working_time("Europe/Madrid")
        self.assertEqual(madrid.add_hours(moment("2026-12-04 14:00"), 4),
                         moment("2026-12-07 09:00"))
        # New York is UTC-5: the same local hours fall six hours later in UTC.
        new_york = self.working_time("America/New_York")
        self.assertEqual(new_york.add_hours(moment("2026-12-04 20:00"), 4),
                         moment("2026-12-07 15:00"))
        # 08:30 UTC on Monday: working time in Madrid (09:30), night in New York (03:30).
        self.assertEqual(madrid.hours_between(moment("2026-12-07 08:30"),
                                              moment("2026-12-07 09:30")), 1.0)
        self.assertEqual(new_york.hours_between(moment("2026-12-07 08:30"),
                                                moment("2026-12-07 09:30")), 0.0)

    def test_summer_time_change_keeps_local_office_hours(self):
        # Madrid moves to UTC+2 on Sunday 28 March 2027: Monday 10:00 local is 08:00 UTC.
        madrid = self.working_time("Europe/Madrid")
        self.assertEqual(madrid.add_hours(moment("2027-03-26 14:00"), 4),
                         moment("2027-03-29 08:00"))

    def test_the_server_and_user_time_zones_do_not_matter(self):
        self.env.user.tz = "Asia/Tokyo"
        office = WorkingTime.from_calendar(self.calendar.with_context(tz="Pacific/Auckland"),
                                           "UTC")
        self.assertEqual(office.add_hours(moment("2026-12-04 15:00"), 4),
                         moment("2026-12-07 10:00"))

    def test_round_the_clock_without_calendar(self):
        clock = WorkingTime.from_calendar(self.env["resource.calendar"], "Europe/Madrid")
        self.assertEqual(clock.add_hours(moment("2026-12-04 15:00"), 4),
                         moment("2026-12-04 19:00"))
        self.assertEqual(clock.hours_between(moment("2026-12-05 10:00"),
                                             moment("2026-12-05 11:30")), 1.5)

    def test_working_days_end_at_the_close_of_the_last_one(self):
        office = self.working_time("UTC")
        self.assertEqual(office.add_days(moment("2026-12-04 15:00"), 2),
                         moment("2026-12-08 17:00"))

    def test_calendar_without_hours_is_refused(self):
        empty = self.env["resource.calendar"].create({
            "name": "Crmx empty", "attendance_ids": [(5, 0, 0)]})
        with self.assertRaises(UserError):
            WorkingTime.from_calendar(empty, "UTC")
