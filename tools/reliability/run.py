"""Reliability suite: a real Odoo server in multi-process mode on the suite's own PostgreSQL
cluster, driven over XML-RPC and HTTP through load, faults, bad input, portal probing and the
addon's lifecycle. Prints a summary table, writes it to docs/RELIABILITY.md, exits non-zero on
any failed check. The server and the suite's cluster are stopped at the end, also on failure.

    make test-reliability            (or: .venv/bin/python tools/reliability/run.py --help)
"""
import argparse
import datetime
import os
import signal
import sys
import time
import traceback

import bad_input
import concurrency
import crons
import faults
import lifecycle
import portal
from harness import ROOT, Cluster, Config, Server, SuiteError, Tally, tool

SCENARIOS = [('concurrency', concurrency.run), ('crons', crons.run), ('faults', faults.run),
             ('bad_input', bad_input.run), ('portal', portal.run)]
# The checks each scenario makes when it runs to the end (keyed by the name its checks
# carry): a scenario that stops early, or a check that silently went away, fails the run.
EXPECTED_CHECKS = {'concurrency': ('concurrency', 7), 'crons': ('crons', 8),
                   'faults': ('faults', 7), 'bad_input': ('bad input', 4),
                   'portal': ('portal', 10), 'lifecycle': ('lifecycle', 10)}
RESULTS = os.path.join(ROOT, 'docs', 'RELIABILITY.md')
BEGIN, END = '<!-- results: written by make test-reliability -->', '<!-- /results -->'


class Context(object):
    def __init__(self, args, cfg, cluster, server, tally):
        self.args, self.cfg, self.cluster, self.server, self.tally = (
            args, cfg, cluster, server, tally)
        self.data = {}
        # names carry the run's tag: a reused database holds earlier runs' records
        self.tag = '%x' % int(time.time())


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--db', default='crmx_rel')
    parser.add_argument('--http-port', type=int, default=18107)
    parser.add_argument('--longpolling-port', type=int, default=18108)
    parser.add_argument('--pgport', type=int, default=54340,
                        help="port of the suite's own cluster (restarted by the fault scenario)")
    parser.add_argument('--pg-dir', default=os.path.join(ROOT, '.local', 'pg-rel'))
    parser.add_argument('--template-from-pgport', type=int, default=54329,
                        help="copy the cached template from the project's cluster on this port")
    parser.add_argument('--scale', type=int, default=1, help='size of the generated data set')
    parser.add_argument('--orders-per-client', type=int, default=6)
    parser.add_argument('--requests-per-client', type=int, default=100)
    parser.add_argument('--reuse', action='store_true',
                        help='upgrade the database of the last run if it has crm_extended '
                             'instead of creating it anew (faster iterations)')
    parser.add_argument('--only', default='', help='comma-separated scenarios to run')
    parser.add_argument('--timeout', type=int, default=1800,
                        help='whole suite, seconds (30 min: twice what a quiet 2-core machine '
                             'needs)')
    parser.add_argument('--keep', action='store_true',
                        help='leave the cluster running afterwards (the server always stops)')
    parser.add_argument('--no-write', action='store_true', help='do not update ' + RESULTS)
    parser.add_argument('--cleanup', action='store_true',
                        help='only stop what a killed run left running: its server, and its '
                             'cluster unless --keep (the make target does this on exit)')
    return parser.parse_args()


def on_timeout(_signum, _frame):
    raise SuiteError('the suite exceeded its time limit')


def on_terminate(_signum, _frame):
    raise SuiteError('the suite was terminated')


def run_suite(args, tally):
    cfg = Config(args)
    cluster = Cluster(cfg)
    server = Server(cfg)
    only = set(filter(None, args.only.split(',')))
    signal.signal(signal.SIGALRM, on_timeout)
    signal.signal(signal.SIGTERM, on_terminate)  # killed from outside: still clean up
    signal.alarm(args.timeout)
    try:
        with tally.timed('set-up'):
            open(server.logfile, 'w').close()  # the log counts (retries, skips) are this run's
            cluster.start()
            ctx = Context(args, cfg, cluster, server, tally)
            reused = args.reuse and lifecycle.installed(ctx)
            if reused:
                lifecycle.odoo_cli(ctx, '-u', 'crm_extended')  # the code may have moved on
                server.start()
            else:
                tool(cfg, 'db.sh', 'bare', cfg.db, 'nodemo')
                server.start()
                lifecycle.install_on_data(ctx)
        for name, scenario in SCENARIOS:
            if only and name not in only:
                continue
            print('scenario %s' % name, flush=True)
            try:
                with tally.timed(name):
                    scenario(ctx)
            except Exception as exc:  # noqa: B902 - one broken scenario must not hide the others
                if isinstance(exc, SuiteError):  # the time limit: stop everything
                    raise
                tally.check(name, 'scenario ran to the end', False, traceback.format_exc())
            if not server.up():
                tally.check(name, 'server still up after the scenario', False)
                server.stop()
                server.start()
        if tally.bad_inputs:
            bad_input.summary(tally)
        if not only or 'lifecycle' in only:
            print('scenario lifecycle', flush=True)
            with tally.timed('lifecycle'):
                lifecycle.upgrade_uninstall_reinstall(ctx)
        count_checks(tally, only, reused)
    finally:
        signal.alarm(0)
        server.stop()
        if not args.keep:
            cluster.stop()


