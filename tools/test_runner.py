"""crm_extended's tests under Odoo 11's own runner (odoo-bin --test-enable) on a demo database.

Three runs on one database made from the demo template (see tools/db.sh bare):
  install  -i crm_extended                                 (its tests at install)
  update   -u crm_extended                                 (again, on the installed addon)
  core     -u sale,account,crm,portal,mass_mailing         (the core suites, and every addon
                                                            that depends on them, crm_extended
                                                            included, in one process)
Without the install run, the database is made with crm_extended installed (without its
tests) before the others. Fails on any failure or error of a crm_extended test, on any core
test whose outcome differs from stock Odoo 11 (tools/runner_baseline.txt, written by the
'baseline' action on a database without crm_extended), on a run that does not finish within
its time limit or logs a critical error. Prints one line per run and, last, "N passed,
N failed": the tests whose outcome is the expected one (crm_extended's passed, the core's as
on stock), and the others.

  tools/test_runner.py [--db DB] [--runs install,update,core] [--timeout SECONDS]
  tools/test_runner.py --baseline [--db DB]
"""
import argparse
import os
import signal
import subprocess
import sys
import time

import runner_log

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE = os.path.join(ROOT, "tools", "runner_baseline.txt")
ADDON = "crm_extended"
CORE = "sale,account,crm,portal,mass_mailing"
RUNS = {"install": ["-i", ADDON], "update": ["-u", ADDON], "core": ["-u", CORE]}


def odoo(db, args, log_path, timeout):
    """Run odoo-bin with ``args`` and the tests enabled; False when it outlived ``timeout``."""
    env = dict(os.environ, ODOO_TEST="1",
               HTTP_PORT=os.environ.get("TEST_HTTP_PORT", "18069"))
    command = [os.path.join(ROOT, "tools", "odoo.sh"), "-d", db, "--db-filter=^%s$" % db,
               "--test-enable", "--stop-after-init", "--log-level=info", "--workers=0",
               "--max-cron-threads=0"] + args
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            return False
    return True


def read_baseline():
    baseline = {}
    with open(BASELINE) as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                outcome, test_id = line.rstrip("\n").split(" ", 1)
                baseline[test_id] = outcome.replace("_", " ")
    return baseline


def write_baseline(result):
    with open(BASELINE, "w") as handle:
        handle.write("# Outcome of every test that '%s' runs under Odoo 11's runner\n"
                     "# (-u %s --test-enable) on a stock demo database, without %s:\n"
                     "# tools/test_runner.py --baseline writes it.\n"
                     % (os.path.basename(__file__), CORE, ADDON))
        for test_id, outcome in sorted(result.outcomes.items()):
            handle.write("%s %s\n" % (outcome.replace(" ", "_"), test_id))


def check(run, result, finished, seconds):
    """(passed, failed, lines to print) for one run."""
    problems = list(result.errors)
    if not finished:
        problems.append("did not finish within its time limit")
    ours = result.of(ADDON)
    counts = result.counts(ADDON)
    method_outcomes = sum(1 for test_id in ours if not test_id.endswith(("setUpClass",
                                                                         "tearDownClass")))
    if not ours:
        problems.append("no %s test ran" % ADDON)
    elif method_outcomes != result.ran[ADDON]:
        problems.append("%d %s tests read in the log, the runner says it ran %d"
                        % (method_outcomes, ADDON, result.ran[ADDON]))
    failed = [test_id for test_id, outcome in ours.items() if outcome in runner_log.FAILED]
    passed = counts["passed"]
    lines = ["%s: %s %d passed, %d failed, %d skipped (%.0f s)"
             % (run, ADDON, passed, len(failed), counts["skipped"], seconds)]
    lines += ["  %s %s" % (ours[test_id].upper(), test_id) for test_id in failed]
    if run == "core":
        baseline = read_baseline()
        others = {test_id: outcome for test_id, outcome in result.outcomes.items()
                  if result.addon_of(test_id) != ADDON}
        deviations = sorted(
            "%s: %s on stock, %s here" % (test_id, baseline.get(test_id, "not run"),
                                          others.get(test_id, "not run"))
            for test_id in set(baseline) | set(others)
            if baseline.get(test_id) != others.get(test_id))
        same = len(others) - sum(1 for d in deviations if not d.endswith("not run"))
        stock = runner_log.Result()
        stock.outcomes.update(baseline)
        totals = stock.counts()
        lines.append("core: %d tests of %d other addons as on stock (%d passed, %d skipped, "
                     "%d failed there and here), %d deviations"
                     % (same, len({result.addon_of(t) for t in others}), totals["passed"],
                        totals["skipped"], totals["failed"], len(deviations)))
        lines += ["  DEVIATION %s" % d for d in deviations]
        passed += same
        failed += deviations
    lines += ["  %s" % problem for problem in problems]
    return passed, len(failed) + len(problems), lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=os.environ.get("RUNNER_DB", "crm_extended_runner"))
    parser.add_argument("--runs", default="install,update,core")
    parser.add_argument("--timeout", type=int, default=2400, help="seconds, per run")
    parser.add_argument("--baseline", action="store_true",
                        help="write %s from a stock run" % os.path.relpath(BASELINE, ROOT))
    options = parser.parse_args()
    log_dir = os.path.join(ROOT, ".local")
    os.makedirs(log_dir, exist_ok=True)
    runs = options.runs.split(",")
    db_sh = os.path.join(ROOT, "tools", "db.sh")
    if options.baseline or "install" in runs:
        subprocess.check_call([db_sh, "bare", options.db, "demo"])
    else:
        # Without the install run, the addon is installed without its tests: the update or
        # core run that follows tests it on the same kind of database.
        subprocess.check_call([db_sh, "fresh", options.db, "demo"])
    if options.baseline:
        log_path = os.path.join(log_dir, "runner-baseline.log")
        if not odoo(options.db, ["-u", CORE], log_path, options.timeout):
            sys.exit("baseline: the stock run did not finish, see %s" % log_path)
        with open(log_path) as log:
            result = runner_log.parse(log)
        write_baseline(result)
        print("baseline: %d tests written to %s" % (len(result.outcomes), BASELINE))
        return
    total_passed = total_failed = 0
    for run in runs:
        log_path = os.path.join(log_dir, "runner-%s.log" % run)
        start = time.time()
        finished = odoo(options.db, RUNS[run], log_path, options.timeout)
        with open(log_path) as log:
            result = runner_log.parse(log)
        passed, failed, lines = check(run, result, finished, time.time() - start)
        print("\n".join(lines), flush=True)
        if failed:
            print("  log: %s" % os.path.relpath(log_path, ROOT), flush=True)
        total_passed += passed
        total_failed += failed
    print("%d passed, %d failed" % (total_passed, total_failed))
    sys.exit(1 if total_failed else 0)


if __name__ == "__main__":
    main()
