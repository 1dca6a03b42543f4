"""Figures per company: a customer invoiced by two companies has each company's ranking and
RFM scores, each company's users see their own, and segments filter on their company's."""

from .common import CrmExtendedCase, run_migration


class CompanyBFixtures:
    """Accounts, a sales journal and posted invoices of a second company ``company_b``."""

    @classmethod
    def setup_accounts_b(cls):
        accounts = cls.env["account.account"]
        cls.receivable_b = accounts.create({
            "code": "XB1200", "name": "Receivable B", "reconcile": True,
            "user_type_id": cls.env.ref("account.data_account_type_receivable").id,
            "company_id": cls.company_b.id})
        cls.income_b = accounts.create({
            "code": "XB4000", "name": "Income B",
            "user_type_id": cls.env.ref("account.data_account_type_revenue").id,
            "company_id": cls.company_b.id})
        cls.payable_b = accounts.create({
            "code": "XB2100", "name": "Payable B", "reconcile": True,
            "user_type_id": cls.env.ref("account.data_account_type_payable").id,
            "company_id": cls.company_b.id})
        # the partners' accounts in B, as a chart of accounts would set them
        for name, account in [("property_account_receivable_id", cls.receivable_b),
                              ("property_account_payable_id", cls.payable_b)]:
            cls.env["ir.property"].create({
                "name": name, "company_id": cls.company_b.id, "type": "many2one",
                "fields_id": cls.env.ref("account.field_res_partner_%s" % name).id,
                "value_reference": "account.account,%d" % account.id})
        cls.journal_b = cls.env["account.journal"].create({
            "name": "Sales B", "code": "XSB", "type": "sale", "company_id": cls.company_b.id,
            "default_debit_account_id": cls.income_b.id,
            "default_credit_account_id": cls.income_b.id})

    @classmethod
    def invoice_b(cls, partner, amount):
        invoice = cls.env["account.invoice"].create({
            "partner_id": partner.id, "type": "out_invoice", "company_id": cls.company_b.id,
            "journal_id": cls.journal_b.id, "account_id": cls.receivable_b.id,
            "currency_id": cls.currency.id,
            "invoice_line_ids": [(0, 0, {
                "name": "Service", "product_id": cls.service.id, "quantity": 1,
                "price_unit": amount, "account_id": cls.income_b.id})],
        })
        invoice.action_invoice_open()
        return invoice


