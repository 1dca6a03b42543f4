from .attribution_common import AttributionCase


class TestLeadToQuotation(AttributionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(dict(
            cls.attribution, name="Chairs for the new office", type="opportunity",
            partner_id=cls.customer.id))

    def test_new_quotation_button_carries_the_lead_attribution(self):
        # sale_crm's "New Quotation" opens sale_action_quotations_new with these defaults
        order = self.env["sale.order"].with_context(
            default_opportunity_id=self.lead.id, default_partner_id=self.customer.id,
        ).create({"partner_id": self.customer.id})
        self.assertEqual(order.opportunity_id, self.lead)
        self.assertAttribution(order, self.campaign)

    def test_order_created_with_an_opportunity_gets_its_attribution(self):
        order = self.create_order(self.customer, [(self.product, 1, None)], confirm=False,
                                  opportunity_id=self.lead.id)
        self.assertAttribution(order, self.campaign)

    def test_attribution_set_by_hand_is_kept(self):
        order = self.create_order(self.customer, [(self.product, 1, None)], confirm=False,
                                  opportunity_id=self.lead.id,
                                  campaign_id=self.other_campaign.id)
        # only the empty values come from the opportunity
        self.assertAttribution(order, self.other_campaign)

    def test_order_without_opportunity_stays_unattributed(self):
        order = self.create_order(self.customer, [(self.product, 1, None)], confirm=False)
        self.assertFalse(order.campaign_id or order.medium_id or order.source_id)

    def test_attribution_is_tracked_and_readonly_once_confirmed(self):
        order = self.create_order(self.customer, [(self.product, 1, None)], confirm=False)
        order.with_context(tracking_disable=False).write({"campaign_id": self.campaign.id})
        tracked = order.message_ids.mapped("tracking_value_ids").filtered(
            lambda t: t.field == "campaign_id")
        self.assertEqual(tracked.mapped("new_value_char"), ["Spring Fair"])
        # what the form client is told: editable in draft and sent quotations only
        description = order.fields_get(["campaign_id"])["campaign_id"]
        self.assertTrue(description["readonly"])
        self.assertEqual(sorted(description["states"]), ["draft", "sent"])


class TestOrderToInvoice(AttributionCase):

    def order(self, partner=None, confirm=True, **values):
        values = dict(self.attribution, **values)
        return self.create_order(partner or self.customer, [(self.product, 2, None)],
                                 confirm=confirm, **values)

    def test_full_invoice_carries_the_order_attribution(self):
        invoice = self.invoice_order(self.order())
        self.assertAttribution(invoice, self.campaign)
        self.assertEqual(invoice.state, "open")

    def test_down_payment_and_final_invoice_carry_the_attribution(self):
        order = self.order()
        wizard = self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids, active_id=order.id,
        ).create({"advance_payment_method": "percentage", "amount": 10.0})
        wizard.create_invoices()
        down_payment = order.invoice_ids
        self.assertEqual(len(down_payment), 1)
        self.assertAlmostEqual(down_payment.amount_untaxed, 40.0)
        self.assertAttribution(down_payment, self.campaign)
        final = order.action_invoice_create(final=True)
        final = self.env["account.invoice"].browse(final)
        self.assertAttribution(final, self.campaign)
        # the final invoice deducts the down payment: 400 - 40
        self.assertAlmostEqual(final.amount_untaxed, 360.0)

    def test_per_line_invoicing_carries_the_attribution(self):
        delivered = self.create_product("Desk assembly", list_price=50.0, cost=20.0,
                                        type="service", invoice_policy="delivery")
        order = self.create_order(self.customer, [(self.product, 1, None),
                                                  (delivered, 3, None)], **self.attribution)
        first = self.invoice_order(order)
        self.assertEqual(first.invoice_line_ids.mapped("product_id"), self.product)
        order.order_line.filtered(lambda line: line.product_id == delivered).qty_delivered = 3
        second = self.invoice_order(order)
        self.assertEqual(second.invoice_line_ids.mapped("product_id"), delivered)
        self.assertAttribution(first, self.campaign)
        self.assertAttribution(second, self.campaign)

    def test_grouped_orders_that_agree_keep_the_attribution(self):
        orders = self.order() | self.order()
        invoice = self.env["account.invoice"].browse(orders.action_invoice_create())
        self.assertEqual(len(invoice), 1)
        self.assertEqual(len(invoice.invoice_line_ids), 2)
        self.assertAttribution(invoice, self.campaign)

    def test_grouped_orders_that_differ_leave_it_empty_and_say_so(self):
        first = self.order()
        second = self.order(campaign_id=self.other_campaign.id)
        invoice = self.env["account.invoice"].browse(
            (first | second).action_invoice_create())
        self.assertEqual(len(invoice), 1)
        self.assertFalse(invoice.campaign_id or invoice.medium_id or invoice.source_id)
        notes = invoice.message_ids.filtered(lambda m: "attributed differently" in m.body)
        self.assertEqual(len(notes), 1)
        self.assertIn(first.name, notes.body)
        self.assertIn(second.name, notes.body)

    def test_orders_invoiced_separately_keep_their_own_attribution(self):
        first = self.order()
        second = self.order(campaign_id=self.other_campaign.id)
        invoices = self.env["account.invoice"].browse(
            (first | second).action_invoice_create(grouped=True))
        self.assertEqual(len(invoices), 2)
        self.assertEqual(invoices.mapped("campaign_id"), self.campaign | self.other_campaign)
        self.assertFalse(invoices.mapped("message_ids").filtered(
            lambda m: "attributed differently" in (m.body or "")))

    def test_attribution_can_be_switched_off(self):
        order = self.order().with_context(crm_extended_no_attribution=True)
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        self.assertFalse(invoice.campaign_id)


class TestInvoiceToCreditNote(AttributionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 200.0)],
                                         **cls.attribution)

    def test_refund_keeps_the_attribution(self):
        refund = self.refund_invoice(self.invoice, "refund")
        self.assertEqual(refund.type, "out_refund")
        self.assertAttribution(refund, self.campaign)

    def test_cancel_keeps_the_attribution(self):
        refund = self.refund_invoice(self.invoice, "cancel")
        self.assertEqual(refund.state, "paid")
        self.assertAttribution(refund, self.campaign)

    def test_modify_keeps_the_attribution_on_credit_note_and_new_invoice(self):
        self.refund_invoice(self.invoice, "modify")
        refund = self.env["account.invoice"].search([("refund_invoice_id", "=", self.invoice.id)])
        self.assertEqual(refund.type, "out_refund")
        self.assertAttribution(refund, self.campaign)
        new_invoice = self.env["account.invoice"].search([
            ("type", "=", "out_invoice"), ("state", "=", "draft"),
            ("partner_id", "=", self.customer.id), ("id", "!=", self.invoice.id)])
        self.assertEqual(len(new_invoice), 1)
        self.assertAttribution(new_invoice, self.campaign)

    def test_credit_note_made_by_hand_for_the_invoice_keeps_the_attribution(self):
        refund = self.create_invoice(self.customer, [(self.product, 1, 200.0)],
                                     inv_type="out_refund", refund_invoice_id=self.invoice.id)
        self.assertAttribution(refund, self.campaign)
        chosen = self.create_invoice(self.customer, [(self.product, 1, 200.0)],
                                     inv_type="out_refund", refund_invoice_id=self.invoice.id,
                                     campaign_id=self.other_campaign.id)
        self.assertAttribution(chosen, self.other_campaign)
