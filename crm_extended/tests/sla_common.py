"""Fixtures of the service level tests: a calendar of their own (Monday to Friday, 8-12 and
13-17), the company in UTC unless a test says otherwise, and a helper for policies."""
from datetime import datetime

from odoo import fields

from .common import CrmRequestCase


def at(text):
    """'2026-12-07 09:00' as Odoo stores datetimes (naive UTC)."""
    return fields.Datetime.to_string(datetime.strptime(text, "%Y-%m-%d %H:%M"))


class SlaCase(CrmRequestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Crmx office hours", "company_id": cls.company.id,
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": "Crmx %s %s" % (day, hour_from), "dayofweek": str(day),
                        "hour_from": hour_from, "hour_to": hour_to})
                for day in range(5) for hour_from, hour_to in ((8, 12), (13, 17))],
        })
        cls.stage_waiting = cls.env.ref("crm_extended.request_stage_waiting")
        cls.Request = cls.env["crm.request"]

    @classmethod
    def create_policy(cls, name, hours, target="resolution", **values):
        values.setdefault("team_ids", [(6, 0, cls.team_support.ids)])
        values.setdefault("calendar_id", cls.calendar.id)
        return cls.env["crm.request.sla.policy"].create(dict(
            values, name=name, time_hours=hours, target=target, company_id=cls.company.id))

    def file_request(self, when, name="Chair broken", **values):
        values.setdefault("team_id", self.team_support.id)
        values.setdefault("user_id", self.user_crm.id)
        return self.create_request_at(when, name, **values)

    def create_request_at(self, when, name, **values):
        Request = self.Request.with_context(sla_now=at(when))
        values.setdefault("partner_id", self.customer.id)
        values.setdefault("request_type_id", self.type_help.id)
        values["name"] = name
        return Request.create(values)

    def at(self, request, when):
        return request.with_context(sla_now=at(when))

    def line(self, request, policy):
        return request.sla_line_ids.filtered(lambda line: line.policy_id == policy)

    def assertMinutes(self, hours, minutes, msg=None):
        self.assertEqual(round(hours * 60, 6), minutes, msg)
