"""Scenario 5: portal isolation over HTTP. Three portal users of two customer companies probe
every portal route (stock and crm_extended's): lists, every document id of the run, other
documents' access tokens, chatter, invoice payment, tampered forms. A leak is a name, number
or amount of another customer's document in a response body."""
import os
import re
import subprocess

import requests

import portal_api
import portal_reseller
from harness import Rpc, is_refusal, json_error

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


def marker_re(marker):
    return re.compile(r'(?<![\w/])%s(?![\w])' % re.escape(marker))


def create_customer(admin, tag, key, price, contacts, env):
    """A customer company with portal contacts (with the country a payment needs), an
    order, an invoice and requests of every confidentiality, each with a message in its
    chatter; returns its markers (what nobody else may see) and, per document, the marker
    that shows it is there."""
    company = admin('res.partner', 'create', {
        'name': 'Relcorp %s %s' % (key, tag), 'is_company': True, 'customer': True,
        'country_id': env['country'], 'city': 'Relcity', 'street': 'Rel street 1',
        'email': 'relcorp.%s.%s@example.com' % (key.lower(), tag)})
    users = []
    for n in range(contacts):
        login = 'relportal_%s%d_%s' % (key.lower(), n, tag)
        contact = admin('res.partner', 'create', {
            'name': 'Relcontact %s%d %s' % (key, n, tag), 'parent_id': company,
            'country_id': env['country'], 'email': '%s@example.com' % login})
        admin('res.users', 'create', {'name': 'Relcontact %s%d %s' % (key, n, tag),
                                      'login': login, 'password': login,
                                      'partner_id': contact,
                                      'groups_id': [(6, 0, [env['portal_group']])]})
        users.append({'login': login, 'partner': contact})
    docs = {'sale.order': [], 'account.invoice': [], 'crm.request': []}
    owner = {}  # (model, id) -> the login of the portal user the document belongs to
    for n, user in enumerate(users):
        order = admin('sale.order', 'create', {
            'partner_id': user['partner'], 'client_order_ref': 'RELPO-%s%d-%s' % (key, n, tag),
            'order_line': [(0, 0, {'product_id': env['product'], 'product_uom_qty': 1,
                                   'price_unit': price + n})]})
        admin('sale.order', 'action_confirm', [order])
        docs['sale.order'].append(order)
        owner[('sale.order', order)] = user['login']
        invoices = admin('sale.order', 'action_invoice_create', [order])
        admin('account.invoice', 'action_invoice_open', invoices)
        docs['account.invoice'] += invoices
        owner.update((('account.invoice', invoice), user['login']) for invoice in invoices)
        for confidentiality in ('public', 'partner', 'internal'):
            request = admin('crm.request', 'create', {
                'name': 'Relcase %s%d %s %s' % (key, n, confidentiality, tag),
                'request_type_id': env['type'], 'partner_id': user['partner'],
                'confidentiality': confidentiality})
            docs['crm.request'].append(request)
            owner[('crm.request', request)] = user['login']
    markers = ['Relcorp %s %s' % (key, tag)]
    markers += ['Relcontact %s%d %s' % (key, n, tag) for n in range(contacts)]
    shows = {}  # (model, id) -> the marker the document's page, PDF or payment form shows
    for order in admin('sale.order', 'read', docs['sale.order'],
                       ['name', 'amount_total', 'amount_untaxed', 'client_order_ref']):
        markers += [order['name'], order['client_order_ref'], money(order['amount_total']),
                    money(order['amount_untaxed']), '%.2f' % order['amount_total']]
        shows[('sale.order', order['id'])] = order['name']
    for invoice in admin('account.invoice', 'read', docs['account.invoice'], ['number']):
        markers.append(invoice['number'])
        shows[('account.invoice', invoice['id'])] = invoice['number']
    internal = []
    for req in admin('crm.request', 'read', docs['crm.request'],
                     ['number', 'name', 'confidentiality']):
        markers += [req['number'], req['name']]
        shows[('crm.request', req['id'])] = req['number']
        if req['confidentiality'] == 'internal':
            internal += [req['number'], req['name']]
    # something for the chatter routes to leak: a public message on every document
    chatter = {}
    for model, ids in docs.items():
        for record in ids:
            text = 'Relchat %s %s %d %s' % (key, model.split('.')[1], record, tag)
            admin(model, 'message_post', [record], body=text, message_type='comment',
                  subtype='mail.mt_comment')
            chatter[(model, record)] = text
            markers.append(text)
            if model == 'crm.request' and shows[(model, record)] in internal:
                internal.append(text)
    tokens = {}
    for model, ids in docs.items():
        for record in admin(model, 'read', ids, ['access_token']):
            tokens[(model, record['id'])] = record['access_token']
    return {'key': key, 'company': company, 'users': users, 'docs': docs, 'owner': owner,
            'markers': markers, 'internal': internal, 'tokens': tokens, 'shows': shows,
            'chatter': chatter}


