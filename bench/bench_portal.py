"""Portal pages at scale, measured side by side in one run.

    bench/bench_portal.py --db crmx_portal_bench [--invoices 5000] [--requests 10000] [--runs 7]

Fills the database (once) with one customer holding ``--invoices`` posted invoices and
``--requests`` requests, and a portal user ``bench_portal`` for it: one real invoice and one
real request are made through Odoo's flows, then cloned in SQL (the same rows Odoo writes,
with their journal entries and followers). Then serves Odoo's WSGI application in-process and
times, round-robin, stock ``/my/invoices`` against ``/my/statement`` and ``/my/requests``
(server time per page, median of the runs, and the SQL queries of one page). Prints a
table and writes it into bench/RESULTS.md (section "Portal").
"""
import argparse
import os
import statistics
import sys
import time
from datetime import date

os.environ.setdefault("ODOO_PRELOAD_ADDONS", "no")

import odoo  # noqa: E402
from odoo.service import security  # noqa: E402
from werkzeug.test import Client  # noqa: E402
from werkzeug.wrappers import BaseResponse  # noqa: E402

from results import replace_section  # noqa: E402
from standalone import configure  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGIN = "bench_portal"
PAGES = ["/my/invoices", "/my/statement", "/my/requests"]
BASELINE = "/my/invoices"


def columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns "
               "WHERE table_name = %s AND column_name <> 'id'", [table])
    return [row[0] for row in cr.fetchall()]


def clone_rows(cr, table, source_where, overrides, params):
    """INSERT a copy of the rows of ``table`` matching ``source_where`` for each row of the
    temporary table ``clone`` (aliases: src, c), with ``overrides`` {column: SQL}."""
    cols = (["id"] if "id" in overrides else []) + columns(cr, table)
    select = ", ".join(overrides.get(col, "src.%s" % col) for col in cols)
    cr.execute('INSERT INTO "%s" (%s) SELECT %s FROM clone c, "%s" src WHERE %s' % (
        table, ", ".join('"%s"' % col for col in cols), select, table, source_where), params)


def setup_data(env, invoices, requests):
    cr = env.cr
    partner = env["res.partner"].search([("name", "=", "Bench Customer")], limit=1)
    if not partner:
        partner = env["res.partner"].create({"name": "Bench Customer", "is_company": True,
                                             "customer": True, "email": "bench@example.com"})
        contact = env["res.partner"].create({"name": "Bench Buyer", "parent_id": partner.id,
                                             "email": "buyer@bench.example.com"})
        env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench Buyer", "login": LOGIN, "password": LOGIN, "partner_id": contact.id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        })
    contact = env["res.users"].search([("login", "=", LOGIN)]).partner_id
    existing = env["account.invoice"].search_count([("partner_id", "=", partner.id)])
    if existing < invoices:
        source = make_invoice(env, partner)
        fill_invoices(cr, source, invoices - existing - 1)
    existing = env["crm.request"].search_count([("partner_id", "=", contact.id)])
    if existing < requests:
        source = env["crm.request"].create({
            "name": "Bench request", "description": "Benchmark",
            "request_type_id": env.ref("crm_extended.request_type_help").id,
            "partner_id": contact.id, "confidentiality": "partner",
        })
        fill_requests(cr, source, requests - existing - 1)
    env.cache.invalidate()
    cr.execute("ANALYZE")


def make_invoice(env, partner):
    product = env["product.product"].search([("sale_ok", "=", True)], limit=1) or \
        env["product.product"].create({"name": "Bench product", "list_price": 100.0})
    invoice = env["account.invoice"].create({"partner_id": partner.id, "type": "out_invoice"})
    line = env["account.invoice.line"].new({"invoice_id": invoice.id, "product_id": product.id,
                                            "quantity": 1})
    line._onchange_product_id()
    values = line._convert_to_write(line._cache)
    values["price_unit"] = 100.0
    env["account.invoice.line"].create(values)
    invoice.action_invoice_open()
    return invoice


