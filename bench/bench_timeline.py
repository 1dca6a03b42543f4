"""Customer timeline: a customer with 10,000 events (its generated orders and invoices,
topped up with mailing statistics), first page, a page deep in the history and one kind,
through res.partner._timeline_events (one SQL view, a fixed number of queries) against a
naive ORM walk over the same sources (search each model, merge and sort in Python).

Checked before being timed: the first page of the view, on the kinds of events the naive walk
reads (leads, orders, invoices, mailings to the customer), holds the same rows (date and
name, in the same order of dates) as the naive walk's; and the query count does not depend
on the page.
"""
from run import scenario

EVENTS = 10000
# the kinds of events the naive walk below reads
NAIVE_KINDS = ["lead", "quotation", "order", "invoice", "refund", "mailing_sent",
               "mailing_opened", "mailing_clicked"]


def _busiest_customer(env):
    env.cr.execute("""
        SELECT commercial_partner_id FROM account_invoice
         WHERE type = 'out_invoice' GROUP BY commercial_partner_id
         ORDER BY count(*) DESC LIMIT 1""")
    row = env.cr.fetchone()
    return env["res.partner"].browse(row[0]) if row else env["res.partner"].search(
        [("customer", "=", True)], limit=1)


def _top_up(env, customer):
    """Mailing statistics (sent, opened, clicked: three events each) up to EVENTS."""
    count = env["crm.partner.timeline"].search_count(
        [("commercial_partner_id", "=", customer.id)])
    missing = max(0, EVENTS - count)
    env.cr.execute("""
        INSERT INTO mail_mail_statistics (model, res_id, message_id, scheduled, sent, opened,
                                          clicked)
        SELECT 'res.partner', %(partner)s, 'bench-' || n,
               now() - n * interval '1 hour', now() - n * interval '1 hour',
               CASE WHEN n %% 3 <> 0 THEN now() - n * interval '1 hour' + interval '5 min' END,
               CASE WHEN n %% 3 = 1 THEN now() - n * interval '1 hour' + interval '7 min' END
          FROM generate_series(1, %(rows)s) n""",
                   {"partner": customer.id, "rows": missing // 2 + 1})
    return env["crm.partner.timeline"].search_count(
        [("commercial_partner_id", "=", customer.id)])


def _stamp(value):
    """A date or a datetime as the timeline's timestamp string."""
    return value if not value or len(value) > 10 else value + " 00:00:00"


def _naive(env, customer, limit, offset):
    """What a timeline without the view costs: every source searched and read."""
    from odoo.addons.crm_extended.models.crm_extended_sql import (
        posted_customer_invoices_domain)
    partners = env["res.partner"].search([("id", "child_of", customer.id)])
    events = []
    for order in env["sale.order"].search([("partner_id", "in", partners.ids)]):
        events.append((order.date_order, order.name))
    for invoice in env["account.invoice"].search(
            [("partner_id", "in", partners.ids)] + posted_customer_invoices_domain()):
        events.append((_stamp(invoice.date_invoice), invoice.number or invoice.reference
                       or ""))
    for lead in env["crm.lead"].with_context(active_test=False).search(
            [("partner_id", "in", partners.ids)]):
        events.append((lead.create_date, lead.name))
    for stat in env["mail.mail.statistics"].search([
            ("model", "=", "res.partner"), ("res_id", "in", partners.ids)]):
        for date in (stat.sent, stat.opened, stat.clicked):
            if date:
                events.append((date, stat.mass_mailing_id.name or ""))
    events.sort(key=lambda event: event[0] or "", reverse=True)
    return events[offset:offset + limit]


def _check_same_rows(view_events, naive_events):
    """The same dates in the same order, and the same (date, name) rows; rows of the page's
    last date may differ, since a page can cut between equal dates differently."""
    view = [(event["date"], event["name"] or "") for event in view_events]
    naive = [(date, name or "") for date, name in naive_events]
    if [date for date, _name in view] != [date for date, _name in naive]:
        raise AssertionError("the first page's dates differ from the naive walk's")
    last = view[-1][0] if view else None
    if sorted(row for row in view if row[0] != last) != sorted(
            row for row in naive if row[0] != last):
        raise AssertionError("the first page's rows differ from the naive walk's")


@scenario("Customer timeline: 10,000 events, one page of 80", repeat=5)
def timeline(env):
    customer = _busiest_customer(env)
    total = _top_up(env, customer)
    counts = []
    customer._timeline_events(limit=80)         # warm the caches of the access rules
    for offset in (0, total - 80):
        start = env.cr.sql_log_count
        customer._timeline_events(limit=80, offset=offset)
        counts.append(env.cr.sql_log_count - start)
    if counts[0] != counts[1]:
        raise AssertionError("the query count depends on the page: %s" % counts)
    _check_same_rows(customer._timeline_events(kinds=NAIVE_KINDS, limit=80),
                     _naive(env, customer, 80, 0))

    def page(offset, kinds=None):
        def run():
            start = env.cr.sql_log_count
            events = customer._timeline_events(kinds=kinds, limit=80, offset=offset)
            return {"events": len(events), "queries": env.cr.sql_log_count - start}
        return run

    def naive_first_page():
        return {"events": len(_naive(env, customer, 80, 0))}

    return {
        "naive ORM walk, first page (%s events)" % total: naive_first_page,
        "_timeline_events, first page, same kinds (rows checked equal)": page(0, NAIVE_KINDS),
        "_timeline_events, first page, every kind": page(0),
        "_timeline_events, page 100": page(80 * 99),
        "_timeline_events, invoices and payments only": page(0, ["invoice", "payment"]),
    }
