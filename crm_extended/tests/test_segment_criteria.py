import datetime

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from .common import CrmExtendedCase


class SegmentCase(CrmExtendedCase):
    """Five customers whose purchases put them in or out of each criterion:

    alpha    chair x5 = 1000 (today-5), desk 300 (today-200); orders today-5, today-60
    beta     desk 500 (today-30), credit note -200 (today-20); orders today-61, today-10
    gamma    chair 200 (today-400)
    delta    nothing; Belgian, tagged VIP
    epsilon  installation 2 x 80 = 160 (today-31)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        categories = cls.env["product.category"]
        cls.furniture = categories.create({"name": "Furniture"})
        cls.desks = categories.create({"name": "Desks", "parent_id": cls.furniture.id})
        cls.desk = cls.create_product("Standing Desk", list_price=500.0, cost=250.0,
                                      categ_id=cls.desks.id)
        cls.product.categ_id = categories.create({"name": "Seating"})
        cls.vip = cls.env["res.partner.category"].create({"name": "VIP"})
        partners = cls.env["res.partner"]
        cls.alpha, cls.beta, cls.gamma, cls.delta, cls.epsilon = [
            partners.create({"name": name, "customer": True, "is_company": True,
                             "email": "%s@example.com" % name.lower()})
            for name in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon")]
        cls.delta.write({"country_id": cls.env.ref("base.be").id,
                         "category_id": [(4, cls.vip.id)]})
        cls.alpha.country_id = cls.env.ref("base.fr")
        cls.partners = cls.alpha | cls.beta | cls.gamma | cls.delta | cls.epsilon

        cls.invoice(cls.alpha, 5, [(cls.product, 5, 200.0)])
        cls.invoice(cls.alpha, 200, [(cls.desk, 1, 300.0)])
        cls.invoice(cls.beta, 30, [(cls.desk, 1, 500.0)])
        cls.invoice(cls.beta, 20, [(cls.desk, 1, 200.0)], inv_type="out_refund")
        cls.invoice(cls.gamma, 400, [(cls.product, 1, 200.0)])
        cls.invoice(cls.epsilon, 31, [(cls.service, 2, 80.0)])
        for partner, days_ago in ((cls.alpha, 5), (cls.alpha, 60),
                                  (cls.beta, 61), (cls.beta, 10)):
            cls.create_order(partner, [(cls.product, 1, None)],
                             date_order=fields.Datetime.to_string(cls.days_ago(days_ago)))

    @classmethod
    def days_ago(cls, days):
        return datetime.datetime.combine(cls.today - datetime.timedelta(days=days),
                                         datetime.time(12, 0))

    @classmethod
    def invoice(cls, partner, days_ago, lines, inv_type="out_invoice"):
        return cls.create_invoice(
            partner, lines, inv_type=inv_type,
            date_invoice=fields.Date.to_string(cls.today - datetime.timedelta(days=days_ago)))

    def segment(self, **criteria):
        criteria.setdefault("name", "Test segment")
        return self.env["crm.segment"].create(criteria)

    def matched(self, segment):
        """The segment's members among this test's five customers (other customers of
        the database may match too and are not this test's business)."""
        return self.partners & self.env["res.partner"].browse(segment._get_partner_ids())


class TestSegmentCriteria(SegmentCase):

    def test_invoiced_within_includes_the_window_boundary(self):
        self.assertEqual(self.matched(self.segment(last_invoice_within_days=30)),
                         self.alpha | self.beta)
        self.assertEqual(self.matched(self.segment(last_invoice_within_days=31)),
                         self.alpha | self.beta | self.epsilon)

    def test_not_invoiced_within_keeps_lapsed_customers_only(self):
        # beta's last invoice is exactly 30 days old: still inside; delta never bought.
        self.assertEqual(self.matched(self.segment(last_invoice_not_within_days=30)),
                         self.gamma | self.epsilon)

    def test_revenue_nets_credit_notes_within_the_window(self):
        # Revenue over 365 days: alpha 1300, beta 500 - 200 = 300, epsilon 160,
        # gamma 0 (its invoice is older), delta 0.
        self.assertEqual(self.matched(self.segment(revenue_min=300, revenue_window_days=365)),
                         self.alpha | self.beta)
        self.assertEqual(self.matched(self.segment(revenue_min=301, revenue_window_days=365)),
                         self.alpha)
        self.assertEqual(self.matched(self.segment(revenue_max=300, revenue_window_days=365)),
                         self.beta | self.gamma | self.delta | self.epsilon)
        self.assertEqual(self.matched(self.segment(
            revenue_min=100, revenue_max=300, revenue_window_days=365)),
            self.beta | self.epsilon)
        # A window of 30 days: alpha 1000, beta 300 (invoice at the boundary counts).
        self.assertEqual(self.matched(self.segment(revenue_min=300, revenue_window_days=30)),
                         self.alpha | self.beta)
        self.assertEqual(self.matched(self.segment(revenue_min=300, revenue_window_days=29)),
                         self.alpha)

    def test_order_count_in_window(self):
        self.assertEqual(self.matched(self.segment(order_count_min=2, order_window_days=60)),
                         self.alpha)
        self.assertEqual(self.matched(self.segment(order_count_min=2, order_window_days=61)),
                         self.alpha | self.beta)
        self.assertEqual(self.matched(self.segment(order_count_min=1, order_window_days=30)),
                         self.alpha | self.beta)

    def test_bought_products_or_categories(self):
        self.assertEqual(self.matched(self.segment(product_ids=[(6, 0, self.product.ids)])),
                         self.alpha | self.gamma)
        self.assertEqual(self.matched(self.segment(product_ids=[(6, 0, self.product.ids)],
                                                   product_window_days=365)),
                         self.alpha)
        # Sub-categories count: the desk is in Furniture / Desks.
        self.assertEqual(self.matched(self.segment(
            product_category_ids=[(6, 0, self.furniture.ids)])), self.alpha | self.beta)
        self.assertEqual(self.matched(self.segment(
            product_category_ids=[(6, 0, self.furniture.ids)], product_window_days=100)),
            self.beta)
        self.assertEqual(self.matched(self.segment(
            product_ids=[(6, 0, self.service.ids)],
            product_category_ids=[(6, 0, self.desks.ids)])),
            self.alpha | self.beta | self.epsilon)

    def test_never_bought_products_for_cross_selling(self):
        self.assertEqual(self.matched(self.segment(
            excluded_product_ids=[(6, 0, self.product.ids)])),
            self.beta | self.delta | self.epsilon)

    def test_country_tags_and_interest_areas(self):
        self.assertEqual(self.matched(self.segment(
            country_ids=[(6, 0, (self.env.ref("base.be") | self.env.ref("base.fr")).ids)])),
            self.alpha | self.delta)
        self.assertEqual(self.matched(self.segment(partner_category_ids=[(6, 0, self.vip.ids)])),
                         self.delta)
        area = self.env["crm.interest.area"].create({"name": "Desks"})
        buyer = self.env["res.partner"].create({"name": "Eve", "parent_id": self.epsilon.id,
                                                "email": "eve@epsilon.example.com"})
        area.subscribe(buyer)
        area.subscribe(self.gamma).opt_out()
        self.assertEqual(self.matched(self.segment(interest_area_ids=[(6, 0, area.ids)])),
                         self.epsilon, "a contact's subscription makes its company match; "
                                       "an opted-out one does not")

    def test_free_domain(self):
        segment = self.segment(filter_domain="[('name', 'in', ['Beta', 'Gamma'])]")
        self.assertEqual(self.matched(segment), self.beta | self.gamma)

    def test_criteria_combine_with_and(self):
        segment = self.segment(revenue_min=200, revenue_window_days=365,
                               excluded_product_ids=[(6, 0, self.product.ids)],
                               last_invoice_within_days=30)
        self.assertEqual(self.matched(segment), self.beta)
        segment.country_ids = self.env.ref("base.be")
        self.assertFalse(self.matched(segment))
        self.assertEqual(segment.partner_count, len(segment._get_partner_ids()))

    def test_segment_matching_nobody(self):
        segment = self.segment(country_ids=[(6, 0, self.env.ref("base.aq").ids)],
                               last_invoice_within_days=10)
        self.assertEqual(segment._get_partner_ids(), [])
        self.assertEqual(segment.partner_count, 0)
        action = segment.action_view_partners()
        self.assertFalse(self.env["res.partner"].search(action["domain"]))

    def test_count_and_view_customers_agree(self):
        segment = self.segment(last_invoice_within_days=30,
                               filter_domain="[('id', 'in', %s)]" % self.partners.ids)
        self.assertEqual(segment.partner_count, 2)
        action = segment.action_view_partners()
        self.assertEqual(self.env["res.partner"].search(action["domain"]),
                         self.alpha | self.beta)

    def test_preview_follows_unsaved_criteria(self):
        draft = self.env["crm.segment"].new({
            "name": "Draft", "company_id": self.company.id,
            "filter_domain": "[('id', 'in', %s)]" % self.partners.ids,
            "last_invoice_within_days": 30})
        self.assertEqual(draft.partner_count, 2)
        draft.last_invoice_within_days = 31
        self.assertEqual(draft.partner_count, 3)
        draft.filter_domain = "[('no_such_field', '=', 1)]"
        self.assertEqual(draft.partner_count, 0)
        self.assertIn("no_such_field", draft.filter_domain_error)

    def test_malformed_free_domain_is_refused_clearly(self):
        for bad in ("[('no_such_field', '=', 1)]", "[('name', '=',", "42",
                    "[('id', '=', 'abc')]", "[('name', 'bad operator', 1)]"):
            with self.assertRaises(ValidationError, msg=bad) as caught:
                self.segment(filter_domain=bad)
            self.assertIn("not a valid domain", caught.exception.name)
        # The transaction is still usable after the failed checks.
        self.assertTrue(self.segment(filter_domain="[]").id)

    def test_companies_are_isolated(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        segment_other = self.segment(company_id=other.id, last_invoice_within_days=30)
        self.assertFalse(self.matched(segment_other),
                         "invoices of another company do not count")
        self.beta.company_id = other
        self.assertEqual(self.matched(self.segment(last_invoice_within_days=30)), self.alpha,
                         "partners of another company are not customers of this one")
        self.assertFalse(self.env["crm.segment"].sudo(self.user_crm).search(
            [("id", "=", segment_other.id)]))

    def test_salespeople_read_segments_managers_define_them(self):
        segment = self.segment(last_invoice_within_days=30)
        self.assertEqual(segment.sudo(self.user_salesman).partner_count, segment.partner_count)
        with self.assertRaises(AccessError):
            self.env["crm.segment"].sudo(self.user_salesman).create({"name": "Mine"})
        self.env["crm.segment"].sudo(self.user_manager).create({"name": "Managed"})

    def test_negative_windows_are_refused(self):
        with self.assertRaises(ValidationError):
            self.segment(revenue_window_days=-1)
        with self.assertRaises(ValidationError):
            self.segment(revenue_min=500, revenue_max=100)

    def test_customer_group_and_abc_class(self):
        group = self.env["crm.customer.group"].create({"name": "Wholesale"})
        (self.beta | self.gamma).write({"customer_group_id": group.id})
        # as the nightly ranking leaves them, in the segments' company
        for partner, abc_class in [(self.alpha, "A"), (self.beta, "B")]:
            self.env["crm.partner.ranking"].create({
                "partner_id": partner.id, "company_id": self.env.user.company_id.id,
                "abc_class": abc_class})
        self.assertEqual(self.matched(self.segment(customer_group_id=group.id)),
                         self.beta | self.gamma)
        self.assertEqual(self.matched(self.segment(abc_class="A")), self.alpha)
        self.assertEqual(self.matched(self.segment(customer_group_id=group.id,
                                                   abc_class="B")), self.beta)
