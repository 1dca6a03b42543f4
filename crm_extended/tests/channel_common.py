"""Channel fixtures: two resellers of different territories, each with a portal user."""
from datetime import timedelta

from odoo import fields


class ChannelFixtures:
    """West Coast Office (silver, California, and the United States as a whole) and East
    Coast Office (gold, New York and the United States), each with a portal user; the
    shared customer's portal user (PortalCase) is not a reseller."""

    @classmethod
    def create_channel_fixtures(cls):
        env = cls.env
        # the resellers of the demo data (or of the database) take no part in these tests
        env["res.partner"].search([("is_channel_partner", "=", True)]).write(
            {"is_channel_partner": False})
        cls.us = env.ref("base.us")
        cls.california = env.ref("base.state_us_5")
        cls.new_york = env.ref("base.state_us_27")
        cls.texas = env.ref("base.state_us_44")
        cls.grade_gold = env["crm.partner.grade"].create({"name": "Crmx Gold", "weight": 10})
        cls.grade_silver = env["crm.partner.grade"].create({"name": "Crmx Silver", "weight": 5})
        cls.reseller_west = cls.create_reseller("West Coast Office", cls.grade_silver,
                                                cls.california)
        cls.reseller_east = cls.create_reseller("East Coast Office", cls.grade_gold,
                                                cls.new_york)
        cls.portal_west = cls.create_reseller_user(cls.reseller_west, "crmx_reseller_west")
        cls.portal_east = cls.create_reseller_user(cls.reseller_east, "crmx_reseller_east")
        stages = env["crm.stage"]
        cls.stage_open = stages.create({"name": "Crmx Proposal Sent", "sequence": 50,
                                        "probability": 40, "partner_visible": True})
        cls.stage_internal = stages.create({"name": "Crmx Credit Check", "sequence": 51,
                                            "probability": 60})
        cls.lost_reason = env["crm.lost.reason"].create({"name": "Crmx Too expensive"})

    @classmethod
    def create_reseller(cls, name, grade, state, capacity=10):
        return cls.env["res.partner"].create({
            "name": name, "is_company": True, "customer": False,
            "email": "%s@reseller.example.com" % name.split()[0].lower(),
            "is_channel_partner": True, "partner_grade_id": grade.id,
            "partner_country_ids": [(6, 0, cls.us.ids)],
            "partner_state_ids": [(6, 0, state.ids)], "partner_capacity": capacity,
        })

    @classmethod
    def create_reseller_user(cls, reseller, login):
        contact = cls.env["res.partner"].create({
            "name": "%s Agent" % reseller.name, "parent_id": reseller.id,
            "email": "%s@reseller.example.com" % login,
        })
        return cls.create_portal_user(contact, login)

    @classmethod
    def create_lead(cls, name, state=None, **values):
        values.update(name=name, country_id=cls.us.id, state_id=state and state.id,
                      partner_name=values.get("partner_name", name + " Inc."),
                      email_from=values.get("email_from",
                                            "%s@lead.example.com" % name.lower().replace(" ", "")))
        values.setdefault("type", "lead")
        values.setdefault("user_id", cls.user_salesman.id)
        return cls.env["crm.lead"].create(values)

    @classmethod
    def propose(cls, lead, reseller):
        """``lead`` proposed to ``reseller`` by hand."""
        lead.write({"partner_assigned_id": reseller.id})
        return lead

    @staticmethod
    def past(hours=1):
        return fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now())
                                         - timedelta(hours=hours))
