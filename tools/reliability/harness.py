"""The pieces every scenario drives: the suite's own PostgreSQL cluster, a real Odoo server in
multi-process mode, XML-RPC clients, direct SQL for counting, and the tally of checks."""
import contextlib
import http.client
import os
import re
import signal
import subprocess
import time
import xmlrpc.client

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class SuiteError(Exception):
    """The suite could not run (set-up failed, server did not start): not a finding."""


def wait_until(condition, timeout, what, every=0.2):
    """Poll `condition` until it returns something true and return that; a scenario waits
    for the state it needs, never for a fixed time, and never without a bound."""
    deadline = time.time() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.time() > deadline:
            raise RuntimeError('waited %d s in vain for %s' % (timeout, what))
        time.sleep(every)


class Config(object):
    def __init__(self, args):
        self.db = args.db
        self.http_port = args.http_port
        self.longpolling_port = args.longpolling_port
        self.pgport = args.pgport
        self.pg_dir = args.pg_dir
        self.template_from_pgport = args.template_from_pgport
        self.venv = os.environ.get('VENV', os.path.join(ROOT, '.venv'))
        self.data_dir = os.environ.get('DATA_DIR', os.path.join(ROOT, '.local', 'filestore'))
        self.log_dir = os.path.join(ROOT, '.local', 'reliability')
        self.url = 'http://127.0.0.1:%d' % self.http_port
        os.makedirs(self.log_dir, exist_ok=True)

    def env(self):
        env = dict(os.environ)
        env.update(PGPORT=str(self.pgport), PG_DIR=self.pg_dir, VENV=self.venv,
                   DATA_DIR=self.data_dir, HTTP_PORT=str(self.http_port),
                   ODOO_CONF=os.path.join(self.log_dir, 'odoo-%s.conf' % self.db))
        if self.template_from_pgport:
            env['TEMPLATE_FROM_PGPORT'] = str(self.template_from_pgport)
        return env

    def log(self, name):
        return os.path.join(self.log_dir, name)


def tool(cfg, *cmd, timeout=900):
    """Run one of the project's tools/ scripts against the suite's cluster; fail loudly."""
    cmd = [os.path.join(ROOT, 'tools', cmd[0])] + list(cmd[1:])
    proc = subprocess.run(cmd, env=cfg.env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout, universal_newlines=True)
    if proc.returncode:
        raise SuiteError('%s failed (exit %d):\n%s' % (' '.join(cmd[:3]), proc.returncode,
                                                       proc.stdout[-3000:]))
    return proc.stdout


class Cluster(object):
    """The suite's own PostgreSQL cluster: the suite may stop it without harming anyone."""

    def __init__(self, cfg):
        self.cfg = cfg

    def start(self):
        tool(self.cfg, 'pg.sh', 'start', timeout=120)

    def stop(self):
        return tool(self.cfg, 'pg.sh', 'stop', timeout=120)

    def connect(self, db=None):
        cnx = psycopg2.connect(host='127.0.0.1', port=self.cfg.pgport, user='odoo',
                               dbname=db or self.cfg.db, connect_timeout=10)
        cnx.autocommit = True
        return cnx

    def query(self, sql, params=None, db=None):
        cnx = self.connect(db)
        try:
            with cnx.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            cnx.close()

    def scalar(self, sql, params=None, db=None):
        return self.query(sql, params, db)[0][0]


