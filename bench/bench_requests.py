"""Service requests by email: N raw RFC 822 mails through Odoo's mail gateway
(``message_process``) into a team alias, each routed by the rules and confirmed by email
with its case number; stock Odoo's crm.lead alias intake measured beside it.

Runs as a scenario of run.py (``make run K=requests``), or alone on any database with
crm_extended installed (everything it creates is rolled back):

    BENCH_REQUEST_MAILS=1000 python bench_requests.py -c ../.local/odoo.conf -d crmx_requests \
        [--write]

Standalone, the same mails go to both aliases alternately, mail by mail, so that the
machine's load weighs on both alike; --write puts the figures into RESULTS.md.
"""
import datetime
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
try:
    from run import scenario
except ImportError:     # run.py not there yet: standalone use only
    def scenario(title, repeat=None):
        return lambda function: function

from results import replace_section  # noqa: E402
from standalone import arguments, in_database, measure  # noqa: E402

MAILS = int(os.environ.get("BENCH_REQUEST_MAILS", 1000))
SENDERS = 200
SUBJECTS = ["Invoice copy needed", "Broken chair leg", "Delivery date of my order",
            "How do I assemble the desk?", "Defect on the lamp", "Price list for 2027"]
MAIL = """From: {name} <{email}>
To: {alias}@example.com
Subject: {subject} #{number}
Message-ID: <bench-{run}-{number}@mail.example.com>
Date: Mon, 23 Nov 2026 09:12:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Hello, {subject} (mail {number}). Regards, {name}
"""


def _setup(env):
    """Senders (known contacts), a team with an alias for each model, routing rules."""
    partners = env["res.partner"]
    for i in range(SENDERS):
        partners |= partners.create({"name": "Bench Sender %d" % i,
                                     "email": "bench.sender%d@example.com" % i})
    users = env["res.users"].with_context(no_reset_password=True)
    members = [users.create({"name": "Bench Agent %d" % i, "login": "bench_agent_%d" % i,
                             "groups_id": [(6, 0, [env.ref(
                                 "crm_extended.group_crm_extended_user").id])]})
               for i in range(3)]
    team = env["crm.request.team"].create({
        "name": "Bench Support", "alias_name": "bench-support",
        "assignment_method": "round_robin",
        "member_ids": [(6, 0, [user.id for user in members])]})
    field = env["crm.request.team"].create({"name": "Bench Field", "alias_name": "bench-field",
                                            "assignment_method": "least_open",
                                            "member_ids": [(6, 0, [members[0].id])]})
    for sequence, keywords in enumerate(["broken, defect", "invoice", "delivery"]):
        env["crm.request.routing.rule"].create({
            "name": "Bench %s" % keywords, "sequence": sequence, "keywords": keywords,
            "team_id": field.id if sequence == 0 else team.id})
    env["crm.team"].create({"name": "Bench Sales", "alias_name": "bench-leads",
                            "use_opportunities": True})
    return partners


def _mails(partners, alias, run):
    for number in range(MAILS):
        partner = partners[number % len(partners)]
        yield MAIL.format(name=partner.name, email=partner.email, alias=alias, run=run,
                          subject=SUBJECTS[number % len(SUBJECTS)], number=number)


def _gateway(env):
    # As on a server with a mail queue: notifications wait for the queue's cron.
    return env["mail.thread"].with_context(mail_notify_force_send=False)


