"""Predictive lead scoring: history generated with a planted win rate per lead source (the
other scored fields drawn at random, independent of the outcome), then, in one run: the
nightly rebuild of the frequency tables in SQL, the rescoring of the open leads, a lead won
live, and how closely the automated probabilities recover the planted rates.

Runs alone on any database with crm_extended installed (everything it creates, in bulk by
SQL for the history, is rolled back):

    python bench_lead_scoring.py -c ../.local/odoo.conf -d <database> [--leads 100000] [--write]

--write puts the figures in RESULTS.md (section "Lead scoring").
"""
import datetime
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from results import replace_section  # noqa: E402
from standalone import arguments, in_database, measure_rolled_back  # noqa: E402

# planted chance of winning per lead source (percent)
PLANTED = [("Bench Cold Call", 8), ("Bench Web Site", 25), ("Bench Trade Show", 45),
           ("Bench Partner", 65), ("Bench Existing Customer", 85)]
COUNTRIES = ("base.be", "base.fr", "base.es", "base.de")
OPEN_PER_SOURCE = 200
TOLERANCE = 2.0  # points
# the columns _history() and _open_leads() fill, in this order
LEAD_COLUMNS = """(name, type, team_id, company_id, stage_id, source_id, country_id, probability,
                  active, email_state, phone_state, customer_kind, lead_origin,
                  automated_probability, probability_manual, create_date, write_date,
                  create_uid, write_uid)"""
REPEAT = 3


def _history(env, team, sources, count):
    """``count`` closed leads of ``team`` by SQL: won with the planted rate of their source,
    lost leads archived at a random open stage; country, email and phone quality, customer
    kind drawn at random whatever the outcome."""
    stages = env["crm.stage"].search([("probability", "<", 100)])
    won_stage = env["crm.stage"].search([("probability", "=", 100)], limit=1)
    countries = [env.ref(xmlid).id for xmlid in COUNTRIES]
    env.cr.execute("SELECT setseed(0.18)")
    env.cr.execute("""
        INSERT INTO crm_lead {columns}
        SELECT 'Bench scoring ' || n, 'opportunity', %(team)s, %(company)s,
               CASE WHEN won THEN %(won_stage)s
                    ELSE (%(stages)s::int[])[1 + floor(random() * %(stage_count)s)::int] END,
               (%(sources)s::int[])[source], country, CASE WHEN won THEN 100 ELSE 0 END,
               won, (ARRAY['correct', 'incorrect', 'missing'])[1 + floor(random() * 3)::int],
               (ARRAY['correct', 'missing'])[1 + floor(random() * 2)::int],
               (ARRAY['b2b', 'b2c'])[1 + floor(random() * 2)::int], 'direct',
               0, false, now(), now(), 1, 1
          FROM (SELECT n, source,
                       (%(countries)s::int[])[1 + floor(random() * 4)::int] AS country,
                       random() * 100 < (%(rates)s::float8[])[source] AS won
                  FROM (SELECT n, 1 + floor(random() * %(source_count)s)::int AS source
                          FROM generate_series(1, %(count)s) n) drawn) outcome
    """.format(columns=LEAD_COLUMNS), {
        "team": team.id, "company": env.user.company_id.id, "won_stage": won_stage.id,
        "stages": stages.ids, "stage_count": len(stages), "sources": sources.ids,
        "source_count": len(sources), "rates": [rate for _name, rate in PLANTED],
        "countries": countries, "count": count})


def _open_leads(env, team, sources):
    """Open leads at the first stage (every closed lead went through it: the stage weighs
    nothing), ``OPEN_PER_SOURCE`` per source, countries at random."""
    first_stage = env["crm.stage"].search([], order="sequence, id", limit=1)
    countries = [env.ref(xmlid).id for xmlid in COUNTRIES]
    env.cr.execute("""
        INSERT INTO crm_lead {columns}
        SELECT 'Bench open ' || n, 'opportunity', %(team)s, %(company)s, %(stage)s,
               (%(sources)s::int[])[1 + n %% %(source_count)s],
               (%(countries)s::int[])[1 + floor(random() * 4)::int], %(probability)s, true,
               'correct', 'correct', 'b2b', 'direct', 0, false, now(), now(), 1, 1
          FROM generate_series(0, %(count)s - 1) n
        RETURNING id
    """.format(columns=LEAD_COLUMNS), {
        "team": team.id, "company": env.user.company_id.id, "stage": first_stage.id,
        "probability": first_stage.probability, "sources": sources.ids,
        "source_count": len(sources), "countries": countries,
        "count": OPEN_PER_SOURCE * len(sources)})
    return env["crm.lead"].browse([row[0] for row in env.cr.fetchall()])


