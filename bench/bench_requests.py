"""Service requests by email: N raw RFC 822 mails through Odoo's mail gateway
(``message_process``) into a team alias, each routed by the rules and confirmed by email
with its case number; stock Odoo's crm.lead alias intake measured beside it.

Runs as a scenario of run.py (``make run K=requests``), or alone on any database with
crm_extended installed (everything it creates is rolled back):

    python bench_requests.py -c ../.local/odoo.conf -d crmx_requests [--mails 1000]
"""
import argparse
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


def _intake(env, partners, alias, model):
    """Feed the mails, return throughput and queries per created record (first and last
    tenth apart: a flat count shows no per-record growth)."""
    gateway = env["mail.thread"].with_context(mail_notify_force_send=False)
    run = "%s-%f" % (alias, time.time())
    counts = []
    started = time.perf_counter()
    for raw in _mails(partners, alias, run):
        before = env.cr.sql_log_count
        gateway.message_process(None, raw.encode())
        counts.append(env.cr.sql_log_count - before)
    elapsed = time.perf_counter() - started
    created = env[model].search_count([("name", "like", " #")])
    tenth = max(len(counts) // 10, 1)
    return {
        "records": created,
        "per_second": round(len(counts) / elapsed, 1),
        "queries": round(sum(counts) / len(counts), 1),
        "queries_first_tenth": round(sum(counts[:tenth]) / tenth, 1),
        "queries_last_tenth": round(sum(counts[-tenth:]) / tenth, 1),
    }


@scenario("Requests by email: %d mails through message_process" % MAILS, repeat=1)
def requests_by_email(env):
    partners = _setup(env)
    return {
        "stock crm.lead alias intake": lambda: _intake(env, partners, "bench-leads",
                                                       "crm.lead"),
        "crm.request alias intake (routing + confirmation)": lambda: _intake(
            env, partners, "bench-support", "crm.request"),
    }


def main():
    import odoo
    from odoo import SUPERUSER_ID, api
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    with api.Environment.manage():
        with odoo.registry(args.database).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for label, call in requests_by_email(env).items():
                print("%-52s %s" % (label, call()), flush=True)
            cr.rollback()


if __name__ == "__main__":
    main()
