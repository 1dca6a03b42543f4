from odoo.exceptions import UserError

from .common import CrmRequestCase


class TestRequestDocuments(CrmRequestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring chairs"})

    def test_service_request_creates_a_prefilled_quotation_linked_both_ways(self):
        request = self.create_request("Install two chairs", request_type=self.type_service,
                                      partner=self.contact, product_id=self.service.id,
                                      campaign_id=self.campaign.id)
        action = request.action_create_document()
        order = request.sale_order_id
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.contact)
        self.assertEqual(order.campaign_id, self.campaign)
        self.assertEqual(order.origin, request.number)
        self.assertEqual(order.order_line.product_id, self.service)
        self.assertEqual(order.order_line.price_unit, 80.0)
        self.assertEqual(order.request_ids, request)
        self.assertEqual(order.request_count, 1)

    def test_account_request_creates_a_customer_invoice(self):
        request = self.create_request("Bill the extra chair", request_type=self.type_account,
                                      product_id=self.product.id, campaign_id=self.campaign.id)
        request.action_create_document()
        invoice = request.invoice_id
        self.assertEqual((invoice.type, invoice.state), ("out_invoice", "draft"))
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.campaign_id, self.campaign)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.product)
        self.assertEqual(invoice.amount_untaxed, 200.0)
        self.assertEqual(invoice.request_count, 1)

    def test_warranty_claim_creates_a_credit_note_of_the_invoice(self):
        invoice = self.create_invoice(self.customer, [(self.product, 1, 200.0)])
        request = self.create_request("Broken on arrival", request_type=self.type_warranty,
                                      product_id=self.product.id, invoice_id=invoice.id)
        request.action_create_document()
        refund = request.refund_id
        self.assertEqual(request.invoice_id, invoice)
        self.assertEqual(refund.type, "out_refund")
        self.assertEqual(refund.refund_invoice_id, invoice)
        self.assertEqual(refund.amount_untaxed, 200.0)
        self.assertEqual((invoice.request_count, refund.request_count), (1, 1))
        self.assertEqual(self.env["crm.request"].search(
            refund.action_view_requests()["domain"]), request)

    def test_type_without_document_refuses_and_creates_nothing(self):
        orders = self.env["sale.order"].search_count([])
        invoices = self.env["account.invoice"].search_count([])
        request = self.create_request("How do I log in?", request_type=self.type_help)
        with self.assertRaisesRegex(UserError, "do not produce documents"):
            request.action_create_document()
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        self.assertEqual(self.env["account.invoice"].search_count([]), invoices)

    def test_second_document_of_the_same_kind_is_refused(self):
        request = self.create_request("Install", request_type=self.type_service)
        request.action_create_document()
        with self.assertRaisesRegex(UserError, "already linked"):
            request.action_create_document()


class TestRequestSmartButtons(CrmRequestCase):

    def test_partner_counts_its_commercial_entity_requests(self):
        self.create_request("From the company")
        self.create_request("From the buyer", partner=self.contact)
        stranger = self.env["res.partner"].create({"name": "Stranger", "email": "s@x.example"})
        self.create_request("Elsewhere", partner=stranger)
        self.assertEqual(self.customer.request_count, 2)
        self.assertEqual(self.contact.request_count, 2)
        self.assertEqual(stranger.request_count, 1)
        action = self.contact.action_view_requests()
        self.assertEqual(self.env["crm.request"].search(action["domain"]).mapped("name"),
                         ["From the buyer", "From the company"])

    def test_partner_count_is_one_query_for_many_partners(self):
        partners = self.env["res.partner"]
        for i in range(5):
            partners |= self.env["res.partner"].create({"name": "P%d" % i})
        partners.invalidate_cache()
        with self.count_queries() as one:
            partners[:1].mapped("request_count")
        partners.invalidate_cache()
        with self.count_queries() as five:
            partners.mapped("request_count")
        self.assertEqual(one["queries"], five["queries"])

    def test_new_request_from_an_order_is_linked(self):
        order = self.create_order(self.customer, [(self.product, 1, None)], confirm=False)
        action = order.action_view_requests()
        request = self.env["crm.request"].with_context(**action["context"]).create(
            {"name": "Delivery date?", "request_type_id": self.type_account.id})
        self.assertEqual(request.sale_order_id, order)
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(order.request_count, 1)
        self.assertEqual(self.env["crm.request"].search(action["domain"]), request)

    def test_new_request_from_an_invoice_is_linked(self):
        invoice = self.create_invoice(self.customer, [(self.product, 1, 200.0)])
        action = invoice.action_view_requests()
        request = self.env["crm.request"].with_context(**action["context"]).create(
            {"name": "Wrong address on invoice", "request_type_id": self.type_account.id})
        self.assertEqual(request.invoice_id, invoice)
        self.assertEqual(invoice.request_count, 1)
