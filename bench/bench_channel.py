"""Resellers at scale: the assignment engine and the reseller's portal list, in one run.

    bench/bench_channel.py --db crmx_channel_bench [--leads 10000] [--resellers 500]
                           [--portal-leads 5000] [--runs 7]

1. Assignment: ``--resellers`` resellers (three grades, each covering the United States and
   one of its states, capacity 50) and ``--leads`` open leads spread over the states; times
   ``crm.lead.action_assign_partner()`` on all of them (median of the runs, each rolled
   back) and counts its SQL queries at a tenth of the leads and at all of them: the count
   must not grow with the leads.
2. Portal: the benchmark customer of bench_portal.py (``--portal-leads`` posted invoices,
   portal user ``bench_portal``) is made a reseller holding as many proposed leads; times
   stock ``/my/invoices`` against ``/my/leads`` round-robin through Odoo's WSGI
   application in-process (server time, median of the runs, SQL queries of one page).

Writes the section "Channel" of bench/RESULTS.md.
"""
import os
import statistics
import sys
import time
from datetime import date

os.environ.setdefault("ODOO_PRELOAD_ADDONS", "no")

import odoo  # noqa: E402

import bench_portal  # noqa: E402
from results import replace_section  # noqa: E402

PAGES = ["/my/invoices", "/my/leads"]
BASELINE = "/my/invoices"
LEAD_TAG = "Bench channel lead"


def setup_resellers(env, count):
    """``count`` resellers (made once): one real one through the ORM, cloned in SQL, one US
    state each, cycling over three grades."""
    cr = env.cr
    Partner = env["res.partner"]
    if Partner.search_count([("ref", "=", "bench-reseller")]) >= count:
        return
    us = env.ref("base.us")
    grades = [env["crm.partner.grade"].create({"name": "Bench %s" % name, "weight": weight})
              for name, weight in (("gold", 10), ("silver", 5), ("bronze", 2))]
    source = Partner.create({
        "name": "Bench Reseller 0", "ref": "bench-reseller", "is_company": True,
        "customer": False, "is_channel_partner": True, "partner_grade_id": grades[0].id,
        "partner_capacity": 50})
    cr.execute("CREATE TEMP TABLE clone AS SELECT g AS i, nextval('res_partner_id_seq') AS id "
               "FROM generate_series(1, %s) g", [count - 1])
    bench_portal.clone_rows(cr, "res_partner", "src.id = %s", {
        "id": "c.id", "name": "'Bench Reseller ' || c.i",
        "display_name": "'Bench Reseller ' || c.i", "commercial_partner_id": "c.id",
        "partner_grade_id": "(%s::int[])[1 + c.i %% 3]",
    }, [[grade.id for grade in grades], source.id])
    cr.execute("DROP TABLE clone")
    cr.execute("""
        INSERT INTO res_partner_channel_country_rel (partner_id, country_id)
        SELECT id, %s FROM res_partner WHERE ref = 'bench-reseller'
    """, [us.id])
    cr.execute("""
        INSERT INTO res_partner_channel_state_rel (partner_id, state_id)
        SELECT partner.id, states.ids[1 + partner.n %% array_length(states.ids, 1)]
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM res_partner
                 WHERE ref = 'bench-reseller') partner,
               (SELECT array_agg(id ORDER BY id) AS ids FROM res_country_state
                 WHERE country_id = %s) states
    """, [us.id])
    env.cache.invalidate()


def clone_leads(env, source, count):
    """``count`` copies of the lead ``source`` in one INSERT (the rows Odoo writes), spread
    over the US states; returns their ids."""
    cr = env.cr
    cols = [col for col in bench_portal.columns(cr, "crm_lead")
            if col not in ("name", "state_id")]
    cr.execute("""
        INSERT INTO crm_lead (name, state_id, %s)
        SELECT %%s || ' ' || g, states.ids[1 + mod(g, array_length(states.ids, 1))], %s
          FROM generate_series(1, %%s) g, crm_lead src,
               (SELECT array_agg(id ORDER BY id) AS ids FROM res_country_state
                 WHERE country_id = %%s) states
         WHERE src.id = %%s
        RETURNING id
    """ % (", ".join('"%s"' % col for col in cols),
           ", ".join('src."%s"' % col for col in cols)),
        (LEAD_TAG, count, env.ref("base.us").id, source.id))
    return [row[0] for row in cr.fetchall()]


