"""Scenario 5: portal isolation over HTTP. Three portal users of two customer companies probe
every portal route (stock and crm_extended's): lists, every document id of the run, other
documents' access tokens, chatter, invoice payment, tampered forms. A leak is a name, number
or amount of another customer's document in a response body."""
import os
import re

import requests

from harness import Rpc

NAME = 'portal'
LIST_ROUTES = ['/my', '/my/home', '/my/orders', '/my/quotes', '/my/invoices', '/my/account',
               '/my/statement', '/my/statement?side=all', '/my/addresses', '/my/requests',
               '/my/requests?filterby=all', '/my/requests/new', '/my/interests']
DETAIL_ROUTES = {'sale.order': '/my/orders/%d', 'account.invoice': '/my/invoices/%d',
                 'crm.request': '/my/requests/%d'}
PDF_ROUTES = {'sale.order': '/my/orders/pdf/%d', 'account.invoice': '/my/invoices/pdf/%d'}
# Odoo's invoice payment, where the statement's Pay Now leads: its form carries the invoice's
# number and amount
PAY_ROUTE = '/invoice/pay/%d/form_tx'


def money(amount):
    return '{:,.2f}'.format(amount)


def create_customer(admin, tag, key, price, contacts, env):
    """A customer company with portal contacts, an order, an invoice and requests of every
    confidentiality; returns its markers (what nobody else may see)."""
    company = admin('res.partner', 'create', {
        'name': 'Relcorp %s %s' % (key, tag), 'is_company': True, 'customer': True,
        'email': 'relcorp.%s.%s@example.com' % (key.lower(), tag)})
    users = []
    for n in range(contacts):
        login = 'relportal_%s%d_%s' % (key.lower(), n, tag)
        contact = admin('res.partner', 'create', {
            'name': 'Relcontact %s%d %s' % (key, n, tag), 'parent_id': company,
            'email': '%s@example.com' % login})
        admin('res.users', 'create', {'name': 'Relcontact %s%d %s' % (key, n, tag),
                                      'login': login, 'password': login,
                                      'partner_id': contact,
                                      'groups_id': [(6, 0, [env['portal_group']])]})
        users.append({'login': login, 'partner': contact})
    docs = {'sale.order': [], 'account.invoice': [], 'crm.request': []}
    for n, user in enumerate(users):
        order = admin('sale.order', 'create', {
            'partner_id': user['partner'], 'client_order_ref': 'RELPO-%s%d-%s' % (key, n, tag),
            'order_line': [(0, 0, {'product_id': env['product'], 'product_uom_qty': 1,
                                   'price_unit': price + n})]})
        admin('sale.order', 'action_confirm', [order])
        docs['sale.order'].append(order)
        invoices = admin('sale.order', 'action_invoice_create', [order])
        admin('account.invoice', 'action_invoice_open', invoices)
        docs['account.invoice'] += invoices
        for confidentiality in ('public', 'partner', 'internal'):
            docs['crm.request'].append(admin('crm.request', 'create', {
                'name': 'Relcase %s%d %s %s' % (key, n, confidentiality, tag),
                'request_type_id': env['type'], 'partner_id': user['partner'],
                'confidentiality': confidentiality}))
    markers = ['Relcorp %s %s' % (key, tag)]
    markers += ['Relcontact %s%d %s' % (key, n, tag) for n in range(contacts)]
    for order in admin('sale.order', 'read', docs['sale.order'],
                       ['name', 'amount_total', 'amount_untaxed', 'client_order_ref']):
        markers += [order['name'], order['client_order_ref'], money(order['amount_total']),
                    money(order['amount_untaxed'])]
    for invoice in admin('account.invoice', 'read', docs['account.invoice'], ['number']):
        markers.append(invoice['number'])
    internal = []
    for req in admin('crm.request', 'read', docs['crm.request'],
                     ['number', 'name', 'confidentiality']):
        markers += [req['number'], req['name']]
        if req['confidentiality'] == 'internal':
            internal += [req['number'], req['name']]
    tokens = {}
    for model, ids in docs.items():
        for record in admin(model, 'read', ids, ['access_token']):
            tokens[(model, record['id'])] = record['access_token']
    return {'key': key, 'company': company, 'users': users, 'docs': docs,
            'markers': markers, 'internal': internal, 'tokens': tokens}


