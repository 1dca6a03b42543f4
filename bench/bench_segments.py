#!/usr/bin/env python3
"""Segments: a three-criteria segment against hand-written SQL returning the same ids, the
mailing list of a 50,000-member segment synchronised after 5% of its members changed (no
other member's rows rewritten), and the RFM recomputation of every customer into its
narrow table against the previous UPDATE of res_partner (last: that one bloats
res_partner for whatever runs after it in the transaction).

Meant for the million-line scale of bench/generate.py (100,000 customers, 1,000,000
invoice lines). Through the shared runner: make -C bench run LINES=1000000
CUSTOMERS=100000 K=segments. Standalone, on a filled database:

    bench/bench_segments.py -c .local/odoo.conf -d crmx_bench_1000000 [--repeat 3]

which prints the medians and writes them as the "Segments" section of bench/RESULTS.md.
Every scenario checks its result (same ids, every customer scored the same both ways, only
the changed members touched) before it is timed, and raises if it is wrong. Everything is
rolled back. The RFM scenario adds the previous storage's columns to res_partner in
its transaction (an ALTER TABLE): run it when no other benchmark uses the same database, or
PostgreSQL may have to break a deadlock between the two.
"""
import argparse
import datetime

import odoo
from odoo import SUPERUSER_ID, api, fields

# bench/ is on the path: the shared runner's registry and timing, alone or through run.py
from results import replace_section
from run import SCENARIOS, load, run_scenario, scale, scenario

POSTED = "('open', 'paid')"
HAND_SQL = """
    SELECT p.id FROM res_partner p
     WHERE p.active AND p.customer AND p.commercial_partner_id = p.id
       AND (p.company_id IS NULL OR p.company_id = %(company)s)
       AND EXISTS (SELECT 1 FROM account_invoice i
                    WHERE i.commercial_partner_id = p.id AND i.company_id = %(company)s
                      AND i.type = 'out_invoice' AND i.state IN """ + POSTED + """
                      AND i.date_invoice >= %(recent)s)
       AND p.id IN (SELECT i.commercial_partner_id FROM account_invoice i
                     WHERE i.company_id = %(company)s AND i.state IN """ + POSTED + """
                       AND i.type IN ('out_invoice', 'out_refund')
                       AND i.date_invoice >= %(year)s
                     GROUP BY i.commercial_partner_id
                    HAVING sum(i.amount_untaxed_signed) >= %(revenue)s)
       AND EXISTS (SELECT 1 FROM account_invoice_line l
                     JOIN account_invoice i ON i.id = l.invoice_id
                    WHERE i.commercial_partner_id = p.id AND i.company_id = %(company)s
                      AND i.type = 'out_invoice' AND i.state IN """ + POSTED + """
                      AND l.product_id IN %(products)s)
"""


def _days_ago(env, days):
    today = fields.Date.from_string(fields.Date.context_today(env.user))
    return fields.Date.to_string(today - datetime.timedelta(days=days))


def _popular_products(env, count):
    env.cr.execute("""
        SELECT product_id FROM account_invoice_line WHERE product_id IS NOT NULL
         GROUP BY product_id ORDER BY count(*) DESC, product_id LIMIT %s""", (count,))
    return tuple(row[0] for row in env.cr.fetchall())


@scenario("Segment: recency + revenue + products bought, 3 sales criteria (checked: the "
          "same customers)")
def segment_three_criteria(env):
    products = _popular_products(env, 10)[5:]          # not the very top: a real filter
    segment = env["crm.segment"].create({
        "name": "bench: recent, big, bought", "last_invoice_within_days": 90,
        "revenue_min": 1000.0, "revenue_window_days": 365,
        "product_ids": [(6, 0, list(products))]})
    params = {"company": segment.company_id.id, "recent": _days_ago(env, 90),
              "year": _days_ago(env, 365), "revenue": 1000.0, "products": products}

    def hand():
        env.cr.execute(HAND_SQL, params)
        rows = env.cr.fetchall()
        return {"customers": len(rows), "answer": lambda: {row[0] for row in rows}}

    def evaluate():
        members = segment._get_partner_ids()
        return {"customers": len(members), "answer": lambda: set(members)}

    # the runner checks that both find the same customers before timing them
    return {"hand-written SQL": hand, "crm.segment._get_partner_ids()": evaluate}


