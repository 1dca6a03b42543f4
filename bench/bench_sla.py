"""Service levels at scale: 100,000 open requests with two SLA lines each (a first response
and a resolution policy, each with an escalation ladder), then, side by side in one run:
the escalation sweep, a stage change with its SLA recomputation, the request list with its
SLA columns, and email intake with and without policies.

Runs alone on any database with crm_extended installed (everything it creates, in bulk by
SQL for the 100,000 requests, is rolled back):

    python bench_sla.py -c ../.local/odoo.conf -d <database> [--requests 100000] [--write]

--write appends the figures to RESULTS.md (section "Service levels at scale").
"""
import datetime
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from results import replace_section  # noqa: E402
from standalone import arguments, in_database, measure, measure_rolled_back  # noqa: E402

NOW = datetime.datetime(2026, 12, 7, 10, 0)
REPEAT = 5


def _policies(env, team):
    Policy = env["crm.request.sla.policy"]
    response = Policy.create({
        "name": "Bench first response 4 h", "target": "first_response", "time_hours": 4,
        "team_ids": [(6, 0, team.ids)], "escalation_ids": [
            (0, 0, {"trigger": "percent", "percent": 50, "action": "notify_responsible"}),
            (0, 0, {"trigger": "after_breach", "hours_after": 0, "action": "raise_priority"})]})
    resolution = Policy.create({
        "name": "Bench resolution 16 h", "target": "resolution", "time_hours": 16,
        "team_ids": [(6, 0, team.ids)],
        "paused_stage_ids": [(6, 0, env.ref("crm_extended.request_stage_waiting").ids)],
        "escalation_ids": [
            (0, 0, {"trigger": "percent", "percent": 80, "action": "schedule_activity"}),
            (0, 0, {"trigger": "after_breach", "hours_after": 0,
                    "action": "reassign_leader"})]})
    return response | resolution


def _fill(env, count, team, policies):
    """`count` open requests of `team` with a line per policy, by SQL, their next escalation
    step due tomorrow."""
    cr = env.cr
    stage = env.ref("crm_extended.request_stage_in_progress")
    request_type = env.ref("crm_extended.request_type_help")
    partner = env["res.partner"].create({"name": "Bench SLA customer",
                                         "email": "bench.sla@example.com"})
    cr.execute("""
        INSERT INTO crm_request (name, number, request_type_id, stage_id, state, company_id,
                                 team_id, user_id, partner_id, commercial_partner_id,
                                 partner_email, priority, priority_user, confidentiality,
                                 active, access_token, create_date, write_date, create_uid,
                                 write_uid, date_last_stage_update, date_deadline,
                                 sla_deadline)
        SELECT 'Bench SLA ' || n, 'BSLA/' || %(count)s || '/' || n, %(type)s, %(stage)s,
               'open', %(company)s,
               %(team)s, %(user)s, %(partner)s, %(partner)s, 'bench.sla@example.com', '1', '1',
               'public', true, md5(n::text), %(start)s, %(start)s, 1, 1, %(start)s,
               %(start)s + interval '3 days', %(start)s + interval '1 day'
          FROM generate_series(1, %(count)s) n
        RETURNING id
    """, {"type": request_type.id, "stage": stage.id, "company": env.user.company_id.id,
          "team": team.id, "user": team.user_id.id, "partner": partner.id,
          "start": NOW - datetime.timedelta(hours=1), "count": count})
    ids = [row[0] for row in cr.fetchall()]
    for policy in policies:
        cr.execute("""
            INSERT INTO crm_request_sla_line (request_id, policy_id, company_id, target,
                                              time_hours, date_start, date_clock, deadline,
                                              state, consumed_hours, paused_hours,
                                              escalation_level, next_escalation_date,
                                              create_date, write_date, create_uid, write_uid)
            SELECT id, %(policy)s, company_id, %(target)s, %(hours)s, create_date,
                   create_date, create_date + interval '2 days', 'running', 0, 0, 0,
                   create_date + interval '1 day',
                   create_date, create_date, 1, 1
              FROM crm_request WHERE id = ANY(%(ids)s)
        """, {"policy": policy.id, "target": policy.target, "hours": policy.time_hours,
              "ids": ids})
    cr.execute("ANALYZE crm_request; ANALYZE crm_request_sla_line")
    env.cache.invalidate()
    return env["crm.request"].browse(ids)


def _side_by_side(env, variants, repeat=None):
    """{label: (median seconds, queries)} of callables run in turn `repeat` times, each
    inside a savepoint rolled back after it (every run starts from the same data)."""
    times = {label: [] for label in variants}
    queries = {}
    for _run in range((repeat or REPEAT) + 1):          # the first run warms up
        for label, call in variants.items():
            seconds, count = measure_rolled_back(env, call)
            if _run:
                times[label].append(seconds)
                queries[label] = count
    return {label: (statistics.median(times[label]), queries[label]) for label in variants}


