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
import argparse
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
    before, started = env.cr.sql_log_count, time.perf_counter()
    _gateway(env).message_process(None, raw.encode())
    return time.perf_counter() - started, env.cr.sql_log_count - before


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
    for lead_mail, request_mail in zip(_mails(partners, "bench-leads", "l" + run),
                                       _mails(partners, "bench-support", "r" + run)):
        measures["crm.lead"].append(_feed(env, lead_mail))
        measures["crm.request"].append(_feed(env, request_mail))
    return {model: _figures(model, env, [m[0] for m in values], [m[1] for m in values])
            for model, values in measures.items()}


@scenario("Requests by email: %d mails through message_process" % MAILS, repeat=1)
def requests_by_email(env):
    partners = _setup(env)
    return {
        "stock crm.lead alias intake": lambda: _intake(env, partners, "bench-leads",
                                                       "crm.lead"),
        "crm.request alias intake (routing + confirmation)": lambda: _intake(
            env, partners, "bench-support", "crm.request"),
    }


ROW = ("| {label} | {mails:,} | {per_second} ({per_second_first_tenth} / "
       "{per_second_last_tenth}) | {queries} ({queries_first_tenth} / {queries_last_tenth}) |")


def write_results(figures, database, load_before, load_after):
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
        "alternately, in the same run (%s, database `%s`, %d CPUs, load average %.1f before, "
        "%.1f after)." % (datetime.date.today().isoformat(), database, os.cpu_count(),
                          load_before, load_after),
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
    ])
    replace_section("Service requests by email", body)


def main():
    import odoo
    from odoo import SUPERUSER_ID, api
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--write", action="store_true",
                        help="write the figures into RESULTS.md (section of this scenario)")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    with api.Environment.manage():
        with odoo.registry(args.database).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = _setup(env)
            load_before = os.getloadavg()[0]
            figures = intake_side_by_side(env, partners)
            load_after = os.getloadavg()[0]
            cr.rollback()
    for model, values in figures.items():
        print("%-12s %s" % (model, values), flush=True)
    print("load average %.1f before, %.1f after" % (load_before, load_after))
    if args.write:
        write_results(figures, args.database, load_before, load_after)


if __name__ == "__main__":
    main()