class Browser(object):
    """One portal user's browser session."""

    def __init__(self, ctx, login, partner):
        self.ctx = ctx
        self.partner = partner
        self.session = requests.Session()
        self.login = login
        page = self.get('/web/login')
        self.session.post(ctx.cfg.url + '/web/login', data={
            'login': login, 'password': login, 'csrf_token': csrf(page.text), 'redirect': ''},
            allow_redirects=False, timeout=60)

    def get(self, path):
        return self.session.get(self.ctx.cfg.url + path, allow_redirects=False, timeout=60)

    def post(self, path, data):
        return self.session.post(self.ctx.cfg.url + path, data=data, allow_redirects=False,
                                 timeout=60)

    def json(self, path, params):
        return self.session.post(self.ctx.cfg.url + path, json={
            'jsonrpc': '2.0', 'method': 'call', 'params': params}, timeout=60)


def csrf(html):
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return match.group(1) if match else ''


class Prober(object):
    def __init__(self, ctx, customers, env):
        self.ctx = ctx
        self.customers = customers
        self.env = env
        self.errors = []
        self.missing_routes = set()

    def foreign(self, customer):
        """What a user of `customer` must never see: every other customer's markers and
        the internal requests of their own company."""
        markers = list(customer['internal'])
        for other in self.customers:
            if other is not customer:
                markers += other['markers']
        return [re.compile(r'(?<![\w/])%s(?![\w])' % re.escape(m)) for m in markers if m]

    def probe(self, browser, customer, label, response):
        self.ctx.tally.attempts += 1
        if response.status_code == 404 and label.split(' ')[0] in LIST_ROUTES:
            self.missing_routes.add(label.split(' ')[0])
        if response.status_code >= 500:
            self.errors.append('%s %s: HTTP %d' % (browser.login, label, response.status_code))
        body = response.text
        for pattern in self.foreign(customer):
            found = pattern.search(body)
            if found:
                self.ctx.tally.leaks.append('%s %s: %r (HTTP %d)' % (
                    browser.login, label, found.group(0), response.status_code))
                break
        return response

    def everything(self, browser, customer):
        for path in LIST_ROUTES:
            self.probe(browser, customer, path, browser.get(path))
        own_token = customer['tokens'][('sale.order', customer['docs']['sale.order'][0])]
        for other in [c for c in self.customers if c is not customer]:
            for model, ids in other['docs'].items():
                for record in ids:
                    route = DETAIL_ROUTES[model] % record
                    if route.split('/')[2] == 'requests' and '/my/requests' in \
                            self.missing_routes:
                        continue
                    self.probe(browser, customer, route, browser.get(route))
                    for token in (own_token, 'x' * 36, ''):
                        path = '%s?access_token=%s' % (route, token)
                        self.probe(browser, customer, path, browser.get(path))
                    if model in PDF_ROUTES:
                        path = PDF_ROUTES[model] % record
                        self.probe(browser, customer, path, browser.get(path))
                    if model == 'account.invoice':
                        for token in (None, own_token):
                            params = {'acquirer_id': self.env['acquirer']}
                            if token:
                                params['access_token'] = token
                            self.probe(browser, customer, 'pay %d' % record,
                                       browser.json(PAY_ROUTE % record, params))
                    for token in (None, own_token):
                        params = {'res_model': model, 'res_id': record, 'limit': 50}
                        if token:
                            params['token'] = token
                        self.probe(browser, customer, 'chatter %s %d' % (model, record),
                                   browser.json('/mail/chatter_fetch', params))
        self.enumerate(browser, customer)
        self.tamper(browser, customer)
        if '/my/requests/new' not in self.missing_routes:
            self.request_form(browser, customer)

    def enumerate(self, browser, customer, per_model=25):
        """The latest documents of the whole database by id, as a curious user would walk
        them: none but their own company's may show its number."""
        own = set(customer['docs']['sale.order'] + customer['docs']['account.invoice'])
        for model, table, label in (('sale.order', 'sale_order', 'name'),
                                    ('account.invoice', 'account_invoice', 'number')):
            rows = self.ctx.cluster.query(
                'SELECT id, %s FROM %s WHERE %s IS NOT NULL ORDER BY id DESC LIMIT %%s'
                % (label, table, label), [per_model + len(own)])
            for record, number in [r for r in rows if r[0] not in own][:per_model]:
                route = DETAIL_ROUTES[model] % record
                response = self.probe(browser, customer, route, browser.get(route))
                if re.search(r'(?<![\w/])%s(?![\w])' % re.escape(number), response.text):
                    self.ctx.tally.leaks.append('%s %s: %s (HTTP %d)' % (
                        browser.login, route, number, response.status_code))

    def form(self, browser, customer, path, data, what):
        """A tampered form post: a bad input too (refused or ignored, never a server
        error); whether it changed anything is checked by tamper()."""
        response = self.probe(browser, customer, '%s POST %s' % (path, what),
                              browser.post(path, data))
        self.ctx.tally.bad_inputs.append(('portal form %s: %s' % (path, what),
                                          response.status_code < 500,
                                          'HTTP %d' % response.status_code))

    def request_form(self, browser, customer):
        """The new-request form with bad and foreign values: refused with the form shown
        again (no request), or filed with the foreign values ignored, never a server error."""
        other = [c for c in self.customers if c is not customer][0]
        admin = Rpc(self.ctx.cfg)
        partner = browser.partner
        base = {'request_type_id': str(self.env['type']), 'description': 'Form probe'}
        foreign_order, foreign_invoice = (other['docs']['sale.order'][0],
                                          other['docs']['account.invoice'][0])
        refused = [
            ('empty subject', {'name': '  '}, None),
            ('subject of 10,000 characters', {'name': 'S' * 10000}, None),
            ('description of 1 MB', {'description': 'D' * (1024 * 1024)}, None),
            ('no type', {'request_type_id': ''}, None),
            ('type as text', {'request_type_id': 'abc'}, None),
            ('type not filed from the portal', {'request_type_id': str(self.env['internal_type'])},
             None),
            ("another customer's order", {'sale_order_id': str(foreign_order)}, None),
            ("another customer's invoice", {'invoice_id': str(foreign_invoice)}, None),
            ('unknown order id', {'sale_order_id': '987654321'}, None),
            ('an .exe attachment', {}, ('attachments', ('tool.exe', b'MZ' + os.urandom(64)))),
            ('a 25 MB attachment', {}, ('attachments', ('big.bin', os.urandom(25 << 20)))),
        ]
        for n, (what, extra, upload) in enumerate(refused):
            name = extra.pop('name', 'REL form %s %s %d' % (self.ctx.tag, partner, n))
            data = dict(base, csrf_token=csrf(browser.get('/my/requests/new').text), name=name,
                        **extra)
            response = browser.session.post(self.ctx.cfg.url + '/my/requests/new', data=data,
                                            files=[upload] if upload else None,
                                            allow_redirects=False, timeout=120)
            self.probe(browser, customer, '/my/requests/new POST %s' % what, response)
            filed = self.ctx.cluster.scalar('SELECT count(*) FROM crm_request WHERE name = %s',
                                            [name.strip()])
            self.ctx.tally.bad_inputs.append((
                'portal form /my/requests/new: %s' % what,
                response.status_code == 200 and not filed,
                'HTTP %d, %d filed' % (response.status_code, filed)))
        ignored = [
            ("another customer as partner", {'partner_id': str(other['users'][0]['partner'])}),
            ('confidentiality forced to internal', {'confidentiality': 'internal'}),
            ('another company', {'company_id': str(self.env['other_company'])}),
            ('markup in the subject, script in the description',
             {'description': '<script>alert(1)</script>'}),
            ('SQL in the description', {'description': "'); DROP TABLE crm_request; --"}),
        ]
        for n, (what, extra) in enumerate(ignored):
            name = 'REL form %s %s ignored %d <b>x</b>' % (self.ctx.tag, partner, n)
            data = dict(base, csrf_token=csrf(browser.get('/my/requests/new').text), name=name,
                        **extra)
            response = self.probe(browser, customer, '/my/requests/new POST %s' % what,
                                  browser.post('/my/requests/new', data))
            rows = admin('crm.request', 'search_read', [('name', '=', name)],
                         ['partner_id', 'company_id', 'confidentiality'])
            safe = (len(rows) == 1 and rows[0]['partner_id'][0] == partner
                    and rows[0]['company_id'][0] == self.env['main_company']
                    and rows[0]['confidentiality'] != 'internal')
            page = browser.get(response.headers.get('Location', '/my/requests').replace(
                self.ctx.cfg.url, '')) if safe else None
            escaped = page is not None and '<b>x</b>' not in page.text and \
                '<script>alert(1)' not in page.text
            self.ctx.tally.bad_inputs.append((
                'portal form /my/requests/new: %s' % what, safe and escaped,
                'HTTP %d, filed for the user: %s, shown escaped: %s' % (
                    response.status_code, safe, escaped)))
        reply = browser.post('/my/requests/%d/reply' % other['docs']['crm.request'][0], {
            'csrf_token': csrf(browser.get('/my/requests/new').text), 'message': 'Hijack'})
        self.probe(browser, customer, 'reply to a foreign request', reply)
        hijacked = self.ctx.cluster.scalar(
            "SELECT count(*) FROM mail_message WHERE model = 'crm.request' AND res_id = %s "
            "AND body LIKE '%%Hijack%%'", [other['docs']['crm.request'][0]])
        self.ctx.tally.bad_inputs.append(('portal form: reply to another customer\'s request',
                                          reply.status_code in (403, 404) and not hijacked,
                                          'HTTP %d' % reply.status_code))

    def tamper(self, browser, customer):
        """Forms posted with other customers' ids slipped in: nothing of theirs changes."""
        other = [c for c in self.customers if c is not customer][0]
        admin = Rpc(self.ctx.cfg)
        watched = [other['company']] + [u['partner'] for u in other['users']]
        fields = ['name', 'email', 'parent_id', 'street', 'child_ids']
        before = admin('res.partner', 'read', watched, fields)
        own = customer['users'][0]['partner']
        own_before = admin('res.partner', 'read', [own], ['parent_id', 'commercial_partner_id'])
        page = browser.get('/my/account')
        form = {'csrf_token': csrf(page.text), 'name': 'Tampered', 'email': 'tamper@example.com',
                'phone': '1', 'street': 'Tamper street 1', 'city': 'X', 'country_id': '1',
                'zipcode': '1'}
        for extra in ({'partner_id': str(other['company'])},
                      {'parent_id': str(other['company'])},
                      {'commercial_partner_id': str(other['company'])},
                      {'id': str(other['users'][0]['partner'])}):
            self.form(browser, customer, '/my/account', dict(form, **extra), list(extra))
        page = browser.get('/my/addresses')
        for extra in ({'parent_id': str(other['company'])}, {'id': str(other['company'])},
                      {'country_id': 'abc'}, {'state_id': '987654321'}):
            data = dict({'csrf_token': csrf(page.text), 'type': 'delivery',
                         'name': 'Tamper address', 'street': 'Nowhere 1', 'city': 'X'}, **extra)
            self.form(browser, customer, '/my/addresses', data, list(extra))
        self.form(browser, customer, '/my/account', dict(form, name='No csrf', csrf_token=''),
                  'no CSRF token')
        after = admin('res.partner', 'read', watched, fields)
        own_after = admin('res.partner', 'read', [own], ['parent_id', 'commercial_partner_id'])
        self.ctx.tally.check(NAME, '%s: tampered forms changed nothing of another customer '
                             'nor re-parented the user' % browser.login,
                             before == after and own_before == own_after,
                             'other customer unchanged: %s, own company unchanged: %s' % (
                                 before == after, own_before == own_after))


