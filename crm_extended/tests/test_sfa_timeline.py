from .common import CrmRequestCase


class TestSfaTimeline(CrmRequestCase):
    """Azure Interior's journey: one event of every kind, on the company or its contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create({"name": "Somebody Else", "customer": True})
        tracked = cls.env(context=dict(cls.env.context, tracking_disable=False))
        lead = tracked["crm.lead"].create({
            "name": "Chairs for the lobby", "type": "opportunity",
            "partner_id": cls.contact.id, "planned_revenue": 1200})
        lead.write({"stage_id": cls.env.ref("crm.stage_lead2").id})
        cls.create_order(cls.customer, [(cls.product, 1, None)], confirm=False,
                         date_order="2026-01-05 09:00:00")
        order = cls.create_order(cls.customer, [(cls.product, 2, None)],
                                 date_order="2026-01-10 09:00:00")
        invoice = cls.invoice_order(order)
        invoice.date_invoice = "2026-01-12"
        cls.refund_invoice(invoice, date="2026-01-20").action_invoice_open()
        journal = cls.env["account.journal"].search([("type", "=", "bank")], limit=1)
        payment = cls.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer",
            "partner_id": cls.customer.id, "amount": 100.0, "journal_id": journal.id,
            "payment_date": "2026-01-15",
            "payment_method_id": cls.env.ref("account.account_payment_method_manual_in").id})
        payment.post()
        request = cls.create_request("Broken wheel", partner=cls.contact)
        request.message_post(body="The wheel came off", message_type="comment",
                             subtype="mail.mt_comment")
        stats = cls.env["mail.mail.statistics"]
        stats.create({"model": "res.partner", "res_id": cls.contact.id,
                      "sent": "2026-02-01 08:00:00", "opened": "2026-02-01 09:00:00",
                      "clicked": "2026-02-01 09:05:00"})
        list_contact = cls.env["mail.mass_mailing.contact"].create({
            "name": "Azure", "email": "INFO@azure.example.com"})
        stats.create({"model": "mail.mass_mailing.contact", "res_id": list_contact.id,
                      "sent": "2026-02-03 08:00:00"})
        stats.create({"model": "res.partner", "res_id": cls.other.id,
                      "sent": "2026-02-03 08:00:00"})
        area = cls.env["crm.interest.area"].create({"name": "Ergonomics"})
        area.subscribe(cls.contact)
        area.opt_out(cls.contact)
        activity = cls.env["mail.activity"].create({
            "res_model_id": cls.env.ref("base.model_res_partner").id,
            "res_id": cls.customer.id, "summary": "Courtesy call",
            "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id})
        activity.action_feedback("Happy customer")
        cls.create_order(cls.other, [(cls.product, 1, None)])

    def test_every_kind_of_event_of_the_company_and_its_contacts(self):
        events = self.customer._timeline_events(limit=None)
        kinds = [event["kind"] for event in events]
        self.assertEqual(set(kinds), {
            "lead", "stage", "quotation", "order", "invoice", "refund", "payment", "request",
            "request_message", "mailing_sent", "mailing_opened", "mailing_clicked",
            "interest_subscribed", "interest_opted_out", "activity"})
        self.assertEqual(kinds.count("mailing_sent"), 2,
                         "to the contact, and to a list contact with the company's address")
        stage = next(event for event in events if event["kind"] == "stage")
        self.assertEqual(stage["name"], "Chairs for the lobby: New → Qualified")
        self.assertEqual(self.contact._timeline_events(limit=None), events,
                         "a contact shows the journey of its whole company")
        self.assertFalse(any(event["partner_id"][0] == self.other.id for event in events))

    def test_newest_first_and_paged(self):
        events = self.customer._timeline_events(limit=None)
        keys = [(event["date"], event["id"]) for event in events]
        self.assertEqual(keys, sorted(keys, reverse=True))
        first, second = (self.customer._timeline_events(limit=5, offset=offset)
                         for offset in (0, 5))
        self.assertEqual(first + second, events[:10])

    def test_filter_by_kind(self):
        events = self.customer._timeline_events(kinds=["invoice", "refund", "payment"])
        self.assertEqual(sorted(event["kind"] for event in events),
                         ["invoice", "payment", "refund"])
        self.assertEqual([event["date"][:10] for event in events],
                         ["2026-01-20", "2026-01-15", "2026-01-12"])
        self.assertEqual(events[0]["amount"], -events[2]["amount"],
                         "the credit note cancels the invoice")

    def test_fixed_number_of_queries(self):
        counts = []
        self.customer._timeline_events(limit=80)      # warm the caches of access rules
        for extra_orders in (0, 20):
            for _index in range(extra_orders):
                self.create_order(self.customer, [(self.service, 1, None)], confirm=False)
            self.env["crm.partner.timeline"].invalidate_cache()
            with self.count_queries() as counter:
                self.customer._timeline_events(limit=80)
            counts.append(counter["queries"])
        self.assertEqual(counts[0], counts[1])

    def test_smart_button_opens_the_company_journey(self):
        action = self.contact.action_open_timeline()
        self.assertEqual(action["domain"],
                         [("commercial_partner_id", "=", self.customer.id)])
        event = self.env["crm.partner.timeline"].search(action["domain"] + [
            ("kind", "=", "request")])
        self.assertEqual(event.action_open_document()["res_model"], "crm.request")
