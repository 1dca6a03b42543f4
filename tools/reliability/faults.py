"""Scenario 3: the database server restarted under the clients' feet, and a worker killed in the
middle of a request."""
import http.client
import os
import signal
import threading
import time
import xmlrpc.client

from concurrency import file_request, intake_team
from harness import Rpc, SuiteError, fault_kind, wait_until

NAME = 'faults'
RETRY_FOR = 120  # seconds a retrying client keeps trying before it gives up


def file_with_retry(cfg, intake, customer, name, log):
    """File one request the way a careful integrator does: on any failure wait, then look
    whether it got filed after all (the answer may have been lost), and file it again only
    if not. Returns the number of failures seen."""
    failures = 0
    deadline = time.time() + RETRY_FOR
    while time.time() < deadline:
        try:
            rpc = Rpc(cfg, timeout=30)
            if failures and rpc('crm.request', 'search_count', [('name', '=', name)]):
                return failures
            file_request(rpc, intake, customer, name, by_mail=False)
            return failures
        except xmlrpc.client.Fault as fault:
            log.append('%s: %s' % (name, fault_kind(fault)))
        except (xmlrpc.client.Error, OSError, SuiteError) as exc:
            log.append('%s: %s' % (name, type(exc).__name__))
        failures += 1
        time.sleep(1)
    raise RuntimeError('%s could not be filed within %d s' % (name, RETRY_FOR))


def half_created(ctx, pattern):
    """Requests of this run that lack their number or their confirmation, and confirmations
    whose request does not exist."""
    incomplete = ctx.cluster.scalar("""
        SELECT count(*) FROM crm_request r
         WHERE r.name LIKE %s AND (r.number IS NULL OR NOT EXISTS (
               SELECT 1 FROM mail_message m WHERE m.model = 'crm.request' AND m.res_id = r.id
                  AND m.subject = '[' || r.number || '] ' || r.name))""", [pattern])
    orphans = ctx.cluster.scalar("""
        SELECT count(*) FROM mail_message m WHERE m.model = 'crm.request'
           AND NOT EXISTS (SELECT 1 FROM crm_request r WHERE r.id = m.res_id)""")
    return incomplete, orphans


def database_restart(ctx, clients=2, before=2, after=3):
    """Clients keep filing requests while the suite's PostgreSQL cluster is stopped and
    started. Every step waits for a state, not for a time: the cluster goes down once each
    client has filed `before` requests, comes back once a client has seen it down, and each
    client files `after` more requests it started with the cluster back."""
    cfg, tally = ctx.cfg, ctx.tally
    admin = Rpc(cfg)
    intake = intake_team(ctx, admin)
    email = 'rel.restart%s@example.com' % ctx.tag
    customer = {'email': email, 'id': admin('res.partner', 'create', {
        'name': 'REL restart customer %s' % ctx.tag, 'email': email})}
    pattern = 'REL-PGR-%s-%%' % ctx.tag
    log, errors = [], []
    filed = [0] * clients
    back = threading.Event()

    def client_loop(client):
        filed_since_back = 0
        while filed_since_back < after:
            started_back = back.is_set()
            try:
                file_with_retry(cfg, intake, customer, 'REL-PGR-%s-%d-%03d' % (
                    ctx.tag, client, filed[client]), log)
            except RuntimeError as exc:
                errors.append(str(exc))
                return
            filed[client] += 1
            filed_since_back += started_back

    threads = [threading.Thread(target=client_loop, args=(c,), daemon=True) for c in range(clients)]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: min(filed) >= before or errors, 120, 'the clients to file requests')
        ctx.cluster.stop()
        wait_until(lambda: log or errors, 60, 'a client to see the database down')
    finally:
        ctx.cluster.start()
        back.set()
    for thread in threads:
        thread.join(RETRY_FOR * (after + 1))
    total = sum(filed)
    count, distinct = ctx.cluster.query(
        "SELECT count(*), count(DISTINCT name) FROM crm_request WHERE name LIKE %s",
        [pattern])[0]
    survived = tally.check(NAME, 'database restart: the server answers again', ctx.server.up())
    survived &= tally.check(NAME, 'database restart: retrying clients filed every request once',
                            not errors and count == total and distinct == total,
                            '%d/%d filed, %d failures seen and retried by the clients; %s'
                            % (count, total, len(log), errors[:2]))
    incomplete, orphans = half_created(ctx, pattern)
    survived &= tally.check(NAME, 'database restart: no half-created request',
                            not incomplete and not orphans,
                            '%d without number or confirmation, %d orphan confirmations'
                            % (incomplete, orphans))
    tally.faults.append(('database restart', bool(survived)))
    tally.lost += total - distinct
    tally.note('database restart: %d requests filed around it, %d client-side failures during '
               'the outage, all retried; e.g. %s' % (total, len(log), log[:1]))


def socket_owner(pids, server_port, client_port):
    """The process among `pids` holding the server end of the TCP connection from
    client_port: the worker serving that client's request."""
    inode = None
    with open('/proc/net/tcp') as table:
        for line in table.readlines()[1:]:
            cols = line.split()
            if (int(cols[1].split(':')[1], 16) == server_port
                    and int(cols[2].split(':')[1], 16) == client_port):
                inode = cols[9]
    if not inode:
        return None
    for pid in pids:
        try:
            fds = os.listdir('/proc/%d/fd' % pid)
            if any(os.readlink('/proc/%d/fd/%s' % (pid, fd)) == 'socket:[%s]' % inode
                   for fd in fds):
                return pid
        except OSError:
            continue
    return None


