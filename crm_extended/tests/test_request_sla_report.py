from .sla_common import SlaCase, at


class TestSlaAnalysis(SlaCase):
    """The SLA analysis of a policy of its own: lines whose outcome and hours are known."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.response = cls.create_policy("Crmx report response", 4, target="first_response")
        cls.resolution = cls.create_policy("Crmx report resolution", 16)
        Line = cls.env["crm.request.sla.line"]
        request = cls.env["crm.request"].create({
            "name": "Crmx report", "partner_id": cls.customer.id,
            "request_type_id": cls.type_help.id, "team_id": cls.team_field.id})
        # first responses after 1, 2, ... 10 working hours: the first four in time
        for hours in range(1, 11):
            Line.create({
                "request_id": request.id, "policy_id": cls.response.id,
                "target": "first_response", "time_hours": 4, "date_start": at("2026-11-02 08:00"),
                "deadline": at("2026-11-02 12:00"), "state": "met" if hours <= 4 else "missed",
                "consumed_hours": hours, "date_met": at("2026-11-03 08:00")})
        for state, hours, paused in (("met", 10, 3), ("met", 14, 0), ("missed", 20, 5)):
            Line.create({
                "request_id": request.id, "policy_id": cls.resolution.id,
                "target": "resolution", "time_hours": 16, "date_start": at("2026-11-02 08:00"),
                "deadline": at("2026-11-04 08:00"), "state": state, "consumed_hours": hours,
                "paused_hours": paused, "date_met": at("2026-11-05 08:00")})
        # still running, past its deadline: counted as missed; cancelled: left out
        Line.create({
            "request_id": request.id, "policy_id": cls.resolution.id, "target": "resolution",
            "time_hours": 16, "date_start": at("2026-11-02 08:00"),
            "deadline": at("2026-11-04 08:00"), "state": "running"})
        Line.create({
            "request_id": request.id, "policy_id": cls.resolution.id, "target": "resolution",
            "time_hours": 16, "date_start": at("2026-11-02 08:00"), "state": "cancelled",
            "consumed_hours": 99})

    def analysis(self):
        groups = self.env["crm.request.sla.report"].read_group(
            [("policy_id", "in", (self.response | self.resolution).ids)],
            ["met_count", "missed_count", "met_rate", "response_hours", "response_hours_p90",
             "resolution_hours", "resolution_hours_p90", "paused_hours", "line_count",
             "policy_id"],
            ["policy_id"])
        return {group["policy_id"][0]: group for group in groups}

    def test_met_missed_share_and_hours_to_first_response(self):
        response = self.analysis()[self.response.id]
        self.assertEqual((response["met_count"], response["missed_count"]), (4, 6))
        self.assertAlmostEqual(response["met_rate"], 40.0)
        self.assertAlmostEqual(response["response_hours"], 5.5)
        # 90th percentile of 1..10 by linear interpolation: 9 + 0.1 * (10 - 9)
        self.assertAlmostEqual(response["response_hours_p90"], 9.1)

    def test_resolution_hours_paused_hours_and_lines_left_out(self):
        resolution = self.analysis()[self.resolution.id]
        self.assertEqual(resolution["line_count"], 4, "the cancelled line is left out")
        self.assertEqual((resolution["met_count"], resolution["missed_count"]), (2, 2))
        self.assertAlmostEqual(resolution["met_rate"], 50.0)
        self.assertAlmostEqual(resolution["resolution_hours"], (10 + 14 + 20) / 3.0)
        self.assertAlmostEqual(resolution["resolution_hours_p90"], 14 + 0.8 * (20 - 14))
        self.assertAlmostEqual(resolution["paused_hours"], 8.0)

    def test_uninstall_drops_the_percentile_aggregate(self):
        # Odoo's uninstall drops tables and columns, not SQL functions: the hook must
        # (the SLA part of it only: the test's transaction is rolled back, the aggregate
        # comes back with it)
        from ..hooks import _sla_uninstall
        from ..report.crm_request_sla_report import P90_AGGREGATE

        def functions():
            self.env.cr.execute("SELECT proname FROM pg_proc WHERE proname LIKE %s",
                                (P90_AGGREGATE + "%",))
            return sorted(row[0] for row in self.env.cr.fetchall())

        self.assertEqual(functions(), [P90_AGGREGATE, P90_AGGREGATE + "_final"])
        _sla_uninstall(self.env.cr)
        self.assertEqual(functions(), [])