def _figures(model, env, seconds, counts):
    tenth = max(len(counts) // 10, 1)
    return {
        "records": env[model].search_count([("name", "like", " #")]),
        "per_second": round(len(counts) / sum(seconds), 1),
        "per_second_first_tenth": round(tenth / sum(seconds[:tenth]), 1),
        "per_second_last_tenth": round(tenth / sum(seconds[-tenth:]), 1),
        "queries": round(sum(counts) / len(counts), 1),
        "queries_first_tenth": round(sum(counts[:tenth]) / tenth, 1),
        "queries_last_tenth": round(sum(counts[-tenth:]) / tenth, 1),
    }


def _feed(env, raw):
    return measure(env, lambda: _gateway(env).message_process(None, raw.encode()))


def _intake(env, partners, alias, model):
    """Feed the mails, return throughput and queries per created record (first and last
    tenth apart: a flat count shows no per-record growth)."""
    measures = [_feed(env, raw) for raw in _mails(partners, alias, "%s-%f" % (alias, time.time()))]
    return _figures(model, env, [m[0] for m in measures], [m[1] for m in measures])


def intake_side_by_side(env, partners):
    """The same mails to both aliases, one after the other mail by mail, so that the
    machine's load weighs on both alike."""
    run = "%f" % time.time()
    measures = {"crm.lead": [], "crm.request": []}
    loads = [os.getloadavg()[0]]
    for number, (lead_mail, request_mail) in enumerate(zip(
            _mails(partners, "bench-leads", "l" + run),
            _mails(partners, "bench-support", "r" + run)), 1):
        measures["crm.lead"].append(_feed(env, lead_mail))
        measures["crm.request"].append(_feed(env, request_mail))
        if number % max(MAILS // 10, 1) == 0:
            loads.append(os.getloadavg()[0])
    figures = {model: _figures(model, env, [m[0] for m in values], [m[1] for m in values])
               for model, values in measures.items()}
    return figures, loads


@scenario("Requests by email: %d mails through message_process" % MAILS, repeat=1)
def requests_by_email(env):
    partners = _setup(env)
    return {
        "stock crm.lead alias intake": lambda: _intake(env, partners, "bench-leads",
                                                       "crm.lead"),
        "crm.request alias intake (routing + confirmation)": lambda: _intake(
            env, partners, "bench-support", "crm.request"),
    }


# A past analysis, dated, kept as such: the table and the sentences that write_results
# generates are the only figures of the current run.
NOTES = """\
**Analysis of 2026-11-23** (figures of that day, not re-measured by this run): a mailed
request then cost 143 queries, counted per call path on one request: Odoo's gateway (parse,
duplicate check, alias routing) 14, posting the customer's mail and notifying the followers
31, Odoo's creation tracking message 39, the insert with its followers and stored computed
fields 19, the addon's create values 22 (type and stage 7, SLA deadline on the working
calendar 6, routing rules and round robin 6, case number 3), the confirmation 11, the
assignment mail 6; stock `crm.lead` 94, of which the same gateway, message and tracking work
was about 75. Before that round the request had cost 238: the customer, the creator and the
responsible were subscribed one by one (about 15 queries), the confirmation went through
`message_post` and its notification machinery (65), Odoo's assignment mail through a
mass-mail composer sent inside the transaction (24), and the routing rules were read anew
for every mail (8; since then they are cached until a rule changes). Stock `crm.lead`
intake, which routes, assigns and confirms nothing, then ran at 17-20 mails/s on this
machine at a load of about 2.5, and a request cost about 1.8x a lead: two more mails
(confirmation, assignment), each a `mail.message` plus a `mail.mail`, and the create values
above."""


def _verdict(lead, request):
    """What this run shows, in words generated from its own figures."""
    growth = request["queries_last_tenth"] - request["queries_first_tenth"]
    return (
        "This run: a request costs %(queries)s queries (first tenth %(first)s, last tenth "
        "%(last)s: %(flat)s) and %(rate)s requests/s, so the 50 requests/s aim is %(met)s; "
        "stock `crm.lead` intake runs at %(lead_rate)s leads/s beside it." % {
            "queries": request["queries"], "first": request["queries_first_tenth"],
            "last": request["queries_last_tenth"],
            "flat": "flat" if abs(growth) <= 1 else "growing by %.1f" % growth,
            "rate": request["per_second"],
            "met": "met" if request["per_second"] >= 50 else "**not met**",
            "lead_rate": lead["per_second"]})


ROW = ("| {label} | {mails:,} | {per_second} ({per_second_first_tenth} / "
       "{per_second_last_tenth}) | {queries} ({queries_first_tenth} / {queries_last_tenth}) |")


def write_results(figures, database, load_before, loads):
    lead, request = figures["crm.lead"], figures["crm.request"]
    rows = [ROW.format(label=label, mails=MAILS, **values) for label, values in (
        ("stock `crm.lead` alias", lead),
        ("`crm.request` alias (routing + confirmation)", request))]
    body = "\n".join([
        "Raw RFC 822 mails fed to Odoo's mail gateway (`mail.thread.message_process`) in one "
        "worker, one cursor, rolled back afterwards; 200 known senders, 3 routing rules "
        "(keywords), a round-robin team alias, every request confirmed by email with its case "
        "number and its responsible told, mails queued (`mail_notify_force_send=False`, as on "
        "a server with a mail queue). Stock Odoo's `crm.lead` alias intake of the same mails "
        "(no routing, no assignment, no confirmation) measured beside it, mail by mail "
        "alternately, in the same run (%s, database `%s`, %d CPUs shared with other jobs; "
        "1-minute load average %.1f before the run, then at each tenth of it %s, the "
        "benchmark's own worker and database backend counting for about 2)." % (
            datetime.date.today().isoformat(), database, os.cpu_count(), load_before,
            ", ".join("%.1f" % load for load in loads)),
        "",
        "Run: `cd bench && python bench_requests.py -c ../.local/odoo.conf -d <database>` "
        "(`BENCH_REQUEST_MAILS`, default 1,000; `--write` updates this section).",
        "",
        "| intake | mails | records/s (first / last tenth) | SQL queries per record "
        "(first / last tenth) |",
        "|---|---:|---:|---|",
    ] + rows + [
        "",
        "Ratio `crm.request` to stock `crm.lead`: %.2fx the time per record, %.2fx the "
        "queries." % (lead["per_second"] / request["per_second"],
                      request["queries"] / lead["queries"]),
        "",
        _verdict(lead, request),
        "",
        NOTES,
    ])
    replace_section("Service requests by email", body)


def main():
    parser = arguments(__doc__)
    parser.add_argument("--write", action="store_true",
                        help="write the figures into RESULTS.md (section of this scenario)")
    args = parser.parse_args()
    (figures, loads), (load_before, _load_after) = in_database(
        args, lambda env: intake_side_by_side(env, _setup(env)))
    for model, values in figures.items():
        print("%-12s %s" % (model, values), flush=True)
    print("load average before: %.1f, at each tenth: %s" % (
        load_before, ", ".join("%.1f" % load for load in loads)))
    if args.write:
        write_results(figures, args.database, load_before, loads)


if __name__ == "__main__":
    main()
