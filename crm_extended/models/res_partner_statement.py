"""res.partner: the account statement of the portal (balances, entries, aging) in SQL."""
from datetime import timedelta

from odoo import _, api, fields, models

# Aging buckets of the portal statement: (key, label, first day overdue, last day overdue).
STATEMENT_AGING_BUCKETS = [
    ("current", "Not due", None, 0),
    ("1_30", "1-30 days", 1, 30),
    ("31_60", "31-60 days", 31, 60),
    ("61_90", "61-90 days", 61, 90),
    ("over_90", "Over 90 days", 91, None),
]
AML = '"account_move_line"'


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.multi
    def _portal_statement(self, date_from, date_to, side=None, limit=None, offset=0):
        """Account statement of the commercial entity of ``self`` on one side of the ledger
        (``customer``: receivable, ``supplier``: payable; by default the side the partner
        trades on), read from the posted journal
        items so that it reconciles with accounting. Runs with the record rules of the
        current user; amounts in company currency, positive when the partner owes us
        (customer side) or we owe them (supplier side).

        Returns a dict: opening/closing balance of the period, one line per journal entry
        of the period (limit/offset for paging) with its running balance, and today's
        outstanding balance, overdue total and aging buckets.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        # dates travel as strings, the way Odoo 11 reads them from the database
        date_from = fields.Date.to_string(fields.Date.from_string(date_from))
        date_to = fields.Date.to_string(fields.Date.from_string(date_to))
        side = side or self._portal_statement_side()
        from_clause, where_clause, params = self._statement_query(side)
        sign = 1 if side == "customer" else -1
        totals = self._statement_totals(from_clause, where_clause, params, sign,
                                        date_from, date_to, today)
        lines = self._statement_lines(from_clause, where_clause, params, sign,
                                      date_from, date_to, limit, offset)
        for line in lines:
            line["balance"] = totals["opening_balance"] + line.pop("cumulated")
            line["kind"] = self._statement_kind(line)
            line["payable_online"] = (line["invoice_type"] == "out_invoice"
                                      and line["invoice_state"] == "open"
                                      and line["residual"] > 0)
        totals.update(lines=lines, side=side, date_from=date_from, date_to=date_to,
                      currency=self.env.user.company_id.currency_id, today=today,
                      aging_labels=[(key, _(label)) for key, label, _a, _b
                                    in STATEMENT_AGING_BUCKETS])
        return totals

    def _statement_query(self, side):
        """FROM and WHERE of the partner's journal items, with the user's record rules."""
        lines = self.env["account.move.line"]
        lines.check_access_rights("read")
        query = lines._where_calc([("partner_id", "child_of", self.commercial_partner_id.id)])
        lines._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        internal_type = "receivable" if side == "customer" else "payable"
        # account_move last in the FROM list: the LEFT JOIN binds to it alone.
        from_clause += (', "account_account" AS "stmt_account", "account_move" AS "stmt_move" '
                        'LEFT JOIN "account_invoice" AS "stmt_invoice" '
                        'ON "stmt_invoice"."move_id" = "stmt_move"."id"')
        where_clause = ('(%s) AND "stmt_account"."id" = "account_move_line"."account_id" '
                        'AND "stmt_account"."internal_type" = %%s '
                        'AND "stmt_move"."id" = "account_move_line"."move_id" '
                        'AND "stmt_move"."state" = \'posted\'' % (where_clause or "TRUE"))
        return from_clause, where_clause, list(params) + [internal_type]

    def _statement_totals(self, from_clause, where_clause, params, sign, date_from, date_to,
                          today):
        aging_columns, aging_params = [], []
        for key, _label, first, last in STATEMENT_AGING_BUCKETS:
            bounds = ["%s - COALESCE({aml}.date_maturity, {aml}.date) " + op
                      for op, bound in ((">= %s", first), ("<= %s", last)) if bound is not None]
            aging_columns.append(
                'COALESCE(SUM({aml}.amount_residual) FILTER (WHERE %s), 0) AS "%s"'
                % (" AND ".join(bounds), key))
            aging_params += [param for bound in (first, last) if bound is not None
                             for param in (today, bound)]
        self.env.cr.execute("""
            SELECT COALESCE(SUM({aml}.balance) FILTER (WHERE {aml}.date < %s), 0)
                       AS opening_balance,
                   COALESCE(SUM({aml}.balance) FILTER (WHERE {aml}.date <= %s), 0)
                       AS closing_balance,
                   COUNT(DISTINCT {aml}.move_id) FILTER (WHERE {aml}.date BETWEEN %s AND %s)
                       AS line_count,
                   COALESCE(SUM({aml}.amount_residual), 0) AS balance_due,
                   {aging}
              FROM {from_clause}
             WHERE {where_clause}
        """.format(aging=", ".join(aging_columns).format(aml=AML), aml=AML,
                   from_clause=from_clause, where_clause=where_clause),
            [date_from, date_to, date_from, date_to] + aging_params + params)
        row = self.env.cr.dictfetchone()
        totals = {key: sign * value for key, value in row.items() if key != "line_count"}
        totals["aging"] = {key: totals.pop(key) for key, *_rest in STATEMENT_AGING_BUCKETS}
        totals["overdue"] = sum(amount for key, amount in totals["aging"].items()
                                if key != "current")
        totals["line_count"] = row["line_count"]
        return totals

    def _statement_lines(self, from_clause, where_clause, params, sign, date_from, date_to,
                         limit, offset):
        self.env.cr.execute("""
            SELECT "stmt_move"."id" AS move_id, "stmt_move"."name" AS name,
                   "stmt_move"."ref" AS ref, MIN({aml}.date) AS date,
                   MIN({aml}.date_maturity) AS date_due,
                   %s * SUM({aml}.balance) AS amount, %s * SUM({aml}.amount_residual) AS residual,
                   %s * SUM(SUM({aml}.balance)) OVER (ORDER BY MIN({aml}.date), "stmt_move"."id")
                       AS cumulated,
                   "stmt_invoice"."id" AS invoice_id, "stmt_invoice"."type" AS invoice_type,
                   "stmt_invoice"."state" AS invoice_state,
                   MAX({aml}.payment_id) AS payment_id
              FROM {from_clause}
             WHERE {where_clause} AND {aml}.date BETWEEN %s AND %s
          GROUP BY "stmt_move"."id", "stmt_invoice"."id"
          ORDER BY MIN({aml}.date), "stmt_move"."id"
             LIMIT %s OFFSET %s
        """.format(from_clause=from_clause, where_clause=where_clause, aml=AML),
            [sign, sign, sign] + params + [date_from, date_to, limit, offset or 0])
        return self.env.cr.dictfetchall()

    @staticmethod
    def _statement_kind(line):
        kinds = {
            "out_invoice": _("Invoice"), "out_refund": _("Credit Note"),
            "in_invoice": _("Vendor Bill"), "in_refund": _("Vendor Credit Note"),
        }
        if line["invoice_type"]:
            return kinds[line["invoice_type"]]
        return _("Payment") if line["payment_id"] else _("Journal Entry")

    @api.multi
    def _portal_statement_side(self):
        """The side of the ledger a portal user sees first: suppliers who are not customers
        see what we owe them."""
        commercial = self.commercial_partner_id
        return "supplier" if commercial.supplier and not commercial.customer else "customer"

    @api.model
    def _portal_statement_default_period(self):
        """The last twelve months up to today."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today - timedelta(days=365)), fields.Date.to_string(today)
