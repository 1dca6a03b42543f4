from .common import CrmExtendedCase


class AttributionCase(CrmExtendedCase):
    """Campaigns, media and sources of a small marketing story."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring Fair"})
        cls.other_campaign = cls.env["utm.campaign"].create({"name": "Autumn Mailing"})
        cls.medium = cls.env["utm.medium"].create({"name": "Trade Show"})
        cls.source = cls.env["utm.source"].create({"name": "Booth 12"})
        cls.attribution = {"campaign_id": cls.campaign.id, "medium_id": cls.medium.id,
                           "source_id": cls.source.id}

    def assertAttribution(self, record, campaign, medium=None, source=None):
        self.assertEqual(
            (record.campaign_id, record.medium_id, record.source_id),
            (campaign, medium if medium is not None else self.medium,
             source if source is not None else self.source))

    @classmethod
    def create_currency(cls, name, rate, date):
        """A second currency worth 1/rate of the company currency on ``date``. Rates are
        against the currency of rate 1, which is not the company's in Odoo's demo data."""
        currency = cls.env["res.currency"].create({
            "name": name, "symbol": name, "rounding": 0.01, "active": True})
        company_rate = cls.currency.with_context(date=date, company_id=cls.company.id).rate
        cls.env["res.currency.rate"].create({
            "currency_id": currency.id, "name": date, "rate": rate * company_rate,
            "company_id": cls.company.id})
        return currency

    def posted_income(self, invoices):
        """Revenue as accounting books it: the income lines of the invoices' journal entries,
        in company currency (neither the receivable nor the tax lines)."""
        lines = self.env["account.move.line"].search([
            ("invoice_id", "in", invoices.ids), ("move_id.state", "=", "posted"),
            ("tax_line_id", "=", False), ("account_id.internal_type", "!=", "receivable")])
        return round(sum(lines.mapped("credit")) - sum(lines.mapped("debit")), 2)


class CampaignStoryCase(AttributionCase):
    """Leads, orders, invoices and a partial credit note of one campaign (cost 500), a
    foreign-currency invoice of another (no cost), and noise that must not count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign.write({"budget": 600.0, "cost": 500.0})
        leads = cls.env["crm.lead"]
        for name, kind in [("L1", "lead"), ("L2", "lead"), ("O1", "opportunity"),
                           ("O2", "opportunity"), ("O3", "opportunity")]:
            leads |= leads.create({"name": name, "type": kind, "campaign_id": cls.campaign.id})
        leads.filtered(lambda lead: lead.name == "O1").action_set_won()
        leads.filtered(lambda lead: lead.name == "O2").action_set_lost()
        leads.create({"name": "noise", "type": "opportunity",
                      "campaign_id": cls.other_campaign.id})

        attributed = dict(cls.attribution)
        cls.order1 = cls.create_order(cls.customer, [(cls.product, 2, 200.0)], **attributed)
        cls.order2 = cls.create_order(cls.customer, [(cls.product, 3, 180.0),
                                                     (cls.service, 1, 80.0)], **attributed)
        cls.create_order(cls.customer, [(cls.product, 9, None)], confirm=False, **attributed)
        cls.invoice1 = cls.invoice_order(cls.order1)
        cls.invoice2 = cls.invoice_order(cls.order2)
        # one of the two chairs of the first order comes back
        cls.refund = cls.refund_invoice(cls.invoice1, "refund")
        cls.refund.invoice_line_ids.write({"quantity": 1})
        cls.refund.compute_taxes()
        cls.refund.action_invoice_open()
        cls.create_invoice(cls.customer, [(cls.product, 5, 200.0)], post=False, **attributed)

        # the other campaign sells abroad, in a currency worth 1/1.5 of ours
        cls.foreign = cls.create_currency("CRX", 1.5, "2026-03-01")
        cls.foreign_invoice = cls.create_invoice(
            cls.customer, [(cls.product, 1, 100.01), (cls.service, 1, 10.01)],
            currency_id=cls.foreign.id, date_invoice="2026-03-01",
            campaign_id=cls.other_campaign.id)