def scenarios(env, count, mails):
    """All figures of the benchmark, in one run."""
    from bench_requests import _gateway, _mails, _setup
    env = env(context=dict(env.context, sla_now=NOW.strftime("%Y-%m-%d %H:%M:%S"),
                           mail_notify_force_send=False, tracking_disable=False))
    partners = _setup(env)
    team = env["crm.request.team"].search([("alias_name", "=", "bench-support")])
    team.user_id = team.member_ids[:1]
    policies = _policies(env, team)
    Line = env["crm.request.sla.line"]
    now = NOW.strftime("%Y-%m-%d %H:%M:%S")
    results = {}

    # escalation sweep: finding the due steps among all lines (an indexed query), then
    # firing them (3.5 of 4 hours consumed: the 50 % step of the first response is due)
    small = _fill(env, 1000, team, policies)
    big = _fill(env, count, team, policies)
    total = "{:,}".format(count + 1000)
    results["sweep, %s requests (%s lines), nothing due" % (
        total, "{:,}".format(2 * (count + 1000)))] = _side_by_side(
        env, {"sweep": lambda: Line._cron_escalate(now=now)})["sweep"]
    for due in (10, 40):
        env.cr.execute("""
            UPDATE crm_request_sla_line SET next_escalation_date = %s, consumed_hours = 3.5
             WHERE request_id = ANY(%s) AND target = 'first_response'
        """, (now, small[:due].ids))
        results["sweep, %s requests, %d first-response lines due" % (total, due)] = _side_by_side(
            env, {"sweep": lambda: Line._cron_escalate(now=now)})["sweep"]
        env.cr.execute("UPDATE crm_request_sla_line SET next_escalation_date = %s, "
                       "consumed_hours = 0 WHERE request_id = ANY(%s)",
                       (NOW + datetime.timedelta(days=1), small.ids))

    # a stage change with its SLA recomputation: the same on a small and a large table
    waiting = env.ref("crm_extended.request_stage_waiting")
    plain = env["crm.request"].create({
        "name": "Bench no SLA", "partner_id": partners[0].id,
        "request_type_id": env.ref("crm_extended.request_type_help").id})
    for label, request in (("stage change, request without SLA lines", plain),
                           ("stage change, request with 2 SLA lines, 1,000 in the table",
                            small[-1]),
                           ("stage change, request with 2 SLA lines, %s in the table"
                            % "{:,}".format(2 * (count + 1000)), big[-1])):
        results[label] = _side_by_side(
            env, {label: lambda request=request: request.write(
                {"stage_id": waiting.id})})[label]

    # the request list: 80 and 400 rows, without and with the SLA columns
    columns = ["number", "name", "partner_id", "request_type_id", "team_id", "user_id",
               "priority", "date_deadline", "stage_id", "state", "is_escalated"]
    for rows in (80, 400):
        page = big[:rows]
        for label, names in (("list of %d requests without SLA columns" % rows, columns),
                             ("list of %d requests with SLA columns" % rows,
                              columns + ["sla_deadline", "sla_status"])):
            results[label] = _side_by_side(
                env, {label: lambda page=page, names=names: page.read(names)})[label]

    # email intake: the same mails with the policies archived and active, mail by mail
    intake = {"without policies": [], "with 2 policies": []}
    run = "%f" % time.time()
    for number, (first, second) in enumerate(zip(_mails(partners, "bench-support", "a" + run),
                                                 _mails(partners, "bench-support", "b" + run))):
        if number >= mails:
            break
        for label, raw, active in (("without policies", first, False),
                                   ("with 2 policies", second, True)):
            policies.write({"active": active})
            env.cache.invalidate()
            intake[label].append(measure(env, lambda raw=raw: _gateway(env).message_process(
                None, raw.encode())))
    for label, measures in intake.items():
        results["email intake %s (%d mails)" % (label, mails)] = (
            sum(m[0] for m in measures) / len(measures),
            sum(m[1] for m in measures) / float(len(measures)))
    return results


def write_results(results, database, count, loads):
    rows = ["| %s | %.3f | %s |" % (label, seconds, "%g" % round(queries, 1))
            for label, (seconds, queries) in results.items()]
    intake = [value for label, value in results.items() if label.startswith("email intake")]
    body = "\n".join([
        "%s, database `%s`, %d CPUs shared with other jobs, 1-minute load average %.1f "
        "before and %.1f after. %s open requests filled by SQL with 2 running SLA lines "
        "each (first response 4 h and resolution 16 h, two escalation steps each), rolled "
        "back afterwards; medians of %d runs after a warm-up, each in a savepoint rolled "
        "back after it (email intake: mean per mail)." % (
            datetime.date.today().isoformat(), database, os.cpu_count(), loads[0], loads[1],
            "{:,}".format(count), REPEAT),
        "",
        "Run: `cd bench && python bench_sla.py -c ../.local/odoo.conf -d <database> "
        "--write`.",
        "",
        "| scenario | seconds | SQL queries |",
        "|---|---:|---:|",
    ] + rows + [
        "",
        "Email intake with policies / without: %.2fx the queries, %.2fx the time per mail "
        "(target: at most 1.2x the queries)." % (intake[1][1] / intake[0][1],
                                                 intake[1][0] / intake[0][0]),
    ])
    replace_section("Service levels at scale", body)


def main():
    parser = arguments(__doc__)
    parser.add_argument("--requests", type=int, default=100000)
    parser.add_argument("--mails", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    globals()["REPEAT"] = args.repeat
    results, loads = in_database(args, lambda env: scenarios(env, args.requests, args.mails))
    for label, (seconds, queries) in results.items():
        print("%-75s %8.3f s %8s queries" % (label, seconds, "%g" % round(queries, 1)))
    if args.write:
        write_results(results, args.database, args.requests, loads)


if __name__ == "__main__":
    main()