def count_checks(tally, only, reused):
    """Fail the run when a scenario made fewer (or other) checks than it states."""
    for scenario, (name, expected) in sorted(EXPECTED_CHECKS.items()):
        if only and scenario not in only:
            continue
        if scenario == 'lifecycle' and reused:
            expected -= 2  # the install on data is what a reused database skips
        ran = sum(1 for check in tally.checks if check[0] == name)
        tally.check('suite', '%s: %d checks expected' % (scenario, expected), ran == expected,
                    '%d ran' % ran)


def table(tally, seconds):
    faults_ok = sum(1 for _fault, survived in tally.faults if survived)
    handled = sum(1 for _case, ok, _how in tally.bad_inputs if ok)
    rows = [
        ('load held', '; '.join(tally.load) or 'not run'),
        ('faults survived', '%d/%d %s' % (faults_ok, len(tally.faults), ', '.join(
            '%s%s' % (fault, '' if ok else ' (FAILED)') for fault, ok in tally.faults))
         if tally.faults else 'not run'),
        ('bad inputs tried', '%d, %d handled cleanly' % (len(tally.bad_inputs), handled)
         if tally.bad_inputs else 'not run'),
        ('leaks found', '%d in %d portal attempts' % (len(tally.leaks), tally.attempts)
         if tally.attempts else 'not run'),
        ('records lost', str(tally.lost)),
        ('checks', '%d passed, %d failed' % (
            len(tally.checks) - len(tally.failed), len(tally.failed))),
        ('time', '%.0f s (%s); machine load average %.1f-%.1f (%d cores)' % (
            seconds, ', '.join('%s %.0f' % (phase, spent) for phase, spent in tally.seconds),
            min(tally.loads), max(tally.loads), os.cpu_count())),
    ]
    width = max(len(k) for k, _v in rows)
    text = '\n'.join('| %s | %s |' % (k.ljust(width), v) for k, v in rows)
    return '| %s | result |\n| %s | --- |\n%s' % ('measure'.ljust(width), '-' * width, text)


def write_results(tally, summary):
    lines = [BEGIN, '', 'Last run: %s UTC' % datetime.datetime.utcnow().strftime(
        '%Y-%m-%d %H:%M'), '', summary, '']
    if tally.notes:
        lines += ['Notes:', ''] + ['- %s' % note for note in tally.notes] + ['']
    if tally.failed:
        lines += ['Failed checks:', '']
        lines += ['- %s: %s (%s)' % (scenario, what, detail.splitlines()[-1] if detail else '')
                  for scenario, what, _ok, detail in tally.failed]
        lines.append('')
    lines.append(END)
    block = '\n'.join(lines)
    with open(RESULTS) as doc:
        text = doc.read()
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip('\n') + '\n\n' + block + '\n'
    with open(RESULTS, 'w') as doc:
        doc.write(text)


def cleanup(args):
    cfg = Config(args)
    if Server.stop_leftover(cfg):
        print('stopped the server a killed run left behind')
    if not args.keep and 'stopped' in Cluster(cfg).stop():
        print('stopped the cluster a killed run left behind')


def main():
    args = parse_args()
    if args.cleanup:
        cleanup(args)
        return 0
    tally = Tally()
    start = time.time()
    try:
        run_suite(args, tally)
    except SuiteError as exc:
        tally.check('suite', 'set-up and run', False, str(exc))
    except Exception:  # noqa: B902 - report whatever stopped the run, after the clean-up
        tally.check('suite', 'set-up and run', False, traceback.format_exc())
    summary = table(tally, time.time() - start)
    print('\n' + summary + '\n')
    if not args.no_write:
        write_results(tally, summary)
        print('written to %s' % os.path.relpath(RESULTS, ROOT))
    return 1 if tally.failed else 0


if __name__ == '__main__':
    sys.exit(main())
