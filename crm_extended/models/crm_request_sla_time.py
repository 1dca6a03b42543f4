# Working-time arithmetic of service levels: hours of a calendar in a time zone, less leaves.
from datetime import datetime, time, timedelta

import pytz

from odoo import _, fields
from odoo.exceptions import UserError

# How far the arithmetic looks for working time before it calls a calendar empty.
HORIZON_DAYS = 3 * 366


class WorkingTime(object):
    """The working time of a calendar (None: round the clock) seen from the time zone
    `tz_name`, less `leaves` (pairs of naive UTC datetimes). Attendances are local times
    of the zone, leaves are absolute: the result does not depend on the server's zone nor
    on the user's. All arguments and results are naive UTC datetimes."""

    def __init__(self, attendances=None, leaves=(), tz_name="UTC", name=""):
        self.round_the_clock = attendances is None
        self.tz = pytz.timezone(tz_name or "UTC")
        self.name = name
        # weekday -> [(hour_from, hour_to, date_from, date_to)]
        self.attendances = {}
        for weekday, hour_from, hour_to, date_from, date_to in attendances or ():
            self.attendances.setdefault(int(weekday), []).append(
                (hour_from, hour_to, date_from, date_to))
        self.leaves = sorted(leaves)
        if not self.round_the_clock and not self.attendances:
            raise UserError(_("The working calendar %s has no working hours: service "
                              "level deadlines cannot be counted on it.") % name)

    @classmethod
    def from_calendar(cls, calendar, tz_name):
        """The working time of a resource.calendar (or round the clock without one), with
        its leaves and public holidays (resource.calendar.leaves of no resource)."""
        if not calendar:
            return cls(None, tz_name=tz_name)
        attendances = [(att.dayofweek, att.hour_from, att.hour_to,
                        att.date_from and datetime.strptime(att.date_from, "%Y-%m-%d").date(),
                        att.date_to and datetime.strptime(att.date_to, "%Y-%m-%d").date())
                       for att in calendar.sudo().attendance_ids]
        calendar.env.cr.execute("""
            SELECT date_from, date_to FROM resource_calendar_leaves
             WHERE resource_id IS NULL AND (calendar_id = %s OR (calendar_id IS NULL
                   AND (company_id IS NULL OR company_id = %s)))
        """, (calendar.id, calendar.company_id.id or None))
        # Odoo's cursor returns timestamps as strings
        leaves = [(fields.Datetime.from_string(date_from), fields.Datetime.from_string(date_to))
                  for date_from, date_to in calendar.env.cr.fetchall()]
        return cls(attendances, leaves, tz_name, calendar.name)

    # ------------------------------------------------------------------ intervals

    def _local_to_utc(self, local):
        return self.tz.localize(local, is_dst=False).astimezone(pytz.UTC).replace(tzinfo=None)

    def _day_intervals(self, day):
        """Working intervals (naive UTC, sorted) of the local calendar day `day`."""
        intervals = []
        for hour_from, hour_to, date_from, date_to in self.attendances.get(day.weekday(), ()):
            if (date_from and day < date_from) or (date_to and day > date_to):
                continue
            start = datetime.combine(day, time()) + timedelta(hours=hour_from)
            stop = datetime.combine(day, time()) + timedelta(hours=hour_to)
            intervals.append((self._local_to_utc(start), self._local_to_utc(stop)))
        return self._remove_leaves(sorted(intervals))

    def _remove_leaves(self, intervals):
        result = []
        for start, stop in intervals:
            pieces = [(start, stop)]
            for leave_from, leave_to in self.leaves:
                if leave_to <= start or leave_from >= stop:
                    continue
                pieces = [piece for piece_start, piece_stop in pieces for piece in (
                    (piece_start, min(piece_stop, leave_from)),
                    (max(piece_start, leave_to), piece_stop)) if piece[0] < piece[1]]
            result.extend(pieces)
        return result

    def _intervals_from(self, moment):
        """Working intervals from `moment` on, in order (clipped to start at `moment`)."""
        day = pytz.UTC.localize(moment).astimezone(self.tz).date() - timedelta(days=1)
        for _offset in range(HORIZON_DAYS):
            for start, stop in self._day_intervals(day):
                if stop > moment:
                    yield max(start, moment), stop
            day += timedelta(days=1)

    # ------------------------------------------------------------------ arithmetic

    def add_hours(self, moment, hours):
        """The moment `hours` working hours after `moment`."""
        if hours <= 0:
            return moment
        if self.round_the_clock:
            return moment + timedelta(hours=hours)
        left = timedelta(hours=hours)
        for start, stop in self._intervals_from(moment):
            if stop - start >= left:
                return start + left
            left -= stop - start
        raise UserError(_("The working calendar %s has no working time left within three "
                          "years: the deadline cannot be computed.") % self.name)

    def hours_between(self, date_from, date_to):
        """Working hours between two moments (0 when `date_to` is not after `date_from`)."""
        if date_to <= date_from:
            return 0.0
        if self.round_the_clock:
            return (date_to - date_from).total_seconds() / 3600.0
        total = timedelta()
        for start, stop in self._intervals_from(date_from):
            if start >= date_to:
                break
            total += min(stop, date_to) - start
        return total.total_seconds() / 3600.0

    def add_days(self, moment, days):
        """The end of the `days`-th working day after the local day of `moment` (calendar
        days round the clock)."""
        if self.round_the_clock:
            return moment + timedelta(days=days)
        day = pytz.UTC.localize(moment).astimezone(self.tz).date()
        for _offset in range(HORIZON_DAYS):
            day += timedelta(days=1)
            intervals = self._day_intervals(day)
            if intervals:
                days -= 1
                if days <= 0:
                    return intervals[-1][1]
        raise UserError(_("The working calendar %s has no working day left within three "
                          "years.") % self.name)
