"""A small business data set created over XML-RPC the way an integrator would, and a snapshot
of what must never change (counts and sums read with plain SQL, not through the ORM)."""
import random

SNAPSHOT_SQL = [
    ('partners', "SELECT count(*) FROM res_partner"),
    ('partners active', "SELECT count(*) FROM res_partner WHERE active"),
    ('orders', "SELECT count(*) FROM sale_order"),
    ('orders confirmed', "SELECT count(*) FROM sale_order WHERE state = 'sale'"),
    ('orders amount_total', "SELECT coalesce(sum(amount_total), 0) FROM sale_order"),
    ('order lines', "SELECT count(*) FROM sale_order_line"),
    ('invoices', "SELECT count(*) FROM account_invoice"),
    ('invoices open', "SELECT count(*) FROM account_invoice WHERE state = 'open'"),
    ('invoices amount_total',
     "SELECT coalesce(sum(amount_total_signed), 0) FROM account_invoice"),
    ('invoices residual', "SELECT coalesce(sum(residual_signed), 0) FROM account_invoice"),
    ('invoice numbers', "SELECT string_agg(number, ',' ORDER BY number) FROM account_invoice"),
    ('journal items', "SELECT count(*) FROM account_move_line"),
    ('journal debit', "SELECT coalesce(sum(debit), 0) FROM account_move_line"),
    ('journal credit', "SELECT coalesce(sum(credit), 0) FROM account_move_line"),
    ('leads', "SELECT count(*) FROM crm_lead"),
    ('leads planned_revenue', "SELECT coalesce(sum(planned_revenue), 0) FROM crm_lead"),
]


def snapshot(cluster, db=None):
    return {key: str(cluster.scalar(sql, db=db)) for key, sql in SNAPSHOT_SQL}


def diff(before, after):
    """The keys whose values differ, as 'key: before -> after' lines."""
    return ['%s: %s -> %s' % (key, before[key], after.get(key))
            for key in before if before[key] != after.get(key)]


def generate(rpc, scale=1, seed=8):
    """Customers, products, campaigns, leads, orders (confirmed or not) and posted invoices.
    scale=1 gives 20 customers, 40 orders, 24 invoices, 30 leads: enough rows for every table
    an install, upgrade or uninstall could touch, created in well under a minute."""
    rnd = random.Random(seed)
    products = [rpc('product.product', 'create', {
        'name': 'REL product %d' % i, 'type': 'consu', 'list_price': 10.0 * (i + 1) + 0.25,
        'standard_price': 6.0 * (i + 1), 'invoice_policy': 'order'}) for i in range(4)]
    campaigns = [rpc('utm.campaign', 'create', {'name': 'REL campaign %d' % i})
                 for i in range(3)]
    customers = [rpc('res.partner', 'create', {
        'name': 'REL customer %03d' % i, 'is_company': True, 'customer': True,
        'email': 'rel.customer%03d@example.com' % i}) for i in range(20 * scale)]
    for i in range(30 * scale):
        rpc('crm.lead', 'create', {
            'name': 'REL lead %03d' % i, 'partner_id': rnd.choice(customers),
            'type': 'opportunity' if i % 2 else 'lead',
            'planned_revenue': 100.0 * rnd.randint(1, 50),
            'campaign_id': rnd.choice(campaigns)})
    to_invoice = []
    for i in range(40 * scale):
        order = rpc('sale.order', 'create', {
            'partner_id': rnd.choice(customers), 'client_order_ref': 'REL-GEN-%03d' % i,
            'campaign_id': rnd.choice(campaigns),
            'order_line': [(0, 0, {'product_id': rnd.choice(products),
                                   'product_uom_qty': rnd.randint(1, 9)})
                           for _line in range(2)]})
        if i % 5:
            rpc('sale.order', 'action_confirm', [order])
            if i % 5 > 1:
                to_invoice.append(order)
    for order in to_invoice:
        invoices = rpc('sale.order', 'action_invoice_create', [order])
        rpc('account.invoice', 'action_invoice_open', invoices)
    return {'products': products, 'campaigns': campaigns, 'customers': customers}
