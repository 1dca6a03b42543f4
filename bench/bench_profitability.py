"""Customer profitability: the report against hand-written SQL and Odoo's own invoice
analysis, the customer list with its KPI columns, the nightly ranking."""
from run import scenario

POSTED = "i.type IN ('out_invoice', 'out_refund') AND i.state IN ('open', 'paid')"
HAND_SQL = """
    SELECT i.commercial_partner_id, date_trunc('month', i.date_invoice),
           SUM(l.price_subtotal_signed), SUM(l.margin)
      FROM account_invoice_line l JOIN account_invoice i ON i.id = l.invoice_id
     WHERE %s
  GROUP BY 1, 2
""" % POSTED


def _hand_sql(env):
    def call():
        env.cr.execute(HAND_SQL)
        return {"groups": len(env.cr.fetchall())}
    return call


def _report(env):
    def call():
        groups = env["crm.profitability.report"].read_group(
            [], ["partner_id", "date", "revenue", "margin"], ["partner_id", "date:month"],
            lazy=False)
        return {"groups": len(groups)}
    return call


@scenario("Revenue and margin by customer and month")
def customer_month(env):
    return {
        "hand-written SQL GROUP BY": _hand_sql(env),
        "crm.profitability.report read_group": _report(env),
    }


@scenario("Odoo's own invoice analysis by customer and month", repeat=3)
def stock_invoice_report(env):
    def stock():
        groups = env["account.invoice.report"].read_group(
            [("type", "in", ("out_invoice", "out_refund")), ("state", "in", ("open", "paid"))],
            ["partner_id", "date", "price_total"], ["partner_id", "date:month"], lazy=False)
        return {"groups": len(groups)}
    return {
        "hand-written SQL GROUP BY": _hand_sql(env),
        "account.invoice.report read_group (stock)": stock,
        "crm.profitability.report read_group": _report(env),
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
