import xmlrpc.client

from odoo.tests.common import HOST, PORT, get_db_name

from .channel_common import ChannelFixtures
from .common import PortalHttpCase


class TestPortalChannel(ChannelFixtures, PortalHttpCase):
    """Two resellers of different territories, each with a portal user, and a customer's
    portal user, over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_channel_fixtures()
        cls.lead_west = cls.create_lead("Redwood Dental", cls.california,
                                        description="Internal: owner is a friend of our CEO",
                                        planned_revenue=7000)
        cls.lead_east = cls.create_lead("Harlem Bistro", cls.new_york, planned_revenue=3000)
        (cls.lead_west | cls.lead_east).action_assign_partner()
        cls.share_with_http()

    def login(self, user):
        self.authenticate(user.login, user.login)
        # one token per session: fewer requests on a loaded machine
        self.token = self.csrf_token()

    def post(self, url, **data):
        data["csrf_token"] = self.token
        return self.url_open(url, data=data, allow_redirects=False)

    def test_each_sees_only_its_own_leads_the_customer_none(self):
        for user, mine, other in ((self.portal_west, self.lead_west, self.lead_east),
                                  (self.portal_east, self.lead_east, self.lead_west)):
            self.login(user)
            body = self.url_open("/my/leads").text
            self.assertIn(mine.name, body)
            self.assertNotIn(other.name, body)
            self.assertIn('href="/my/leads"', self.url_open("/my/home").text)
            self.assertNotIn("friend of our CEO", self.url_open("/my/leads/%d" % mine.id).text)
        self.login(self.portal_user)
        home = self.url_open("/my/home").text
        self.assertNotIn('href="/my/leads"', home)
        for url in ("/my/leads", "/my/opportunities"):
            body = self.url_open(url).text
            self.assertNotIn(self.lead_west.name, body)
            self.assertNotIn(self.lead_east.name, body)

    def test_every_route_refuses_the_others_ids(self):
        routes = ["/my/leads/%d/accept", "/my/leads/%d/decline",
                  "/my/opportunities/%d/update", "/my/opportunities/%d/message",
                  "/my/opportunities/%d/won", "/my/opportunities/%d/lost",
                  "/my/opportunities/%d/propose_change"]
        for user in (self.portal_east, self.portal_user):
            self.login(user)
            for url in ("/my/leads/%d", "/my/opportunities/%d"):
                response = self.url_open(url % self.lead_west.id, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303, 404))
                self.assertNotIn(self.lead_west.name, response.text)
            for route in routes:
                response = self.post(route % self.lead_west.id, reason="mine now",
                                     message="hello", planned_revenue="1",
                                     lost_reason_id=str(self.lost_reason.id))
                self.assertEqual(response.status_code, 404, route)
                self.assertNotIn(self.lead_west.name, response.text)
        self.assertEqual((self.lead_west.partner_assigned_id, self.lead_west.partner_assign_state,
                          self.lead_west.planned_revenue, self.lead_west.active),
                         (self.reseller_west, "proposed", 7000, True))
        self.assertFalse(self.lead_west.message_ids.filtered(
            lambda message: "hello" in (message.body or "")))

    def test_accept_then_work_the_opportunity(self):
        self.login(self.portal_west)
        url = "/my/opportunities/%d" % self.lead_west.id
        # working before accepting is refused
        self.assertIn("Accept this lead", self.post(url + "/won").text)
        response = self.post("/my/leads/%d/accept" % self.lead_west.id)
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(self.lead_west.partner_assign_state, "accepted")
        self.assertIn(self.lead_west.name, self.url_open("/my/opportunities").text)
        self.assertIn("already been accepted",
                      self.post("/my/leads/%d/accept" % self.lead_west.id).text)

        refused = self.post(url + "/update", stage_id=str(self.stage_internal.id),
                            planned_revenue="9000")
        self.assertIn("not open to resellers", refused.text)
        self.assertEqual(self.lead_west.planned_revenue, 7000, "nothing half-written")
        self.assertIn("must be a number", self.post(url + "/update", planned_revenue="lots").text)
        self.assertIn("cannot be negative", self.post(url + "/update", planned_revenue="-1").text)
        self.assertEqual(self.lead_west.planned_revenue, 7000, "nothing half-written")
        self.post(url + "/update", stage_id=str(self.stage_open.id), planned_revenue="8500",
                  date_deadline="2027-01-31", next_step="Demo at their office",
                  next_step_date="2027-01-10")
        self.assertEqual((self.lead_west.stage_id, self.lead_west.planned_revenue,
                          self.lead_west.date_deadline, self.lead_west.next_step),
                         (self.stage_open, 8500, "2027-01-31", "Demo at their office"))

        self.post(url + "/message", message="Met the owner today")
        self.assertIn("Met the owner today", self.url_open(url).text)
        name = self.lead_west.partner_name
        self.post(url + "/propose_change", message="The company is now Redwood Dental LLC")
        self.assertEqual(self.lead_west.partner_name, name, "master data stays ours")
        self.assertTrue(self.lead_west.message_ids.filtered(
            lambda message: "Redwood Dental LLC" in (message.body or "")))

        self.assertIn("choose why", self.post(url + "/lost", lost_reason_id="").text)
        self.assertTrue(self.lead_west.active)
        self.post(url + "/lost", lost_reason_id=str(self.lost_reason.id), reason="Budget cut")
        self.assertFalse(self.lead_west.active)
        self.assertEqual(self.lead_west.lost_reason, self.lost_reason)

    def test_mark_won(self):
        self.login(self.portal_east)
        self.post("/my/leads/%d/accept" % self.lead_east.id)
        self.post("/my/opportunities/%d/won" % self.lead_east.id)
        self.assertEqual(self.lead_east.probability, 100)

    def test_decline_needs_a_reason_then_goes_to_the_next(self):
        self.login(self.portal_west)
        response = self.post("/my/leads/%d/decline" % self.lead_west.id, reason=" ")
        self.assertIn("say why", response.text)
        self.assertEqual(self.lead_west.partner_assigned_id, self.reseller_west)
        self.post("/my/leads/%d/decline" % self.lead_west.id, reason="Outside our area")
        self.assertEqual(self.lead_west.partner_assigned_id, self.reseller_east)
        self.assertNotIn(self.lead_west.name, self.url_open("/my/leads").text)
        self.login(self.portal_east)
        page = self.url_open("/my/leads/%d" % self.lead_west.id).text
        self.assertIn(self.lead_west.name, page)
        self.assertNotIn("Outside our area", page)

    def test_accept_after_the_deadline(self):
        self.env.cr.execute("UPDATE crm_lead SET partner_accept_deadline = %s WHERE id = %s",
                            (self.past(), self.lead_west.id))
        self.login(self.portal_west)
        response = self.post("/my/leads/%d/accept" % self.lead_west.id)
        self.assertIn("expired", response.text)
        self.assertEqual(self.lead_west.partner_assign_state, "proposed")

    def test_deal_registration_and_duplicates(self):
        self.login(self.portal_west)
        form = self.url_open("/my/opportunities/new").text
        self.assertIn(self.product.name, form)
        count = self.env["crm.lead"].search_count([])
        duplicate = self.post("/my/opportunities/new", partner_name="Azure Interior",
                              contact_name="X", email_from="x@example.com")
        self.assertIn("already known to us", duplicate.text)
        self.assertNotIn("Brandon", duplicate.text)
        self.assertEqual(self.env["crm.lead"].search_count([]), count)
        for amount, refusal in (("lots", "The expected amount must be a number."),
                                ("-5", "The expected amount cannot be negative.")):
            refused = self.post("/my/opportunities/new", partner_name="Mission Robotics",
                                contact_name="Ada", email_from="ada@mission.example.com",
                                planned_revenue=amount)
            self.assertIn(refusal, refused.text)
        self.assertEqual(self.env["crm.lead"].search_count([]), count)
        response = self.post("/my/opportunities/new", partner_name="Mission Robotics",
                             contact_name="Ada", email_from="ada@mission.example.com",
                             planned_revenue="12000", product_ids=str(self.product.id))
        self.assertIn(response.status_code, (302, 303))
        lead = self.env["crm.lead"].search([("partner_name", "=", "Mission Robotics")])
        self.assertEqual((lead.partner_registration_state, lead.partner_product_ids),
                         ("submitted", self.product))
        self.assertIn("Mission Robotics", self.url_open("/my/opportunities").text)
        self.login(self.portal_user)
        self.assertEqual(self.url_open("/my/opportunities/new", allow_redirects=False)
                         .status_code, 302)

    def test_rpc_reaches_nothing_more(self):
        self.login(self.portal_west)
        call = "/web/dataset/call_kw/crm.lead/search_read"
        rows = self.json_call(call, model="crm.lead", method="search_read", args=[[]],
                              kwargs={})
        self.assertEqual([row["id"] for row in rows], self.lead_west.ids)
        self.assertNotIn("description", rows[0])
        self.assertIsNone(self.json_call(call, model="crm.lead", method="read",
                                         args=[self.lead_west.ids, ["description"]],
                                         kwargs={}))
        self.assertIsNone(self.json_call(call, model="crm.lead", method="read",
                                         args=[self.lead_east.ids, ["name"]], kwargs={}))

    def test_xmlrpc_assign_and_the_reseller_refused(self):
        self.env["res.users"].browse(self.user_salesman.id).password = "crmx_salesman"
        lead = self.create_lead("Fresno Orchard", self.california)
        self.share_with_http()
        proxy = xmlrpc.client.ServerProxy("http://%s:%s/xmlrpc/2/object" % (HOST, PORT))
        db = get_db_name()
        assigned = proxy.execute_kw(db, self.user_salesman.id, "crmx_salesman", "crm.lead",
                                    "action_assign_partner", [lead.ids])
        self.env.cache.invalidate()
        self.assertEqual(assigned, 1)
        self.assertEqual(lead.partner_assigned_id, self.reseller_west)
        with self.assertRaises(xmlrpc.client.Fault):
            proxy.execute_kw(db, self.portal_west.id, "crmx_reseller_west", "crm.lead",
                             "read", [self.lead_west.ids, ["description"]])
        with self.assertRaises(xmlrpc.client.Fault):
            proxy.execute_kw(db, self.portal_east.id, "crmx_reseller_east", "crm.lead",
                             "action_assign_partner", [self.lead_east.ids])

    def test_expiry_by_the_scheduled_action_moves_the_lead_between_portals(self):
        self.env.cr.execute("UPDATE crm_lead SET partner_accept_deadline = %s WHERE id = %s",
                            (self.past(), self.lead_west.id))
        self.env.ref("crm_extended.ir_cron_partner_proposal_expiry").method_direct_trigger()
        self.share_with_http()
        self.login(self.portal_west)
        self.assertNotIn(self.lead_west.name, self.url_open("/my/leads").text)
        response = self.post("/my/leads/%d/accept" % self.lead_west.id)
        self.assertEqual(response.status_code, 404)
        self.login(self.portal_east)
        self.assertIn(self.lead_west.name, self.url_open("/my/leads").text)
        self.post("/my/leads/%d/accept" % self.lead_west.id)
        self.assertEqual((self.lead_west.partner_assigned_id, self.lead_west.partner_assign_state),
                         (self.reseller_east, "accepted"))
