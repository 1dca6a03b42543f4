"""Routing rules are cached until a rule, or a record a rule refers to, changes."""
from .common import CrmRequestCase


class TestRequestRoutingCache(CrmRequestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rules = cls.env["crm.request.routing.rule"]
        cls.type_recall = cls.env["crm.request.type"].create({"name": "Product recall"})
        cls.rule = cls.rules.create({
            "name": "Recalls to field service", "sequence": 1,
            "request_type_ids": [(6, 0, cls.type_recall.ids)], "keywords": "recall",
            "team_id": cls.team_field.id})

    def routed_team(self):
        return self.create_request("About the recall", request_type=self.type_help).team_id

    def test_routing_reads_no_rule_while_none_changes(self):
        company_id = self.env.user.company_id.id
        self.rules._rules_data(company_id)
        with self.count_queries() as counter:
            self.rules._rules_data(company_id)
        self.assertEqual(counter["queries"], 0, "the rules come from the cache")

    def test_a_change_of_a_many2many_alone_is_seen(self):
        self.assertNotEqual(self.routed_team(), self.team_field)
        self.rule.write({"request_type_ids": [(4, self.type_help.id)]})
        self.assertEqual(self.routed_team(), self.team_field)
        self.rule.write({"request_type_ids": [(3, self.type_help.id)]})
        self.assertNotEqual(self.routed_team(), self.team_field)

    def test_deleting_a_record_a_rule_refers_to_is_seen(self):
        self.assertNotEqual(self.routed_team(), self.team_field)
        # the rule loses its only type in SQL (ON DELETE CASCADE): it now takes every type
        self.type_recall.unlink()
        self.assertFalse(self.rule.request_type_ids)
        self.assertEqual(self.routed_team(), self.team_field)

    def test_archiving_and_deleting_a_rule_are_seen(self):
        self.rule.request_type_ids = False
        self.assertEqual(self.routed_team(), self.team_field)
        self.rule.active = False
        self.assertNotEqual(self.routed_team(), self.team_field)
        self.rule.active = True
        self.assertEqual(self.routed_team(), self.team_field)
        self.rule.unlink()
        self.assertNotEqual(self.routed_team(), self.team_field)