class Browser(object):
    """One user's browser session (anonymous without a login)."""

    def __init__(self, ctx, login=None, partner=None, password=None):
        self.ctx = ctx
        self.partner = partner
        self.session = requests.Session()
        self.login = login or 'anonymous'
        if login:
            page = self.get('/web/login')
            self.session.post(ctx.cfg.url + '/web/login', data={
                'login': login, 'password': password or login, 'csrf_token': csrf(page.text),
                'redirect': ''}, allow_redirects=False, timeout=60)

    def get(self, path):
        return self.session.get(self.ctx.cfg.url + path, allow_redirects=False, timeout=60)

    def post(self, path, data, files=None, headers=None):
        return self.session.post(self.ctx.cfg.url + path, data=data, files=files,
                                 headers=headers, allow_redirects=False, timeout=120)

    def json(self, path, params):
        return self.session.post(self.ctx.cfg.url + path, json={
            'jsonrpc': '2.0', 'method': 'call', 'params': params}, timeout=60)

    def call_kw(self, model, method, args, kwargs=None):
        """Odoo's JSON-RPC as the web client calls it."""
        return self.json('/web/dataset/call_kw/%s/%s' % (model, method), {
            'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}})


def csrf(html):
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or \
        re.search(r'csrf_token: "([^"]+)"', html)
    return match.group(1) if match else ''


def text_of(response):
    """What a person would read in a response: a PDF's text through pdftotext, else the
    body (JSON-RPC answers included)."""
    if response.headers.get('Content-Type', '').startswith('application/pdf'):
        proc = subprocess.run(['pdftotext', '-q', '-', '-'], input=response.content,
                              stdout=subprocess.PIPE, timeout=60)
        return proc.stdout.decode('utf-8', 'replace')
    return response.text


def crash_of(response):
    """The crash a response reports, if any: a server error, or a JSON-RPC error (HTTP 200)
    that is not a refusal of access or input."""
    if response.status_code >= 500:
        return 'HTTP %d' % response.status_code
    kind = json_error(response)
    if kind and not is_refusal(kind):
        return kind
    return None


class Prober(object):
    """Every attempt counts: a foreign marker in what it returns is a leak, a crash is a
    finding, and each kind of attempt has a positive control (the owner or a manager doing
    the same through the same route sees what the attempt looks for)."""

    def __init__(self, ctx, customers, env):
        self.ctx = ctx
        self.customers = customers
        self.env = env
        self.errors = []
        self.controls = []   # (label, shown)
        self.browsers = {}

    def browser(self, login, password=None):
        if login not in self.browsers:
            self.browsers[login] = Browser(self.ctx, login, password=password)
        return self.browsers[login]

    def foreign(self, customer):
        """What a user of `customer` must never see: every other customer's markers and
        the internal requests of their own company."""
        markers = list(customer['internal'])
        for other in self.customers:
            if other is not customer:
                markers += other['markers']
        return [marker_re(m) for m in markers if m]

    def probe(self, browser, customer, label, response, leak_if=None):
        """One attempt of `browser` (a user of `customer`): a leak if a foreign marker
        shows (or `leak_if(response)` says so), a finding if it crashed."""
        self.ctx.tally.attempts += 1
        crash = crash_of(response)
        if crash:
            self.errors.append('%s %s: %s' % (browser.login, label, crash))
        body = text_of(response)
        for pattern in (self.foreign(customer) if customer else []):
            found = pattern.search(body)
            if found:
                self.ctx.tally.leaks.append('%s %s: %r (HTTP %d)' % (
                    browser.login, label, found.group(0), response.status_code))
                return response
        why = leak_if(response) if leak_if else None
        if why:
            self.ctx.tally.leaks.append('%s %s: %s (HTTP %d)' % (
                browser.login, label, why, response.status_code))
        return response

    def control(self, label, response, marker, ok=None):
        """A positive control: `marker` shows in `response` (and `ok(response)` holds)."""
        shown = bool(marker_re(marker).search(text_of(response))) if marker else True
        shown = shown and (ok(response) if ok else True) and not crash_of(response)
        self.controls.append((label, shown))
        if not shown:
            print('    blind: %s (HTTP %d, %s)' % (
                label, response.status_code, response.headers.get('Content-Type')))
        return shown

    def owner_of(self, customer, model, record):
        return self.browser(customer['owner'][(model, record)])

    def is_internal(self, customer, model, record):
        return model == 'crm.request' and customer['shows'][(model, record)] in \
            customer['internal']

    def visible_sibling(self, customer, model, record):
        """An internal request shows nowhere on the portal: its route's control reads the
        public request of the same owner instead (same route, same kind of page)."""
        if not self.is_internal(customer, model, record):
            return record
        login = customer['owner'][(model, record)]
        return [r for r in customer['docs'][model] if customer['owner'][(model, r)] == login
                and not self.is_internal(customer, model, r)][0]

    def controls_for(self, customer):
        """The positive controls of the document routes, once per document of `customer`:
        its owner reads it (page, PDF, payment form, chatter) logged in and, anonymously,
        with its access token."""
        admin = self.browser('admin', 'admin')
        anonymous = Browser(self.ctx)
        for model, ids in customer['docs'].items():
            for record in ids:
                seen = self.visible_sibling(customer, model, record)
                owner = self.owner_of(customer, model, seen)
                route = DETAIL_ROUTES[model] % seen
                mark = customer['shows'][(model, seen)]
                self.control('%s %s by its owner' % (route, model), owner.get(route), mark,
                             lambda r: r.status_code == 200)
                token = customer['tokens'][(model, seen)]
                self.control('%s with its own token, anonymously' % route,
                             anonymous.get('%s?access_token=%s' % (route, token)), mark)
                if model in PDF_ROUTES:
                    path = PDF_ROUTES[model] % record
                    self.control('%s by its owner' % path, owner.get(path), mark,
                                 lambda r: r.status_code == 200 and r.headers.get(
                                     'Content-Type', '').startswith('application/pdf'))
                if model == 'account.invoice':
                    self.control('pay %d by its owner' % record, owner.json(
                        PAY_ROUTE % record, {'acquirer_id': self.env['acquirer']}), mark)
                # the chatter of an internal request: only staff read it
                reader = admin if self.is_internal(customer, model, record) else \
                    self.owner_of(customer, model, record)
                self.control('chatter %s %d by %s' % (model, record, reader.login),
                             reader.json('/mail/chatter_fetch', {
                                 'res_model': model, 'res_id': record, 'limit': 50}),
                             customer['chatter'][(model, record)])

    def everything(self, browser, customer):
        for path in LIST_ROUTES:
            response = self.probe(browser, customer, path, browser.get(path))
            if response.status_code != 200:
                self.errors.append('%s %s: HTTP %d (a portal page must be served)' % (
                    browser.login, path, response.status_code))
        own_token = customer['tokens'][('sale.order', customer['docs']['sale.order'][0])]
        for other in [c for c in self.customers if c is not customer]:
            for model, ids in other['docs'].items():
                for record in ids:
                    self.document(browser, customer, model, record, own_token)
        for model, ids in customer['docs'].items():
            for record in ids:
                if self.is_internal(customer, model, record):
                    self.document(browser, customer, model, record, own_token)
        self.enumerate(browser, customer)
        self.tamper(browser, customer)
        self.request_form(browser, customer)

    def document(self, browser, customer, model, record, own_token):
        """Every way to a document that is not the user's: its page without, with their own,
        a forged and an empty token; its PDF; its payment form; its chatter."""
        route = DETAIL_ROUTES[model] % record
        self.probe(browser, customer, route, browser.get(route))
        for token in (own_token, 'x' * 36, ''):
            path = '%s?access_token=%s' % (route, token)
            self.probe(browser, customer, path, browser.get(path))
        if model in PDF_ROUTES:
            path = PDF_ROUTES[model] % record
            self.probe(browser, customer, path, browser.get(path), leak_if=lambda r: (
                'a PDF served' if r.status_code == 200 and r.headers.get(
                    'Content-Type', '').startswith('application/pdf') else None))
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
                if marker_re(number).search(response.text):
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


def expected_attempts(customers, admin):
    """How many attempts the scenario makes, counted from its plan, not from what ran."""
    def per_document(model):
        return 1 + 3 + (model in PDF_ROUTES) + 2 * (model == 'account.invoice') + 2
    total = 0
    for customer in customers:
        targets = [(model, r) for c in customers if c is not customer
                   for model, ids in c['docs'].items() for r in ids]
        targets += [('crm.request', r) for r in customer['docs']['crm.request']
                    if customer['shows'][('crm.request', r)] in customer['internal']]
        per_user = (len(LIST_ROUTES) + sum(per_document(model) for model, _r in targets)
                    + 2 * 25        # enumerate()
                    + 9             # tamper()
                    + 11 + 5 + 1)   # request_form(): refused, ignored, the foreign reply
        total += per_user * len(customer['users'])
    return (total + portal_api.expected_attempts(customers, admin)
            + portal_reseller.expected_attempts())


def run(ctx):
    admin = Rpc(ctx.cfg)
    env = {'portal_group': admin.ref('base.group_portal'),
           'type': admin.ref('crm_extended.request_type_information'),
           'internal_type': admin.ref('crm_extended.request_type_charge'),
           'acquirer': admin.ref('payment.payment_acquirer_transfer'),
           'country': admin.ref('base.us'),
           'main_company': admin.ref('base.main_company'),
           'other_company': admin('res.company', 'create', {
               'name': 'REL portal other company %s' % ctx.tag}),
           # a cost, so that the invoices carry a cost price and a margin to leak
           'product': admin('product.product', 'create', {
               'name': 'REL portal product', 'type': 'consu', 'list_price': 1.0,
               'standard_price': 1234.56, 'invoice_policy': 'order'})}
    customers = [create_customer(admin, ctx.tag, 'Alpha', 7131.17, 2, env),
                 create_customer(admin, ctx.tag, 'Beta', 8242.29, 1, env)]
    prober = Prober(ctx, customers, env)
    portal_api.prepare(ctx, customers, env)
    api = portal_api.ApiProber(ctx, prober, customers, env)
    api.prepare_attachments()
    stale = api.prepare_stale_tokens()
    leaks_before, attempts_before = len(ctx.tally.leaks), ctx.tally.attempts
    for customer in customers:
        prober.controls_for(customer)
    for customer in customers:
        for user in customer['users']:
            browser = prober.browser(user['login'])
            browser.partner = user['partner']
            home = browser.get('/my/home')
            ctx.tally.check(NAME, '%s logs in and sees the portal' % user['login'],
                            home.status_code == 200 and 'Relcontact' in home.text,
                            'HTTP %d' % home.status_code)
            prober.everything(browser, customer)
    portal_api.run(ctx, api, customers, stale)
    portal_reseller.run(ctx, prober, api, customers)
    attempts = ctx.tally.attempts - attempts_before
    leaks = ctx.tally.leaks[leaks_before:]
    ctx.tally.check(NAME, 'no leak in %d attempts (pages and API) by 3 portal users of 2 '
                    'companies, a salesperson of another team and the portal users of 2 '
                    'resellers' % attempts, not leaks,
                    '%d leaks: %s' % (len(leaks), '; '.join(leaks[:8])))
    ctx.tally.check(NAME, 'no crash on any attempt (server error or JSON-RPC/XML-RPC '
                    'error other than a refusal)', not prober.errors,
                    '%d: %s' % (len(prober.errors), '; '.join(prober.errors[:5])))
    blind = [label for label, shown in prober.controls if not shown]
    ctx.tally.check(NAME, 'every kind of attempt has a positive control that sees what it '
                    'looks for (%d controls)' % len(prober.controls), not blind,
                    '%d blind: %s' % (len(blind), '; '.join(blind[:8])))
    expected = expected_attempts(customers, admin)
    ctx.tally.check(NAME, 'all %d planned attempts ran' % expected, attempts == expected,
                    '%d ran' % attempts)
    for leak in leaks:
        print('    leak: %s' % leak)
    for error in prober.errors:
        print('    crash: %s' % error)
