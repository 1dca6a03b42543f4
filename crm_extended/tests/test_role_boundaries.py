"""What an internal user sees beyond the documents' own screens, per role: the 360° timeline,
the profitability and forecast reports and unassigned requests follow the record rules of
the documents behind them (a salesperson who reads only their own orders sees only them)."""
from odoo.exceptions import AccessError

from .common import CrmRequestCase


class TestRoleBoundaries(CrmRequestCase):
    """Sally and Otto sell to the same customer, each reading their own documents only;
    Alma reads all documents; Rita is a CRM Extended user without sales rights; Manon
    manages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.otto = users.create({
            "name": "Otto Outside", "login": "crmx_otto", "email": "otto@example.com",
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])]})
        cls.alma = users.create({
            "name": "Alma All", "login": "crmx_alma", "email": "alma@example.com",
            "groups_id": [(6, 0, [
                cls.env.ref("sales_team.group_sale_salesman_all_leads").id])]})
        cls.sally = cls.user_salesman
        cls.orders = {user: cls.create_order(cls.customer, [(cls.product, 1, None)],
                                             user_id=user.id)
                      for user in (cls.sally, cls.otto)}
        cls.leads = {user: cls.env["crm.lead"].create({
            "name": "Chairs for %s" % user.name, "partner_id": cls.customer.id,
            "user_id": user.id, "planned_revenue": 1000})
            for user in (cls.sally, cls.otto)}
        cls.invoices = {user: cls.create_invoice(
            cls.customer, [(cls.product, quantity, 200.0)], user_id=user.id,
            date_invoice="2026-03-10")
            for user, quantity in ((cls.sally, 1), (cls.otto, 3))}
        cls.forecasts = {user: cls.env["crm.sales.forecast"].create({
            "date_from": "2026-03-01", "user_id": user.id, "quota": 1000})
            for user in (cls.sally, cls.otto)}
        cls.company_forecast = cls.env["crm.sales.forecast"].create({
            "date_from": "2026-03-01", "quota": 5000})
        cls.unassigned = cls.create_request("Where is my order?")
        cls.unassigned_internal = cls.create_request("Credit hold?", confidentiality="internal")
        cls.support_internal = cls.create_request(
            "Credit check", confidentiality="internal", team_id=cls.team_support.id)
        cls.env["crm.request"].invalidate_cache()

    # -- the timeline ------------------------------------------------------------------

    def timeline(self, user, res_model):
        rows = self.env["crm.partner.timeline"].sudo(user).search([
            ("commercial_partner_id", "=", self.customer.id), ("res_model", "=", res_model)])
        return set(rows.mapped("res_id"))

    def readable(self, user, model, records):
        documents = self.env[model].sudo(user)
        if not documents.check_access_rights("read", raise_exception=False):
            return set()
        return set(documents.search([("id", "in", [record.id for record in records])]).ids)

    def test_timeline_of_a_salesperson_reading_own_documents(self):
        self.assertEqual(self.timeline(self.sally, "sale.order"),
                         {self.orders[self.sally].id})
        self.assertEqual(self.timeline(self.sally, "crm.lead"), {self.leads[self.sally].id})
        # Odoo lets salespeople read every invoice (only its analysis is personal)
        self.assertEqual(self.timeline(self.sally, "account.invoice"),
                         set(self.env["account.invoice"].sudo(self.sally).search([
                             ("partner_id", "=", self.customer.id)]).ids))
        requests = self.timeline(self.sally, "crm.request")
        self.assertIn(self.unassigned.id, requests)
        self.assertFalse({self.unassigned_internal.id, self.support_internal.id} & requests)
        # the amounts of others' orders do not add up behind her back either
        groups = self.env["crm.partner.timeline"].sudo(self.sally).read_group(
            [("commercial_partner_id", "=", self.customer.id), ("kind", "=", "order")],
            ["amount", "kind"], ["kind"])
        self.assertEqual(groups[0]["amount"], self.orders[self.sally].amount_total)
        otto_row = self.env["crm.partner.timeline"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", self.orders[self.otto].id)])
        with self.assertRaises(AccessError):
            otto_row.sudo(self.sally).read(["name", "amount"])

    def test_timeline_of_the_other_roles(self):
        both_orders = {order.id for order in self.orders.values()}
        both_leads = {lead.id for lead in self.leads.values()}
        self.assertEqual(self.timeline(self.alma, "sale.order"), both_orders)
        self.assertEqual(self.timeline(self.alma, "crm.lead"), both_leads)
        self.assertEqual(self.timeline(self.user_manager, "sale.order"), both_orders)
        self.assertLessEqual({self.unassigned.id, self.unassigned_internal.id,
                              self.support_internal.id},
                             self.timeline(self.user_manager, "crm.request"))
        # Rita has no sales rights: the orders and leads she may open herself, if any
        # (none with the stock rights), and the requests of her team
        for model, documents in (("sale.order", self.orders), ("crm.lead", self.leads)):
            self.assertEqual(self.timeline(self.user_crm, model),
                             self.readable(self.user_crm, model, documents.values()))
        self.assertNotEqual(self.timeline(self.user_crm, "sale.order"), both_orders)
        rita = self.timeline(self.user_crm, "crm.request")
        self.assertIn(self.support_internal.id, rita)
        self.assertNotIn(self.unassigned_internal.id, rita)

    # -- requests ----------------------------------------------------------------------

    def test_unassigned_internal_requests_stay_with_the_people_involved(self):
        for user in (self.sally, self.otto, self.alma, self.user_crm):
            visible = self.env["crm.request"].sudo(user).search([
                ("id", "in", (self.unassigned | self.unassigned_internal).ids)])
            self.assertEqual(visible, self.unassigned, user.name)
            with self.assertRaises(AccessError):
                self.unassigned_internal.sudo(user).write({"name": "Taken"})
        # picking up an unassigned customer request: she takes it, it is hers
        self.unassigned.sudo(self.sally).write({"user_id": self.sally.id})
        self.assertEqual(self.unassigned.user_id, self.sally)
        with self.assertRaises(AccessError):
            self.unassigned.sudo(self.otto).read(["name"])
        self.assertEqual(self.env["crm.request"].sudo(self.user_manager).search([
            ("id", "=", self.unassigned_internal.id)]), self.unassigned_internal)

    # -- profitability -----------------------------------------------------------------

    def revenue(self, user, model="crm.profitability.report"):
        groups = self.env[model].sudo(user).read_group(
            [("partner_id", "=", self.customer.id)], ["revenue", "partner_id"], ["partner_id"])
        return sum(group["revenue"] for group in groups)

    def test_profitability_follows_the_invoice_analysis_rules(self):
        sally, otto = (self.invoices[self.sally].amount_untaxed,
                       self.invoices[self.otto].amount_untaxed)
        self.assertNotEqual(sally, otto)
        for model in ("crm.profitability.report", "crm.profitability.line"):
            self.assertAlmostEqual(self.revenue(self.sally, model), sally, places=2)
            self.assertAlmostEqual(self.revenue(self.otto, model), otto, places=2)
            self.assertAlmostEqual(self.revenue(self.alma, model), sally + otto, places=2)
            self.assertAlmostEqual(self.revenue(self.user_manager, model), sally + otto,
                                   places=2)
            self.assertEqual(self.revenue(self.user_crm, model), 0.0)
        otto_lines = self.env["crm.profitability.report"].search([
            ("invoice_id", "=", self.invoices[self.otto].id)])
        self.assertTrue(otto_lines)
        with self.assertRaises(AccessError):
            otto_lines.sudo(self.sally).read(["margin"])

    # -- forecasts ---------------------------------------------------------------------

    def test_forecasts_of_a_salesperson_are_their_own(self):
        every = self.company_forecast | self.forecasts[self.sally] | self.forecasts[self.otto]
        expected = {
            self.sally: self.forecasts[self.sally],
            self.otto: self.forecasts[self.otto],
            self.user_crm: self.env["crm.sales.forecast"],
            self.alma: every,
            self.user_manager: every,
        }
        for user, forecasts in expected.items():
            self.assertEqual(self.env["crm.sales.forecast"].sudo(user).search([
                ("id", "in", every.ids)]), forecasts, user.name)
            report = self.env["crm.sales.forecast.report"].sudo(user).search([
                ("forecast_id", "in", every.ids)])
            self.assertEqual(report.mapped("forecast_id"), forecasts, user.name)
        with self.assertRaises(AccessError):
            self.company_forecast.sudo(self.sally).read(["closed_amount"])
        # her own forecast still counts her own invoices
        self.assertAlmostEqual(self.forecasts[self.sally].sudo(self.sally).closed_amount,
                               self.invoices[self.sally].amount_untaxed, places=2)
