from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError

from .common import PortalCase


class TestPortalStatement(PortalCase):
    """The statement's figures, computed independently from the posted invoices and
    payments of the scenario, as the portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env.user))

        def day(offset):
            return fields.Date.to_string(cls.today + timedelta(days=offset))
        cls.day = staticmethod(day)
        # one invoice per aging bucket, a credit note and a partial payment
        cls.old_invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 200.0)],
                                             date_invoice=day(-100))
        cls.invoice_45 = cls.create_invoice(cls.contact, [(cls.product, 1, 300.0)],
                                            date_invoice=day(-45))
        cls.invoice_today = cls.create_invoice(cls.customer, [(cls.service, 3, 80.0)],
                                               date_invoice=day(0))
        cls.credit_note = cls.create_invoice(cls.customer, [(cls.product, 1, 100.0)],
                                             inv_type="out_refund", date_invoice=day(-10))
        cls.payment = cls.register_payment(cls.old_invoice, 50.0, day(-5))
        # noise: another customer's invoice and a draft of ours
        cls.create_invoice(cls.other_customer, [(cls.product, 5, 200.0)], date_invoice=day(-3))
        cls.create_invoice(cls.customer, [(cls.product, 9, 200.0)], post=False)

    def statement(self, user, date_from, date_to, **kwargs):
        partner = user.partner_id.sudo(user)
        return partner._portal_statement(date_from, date_to, **kwargs)

    def test_default_period_ends_on_our_today_for_a_customer_without_zone(self):
        """A customer who never chose a time zone reads the statement up to our company's
        today, not UTC's."""
        # a zone whose date differs from UTC's at the hour the test runs
        zone = "Etc/GMT+12" if datetime.utcnow().hour < 12 else "Etc/GMT-14"
        self.portal_user.company_id.partner_id.tz = zone
        self.portal_user.partner_id.tz = False
        utc_today = fields.Date.context_today(self.env.user.with_context(tz="UTC"))
        ours = fields.Date.context_today(self.env.user.with_context(tz=zone))
        self.assertNotEqual(ours, utc_today)
        Partner = self.env["res.partner"].sudo(self.portal_user).with_context(tz=False)
        self.assertEqual(Partner._portal_statement_default_period()[1], ours)
        # a customer with a zone of their own reads up to their today
        self.portal_user.partner_id.tz = "UTC"
        self.assertEqual(Partner._portal_statement_default_period()[1], utc_today)

    def test_balances_and_aging(self):
        old, mid, new, refund = (self.old_invoice.amount_total, self.invoice_45.amount_total,
                                 self.invoice_today.amount_total, self.credit_note.amount_total)
        statement = self.statement(self.portal_user, self.day(-60), self.day(0))
        self.assertAlmostEqual(statement["balance_due"], old - 50 + mid + new - refund)
        self.assertAlmostEqual(statement["aging"]["over_90"], old - 50)
        self.assertAlmostEqual(statement["aging"]["61_90"], 0.0)
        self.assertAlmostEqual(statement["aging"]["31_60"], mid)
        self.assertAlmostEqual(statement["aging"]["1_30"], -refund)
        self.assertAlmostEqual(statement["aging"]["current"], new)
        self.assertAlmostEqual(statement["overdue"], old - 50 + mid - refund)
        self.assertAlmostEqual(sum(statement["aging"].values()), statement["balance_due"])

    def test_period_lines_and_running_balance(self):
        old, mid, new, refund = (self.old_invoice.amount_total, self.invoice_45.amount_total,
                                 self.invoice_today.amount_total, self.credit_note.amount_total)
        statement = self.statement(self.portal_user, self.day(-60), self.day(0))
        self.assertAlmostEqual(statement["opening_balance"], old)
        self.assertAlmostEqual(statement["closing_balance"], old + mid - refund - 50 + new)
        lines = statement["lines"]
        self.assertEqual(statement["line_count"], 4)
        self.assertEqual([line["name"] for line in lines],
                         [self.invoice_45.number, self.credit_note.number,
                          self.payment.move_line_ids[0].move_id.name, self.invoice_today.number])
        self.assertEqual([line["kind"] for line in lines],
                         ["Invoice", "Credit Note", "Payment", "Invoice"])
        self.assertEqual([round(line["amount"], 2) for line in lines],
                         [round(mid, 2), round(-refund, 2), -50.0, round(new, 2)])
        self.assertAlmostEqual(lines[-1]["balance"], statement["closing_balance"])
        self.assertEqual([line["payable_online"] for line in lines], [True, False, False, True])
        # reconciles with accounting: the receivable of the partner in the general ledger
        receivable = self.env["account.move.line"].search([
            ("partner_id", "child_of", self.customer.id),
            ("account_id.internal_type", "=", "receivable"),
            ("move_id.state", "=", "posted"),
        ])
        self.assertAlmostEqual(statement["closing_balance"], sum(receivable.mapped("balance")))

    def test_paging_keeps_the_running_balance(self):
        full = self.statement(self.portal_user, self.day(-60), self.day(0))
        page = self.statement(self.portal_user, self.day(-60), self.day(0), limit=2, offset=2)
        self.assertEqual(page["lines"], full["lines"][2:])

    def test_colleague_sees_the_same_statement_other_customers_do_not(self):
        mine = self.statement(self.portal_user, self.day(-200), self.day(0))
        colleague = self.statement(self.portal_colleague, self.day(-200), self.day(0))
        self.assertEqual(mine["lines"], colleague["lines"])
        other = self.statement(self.portal_other, self.day(-200), self.day(0))
        self.assertEqual(other["line_count"], 1)
        self.assertNotIn(self.old_invoice.number, [line["name"] for line in other["lines"]])
        company_b = self.statement(self.portal_company_b, self.day(-200), self.day(0))
        self.assertEqual((company_b["line_count"], company_b["balance_due"]), (0, 0.0))

    def test_another_entity_through_the_method_gets_nothing(self):
        """Calling the method on another customer's partner still obeys the record rules."""
        with self.assertRaises(AccessError):
            self.customer.sudo(self.portal_other)._portal_statement(self.day(-200), self.day(0))

    def test_supplier_sees_their_side(self):
        bill = self.create_invoice(self.supplier, [(self.product, 4, 120.0)],
                                   inv_type="in_invoice", date_invoice=self.day(-20))
        self.register_payment(bill, 100.0, self.day(-2))
        statement = self.statement(self.portal_supplier, self.day(-30), self.day(0))
        self.assertEqual(statement["side"], "supplier")
        self.assertEqual([line["kind"] for line in statement["lines"]],
                         ["Vendor Bill", "Payment"])
        self.assertAlmostEqual(statement["balance_due"], bill.amount_total - 100.0)
        self.assertAlmostEqual(statement["aging"]["1_30"], bill.amount_total - 100.0)
        self.assertFalse(any(line["payable_online"] for line in statement["lines"]))

    def test_fixed_number_of_queries(self):
        def count():
            self.env.cache.invalidate()
            with self.count_queries() as counter:
                self.statement(self.portal_user, self.day(-200), self.day(0), limit=50)
            return counter["queries"]
        count()  # warm the rule and access caches
        few = count()
        for offset in range(10):
            self.create_invoice(self.customer, [(self.product, 1, 10.0)],
                                date_invoice=self.day(-offset))
        self.assertEqual(count(), few)

    def test_portal_users_read_only_their_journal_items(self):
        Line = self.env["account.move.line"].sudo(self.portal_other)
        mine = self.old_invoice.move_id.line_ids.filtered(
            lambda line: line.account_id.internal_type == "receivable")
        self.assertFalse(Line.search([("id", "in", mine.ids)]))
        self.assertFalse(Line.read_group([("id", "in", mine.ids)], ["balance", "partner_id"],
                                         ["partner_id"]))
        with self.assertRaises(AccessError):
            mine.sudo(self.portal_other).read(["balance"])
        with self.assertRaises(AccessError):
            mine.sudo(self.portal_user).write({"name": "changed"})
        with self.assertRaises(AccessError):
            mine.sudo(self.portal_user).unlink()
        # their own receivable, yes; the income and tax lines of their invoices, no
        own = Line.sudo(self.portal_user).search([("move_id", "=", self.old_invoice.move_id.id)])
        self.assertEqual(own, mine)

    def test_statement_prints_as_pdf(self):
        report = self.env.ref("crm_extended.action_report_partner_statement")
        content, kind = self.render_pdf(report.sudo(self.portal_user), [self.contact.id], data={
            "date_from": self.day(-60), "date_to": self.day(0)})
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))

    def test_pdf_report_uses_the_same_figures(self):
        report = self.env.ref("crm_extended.action_report_partner_statement")
        html = report.sudo(self.portal_user).render_qweb_html(
            [self.contact.id], data={"date_from": self.day(-60), "date_to": self.day(0)})[0]
        html = html.decode()
        for invoice in (self.invoice_45, self.credit_note, self.invoice_today):
            self.assertIn(invoice.number, html)
        self.assertEqual(html.count('class="o_statement_line'), 4)  # not the one before
        self.assertIn("Customer account statement", html)
