#!/usr/bin/env python3
"""Run the benchmark scenarios of bench_*.py against a filled database.

    run.py -c CONF -d DB [-k WORD] [--repeat 5] [--results RESULTS.md]

A scenario is a function decorated with @scenario in a bench_<topic>.py file. It receives
an Odoo environment (superuser, a cursor that is rolled back at the end) and returns the
variants to compare, {label: callable or (untimed setup, callable)}, the first one being
the baseline. The runner
calls each variant once to warm up, then runs them in turn (interleaved, so that the
machine's load hits every variant alike) --repeat times, clearing the ORM cache before
every call, and reports each variant's median and its ratio to the baseline's median,
measured side by side in the same run. A callable may return a dict of figures (e.g.
{"queries": 12}) shown beside its time, and under "answer" a function returning what it
computed (called after the timing): the runner checks on the warm-up call that every variant
giving an answer gives the baseline's (like with like), and the table says which were
checked. Results are printed and written as a markdown
table into --results with the machine, the scale and the date.
"""
import argparse
import datetime
import glob
import importlib.util
import os
import platform
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = []


def scenario(title, repeat=None):
    """Register a scenario; ``repeat`` overrides the number of timed runs (slow ones)."""
    def register(function):
        SCENARIOS.append({"title": title, "function": function, "repeat": repeat,
                          "module": function.__module__})
        return function
    return register


def load_scenarios():
    import sys
    sys.modules.setdefault("run", sys.modules[__name__])   # bench files import run.scenario
    for path in sorted(glob.glob(os.path.join(HERE, "bench_*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


def time_call(env, variant):
    setup, call = variant if isinstance(variant, tuple) else (None, variant)
    if setup:
        setup()
    env["res.partner"].invalidate_cache()        # the whole cache of the environment
    env.cr.sql_log_count = 0
    started = time.perf_counter()
    result = call()
    extra = result if isinstance(result, dict) else {}
    elapsed = time.perf_counter() - started
    if "queries" not in extra:
        extra = dict(extra, queries=env.cr.sql_log_count)
    return elapsed, extra


def run_scenario(env, item, repeat):
    variants = item["function"](env)
    if not variants:
        return []
    labels = list(variants)
    times = {label: [] for label in labels}
    extras = {}
    for label in labels:                         # warm-up: caches, plans, buffers
        extras[label] = time_call(env, variants[label])[1]
    checked = check_answers(item["title"], labels, extras)
    for _ in range(item["repeat"] or repeat):
        for label in labels:
            elapsed, extras[label] = time_call(env, variants[label])
            times[label].append(elapsed)
    baseline = statistics.median(times[labels[0]])
    rows = []
    for label in labels:
        median = statistics.median(times[label])
        rows.append({"scenario": item["title"], "variant": label, "median": median,
                     "ratio": median / baseline if baseline else None,
                     "runs": len(times[label]), "checked": checked.get(label, ""),
                     "extra": {key: value for key, value in extras[label].items()
                               if key != "answer"}})
    return rows


def check_answers(title, labels, extras):
    """{label: "same"} for the variants whose answer equals the baseline's; a variant with
    another answer stops the run: its timing would compare unlike things."""
    if "answer" not in extras[labels[0]]:
        return {}
    expected = extras[labels[0]]["answer"]()
    checked = {labels[0]: "baseline"}
    for label in labels[1:]:
        if "answer" not in extras[label]:
            continue
        if extras[label]["answer"]() != expected:
            raise AssertionError("%s: %r does not give the answer of %r"
                                 % (title, label, labels[0]))
        checked[label] = "same"
    return checked


def scale(env):
    cr = env.cr
    figures = []
    for label, query in (
            ("customers", "SELECT COUNT(*) FROM res_partner WHERE customer AND "
                          "commercial_partner_id = id"),
            ("customer invoices", "SELECT COUNT(*) FROM account_invoice "
                                  "WHERE type IN ('out_invoice', 'out_refund')"),
            ("invoice lines", "SELECT COUNT(*) FROM account_invoice_line l JOIN "
                              "account_invoice i ON i.id = l.invoice_id "
                              "WHERE i.type IN ('out_invoice', 'out_refund')"),
            ("sale orders", "SELECT COUNT(*) FROM sale_order")):
        cr.execute(query)
        figures.append("%s %s" % ("{:,}".format(cr.fetchone()[0]), label))
    return ", ".join(figures)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/meminfo") as info:
            memory = int(info.readline().split()[1]) // 1024 // 1024
    except (OSError, ValueError, IndexError):
        memory = "?"
    return "%s, %d cores, %s GB RAM, %s, Python %s" % (
        cpu, os.cpu_count(), memory, platform.platform(terse=True), platform.python_version())


def load():
    """The 1-minute load average: the machine may be shared."""
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "?"


def markdown(rows, env, database, repeat, loads):
    env.cr.execute("SHOW server_version")
    lines = [
        "## %s — database `%s`" % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
                                   database),
        "",
        "- Machine: %s; PostgreSQL %s" % (machine(), env.cr.fetchone()[0]),
        "- Load average (1 min) before and after the run: %s, %s" % loads,
        "- Scale: %s" % scale(env),
        "- Median of %d runs per variant after a warm-up run, variants interleaved; ratio = "
        "median / median of the scenario's first variant, measured in the same run. Answer: "
        "\"same\" where the variant's result was checked equal to the baseline's before "
        "timing (what is compared is in the scenario's title), empty where the variants "
        "compute different things by design." % repeat,
        "",
        "| Scenario | Variant | Median (s) | Ratio | SQL queries | Answer |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append("| %s | %s | %.3f | %s | %s | %s |" % (
            row["scenario"], row["variant"], row["median"],
            "%.2f×" % row["ratio"] if row["ratio"] is not None else "",
            row["extra"].get("queries", ""), row["checked"]))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-k", "--keyword",
                        help="only scenarios whose title or file has one of these "
                             "comma-separated words")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    load_scenarios()
    words = [word.strip().lower() for word in (args.keyword or "").split(",") if word.strip()]
    selected = [item for item in SCENARIOS if not words
                or any(word in (item["title"] + item["module"]).lower() for word in words)]
    rows = []
    load_before = load()
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for item in selected:
                print("%s (%s)" % (item["title"], item["module"]), flush=True)
                for row in run_scenario(env, item, args.repeat):
                    rows.append(row)
                    print("  %-52s %8.3f s  %6s  %s %s" % (
                        row["variant"], row["median"],
                        "%.2fx" % row["ratio"] if row["ratio"] is not None else "",
                        row["extra"], row["checked"]), flush=True)
            text = markdown(rows, env, args.database, args.repeat, (load_before, load()))
            cr.rollback()
    header = "# Benchmark results\n\nWritten by `make bench` (bench/run.py); newest first.\n\n"
    previous = ""
    if os.path.exists(args.results):
        with open(args.results) as existing:
            previous = existing.read()
        # keep what others wrote, under the single title
        previous = previous[len(header):] if previous.startswith(header) else previous
        if previous.startswith("# Benchmark results"):
            previous = previous.split("\n", 1)[1].lstrip("\n")
    with open(args.results, "w") as output:
        output.write(header + text + ("\n" + previous if previous else ""))
    print("wrote %s" % args.results)


if __name__ == "__main__":
    main()
