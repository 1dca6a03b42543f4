"""What every capability shares: posted customer documents, amounts at their date, emails."""
import re

from psycopg2 import sql

# -- posted customer documents: invoices and credit notes that are open or paid. Revenue,
# margin, RFM, segments, forecasts, the timeline and the reports all count these.
CUSTOMER_INVOICE_TYPES = ("out_invoice", "out_refund")
POSTED_INVOICE_STATES = ("open", "paid")


def _sql_list(values):
    # constants of this module only, never user input
    return "(%s)" % ", ".join("'%s'" % value for value in values)


def posted_customer_invoices(alias="inv", types=CUSTOMER_INVOICE_TYPES):
    """SQL condition on the account_invoice row ``alias``: a posted customer document of
    ``types`` (invoices and credit notes by default; ``("out_invoice",)`` for sales only)."""
    return "%s.type IN %s AND %s.state IN %s" % (
        alias, _sql_list(types), alias, _sql_list(POSTED_INVOICE_STATES))


def posted_customer_invoices_domain(types=CUSTOMER_INVOICE_TYPES, prefix=""):
    """The same as an ORM domain on account.invoice (or through ``prefix``, e.g.
    "invoice_id.")."""
    return [(prefix + "type", "in", list(types)),
            (prefix + "state", "in", list(POSTED_INVOICE_STATES))]


def is_posted_customer_invoice(invoice_type, state):
    return invoice_type in CUSTOMER_INVOICE_TYPES and state in POSTED_INVOICE_STATES


# -- amounts at the document's date. The rates are Odoo's own (res.currency's
# _select_companies_rates, as sale's and account's reports use them): both the document's
# and the company's rate are taken, since the company currency need not have rate 1.
def order_currency_joins(date_column="so.date_order"):
    """Joins of the sales order ``so`` with its pricelist ``pp``, company ``comp`` and the
    rates at ``date_column``; needs ``WITH currency_rate AS (<_select_companies_rates()>)``."""
    return """
    JOIN product_pricelist pp ON pp.id = so.pricelist_id
    JOIN res_company comp ON comp.id = so.company_id
    LEFT JOIN currency_rate order_rate ON order_rate.currency_id = pp.currency_id
         AND order_rate.company_id = so.company_id
         AND order_rate.date_start <= COALESCE({date}, NOW())
         AND (order_rate.date_end IS NULL OR order_rate.date_end > COALESCE({date}, NOW()))
    LEFT JOIN currency_rate comp_rate ON comp_rate.currency_id = comp.currency_id
         AND comp_rate.company_id = so.company_id
         AND comp_rate.date_start <= COALESCE({date}, NOW())
         AND (comp_rate.date_end IS NULL OR comp_rate.date_end > COALESCE({date}, NOW()))
""".format(date=date_column)


ORDER_CURRENCY_JOINS = order_currency_joins()

# Untaxed amount of the sales order ``so`` in its company's currency at the order date
# (with ORDER_CURRENCY_JOINS).
ORDER_AMOUNT = """CASE WHEN pp.currency_id = comp.currency_id THEN so.amount_untaxed
    ELSE so.amount_untaxed * COALESCE(comp_rate.rate, 1.0) / COALESCE(order_rate.rate, 1.0)
    END"""

# Margin of a posted customer invoice line ``ail`` in company currency, signed like
# price_subtotal_signed (credit notes negative): the cost frozen at validation.
INVOICE_LINE_MARGIN = "ail.margin"

# -- email addresses. One pattern, run by Python and by PostgreSQL alike, gives the bare
# lower-case address of an email field ('Name <A@b.com>' -> 'a@b.com'), so that an address
# matches (opt-outs, contact lists, attribution, duplicates) the same way everywhere.
EMAIL_PATTERN = r'([^ ,;<>"@]+@[^ ,;<>"]+)'
_EMAIL_RE = re.compile(EMAIL_PATTERN)


def normalize_email(value):
    """The bare lower-case address of an email field, or '' when it holds none."""
    match = _EMAIL_RE.search(value or "")
    return match.group(1).lower() if match else ""


def email_domain(field_name, emails):
    """A domain of the records whose ``field_name`` contains one of these normalized
    addresses ('Name <a@b.com>' included): a superset, which callers narrow down by
    comparing normalize_email of the field."""
    return ["|"] * (len(emails) - 1) + [(field_name, "ilike", email) for email in emails]


def email_sql(column):
    """SQL expression of ``column`` normalized as normalize_email does (NULL for none)."""
    return "lower(substring(%s from '%s'))" % (column, EMAIL_PATTERN)


# -- the narrow per-customer, per-company figure tables (ranking, RFM, CLV), each rewritten
# by one statement: new customers inserted, changed figures updated (unchanged rows are not
# even locked), customers no longer scored deleted.
def replace_partner_figures(cr, table, source, params, columns, compared, scope="TRUE",
                            derived=()):
    """Make ``table``'s rows (unique on partner_id and company_id) those of the SELECT
    ``source``, which gives partner_id, company_id and ``columns`` under the table's column
    names. A row is rewritten when one of its ``compared`` columns differs; rows of the
    table matching the SQL condition ``scope`` (on alias "cur") that ``source`` no longer
    gives are deleted. ``derived``: further columns as (column, value on insert over the
    new row, value on update over "cur", the row as it was, and "excluded", the new one).
    Table and column names are the callers' constants, never input. Returns the number of
    rows written."""
    def listed(template, names):
        return ", ".join(template.format(name) for name in names)
    cr.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(
        sql.Identifier(table)))
    query = """
        WITH target AS ({source}), changed AS (
            SELECT target.* FROM target
              LEFT JOIN {table} cur ON cur.partner_id = target.partner_id
                                   AND cur.company_id = target.company_id
             WHERE ({cur_compared}) IS DISTINCT FROM ({target_compared})
        ), upserted AS (
            INSERT INTO {table} AS cur (partner_id, company_id, {columns}{derived_columns})
            SELECT partner_id, company_id, {columns}{derived_inserts}
              FROM changed
             ORDER BY partner_id, company_id
                ON CONFLICT (partner_id, company_id) DO UPDATE
               SET {updates}
         RETURNING 1
        ), dropped AS (
            DELETE FROM {table} cur
             WHERE {scope}
               AND NOT EXISTS (SELECT 1 FROM target
                                WHERE target.partner_id = cur.partner_id
                                  AND target.company_id = cur.company_id)
         RETURNING 1
        )
        SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM dropped)
    """.format(
        source=source, table=table, scope=scope,
        cur_compared=listed("cur.{}", compared), target_compared=listed("target.{}", compared),
        columns=listed("{}", columns),
        derived_columns="".join(", " + column for column, _insert, _update in derived),
        derived_inserts="".join(", " + insert for _column, insert, _update in derived),
        updates=", ".join(["%s = %s" % (column, update) for column, _insert, update in derived]
                          + ["{0} = excluded.{0}".format(column) for column in columns]))
    cr.execute(query, params)
    return cr.fetchone()[0]