def run(ctx):
    admin = Rpc(ctx.cfg)
    env = {'portal_group': admin.ref('base.group_portal'),
           'type': admin.ref('crm_extended.request_type_information'),
           'internal_type': admin.ref('crm_extended.request_type_charge'),
           'acquirer': admin.ref('payment.payment_acquirer_transfer'),
           'main_company': admin.ref('base.main_company'),
           'other_company': admin('res.company', 'create', {
               'name': 'REL portal other company %s' % ctx.tag}),
           'product': admin('product.product', 'create', {
               'name': 'REL portal product', 'type': 'consu', 'list_price': 1.0,
               'invoice_policy': 'order'})}
    customers = [create_customer(admin, ctx.tag, 'Alpha', 7131.17, 2, env),
                 create_customer(admin, ctx.tag, 'Beta', 8242.29, 1, env)]
    prober = Prober(ctx, customers, env)
    leaks_before = len(ctx.tally.leaks)
    for customer in customers:
        for user in customer['users']:
            browser = Browser(ctx, user['login'], user['partner'])
            home = browser.get('/my/home')
            ctx.tally.check(NAME, '%s logs in and sees the portal' % user['login'],
                            home.status_code == 200 and 'Relcontact' in home.text,
                            'HTTP %d' % home.status_code)
            orders = browser.get('/my/orders')
            own = admin('sale.order', 'read', customer['docs']['sale.order'][:1], ['name'])
            ctx.tally.check(NAME, '%s sees their own order (the probes are not blind)'
                            % user['login'], own[0]['name'] in orders.text)
            prober.everything(browser, customer)
    leaks = ctx.tally.leaks[leaks_before:]
    ctx.tally.check(NAME, 'no leak in %d portal attempts by 3 users of 2 companies'
                    % ctx.tally.attempts, not leaks, '; '.join(leaks[:5]))
    ctx.tally.check(NAME, 'no server error on any portal probe', not prober.errors,
                    '; '.join(prober.errors[:5]))
    if prober.missing_routes:
        ctx.tally.note('portal routes not (yet) served: %s' % ', '.join(
            sorted(prober.missing_routes)))
