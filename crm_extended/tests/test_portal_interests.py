from .common import PortalHttpCase


class TestPortalInterests(PortalHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        areas = cls.env["crm.interest.area"]
        cls.area_public = areas.create({"name": "Ergonomic furniture", "is_public": True})
        cls.area_private = areas.create({"name": "Key accounts only", "is_public": False})
        cls.share_with_http()

    def change(self, area, action):
        return self.url_open("/my/interests/%d/%s" % (area.id, action),
                             data={"csrf_token": self.csrf_token()})

    def subscriptions(self):
        return self.env["crm.interest.subscription"].search([("partner_id", "=", self.contact.id)])

    def test_subscribe_and_opt_out_with_date_and_origin(self):
        self.authenticate("crmx_portal", "crmx_portal")
        page = self.url_open("/my/interests").text
        self.assertIn("Ergonomic furniture", page)
        self.assertNotIn("Key accounts only", page)
        self.assertIn("You are subscribed", self.change(self.area_public, "subscribe").text)
        subscription = self.subscriptions()
        self.assertEqual((subscription.area_id, subscription.origin, subscription.state),
                         (self.area_public, "portal", "subscribed"))
        self.assertTrue(subscription.subscribe_date)
        self.change(self.area_public, "opt_out")
        self.assertEqual((subscription.state, subscription.opt_out_origin),
                         ("opted_out", "portal"))
        self.assertTrue(subscription.opt_out_date)
        self.assertIn("o_interest_subscribe", self.url_open("/my/interests").text)

    def test_private_areas_are_not_reachable(self):
        self.authenticate("crmx_portal", "crmx_portal")
        self.assertEqual(self.change(self.area_private, "subscribe").status_code, 404)
        self.assertEqual(self.change(self.area_private, "bogus").status_code, 404)
        self.assertFalse(self.subscriptions())
