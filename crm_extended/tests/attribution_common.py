from contextlib import contextmanager

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

    @contextmanager
    def count_queries(self):
        """Counts the SQL queries run inside the block: ``with ... as count: ...; count()``"""
        self.env["res.users"].invalidate_cache()
        start = self.cr.sql_log_count
        end = []
        yield lambda: (end or [self.cr.sql_log_count])[0] - start
        end.append(self.cr.sql_log_count)

    @classmethod
    def create_currency(cls, name, rate, date):
        """A second currency worth 1/rate of the company currency on ``date``."""
        currency = cls.env["res.currency"].create({
            "name": name, "symbol": name, "rounding": 0.01, "active": True})
        cls.env["res.currency.rate"].create({
            "currency_id": currency.id, "name": date, "rate": rate,
            "company_id": cls.company.id})
        return currency

    def posted_income(self, invoices):
        """Revenue as accounting books it: the income lines of the invoices' journal entries,
        in company currency (neither the receivable nor the tax lines)."""
        lines = self.env["account.move.line"].search([
            ("invoice_id", "in", invoices.ids), ("move_id.state", "=", "posted"),
            ("tax_line_id", "=", False), ("account_id.internal_type", "!=", "receivable")])
        return round(sum(lines.mapped("credit")) - sum(lines.mapped("debit")), 2)
