from .channel_common import ChannelFixtures
from .common import PortalCase


class TestChannelReport(ChannelFixtures, PortalCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_channel_fixtures()
        cls.won, cls.lost, cls.open, cls.passed = (
            cls.create_lead("Report %s" % name, cls.california, planned_revenue=revenue)
            for name, revenue in (("won", 1000.0), ("lost", 2000.0), ("open", 500.0),
                                  ("passed", 300.0)))
        leads = cls.won | cls.lost | cls.open | cls.passed
        leads.action_assign_partner()
        for lead in cls.won | cls.lost | cls.open:
            lead._partner_accept(cls.reseller_west)
        cls.passed._partner_decline(cls.reseller_west, "Too small")
        cls.passed._partner_accept(cls.reseller_east)
        cls.won.action_set_won()
        cls.lost.action_set_lost()

    def figures(self, reseller):
        Report = self.env["crm.partner.report"]
        fields = ["assigned_count", "accepted_share", "hours_to_accept", "win_rate",
                  "revenue_won", "open_pipeline", "partner_id"]
        return Report.read_group([("partner_id", "=", reseller.id)], fields, ["partner_id"])[0]

    def test_figures_by_reseller_reconcile_with_the_leads(self):
        west = self.figures(self.reseller_west)
        self.assertEqual(west["assigned_count"], 4)
        self.assertAlmostEqual(west["accepted_share"], 75.0)
        self.assertAlmostEqual(west["win_rate"], 50.0)
        leads = self.env["crm.lead"].with_context(active_test=False).search(
            [("partner_assigned_id", "=", self.reseller_west.id)])
        won = leads.filtered(lambda lead: lead.active and lead.probability == 100)
        still_open = leads.filtered(lambda lead: lead.active and lead.probability < 100)
        self.assertAlmostEqual(west["revenue_won"], sum(won.mapped("planned_revenue")), 2)
        self.assertAlmostEqual(west["open_pipeline"], sum(still_open.mapped("planned_revenue")),
                               2)
        self.assertEqual(round(self.reseller_west.partner_win_rate), 50)
        east = self.figures(self.reseller_east)
        self.assertEqual((east["assigned_count"], east["accepted_share"]), (1, 100.0))
        self.assertAlmostEqual(east["open_pipeline"], self.passed.planned_revenue, 2)

    def test_grouped_by_grade_territory_and_month(self):
        Report = self.env["crm.partner.report"]
        mine = [("partner_id", "in", (self.reseller_west | self.reseller_east).ids)]
        for groupby in ("grade_id", "state_id", "country_id", "date:month"):
            groups = Report.read_group(mine, ["assigned_count", groupby.split(":")[0]],
                                       [groupby])
            self.assertEqual(sum(group["assigned_count"] for group in groups), 5, groupby)
        by_grade = {group["grade_id"][0]: group["assigned_count"] for group in
                    Report.read_group(mine, ["assigned_count", "grade_id"], ["grade_id"])}
        self.assertEqual(by_grade, {self.grade_silver.id: 4, self.grade_gold.id: 1})

    def test_smart_button_opens_the_resellers_rows(self):
        action = self.reseller_west.action_view_partner_report()
        self.assertEqual(self.env[action["res_model"]].search_count(action["domain"]), 4)
        self.assertEqual(self.reseller_west.partner_assigned_count, 1)