def _half_of_the_countries(env):
    env.cr.execute("""
        SELECT country_id, count(*) FROM res_partner
         WHERE customer AND commercial_partner_id = id AND email IS NOT NULL
           AND country_id IS NOT NULL
         GROUP BY country_id ORDER BY count(*) DESC""")
    rows = env.cr.fetchall()
    total = sum(count for _country, count in rows)
    chosen, members = [], 0
    for country, count in rows:
        if members + count <= total / 2 + count / 2:
            chosen.append(country)
            members += count
    outside = [country for country, _count in rows if country not in chosen]
    return chosen, outside


@scenario("Segment mailing list: 50% of the customers, sync after 5% changed", repeat=3)
def list_sync(env):
    # The generator's customers have no address; give each one (rolled back at the end).
    env.cr.execute("UPDATE res_partner SET email = 'customer' || id || '@bench.example.com' "
                   "WHERE customer AND commercial_partner_id = id AND email IS NULL")
    inside, outside = _half_of_the_countries(env)
    segment = env["crm.segment"].create({"name": "bench: half of the countries",
                                         "country_ids": [(6, 0, inside)]})
    contacts = env["mail.mass_mailing.contact"]

    def list_ids():
        env.cr.execute("SELECT contact_id FROM mail_mass_mailing_contact_list_rel "
                       "WHERE list_id = %s", (segment.mailing_list_id.id,))
        return {row[0] for row in env.cr.fetchall()}

    def row_versions():
        """{contact id: where its contact row and list membership row lie}: any UPDATE of
        either row, even to the same values, moves it (a new ctid)."""
        env.cr.execute("""
            SELECT contact.id, contact.ctid::text || ' ' || rel.ctid::text
              FROM mail_mass_mailing_contact contact
              JOIN mail_mass_mailing_contact_list_rel rel
                ON rel.contact_id = contact.id AND rel.list_id = %s""",
                       (segment.mailing_list_id.id,))
        return dict(env.cr.fetchall())

    def empty_list():
        if segment.mailing_list_id:
            contacts.browse(list(list_ids())).unlink()

    def fill():
        added, _removed = segment._sync_mailing_lists()
        return {"added": added}

    fill()
    members = len(list_ids())
    change = max(1, members // 20 // 2)            # 5% of the members: half out, half in
    state = {}

    def swap():
        """Move `change` members out of the chosen countries and as many other customers
        in (the next swap moves others)."""
        env.cr.execute("""
            WITH leaving AS (
                SELECT id FROM res_partner WHERE country_id IN %(inside)s
                   AND customer AND commercial_partner_id = id AND email IS NOT NULL
                 ORDER BY random() LIMIT %(n)s
            ), coming AS (
                SELECT id FROM res_partner WHERE country_id IN %(outside)s
                   AND customer AND commercial_partner_id = id AND email IS NOT NULL
                 ORDER BY random() LIMIT %(n)s
            )
            UPDATE res_partner SET country_id = CASE WHEN id IN (SELECT id FROM leaving)
                                                     THEN %(to_outside)s ELSE %(to_inside)s END
             WHERE id IN (SELECT id FROM leaving UNION ALL SELECT id FROM coming)
        """, {"inside": tuple(inside), "outside": tuple(outside), "n": change,
              "to_outside": outside[0], "to_inside": inside[0]})
        state["before"] = row_versions()

    def sync():
        added, removed = segment._sync_mailing_lists()
        after = row_versions()
        kept = set(state["before"]) & set(after)
        rewritten = sum(1 for contact in kept if after[contact] != state["before"][contact])
        if (added != change or removed != change or rewritten
                or len(kept) != len(state["before"]) - change):
            raise AssertionError("the sync touched other members than the changed ones")
        return {"members": len(after), "added": added, "removed": removed,
                "untouched": len(kept), "rewritten": rewritten}

    return {"initial fill (one INSERT)": (empty_list, fill),
            "sync after 5% changed": (swap, sync)}


# The previous storage, measured side by side: the same scores written into eight columns
# of res_partner by one UPDATE (columns added in the benchmark's transaction, rolled back).
PREVIOUS_COLUMNS = [("rfm_recency", "integer"), ("rfm_frequency", "integer"),
                    ("rfm_monetary", "integer"), ("rfm_score", "varchar"),
                    ("rfm_segment", "varchar"), ("rfm_last_invoice_date", "date"),
                    ("rfm_invoice_count", "integer"), ("rfm_revenue", "numeric")]
PREVIOUS_RFM_UPDATE = """
    WITH home AS (%s), target AS (
        SELECT partner.id, home.recency, home.frequency_score, home.monetary_score,
               home.score, home.segment, home.last_date, home.frequency, home.monetary
          FROM res_partner partner
          LEFT JOIN home ON home.partner_id = partner.id
         WHERE home.partner_id IS NOT NULL OR partner.rfm_score IS NOT NULL
    )
    UPDATE res_partner partner
       SET rfm_recency = target.recency, rfm_frequency = target.frequency_score,
           rfm_monetary = target.monetary_score, rfm_score = target.score,
           rfm_segment = target.segment, rfm_last_invoice_date = target.last_date,
           rfm_invoice_count = target.frequency, rfm_revenue = target.monetary
      FROM target
     WHERE partner.id = target.id
       AND (partner.rfm_score, partner.rfm_segment, partner.rfm_last_invoice_date,
            partner.rfm_invoice_count, partner.rfm_revenue)
           IS DISTINCT FROM (target.score, target.segment, target.last_date,
                             target.frequency::integer, target.monetary)
"""


@scenario("RFM scores of every customer: res_partner columns before, narrow table now",
          repeat=3)
def rfm(env):
    # the addon is importable once the registry has loaded it
    from odoo.addons.crm_extended.models.crm_partner_rfm import (
        RFM_SCORES_SQL, RFM_SEGMENT_ARRAY)
    env.cr.execute("ALTER TABLE res_partner %s" % ", ".join(
        "ADD COLUMN IF NOT EXISTS %s %s" % column for column in PREVIOUS_COLUMNS))

    def forget_before():
        env.cr.execute("UPDATE res_partner SET rfm_score = NULL, rfm_segment = NULL "
                       "WHERE rfm_score IS NOT NULL")

    def recompute_before():
        env.cr.execute(PREVIOUS_RFM_UPDATE % RFM_SCORES_SQL, {"segments": RFM_SEGMENT_ARRAY})
        return {"customers written": env.cr.rowcount}

    def forget_now():
        env.cr.execute("DELETE FROM crm_partner_rfm")

    def recompute_now():
        return {"customers written": env["res.partner"]._compute_rfm_scores()}

    forget_now()
    recompute_now()
    recompute_before()
    env.cr.execute("""
        SELECT count(DISTINCT commercial_partner_id) FROM account_invoice
         WHERE type = 'out_invoice' AND state IN ('open', 'paid')""")
    invoiced = env.cr.fetchone()[0]
    env.cr.execute("SELECT partner_id, score, segment FROM crm_partner_rfm")
    now = set(env.cr.fetchall())
    env.cr.execute("SELECT id, rfm_score, rfm_segment FROM res_partner "
                   "WHERE rfm_score IS NOT NULL")
    if len(now) != invoiced or now != set(env.cr.fetchall()):
        raise AssertionError("not every invoiced customer got the same RFM scores both ways")
    return {"before: all scored anew, one UPDATE of res_partner":
            (forget_before, recompute_before),
            "now: all scored anew, one upsert into crm_partner_rfm":
            (forget_now, recompute_now),
            "before: nothing changed since the last run": recompute_before,
            "now: nothing changed since the last run": recompute_now}


def _run_standalone(env, repeat):
    rows = []
    for item in SCENARIOS:
        for row in run_scenario(env, item, repeat):
            rows.append(row)
            print("%-60s %-52s %8.3f s %5.2fx %s" % (
                row["scenario"][:60], row["variant"], row["median"], row["ratio"],
                row["extra"]), flush=True)
    return rows


def _write_section(rows, database, repeat, scale_text, loads):
    table = ["| Scenario | Variant | Median (s) | Ratio | Figures |", "|---|---|---:|---:|---|"]
    table += ["| %s | %s | %.3f | %.2f | %s |" % (
        row["scenario"], row["variant"], row["median"], row["ratio"], ", ".join(
            "%s %s" % (key, value) for key, value in sorted(row["extra"].items())))
        for row in rows]
    replace_section("Segments", (
        "`bench/bench_segments.py` on `%s` (%s: %s), median of %d runs (slow scenarios: their "
        "own count) after a warm-up, variants interleaved; ratio to the scenario's first "
        "variant in the same run. Load average (1 min) %s at the start, %s at the end "
        "(2 cores).\n\n%s" % (
            database, datetime.date.today(), scale_text, repeat, loads[0], loads[1],
            "\n".join(table))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    load_start = load()
    with api.Environment.manage():
        with odoo.registry(args.database).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            scale_text = scale(env)
            rows = _run_standalone(env, args.repeat)
            cr.rollback()
    _write_section(rows, args.database, args.repeat, scale_text,
                   (load_start, load()))


if __name__ == "__main__":
    main()