def _timed(env, function):
    """(median seconds, queries) of ``function`` over REPEAT runs, each rolled back."""
    timings, queries = zip(*(measure_rolled_back(env, function) for _run in range(REPEAT)))
    return statistics.median(timings), statistics.median(queries)


def scenarios(env, count):
    Lead = env["crm.lead"].with_context(tracking_disable=True)
    team = env["crm.team"].create({"name": "Bench scoring team"})
    sources = env["utm.source"].browse([
        env["utm.source"].create({"name": name}).id for name, _rate in PLANTED])
    _history(env, team, sources, count)
    leads = _open_leads(env, team, sources)
    timings = {}
    timings["nightly rebuild of the frequency tables, %s closed leads" % "{:,}".format(
        count)] = _timed(env, Lead._scoring_rebuild)
    Lead._scoring_rebuild()
    timings["rescoring of %s open leads" % "{:,}".format(len(leads))] = _timed(
        env, leads.with_env(Lead.env)._scoring_rescore)
    timings["nightly run: rebuild and rescoring of every open lead"] = _timed(
        env, Lead._cron_lead_scoring)
    one = leads[0].with_env(Lead.env)
    timings["one lead won (live update of the frequencies)"] = _timed(env, one.action_set_won)
    leads.with_env(Lead.env)._scoring_rescore()
    env.cr.execute("""
        SELECT l.source_id, avg(l.automated_probability), min(l.automated_probability),
               max(l.automated_probability)
          FROM crm_lead l WHERE l.id = ANY(%s) GROUP BY l.source_id""", [leads.ids])
    scores = {row[0]: row[1:] for row in env.cr.fetchall()}
    env.cr.execute("""
        SELECT source_id, 100.0 * count(*) FILTER (WHERE probability >= 100) / count(*)
          FROM crm_lead WHERE team_id = %s AND id <> ALL(%s) GROUP BY source_id""",
                   [team.id, leads.ids])
    observed = dict(env.cr.fetchall())
    recovery = []
    for source, (name, planted) in zip(sources, PLANTED):
        mean, low, high = scores[source.id]
        worst = max(abs(low - planted), abs(high - planted))
        recovery.append((name, planted, float(observed[source.id]), mean, low, high, worst))
    return timings, recovery


def write_results(timings, recovery, database, count, loads):
    rows = ["| %s | %.3f | %g |" % (label, seconds, queries)
            for label, (seconds, queries) in timings.items()]
    recovered = ["| %s | %d | %.2f | %.2f | %.2f–%.2f | %.2f |" % row for row in recovery]
    worst = max(row[-1] for row in recovery)
    body = "\n".join([
        "%s, database `%s`, %d CPUs shared with other jobs, 1-minute load average %.1f "
        "before and %.1f after. %s closed leads of one sales channel generated by SQL: won "
        "with the rate planted for their source, country, email and phone quality and "
        "customer kind drawn at random whatever the outcome, lost leads archived at a "
        "random open stage; %d open leads per source at the first stage, countries at "
        "random; default scoring fields. Rolled back afterwards; timings are medians of %d "
        "runs, each in a savepoint rolled back after it." % (
            datetime.date.today().isoformat(), database, os.cpu_count(), loads[0], loads[1],
            "{:,}".format(count), OPEN_PER_SOURCE, REPEAT),
        "",
        "Run: `cd bench && python bench_lead_scoring.py -c ../.local/odoo.conf -d <database> "
        "--write` (`make -C bench scoring`).",
        "",
        "| scenario | seconds | SQL queries |",
        "|---|---:|---:|",
    ] + rows + [
        "",
        "| source | planted win rate % | won in the history % | automated probability, "
        "mean | min–max over its open leads | worst distance to planted (points) |",
        "|---|---:|---:|---:|---:|---:|",
    ] + recovered + [
        "",
        "Every open lead's automated probability is within %.2f points of the rate planted "
        "for its source (target: %.0f); the spread within a source is the naive Bayes "
        "reading sampling noise in the random fields as evidence." % (worst, TOLERANCE),
    ])
    replace_section("Lead scoring", body)


def main():
    parser = arguments(__doc__)
    parser.add_argument("--leads", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    globals()["REPEAT"] = args.repeat
    (timings, recovery), loads = in_database(args, lambda env: scenarios(env, args.leads))
    for label, (seconds, queries) in timings.items():
        print("%-70s %8.3f s %6g queries" % (label, seconds, queries))
    for row in recovery:
        print("%-25s planted %3d%%  history %6.2f%%  scored mean %6.2f  [%6.2f, %6.2f]  "
              "worst %.2f" % row)
    if args.write:
        write_results(timings, recovery, args.database, args.leads, loads)
    worst = max(row[-1] for row in recovery)
    if worst > TOLERANCE:
        sys.exit("lead scoring: %.2f points from a planted rate (target %.0f)"
                 % (worst, TOLERANCE))


if __name__ == "__main__":
    main()
