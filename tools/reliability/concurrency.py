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

    threads = [threading.Thread(target=client_loop, args=(c,), daemon=True) for c in range(clients)]
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
            'client_order_ref': 'REL-C%s-%d-%03d' % (ctx.tag, client, i),
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
         WHERE o.client_order_ref LIKE %s""", ['REL-C%s-%%' % ctx.tag])
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


def intake_team(ctx, rpc):
    """A request team with a mail alias filing 'Request for Information' (confirmed
    automatically), and one known customer contact per client."""
    request_type = rpc.ref('crm_extended.request_type_information')
    team = rpc('crm.request.team', 'search', [('name', '=', 'REL support')])
    team = team[0] if team else rpc('crm.request.team', 'create', {
        'name': 'REL support', 'alias_name': 'rel-support', 'allow_new_contacts': True,
        'alias_defaults': repr({'request_type_id': request_type})})
    return {'team': team, 'type': request_type, 'alias': 'rel-support@example.com'}


def raw_mail(sender, to, subject, body, message_id, extra_headers=()):
    headers = ['From: %s' % sender, 'To: %s' % to, 'Subject: %s' % subject,
               'Message-Id: <%s>' % message_id, 'MIME-Version: 1.0',
               'Content-Type: text/plain; charset="utf-8"'] + list(extra_headers)
    return '\r\n'.join(headers) + '\r\n\r\n' + body + '\r\n'


def file_request(rpc, intake, customer, name, by_mail):
    """One request, through XML-RPC or through the team's mail alias."""
    if by_mail:
        return rpc('mail.thread', 'message_process', 'crm.request', raw_mail(
            customer['email'], intake['alias'], name, 'Please help with %s.' % name,
            '%s@rel.example.com' % name))
    return rpc('crm.request', 'create', {
        'name': name, 'request_type_id': intake['type'], 'team_id': intake['team'],
        'partner_id': customer['id'], 'description': 'Filed over XML-RPC.'})


def requests_at_once(ctx, clients=4, per_client=100):
    """4 x 100 requests filed at once, over XML-RPC and by mail: exactly 400 requests, 400
    distinct case numbers, each with its confirmation, and no error seen by a client (400
    collide on the numbering as surely as 1,000 did, in well under half the time)."""
    cfg, cluster, tally = ctx.cfg, ctx.cluster, ctx.tally
    admin = Rpc(cfg)
    intake = intake_team(ctx, admin)
    customers = []
    for c in range(clients):
        email = 'rel.load%s.%d@example.com' % (ctx.tag, c)
        customers.append({'email': email, 'id': admin('res.partner', 'create', {
            'name': 'REL load customer %s %d' % (ctx.tag, c), 'email': email,
            'customer': True})})
    retries_before = ctx.server.log_count(', retry ')

    def work(rpc, client, i):
        file_request(rpc, intake, customers[client], 'REL-LOAD-%s-%d-%03d' % (ctx.tag, client, i),
                     by_mail=i % 4 == 3)

    errors, seconds = run_clients(cfg, clients, work, per_client)
    total = clients * per_client
    tally.check(NAME, 'no fault surfaced to %d clients filing %d requests' % (clients, total),
                not errors, '%d errors: %s' % (len(errors), errors[:5]))
    count, numbers, confirmed = cluster.query("""
        SELECT count(*), count(DISTINCT r.number),
               count(DISTINCT m.res_id)
          FROM crm_request r
          LEFT JOIN mail_message m
                 ON m.model = 'crm.request' AND m.res_id = r.id
                AND m.subject = '[' || r.number || '] ' || r.name
         WHERE r.name LIKE %s""", ['REL-LOAD-%s-%%' % ctx.tag])[0]
    tally.check(NAME, 'exactly %d requests, %d distinct case numbers' % (total, total),
                count == total and numbers == total, '%d requests, %d numbers' % (count, numbers))
    tally.check(NAME, 'every request has its confirmation with its number', confirmed == total,
                '%d confirmed' % confirmed)
    tally.load.append('%d/%d requests, %d distinct numbers (%d clients, 1 in 4 by mail)'
                      % (count, total, numbers, clients))
    tally.lost += max(0, total - count)
    retries = ctx.server.log_count(', retry ') - retries_before
    tally.note('%d requests filed by %d clients in %.0f s (%.1f/s); Odoo retried %d '
               'concurrency conflicts itself' % (total, clients, seconds, total / seconds, retries))


def run(ctx):
    requests_at_once(ctx, per_client=ctx.args.requests_per_client)
    orders_and_invoices(ctx, per_client=ctx.args.orders_per_client)