class TestCompanyFigures(CompanyBFixtures, CrmExtendedCase):
    """Company A (a company of the class's own, which demo invoices never reach) and
    company B, with accounts of its own, both invoice the shared customer Shared Co; B also
    invoices Big Co, which A never does."""

    own_company = "accounting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({
            "name": "Crmx Figures B", "currency_id": cls.currency.id})
        cls.setup_accounts_b()
        cls.user_b = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bob B", "login": "crmx_salesman_b", "email": "bob@example.com",
            "company_id": cls.company_b.id, "company_ids": [(6, 0, cls.company_b.ids)],
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])],
        })
        partners = cls.env["res.partner"]
        cls.shared = partners.create({"name": "Shared Co", "is_company": True,
                                      "customer": True, "company_id": False,
                                      "email": "shared@example.com"})
        cls.big = partners.create({"name": "Big Co", "is_company": True, "customer": True,
                                   "company_id": False, "email": "big@example.com"})
        cls.create_invoice(cls.shared, [(cls.service, 1, 1000.0)])
        cls.shared_invoice_b = cls.invoice_b(cls.shared, 300.0)
        cls.invoice_b(cls.big, 2000.0)
        cls.env["res.partner"]._cron_customer_ranking()
        cls.env["res.partner"]._compute_rfm_scores()

    def figures(self, user, partner):
        partner = partner.sudo(user)
        return (partner.revenue_12m, partner.revenue_rank, round(partner.revenue_share, 2),
                partner.abc_class)

    def test_each_company_sees_its_own_ranking(self):
        # in A, Shared Co is the only customer; in B it makes 300 of 2,300 behind Big Co
        self.assertEqual(self.figures(self.user_salesman, self.shared), (1000.0, 1, 100.0, "A"))
        self.assertEqual(self.figures(self.user_b, self.shared), (300.0, 2, 13.04, "B"))
        self.assertEqual(self.figures(self.user_b, self.big), (2000.0, 1, 86.96, "A"))
        self.assertEqual(self.figures(self.user_salesman, self.big), (0.0, 0, 0.0, False))
        margins = [self.shared.sudo(user).margin_12m
                   for user in (self.user_salesman, self.user_b)]
        # the service costs 30 in A; B's cost of it is B's own (none set)
        self.assertEqual(margins, [1000.0 - 30.0, self.shared_invoice_b.margin])

    def test_searches_use_the_users_company(self):
        ours = [("id", "in", (self.shared | self.big).ids)]
        in_b = self.env["res.partner"].sudo(self.user_b)
        in_a = self.env["res.partner"].sudo(self.user_salesman)
        self.assertEqual(in_b.search(ours + [("abc_class", "=", "B")]), self.shared)
        self.assertEqual(in_a.search(ours + [("abc_class", "=", "A")]), self.shared)
        self.assertEqual(in_a.search(ours + [("abc_class", "=", False)]), self.big)
        self.assertEqual(in_b.search(ours + [("revenue_12m", ">", 500)]), self.big)

    def test_ranking_rows_stay_in_their_company(self):
        rows = self.env["crm.partner.ranking"].sudo(self.user_b).search(
            [("partner_id", "in", (self.shared | self.big).ids)])
        self.assertEqual(rows.mapped("company_id"), self.company_b)
        self.assertEqual(rows.mapped("partner_id"), self.big | self.shared, "by rank")

    def test_the_nightly_ranking_does_not_depend_on_who_runs_it(self):
        """Run by a user of B instead of the superuser of A: nothing to rewrite."""
        partners = self.env["res.partner"].sudo(self.user_b)
        self.assertEqual(self.env["crm.partner.ranking"].sudo(self.user_b)._compute_ranking(),
                         0)
        self.assertEqual(self.figures(self.user_salesman, self.shared), (1000.0, 1, 100.0, "A"))
        self.assertEqual(partners.browse(self.shared.id).abc_class, "B")

    def test_rfm_scores_per_company(self):
        revenues = [self.shared.with_context(force_company=company.id).rfm_revenue
                    for company in (self.company, self.company_b)]
        self.assertEqual(revenues, [1000.0, 300.0])
        self.assertEqual(self.shared.sudo(self.user_b).rfm_revenue, 300.0)
        rows = self.env["crm.partner.rfm"].search([("partner_id", "=", self.shared.id)])
        self.assertEqual(rows.mapped("company_id"), self.company | self.company_b)

    def segment(self, company, **criteria):
        return self.env["crm.segment"].create(dict(
            criteria, name="Segment of %s" % company.name, company_id=company.id))

    def test_segments_filter_on_their_companys_figures(self):
        """Evaluated by the superuser in company A (as the daily synchronisation runs),
        each segment still takes its own company's classes and scores."""
        members_b = self.segment(self.company_b, abc_class="B")._get_partner_ids()
        self.assertEqual(set(members_b) & set((self.shared | self.big).ids), {self.shared.id})
        members_a = self.segment(self.company, abc_class="B")._get_partner_ids()
        self.assertNotIn(self.shared.id, members_a)
        rfm_b = self.shared.with_context(force_company=self.company_b.id).rfm_segment
        by_rfm = self.segment(self.company_b, rfm_segment=rfm_b)._get_partner_ids()
        self.assertIn(self.shared.id, by_rfm)
        free = self.segment(self.company_b, filter_domain="[('revenue_12m', '>', 500)]")
        self.assertEqual(set(free._get_partner_ids()) & set((self.shared | self.big).ids),
                         {self.big.id})

    def test_segment_sync_builds_the_list_from_its_companys_figures(self):
        segment = self.segment(self.company_b, abc_class="A")
        segment._sync_mailing_lists()
        emails = set(self.env["mail.mass_mailing.contact"].search(
            [("list_ids", "in", segment.mailing_list_id.ids)]).mapped("email"))
        self.assertIn("big@example.com", emails)
        self.assertNotIn("shared@example.com", emails, "A's class of Shared Co is not B's")

    def test_migration_moves_the_ranking_out_of_the_partner(self):
        """Upgrading a database of 11.0.1.2.0 or older: the ranking (then columns of
        res_partner) lands in crm_partner_ranking, the old columns go."""
        self.env.cr.execute("ALTER TABLE res_partner ADD COLUMN revenue_12m numeric, "
                            "ADD COLUMN abc_class varchar")
        self.env.cr.execute("DELETE FROM crm_partner_ranking")
        run_migration(self.env.cr, "11.0.1.3.0", "post-company_figures.py", "11.0.1.2.0")
        self.env["res.partner"].invalidate_cache()
        self.assertEqual(self.figures(self.user_b, self.shared), (300.0, 2, 13.04, "B"))
        self.env.cr.execute("SELECT column_name FROM information_schema.columns "
                            "WHERE table_name = 'res_partner' "
                            "AND column_name IN ('revenue_12m', 'abc_class')")
        self.assertFalse(self.env.cr.fetchall())

    def test_employee_outside_sales_reads_the_rfm_scores(self):
        """The RFM scores are for every employee, the ranking for sales: reading the former
        does not trip over the latter (the partner computes both together)."""
        employee = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Erin Employee", "login": "crmx_employee",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        self.assertEqual(self.shared.sudo(employee).rfm_revenue, 1000.0)