class Server(object):
    """A real Odoo server with HTTP workers and a cron worker, started through tools/odoo.sh."""

    def __init__(self, cfg, workers=2, extra=()):
        self.cfg = cfg
        self.workers = workers
        self.extra = list(extra)
        self.proc = None
        self.logfile = cfg.log('%s.server.log' % cfg.db)

    def start(self, timeout=120):
        cmd = [os.path.join(ROOT, 'tools', 'odoo.sh'), '-d', self.cfg.db,
               '--workers=%d' % self.workers, '--max-cron-threads=1',
               '--http-port=%d' % self.cfg.http_port,
               '--longpolling-port=%d' % self.cfg.longpolling_port,
               '--db-filter=^%s$' % self.cfg.db,
               # installs and uninstalls go through a worker: give them time
               '--limit-time-cpu=600', '--limit-time-real=1200',
               '--logfile=%s' % self.logfile] + self.extra
        self.proc = subprocess.Popen(cmd, env=self.cfg.env(), start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        with open(self.pidfile(self.cfg), 'w') as pidfile:
            pidfile.write('%d %d\n' % (self.proc.pid, self.cfg.http_port))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SuiteError('the server exited at start (code %s), see %s'
                                 % (self.proc.returncode, self.logfile))
            if self.up():
                self.wait_workers()
                return
            time.sleep(1)
        self.stop()
        raise SuiteError('the server did not answer within %d s, see %s' % (timeout, self.logfile))

    def up(self, timeout=5):
        try:
            proxy = xmlrpc.client.ServerProxy(self.cfg.url + '/xmlrpc/2/common',
                                              transport=TimeoutTransport(timeout))
            return bool(proxy.version())
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False

    def children(self):
        """Process ids of the master's children (HTTP workers, cron worker, longpolling)."""
        pids = []
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            try:
                with open('/proc/%s/stat' % entry) as stat:
                    fields = stat.read().rsplit(')', 1)[1].split()
                with open('/proc/%s/cmdline' % entry, 'rb') as cmdline:
                    title = cmdline.read().replace(b'\0', b' ').decode('utf-8', 'replace')
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append((int(entry), title))
        return pids

    def worker_pids(self):
        """HTTP and cron workers (forked, same command line), not the gevent process."""
        return [pid for pid, title in self.children() if 'gevent' not in title]

    def wait_workers(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.worker_pids()) >= self.workers + 1:
                return True
            time.sleep(0.5)
        return False

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass

    @staticmethod
    def pidfile(cfg):
        return cfg.log('%s.server.pid' % cfg.db)

    @classmethod
    def stop_leftover(cls, cfg):
        """Stop the server a killed suite left running: the process group of the master
        named in the pidfile, if that process still is an Odoo server on the suite's port
        (a pid may have been reused since)."""
        try:
            with open(cls.pidfile(cfg)) as pidfile:
                pid, port = (int(word) for word in pidfile.read().split())
            with open('/proc/%d/cmdline' % pid, 'rb') as cmdline:
                args = cmdline.read().split(b'\0')
        except (OSError, ValueError):
            return False
        if b'--http-port=%d' % port not in args or not any(b'odoo' in arg for arg in args):
            return False
        for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                return True
            deadline = time.time() + grace
            while time.time() < deadline and os.path.exists('/proc/%d' % pid):
                time.sleep(0.2)
        return True

    def log_count(self, needle):
        with open(self.logfile, errors='replace') as log:
            return sum(needle in line for line in log)


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super(TimeoutTransport, self).__init__()
        self.timeout = timeout

    def make_connection(self, host):
        conn = super(TimeoutTransport, self).make_connection(host)
        conn.timeout = self.timeout
        return conn


class Rpc(object):
    """One integrator's XML-RPC session (one per thread: ServerProxy is not thread-safe)."""

    def __init__(self, cfg, login='admin', password='admin', db=None, timeout=120):
        self.cfg = cfg
        self.db = db or cfg.db
        self.password = password
        transport = TimeoutTransport(timeout)
        common = xmlrpc.client.ServerProxy(cfg.url + '/xmlrpc/2/common', transport=transport)
        self.uid = common.authenticate(self.db, login, password, {})
        if not self.uid:
            raise SuiteError('login %s refused on %s' % (login, self.db))
        self.proxy = xmlrpc.client.ServerProxy(cfg.url + '/xmlrpc/2/object',
                                               transport=TimeoutTransport(timeout),
                                               allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(self.db, self.uid, self.password, model, method,
                                     list(args), kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split('.')
        return self('ir.model.data', 'xmlid_to_res_id', '%s.%s' % (module, name))


# What Odoo answers when it refuses (rights, validation, a record that is gone or a page that
# is not there): anything else ending a traceback is a crash, and a crash is a finding.
REFUSALS = {'UserError', 'ValidationError', 'AccessError', 'AccessDenied', 'MissingError',
            'Warning', 'except_orm', 'RedirectWarning', 'ValueError', 'NotFound', 'Forbidden',
            'SessionExpiredException', 'BadRequest'}


def error_class(text):
    """The exception class ending a server traceback or naming an error, e.g.
    'IntegrityError' for 'psycopg2.IntegrityError: ...', 'AccessError' for
    'odoo.exceptions.AccessError'."""
    for line in reversed(text.strip().splitlines()):
        match = re.match(r'^([\w.]*(?:Error|Exception|Warning|Fault|except_orm|NotFound|Forbidden|'
                         r'BadRequest|AccessDenied))\b', line.strip())
        if match:
            return match.group(1).split('.')[-1]
    return 'unknown error'


def fault_kind(fault):
    """What Odoo answered, shortly: the message of a user-facing error (UserError,
    AccessError... come with fault codes 2 to 4 and their message), else the exception class
    ending the server's traceback, e.g. 'IntegrityError' or 'ValidationError'."""
    text = fault.faultString.strip()
    if fault.faultCode != 1:
        return 'user error: %s' % text.splitlines()[0][:80]
    return error_class(text)


def is_refusal(kind):
    """Whether a fault_kind() or error_class() is a clean refusal rather than a crash."""
    return kind.startswith('user error') or kind in REFUSALS


def json_error(response):
    """The error class of a JSON-RPC answer that failed (Odoo answers HTTP 200 with an
    'error' member), or None when it succeeded."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get('error') if isinstance(body, dict) else None
    if not error:
        return None
    data = error.get('data') or {}
    return error_class(data.get('name') or data.get('debug') or error.get('message') or '')


class Tally(object):
    """Checks per scenario, and the figures of the summary table."""

    def __init__(self):
        self.checks = []
        self.load = []          # e.g. '1000/1000 requests by 4 clients'
        self.faults = []        # (fault, survived)
        self.bad_inputs = []    # (case, handled, how)
        self.leaks = []         # (attempt, what leaked)
        self.attempts = 0       # portal isolation attempts
        self.lost = 0           # records that should exist and do not
        self.notes = []
        self.seconds = []       # (phase, seconds)
        self.loads = [os.getloadavg()[0]]  # the machine's load average after each phase

    @contextlib.contextmanager
    def timed(self, phase):
        started = time.time()
        try:
            yield
        finally:
            self.seconds.append((phase, time.time() - started))
            self.loads.append(os.getloadavg()[0])
            print('  %s took %.0f s (load average %.1f)' % (
                phase, self.seconds[-1][1], self.loads[-1]), flush=True)

    def check(self, scenario, what, ok, detail=''):
        self.checks.append((scenario, what, bool(ok), detail))
        print('  [%s] %s: %s%s' % (scenario, 'ok' if ok else 'FAILED', what,
                                   (' (%s)' % detail) if detail else ''), flush=True)
        return ok

    def note(self, text):
        self.notes.append(text)
        print('  note: %s' % text, flush=True)

    @property
    def failed(self):
        return [c for c in self.checks if not c[2]]
