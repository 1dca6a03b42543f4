"""Scenario 1: several integrators write at the same instant through different workers."""
import threading
import time
import xmlrpc.client

from harness import Rpc, fault_kind

NAME = 'concurrency'


def run_clients(cfg, clients, work, count):
    """Run work(rpc, client, i) count times in each of `clients` threads, all released at
    once. Returns (errors, seconds): errors as (client, i, what) for every surfaced fault."""
    errors = []
    barrier = threading.Barrier(clients)

    def client_loop(client):
        rpc = Rpc(cfg)
        barrier.wait()
        for i in range(count):
            try:
                work(rpc, client, i)
            except xmlrpc.client.Fault as fault:
                errors.append((client, i, fault_kind(fault)))
            except OSError as exc:
                errors.append((client, i, repr(exc)))

    threads = [threading.Thread(target=client_loop, args=(c,)) for c in range(clients)]
    start = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors, time.time() - start


def orders_and_invoices(ctx, clients=4, per_client=25):
    """Each client confirms orders with its own campaign and validates their invoices on the
    one shared sales journal (whose gap-free numbering locks a row): Odoo must retry the
    conflicts itself, and every invoice must carry the campaign of its order."""
    cfg, cluster, tally = ctx.cfg, ctx.cluster, ctx.tally
    admin = Rpc(cfg)
    partners = [admin('res.partner', 'create', {'name': 'REL concurrent buyer %d' % i,
                                                'is_company': True, 'customer': True})
                for i in range(3)]
    product = admin('product.product', 'create', {
        'name': 'REL concurrent product', 'type': 'consu', 'list_price': 42.5,
        'invoice_policy': 'order'})
    campaigns = [admin('utm.campaign', 'create', {'name': 'REL concurrent campaign %d' % c})
                 for c in range(clients)]
    retries_before = ctx.server.log_count(', retry ')

    def work(rpc, client, i):
        order = rpc('sale.order', 'create', {
            'partner_id': partners[i % len(partners)], 'campaign_id': campaigns[client],
            'client_order_ref': 'REL-C%d-%03d' % (client, i),
            'order_line': [(0, 0, {'product_id': product, 'product_uom_qty': 1 + i % 3})]})
        rpc('sale.order', 'action_confirm', [order])
        invoices = rpc('sale.order', 'action_invoice_create', [order])
        rpc('account.invoice', 'action_invoice_open', invoices)

    errors, seconds = run_clients(cfg, clients, work, per_client)
    total = clients * per_client
    tally.check(NAME, 'no fault surfaced to %d clients confirming and invoicing %d orders'
                % (clients, total), not errors, '%d errors: %s' % (len(errors), errors[:5]))
    rows = cluster.query("""
        SELECT o.client_order_ref, o.state, o.campaign_id, i.state, i.number, i.campaign_id
          FROM sale_order o
          LEFT JOIN account_invoice i ON i.origin = o.name
         WHERE o.client_order_ref LIKE 'REL-C%%'""")
    refs = {row[0] for row in rows}
    tally.check(NAME, 'every order exists once, confirmed', len(rows) == total and len(refs)
                == total and all(r[1] == 'sale' for r in rows), '%d rows, %d refs' % (
                    len(rows), len(refs)))
    numbers = {r[4] for r in rows if r[3] == 'open'}
    tally.check(NAME, 'every order has one validated invoice with its own number',
                len(numbers) == total, '%d distinct open invoice numbers' % len(numbers))
    wrong = [r[0] for r in rows if r[2] != r[5]]
    tally.check(NAME, 'every invoice carries the campaign of its order', not wrong,
                '%d invoices without their order\'s campaign, e.g. %s' % (len(wrong), wrong[:3]))
    retries = ctx.server.log_count(', retry ') - retries_before
    tally.load.append('%d/%d orders confirmed + invoiced (%d clients)'
                      % (len(numbers), total, clients))
    tally.lost += total - len(refs)
    tally.note('%d orders confirmed and invoiced by %d clients in %.0f s; '
               'Odoo retried %d concurrency conflicts itself' % (total, clients, seconds, retries))


def run(ctx):
    orders_and_invoices(ctx, per_client=ctx.args.orders_per_client)