def start_order(cfg, rpc, values):
    """Send an order creation over a raw HTTP connection whose local port we know, without
    waiting for the answer."""
    body = xmlrpc.client.dumps((rpc.db, rpc.uid, rpc.password, 'sale.order', 'create',
                                [values], {}), 'execute_kw', allow_none=True)
    conn = http.client.HTTPConnection('127.0.0.1', cfg.http_port, timeout=300)
    conn.request('POST', '/xmlrpc/2/object', body.encode('utf-8'),
                 {'Content-Type': 'text/xml'})
    return conn


def backend_waiting_on(ctx, statement):
    """The database backend of the suite's database blocked on a lock while running
    `statement` (its beginning), if any."""
    rows = ctx.cluster.query("""
        SELECT pid FROM pg_stat_activity
         WHERE datname = %s AND wait_event_type = 'Lock' AND query LIKE %s""",
                             [ctx.cfg.db, statement + '%'])
    return rows[0][0] if rows else None


def worker_killed(ctx, lines=5, after=3):
    """A worker is SIGKILLed in the middle of an order creation while another client files
    requests. To kill it at a known point, not after a lucky delay, the suite holds a lock on
    the order lines' table: the order's transaction has written the order and waits for the
    lines when the worker dies. The order must not exist at all, the other client must see no
    error, and the server must replace the worker."""
    cfg, tally = ctx.cfg, ctx.tally
    admin = Rpc(cfg)
    intake = intake_team(ctx, admin)
    email = 'rel.kill%s@example.com' % ctx.tag
    partner = admin('res.partner', 'create', {'name': 'REL kill customer %s' % ctx.tag,
                                              'email': email})
    product = admin('product.product', 'create', {'name': 'REL kill product', 'type': 'consu',
                                                  'list_price': 3.0})
    ref = 'REL-KILL-%s' % ctx.tag
    other_errors, other_done = [], []
    stop = threading.Event()

    def other_client():
        rpc = Rpc(cfg)
        customer = {'id': partner, 'email': email}
        i = 0
        while not stop.is_set():
            try:
                file_request(rpc, intake, customer, 'REL-KILLBG-%s-%03d' % (ctx.tag, i), False)
                other_done.append(i)
            except (xmlrpc.client.Error, OSError) as exc:
                other_errors.append('%d: %s' % (i, type(exc).__name__))
            i += 1

    blocker = ctx.cluster.connect()
    blocker.autocommit = False
    victim, answer = None, 'not sent'
    other = threading.Thread(target=other_client, daemon=True)
    try:
        blocker.cursor().execute('LOCK TABLE sale_order_line IN SHARE MODE')
        conn = start_order(cfg, admin, {
            'partner_id': partner, 'client_order_ref': ref,
            'order_line': [(0, 0, {'product_id': product, 'product_uom_qty': 1 + n})
                           for n in range(lines)]})
        wait_until(lambda: backend_waiting_on(ctx, 'INSERT INTO "sale_order_line"'), 60,
                   'the order creation to wait for its lines')
        victim = wait_until(lambda: socket_owner(ctx.server.worker_pids(), cfg.http_port,
                                                 conn.sock.getsockname()[1]), 10,
                            'the worker serving the order creation')
        other.start()
        wait_until(lambda: len(other_done) >= 1 or other_errors, 60,
                   'the other client to be served by another worker')
        os.kill(victim, signal.SIGKILL)
        try:
            answer = 'answered %s' % conn.getresponse().status
        except (http.client.HTTPException, OSError) as exc:
            answer = 'cut off (%s)' % type(exc).__name__
        conn.close()
    finally:
        blocker.rollback()
        blocker.close()
    done_at_kill = len(other_done)
    try:
        wait_until(lambda: len(other_done) >= done_at_kill + after or other_errors, 120,
                   'the other client to go on after the kill')
    finally:
        stop.set()
        if other.is_alive():
            other.join(120)
    respawned = ctx.server.wait_workers(30)
    orders = ctx.cluster.scalar("SELECT count(*) FROM sale_order WHERE client_order_ref = %s",
                                [ref])
    filed = ctx.cluster.scalar("SELECT count(*) FROM crm_request WHERE name LIKE %s",
                               ['REL-KILLBG-%s-%%' % ctx.tag])
    survived = tally.check(NAME, 'worker kill: the worker serving an order creation was killed '
                           'with the order written and its lines pending',
                           answer.startswith('cut off'),
                           'worker %s, the request was %s' % (victim, answer))
    survived &= tally.check(NAME, 'worker kill: its order left nothing behind', orders == 0,
                            '%d orders with ref %s' % (orders, ref))
    survived &= tally.check(NAME, 'worker kill: the other client saw no error and lost nothing',
                            not other_errors and filed == len(other_done),
                            '%d requests filed, %d errors %s' % (
                                filed, len(other_errors), other_errors[:3]))
    survived &= tally.check(NAME, 'worker kill: the server replaced the worker and answers',
                            respawned and ctx.server.up())
    tally.faults.append(('worker killed mid-request', bool(survived)))
    tally.lost += len(other_done) - filed


def run(ctx):
    worker_killed(ctx)
    database_restart(ctx)