def fill_invoices(cr, source, count):
    """Clones of ``source`` (invoice, lines, journal entry and items, followers), dated over
    the last year so that the statement's aging has every bucket."""
    today = date.today()
    cr.execute("""
        CREATE TEMP TABLE clone AS
        SELECT g AS i, nextval('account_move_id_seq') AS move_id,
               nextval('account_invoice_id_seq') AS invoice_id,
               (%s::date - (g %% 360) * interval '1 day')::date AS day
          FROM generate_series(1, %s) g""", [today, count])
    clone_rows(cr, "account_move", "src.id = %s", {
        "id": "c.move_id", "name": "'BENCH/' || c.i", "date": "c.day",
        "ref": "'BENCH/' || c.i",
    }, [source.move_id.id])
    clone_rows(cr, "account_invoice", "src.id = %s", {
        "id": "c.invoice_id", "move_id": "c.move_id", "number": "'BENCH/' || c.i",
        "move_name": "'BENCH/' || c.i",
        "date_invoice": "c.day", "date_due": "c.day", "date": "c.day",
        "access_token": "md5(random()::text)",
    }, [source.id])
    clone_rows(cr, "account_move_line", "src.move_id = %s", {
        "move_id": "c.move_id", "invoice_id": "c.invoice_id", "date": "c.day",
        "date_maturity": "c.day",
    }, [source.move_id.id])
    clone_rows(cr, "account_invoice_line", "src.invoice_id = %s",
               {"invoice_id": "c.invoice_id"}, [source.id])
    cr.execute("""
        INSERT INTO mail_followers (res_model, res_id, partner_id)
        SELECT 'account.invoice', c.invoice_id, f.partner_id
          FROM clone c, mail_followers f
         WHERE f.res_model = 'account.invoice' AND f.res_id = %s""", [source.id])
    cr.execute("DROP TABLE clone")


def fill_requests(cr, source, count):
    cr.execute("CREATE TEMP TABLE clone AS SELECT g AS i FROM generate_series(1, %s) g",
               [count])
    clone_rows(cr, "crm_request", "src.id = %s", {
        "number": "'BENCH/' || c.i", "name": "'Bench request ' || c.i",
        "access_token": "md5(random()::text)",
        "create_date": "src.create_date - c.i * interval '1 hour'",
    }, [source.id])
    cr.execute("DROP TABLE clone")


def login(db, registry):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        uid = registry["res.users"].authenticate(db, LOGIN, LOGIN, None)
        session = odoo.http.root.session_store.new()
        session.db, session.uid, session.login = db, uid, LOGIN
        session.session_token = security.compute_session_token(session, env(user=uid))
        session.context = dict(env["res.users"].sudo(uid).context_get(), uid=uid)
        odoo.http.root.session_store.save(session)
        return session.sid


def timed_get(client, url, sid):
    start = time.perf_counter()
    response = client.get(url, headers={"Cookie": "session_id=%s" % sid})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response.get_data(as_text=True)


def count_queries(client, url, sid):
    cursor_class = odoo.sql_db.Cursor
    execute = cursor_class.execute
    counter = []

    def counting(cr, *args, **kwargs):
        counter.append(1)
        return execute(cr, *args, **kwargs)
    cursor_class.execute = counting
    try:
        timed_get(client, url, sid)
    finally:
        cursor_class.execute = execute
    return len(counter)


def time_pages(db, registry, pages, runs):
    """({page: median server seconds}, {page: SQL queries of one call}) of ``pages`` served
    to the benchmark portal user round-robin ``runs`` times, after two warm-up calls each."""
    sid = login(db, registry)
    client = Client(odoo.service.wsgi_server.application, BaseResponse)
    for url in pages:  # warm the registry caches and compiled templates
        timed_get(client, url, sid)
        timed_get(client, url, sid)
    times = {url: [] for url in pages}
    for _run in range(runs):
        for url in pages:
            times[url].append(timed_get(client, url, sid)[0])
    queries = {url: count_queries(client, url, sid) for url in pages}
    return {url: statistics.median(values) for url, values in times.items()}, queries


def page_arguments(doc):
    """The command line of the scripts timing portal pages: the database, Odoo's
    configuration (the project's by default) and how many runs."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default=os.path.join(ROOT, ".local", "odoo.conf"))
    parser.add_argument("--runs", type=int, default=7)
    return parser


def open_database(parser):
    """The command line read, Odoo configured from it: (arguments, the database's registry)."""
    args = parser.parse_args()
    configure(args.config)
    return args, odoo.registry(args.db)


def write_results(table):
    replace_section("Portal", table)


def main():
    parser = page_arguments(__doc__)
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=10000)
    args, registry = open_database(parser)
    with odoo.api.Environment.manage():
        with registry.cursor() as cr:
            setup_data(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args.invoices,
                       args.requests)
        medians, queries = time_pages(args.db, registry, PAGES, args.runs)
    rows = ["| page | median (s) | ratio to stock /my/invoices | SQL queries |",
            "|---|---|---|---|"]
    for url in PAGES:
        rows.append("| `%s` | %.3f | %.2f | %d |" % (
            url, medians[url], medians[url] / medians[BASELINE], queries[url]))
    table = ("One customer with %d posted invoices and %d requests, portal user, Odoo's "
             "WSGI application in-process, median of %d runs side by side (%s).\n\n%s\n"
             % (args.invoices, args.requests, args.runs, date.today().isoformat(),
                "\n".join(rows)))
    print(table)
    write_results(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
