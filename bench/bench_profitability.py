"""Customer profitability: the report against hand-written SQL and Odoo's own invoice
analysis, the customer list with its KPI columns, the nightly ranking."""
from run import scenario

HAND_SQL = """
    SELECT inv.commercial_partner_id, date_trunc('month', inv.date_invoice)::date,
           SUM(l.price_subtotal_signed), SUM(l.margin)
      FROM account_invoice_line l JOIN account_invoice inv ON inv.id = l.invoice_id
     WHERE %s
  GROUP BY 1, 2
"""


def _cents(value):
    return round(value or 0.0, 2)


def _hand_sql(env, totals=True):
    """The baseline: {(customer, first day of the month): (revenue, margin)}."""
    # the addon's definition of the posted customer documents (imported once Odoo runs)
    from odoo.addons.crm_extended.models.crm_extended_sql import posted_customer_invoices
    query = HAND_SQL % posted_customer_invoices()

    def call():
        env.cr.execute(query)
        rows = env.cr.fetchall()
        return {"groups": len(rows), "answer": lambda: {
            (partner, str(month)): (_cents(revenue), _cents(margin)) if totals else None
            for partner, month, revenue, margin in rows}}
    return call


def _month(group):
    # read_group names a month by its label; its domain holds its first day
    return next(term[2] for term in group["__domain"]
                if isinstance(term, (list, tuple)) and term[1] == ">=")


def _read_group(model, domain, measures, totals=True):
    def call():
        groups = model.read_group(domain, ["partner_id", "date"] + measures,
                                  ["partner_id", "date:month"], lazy=False)
        return {"groups": len(groups), "answer": lambda: {
            (group["partner_id"] and group["partner_id"][0], _month(group)):
                tuple(_cents(group[measure]) for measure in measures) if totals else None
            for group in groups}}
    return call


def _report(env):
    return _read_group(env["crm.profitability.report"], [], ["revenue", "margin"])


@scenario("Revenue and margin by customer and month (checked: groups, revenue and margin)")
def customer_month(env):
    return {
        "hand-written SQL GROUP BY": _hand_sql(env),
        "crm.profitability.report read_group": _report(env),
    }


@scenario("Odoo's own invoice analysis by customer and month (checked: the groups; the stock "
          "report has no margin)", repeat=3)
def stock_invoice_report(env):
    posted = [("type", "in", ("out_invoice", "out_refund")), ("state", "in", ("open", "paid"))]
    return {
        "hand-written SQL GROUP BY": _hand_sql(env, totals=False),
        "account.invoice.report read_group (stock)": _read_group(
            env["account.invoice.report"], posted, ["price_total"], totals=False),
        "crm.profitability.report read_group": _read_group(
            env["crm.profitability.report"], [], ["revenue", "margin"], totals=False),
    }


@scenario("Customer list with the profitability columns, 80 customers")
def kpi_list(env):
    partners = env["res.partner"]
    plain_columns = ["display_name", "country_id", "user_id", "email", "phone"]
    kpi_columns = plain_columns + [
        "revenue_12m", "margin_12m", "revenue_share", "revenue_rank", "abc_class",
        "lifetime_revenue", "lifetime_margin", "last_invoice_date", "order_count",
        "average_order_value"]
    domain = [("customer", "=", True), ("parent_id", "=", False)]

    def listing(columns):
        return lambda: {"rows": len(partners.search_read(domain, columns, limit=80,
                                                         order="name"))}
    return {
        "plain customer list": listing(plain_columns),
        "with the profitability columns": listing(kpi_columns),
    }


@scenario("Nightly ranking (revenue 12 months, share, rank, ABC) of all customers", repeat=3)
def ranking(env):
    partners = env["res.partner"]

    def forget():
        env.cr.execute("DELETE FROM crm_partner_ranking")
    return {
        "every customer rewritten": (forget, partners._cron_customer_ranking),
        "nothing changed since the last run": partners._cron_customer_ranking,
    }