def source_lead(env):
    return env["crm.lead"].create({
        "name": LEAD_TAG, "type": "lead", "country_id": env.ref("base.us").id,
        "partner_name": "Bench Prospect", "email_from": "prospect@bench.example.com",
        "planned_revenue": 1000.0,
    })


def bench_assignment(registry, leads, resellers, runs):
    """(median seconds for all leads, queries for a tenth, queries for all)."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        setup_resellers(env, resellers)
        cr.commit()
        times, queries = [], {}
        for run in range(runs + 1):
            cr.execute("SAVEPOINT bench_assign")
            ids = clone_leads(env, source_lead(env), leads)
            cr.execute("ANALYZE crm_lead")
            for size in ((leads // 10, leads) if run == 0 else (leads,)):
                batch = env["crm.lead"].browse(ids[:size])
                env.cache.invalidate()
                start_count, start = cr.sql_log_count, time.perf_counter()
                assigned = batch.action_assign_partner()
                elapsed = time.perf_counter() - start
                queries[size] = cr.sql_log_count - start_count
                if run:
                    times.append(elapsed)
                assert assigned == size, (assigned, size)
                if size != leads:  # the tenth again, unassigned, for the full run
                    cr.execute("DELETE FROM crm_partner_assignment WHERE lead_id = ANY(%s)",
                               (ids[:size],))
                    cr.execute("UPDATE crm_lead SET partner_assigned_id = NULL, "
                               "partner_assign_state = NULL WHERE id = ANY(%s)", (ids[:size],))
            cr.execute("ROLLBACK TO SAVEPOINT bench_assign")
        cr.rollback()
    return statistics.median(times), queries[leads // 10], queries[leads]


def setup_portal_leads(registry, count):
    """The benchmark customer as a reseller holding ``count`` proposed leads."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench_portal.setup_data(env, count, 0)
        reseller = env["res.users"].search([("login", "=", bench_portal.LOGIN)]) \
            .partner_id.commercial_partner_id
        reseller.write({"is_channel_partner": True, "partner_capacity": count})
        held = env["crm.lead"].search_count([("partner_assigned_id", "=", reseller.id)])
        if held < count:
            ids = clone_leads(env, source_lead(env), count - held)
            env["crm.lead"]._propose_to([(lead_id, reseller.id) for lead_id in ids])
        cr.execute("ANALYZE")


def main():
    parser = bench_portal.page_arguments(__doc__)
    parser.add_argument("--leads", type=int, default=10000)
    parser.add_argument("--resellers", type=int, default=500)
    parser.add_argument("--portal-leads", type=int, default=5000)
    args, registry = bench_portal.open_database(parser)
    with odoo.api.Environment.manage():
        seconds, tenth_queries, all_queries = bench_assignment(
            registry, args.leads, args.resellers, args.runs)
        setup_portal_leads(registry, args.portal_leads)
        medians, queries = bench_portal.time_pages(args.db, registry, PAGES, args.runs)
    load = os.getloadavg()[0]
    rows = ["| scenario | median (s) | ratio | SQL queries |", "|---|---|---|---|",
            "| `action_assign_partner()`: %d leads, %d resellers | %.3f | target < 5 s | "
            "%d (%d for %d leads) |" % (args.leads, args.resellers, seconds, all_queries,
                                        tenth_queries, args.leads // 10)]
    for url in PAGES:
        rows.append("| `%s` (%d %s) | %.3f | %.2f | %d |" % (
            url, args.portal_leads, "invoices" if url == BASELINE else "proposed leads",
            medians[url], medians[url] / medians[BASELINE], queries[url]))
    table = ("Run: `bench/bench_channel.py --db <database>` (%s, load average %.1f on 2 cores, "
             "median of %d runs; the portal pages side by side through Odoo's WSGI "
             "application in-process, same portal user: its company is both the customer "
             "of the invoices and the reseller of the leads; target `/my/leads` within "
             "1.5x stock `/my/invoices`).\n\n%s\n"
             % (date.today().isoformat(), load, args.runs, "\n".join(rows)))
    print(table)
    replace_section("Channel", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
