"""Scenario 5, continued: what a browser session reaches beyond the portal pages. Portal users
of two companies and a salesperson of another team call Odoo's JSON-RPC and XML-RPC (read,
search_read, read_group, export_data, a search domain) on our internal figures and models,
/web/content on foreign and internal attachments, the chatter routes with stale tokens, the
pivot download route, and upload active content. Each kind of attempt has its positive
control: a manager or the owner doing the same through the same route sees the thing."""
import base64
import json
import xmlrpc.client

import portal as pages
from harness import Rpc, fault_kind, is_refusal, json_error

NAME = 'portal'
# Our figures: no portal user may read, search, group or export them (issue 15).
INTERNAL_FIELDS = [
    ('account.invoice.line', 'cost_price', 'lines'), ('account.invoice.line', 'margin', 'lines'),
    ('account.invoice', 'margin', 'invoices'), ('account.invoice', 'margin_percent', 'invoices'),
    ('res.partner', 'margin_12m', 'company'), ('res.partner', 'revenue_12m', 'company'),
    ('res.partner', 'revenue_rank', 'company'), ('res.partner', 'revenue_share', 'company'),
    ('res.partner', 'abc_class', 'company'), ('res.partner', 'lifetime_margin', 'company'),
    ('res.partner', 'rfm_score', 'company'), ('res.partner', 'rfm_segment', 'company'),
]
# Models only staff may read at all: one row returned to a portal user is a leak.
INTERNAL_MODELS = ['crm.partner.rfm', 'crm.segment', 'crm.sales.forecast',
                   'crm.request.routing.rule', 'crm.campaign.report', 'crm.partner.timeline',
                   'crm.profitability.line', 'crm.profitability.report',
                   'crm.retention.report', 'crm.rfm.report', 'crm.sales.forecast.report',
                   'crm.partner.ranking', 'crm.clv.model']
GROUP_BY = {'account.invoice.line': 'invoice_id', 'account.invoice': 'state',
            'res.partner': 'is_company'}
ACTIVE_TYPES = ('text/html', 'image/svg+xml', 'text/xml', 'application/xml',
                'application/xhtml+xml', 'text/javascript', 'application/javascript')
SCRIPT = b'<script>alert(document.cookie)</script>'
UPLOADS = [
    ('rel-evil.svg', b'<svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b'</svg>'),
    ('rel-evil.html', b'<html><body>' + SCRIPT + b'</body></html>'),
    ('rel-evil.xml', b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">'
                     b'alert(1)</x:script>'),
]
PIVOT = {'title': 'Rel pivot', 'headers': [[{'title': 'Total', 'width': 1, 'height': 1}]],
         'measure_row': [], 'nbr_measures': 1,
         'rows': [{'indent': 0, 'title': 'Total', 'values': [{'value': 1}]}]}
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def field_meta(admin, model, field):
    return admin(model, 'fields_get', [field],
                 attributes=['store', 'searchable', 'group_operator'])[field]


class Outcome(object):
    """What one API call answered: a result, a refusal, or a crash."""

    def __init__(self, result=None, refused=None, crash=None):
        self.result, self.refused, self.crash = result, refused, crash

    @classmethod
    def of_json(cls, response):
        if response.status_code >= 500:
            return cls(crash='HTTP %d' % response.status_code)
        kind = json_error(response)
        if kind:
            return cls(refused=kind) if is_refusal(kind) else cls(crash=kind)
        if response.status_code != 200:
            return cls(refused='HTTP %d' % response.status_code)
        return cls(result=response.json().get('result'))

    @classmethod
    def of_xmlrpc(cls, call):
        try:
            return cls(result=call())
        except xmlrpc.client.Fault as fault:
            kind = fault_kind(fault)
            return cls(refused=kind) if is_refusal(kind) else cls(crash=kind)


class Session(object):
    """One user through both APIs: JSON-RPC in their browser session, XML-RPC with their
    password."""

    def __init__(self, ctx, browser, password):
        self.browser = browser
        self.login = browser.login
        self.rpc = Rpc(ctx.cfg, browser.login, password)

    def calls(self, model, method, args, kwargs=None):
        """[(channel, Outcome)] of the same call through JSON-RPC and XML-RPC."""
        kwargs = kwargs or {}
        return [('json-rpc', Outcome.of_json(self.browser.call_kw(model, method, args, kwargs))),
                ('xml-rpc', Outcome.of_xmlrpc(lambda: self.rpc(model, method, *args, **kwargs)))]


class ApiProber(object):
    def __init__(self, ctx, prober, customers, env):
        self.ctx, self.prober, self.customers, self.env = ctx, prober, customers, env
        self.admin_rpc = Rpc(ctx.cfg)
        self.admin = Session(ctx, prober.browser('admin', 'admin'), 'admin')

    # -- bookkeeping shared with the page probes

    def attempt(self, who, label, outcome, leaked):
        """One API attempt: a crash is a finding, a result that shows the thing a leak."""
        self.ctx.tally.attempts += 1
        if outcome.crash:
            self.prober.errors.append('%s %s: %s' % (who, label, outcome.crash))
        elif outcome.refused is None and leaked(outcome.result):
            self.ctx.tally.leaks.append('%s %s: %s' % (who, label, str(outcome.result)[:120]))

    def control(self, label, outcome, shown):
        ok = outcome.refused is None and not outcome.crash and bool(shown(outcome.result))
        self.prober.controls.append((label, ok))
        if not ok:
            print('    blind: %s (%s)' % (
                label, outcome.refused or outcome.crash or str(outcome.result)[:120]))

    # -- internal figures

    def scopes(self, customer):
        invoices = customer['docs']['account.invoice']
        lines = self.admin_rpc('account.invoice.line', 'search', [('invoice_id', 'in', invoices)])
        return {'invoices': invoices, 'lines': lines, 'company': [customer['company']]}

    def field_calls(self, model, field, ids, value, meta):
        """The ways a browser session reads a field: (label, method, args, kwargs, shows);
        read_group only on a stored field (Odoo groups by nothing else), and summed by
        another field only when it has an aggregate (a rank, a percentage or a class has
        none: Odoo returns no value for it, and the probe would be blind)."""
        def has_field(rows):
            return bool(rows) and any(field in row for row in rows)

        def grouped(rows):
            return bool(rows) and any(row.get(field) not in (None, False) for row in rows)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            split = [(field, '>', value - 0.005)], [(field, '<=', value - 0.005)]
        else:
            split = [(field, '=', value)], [(field, '!=', value)]
        domain = [('id', 'in', ids)]
        calls = [
            ('read', 'read', [ids, [field]], {}, has_field),
            ('search_read', 'search_read', [domain, [field]], {}, has_field),
            ('export_data', 'export_data', [ids, [field]], {},
             lambda result: bool(result) and any(cell not in ('', False, None)
                                                 for row in result.get('datas', [])
                                                 for cell in row)),
        ]
        if meta.get('group_operator') and meta.get('store'):
            calls.append(('read_group', 'read_group', [domain, [field, GROUP_BY[model]],
                                                       [GROUP_BY[model]]], {'lazy': False},
                          grouped))
        if meta.get('store'):
            calls.append(('read_group by it', 'read_group', [domain, [field], [field]],
                          {'lazy': False}, grouped))
        return calls, [domain + split[0], domain + split[1]]

    def internal_figures(self, users):
        for customer in self.customers:
            scopes = self.scopes(customer)
            for model, field, scope in INTERNAL_FIELDS:
                ids = scopes[scope]
                values = self.admin_rpc(model, 'read', ids, [field])
                value = next((row[field] for row in values if row[field]), None)
                if value is None:
                    self.prober.controls.append(('%s.%s has a value to leak' % (model, field),
                                                 False))
                    print('    blind: %s.%s is empty on the probed records' % (model, field))
                    continue
                meta = field_meta(self.admin_rpc, model, field)
                calls, split = self.field_calls(model, field, ids, value, meta)
                for label, method, args, kwargs, shows in calls:
                    what = '%s.%s %s' % (model, field, label)
                    for channel, outcome in self.admin.calls(model, method, args, kwargs):
                        self.control('%s by a manager (%s)' % (what, channel), outcome, shows)
                    for session in users[customer['key']]:
                        for channel, outcome in session.calls(model, method, args, kwargs):
                            self.attempt(session.login, '%s (%s)' % (what, channel), outcome,
                                         shows)
                if meta.get('searchable'):
                    self.comparison(model, field, split, users[customer['key']])

    def comparison(self, model, field, split, sessions):
        """A search on the field, one comparison at a time: two complementary domains that
        find different records reveal it."""
        what = '%s.%s in a search domain' % (model, field)

        def answers(session):
            above = session.calls(model, 'search', [split[0]])
            below = session.calls(model, 'search', [split[1]])
            return [(channel, a, b) for (channel, a), (_c, b) in zip(above, below)]
        for channel, above, below in answers(self.admin):
            self.control('%s by a manager (%s)' % (what, channel),
                         Outcome(result=[above.result, below.result], refused=above.refused or
                                 below.refused, crash=above.crash or below.crash),
                         lambda result: result[0] != result[1])
        for session in sessions:
            for channel, above, below in answers(session):
                outcome = Outcome(result=[above.result, below.result],
                                  refused=above.refused or below.refused,
                                  crash=above.crash or below.crash)
                self.attempt(session.login, '%s (%s)' % (what, channel), outcome,
                             lambda result: result[0] != result[1])

    def internal_models(self, sessions):
        for model in INTERNAL_MODELS:
            args = [[], ['display_name']]
            kwargs = {'limit': 5}
            for channel, outcome in self.admin.calls(model, 'search_read', args, kwargs):
                self.control('%s search_read by a manager (%s)' % (model, channel), outcome,
                             bool)
            for session in sessions:
                for channel, outcome in session.calls(model, 'search_read', args, kwargs):
                    self.attempt(session.login, '%s search_read (%s)' % (model, channel),
                                 outcome, bool)

    def foreign_records(self, sessions_of):
        """Other customers' requests, orders and invoices, and the internal requests of
        one's own company, through read and search_read: no foreign marker may come back."""
        for customer in self.customers:
            patterns = self.prober.foreign(customer)
            for model in ('crm.request', 'sale.order', 'account.invoice'):
                targets = [r for c in self.customers if c is not customer
                           for r in c['docs'][model]]
                targets += [r for r in customer['docs'][model]
                            if self.prober.is_internal(customer, model, r)]
                name = 'number' if model != 'sale.order' else 'name'
                for label, method, args in (
                        ('read', 'read', [targets, ['name', name]]),
                        ('search_read', 'search_read', [[('id', 'in', targets)],
                                                        ['name', name]])):
                    for channel, outcome in self.admin.calls(model, method, args):
                        self.control('%s %s of %s by a manager (%s)' % (
                            model, label, customer['key'], channel), outcome,
                            lambda rows: any(p.search(json.dumps(rows)) for p in patterns))
                    for session in sessions_of[customer['key']]:
                        for channel, outcome in session.calls(model, method, args):
                            self.attempt(session.login, '%s %s of others (%s)' % (
                                model, label, channel), outcome,
                                lambda rows: any(p.search(json.dumps(rows)) for p in patterns))

    # -- attachments

    def attach(self, request, name, content, note):
        attachment = self.admin_rpc('ir.attachment', 'create', {
            'name': name, 'datas_fname': name, 'res_model': 'crm.request', 'res_id': request,
            'datas': base64.b64encode(content).decode()})
        self.admin_rpc('crm.request', 'message_post', [request],
                       body='Rel %s' % ('internal note' if note else 'file'),
                       message_type='comment',
                       subtype='mail.mt_note' if note else 'mail.mt_comment',
                       attachment_ids=[attachment])
        return attachment

    def prepare_attachments(self):
        """On each customer's public request: a file sent to the customer, and one in an
        internal note (staff only). Their contents are markers."""
        for customer in self.customers:
            request = customer['docs']['crm.request'][0]  # the first user's public request
            key, tag = customer['key'], self.ctx.tag
            public = 'Relfile %s %s' % (key, tag)
            note = 'Relnote %s %s' % (key, tag)
            customer['files'] = {
                'public': (self.attach(request, 'relfile-%s-%s.txt' % (key.lower(), tag),
                                       public.encode(), False), public),
                'note': (self.attach(request, 'relnote-%s-%s.txt' % (key.lower(), tag),
                                     note.encode(), True), note),
                'request': request}
            customer['markers'] += [public, 'relfile-%s-%s.txt' % (key.lower(), tag)]
            customer['markers'] += [note, 'relnote-%s-%s.txt' % (key.lower(), tag)]
            customer['internal'] += [note, 'relnote-%s-%s.txt' % (key.lower(), tag)]

    def attachments(self, browsers_of):
        admin = self.prober.browser('admin', 'admin')
        for customer in self.customers:
            files = customer['files']
            owner = self.prober.owner_of(customer, 'crm.request', files['request'])
            for kind in ('public', 'note'):
                attachment, marker = files[kind]
                path = '/web/content/%d?download=true' % attachment
                reader = owner if kind == 'public' else admin
                self.prober.control('%s (%s file) by %s' % (path, kind, reader.login),
                                    reader.get(path), marker)
            page = '/my/requests/%d' % files['request']
            self.prober.control('%s lists its public file' % page, owner.get(page),
                                'relfile-%s-%s.txt' % (customer['key'].lower(), self.ctx.tag))
            for browser in browsers_of[customer['key']]:
                self.prober.probe(browser, customer, page + ' (own, internal files)',
                                  browser.get(page))
                targets = [files['note'][0]] + [c['files']['public'][0] for c in self.customers
                                                if c is not customer]
                for attachment in targets:
                    for suffix in ('', '?download=true'):
                        path = '/web/content/%d%s' % (attachment, suffix)
                        self.prober.probe(browser, customer, path, browser.get(path))

    # -- chatter with stale tokens

    def prepare_stale_tokens(self):
        """Two requests whose audience changes after their token was handed out: one becomes
        internal, one moves to the other customer. The old tokens must open nothing."""
        first, second = self.customers
        user = first['users'][0]
        stale = []
        for change in ('internal', 'moved'):
            name = 'Relstale %s %s' % (change, self.ctx.tag)
            request = self.admin_rpc('crm.request', 'create', {
                'name': name, 'request_type_id': self.env['type'],
                'partner_id': user['partner'], 'confidentiality': 'public'})
            chat = 'Relchat stale %s %s' % (change, self.ctx.tag)
            self.admin_rpc('crm.request', 'message_post', [request], body=chat,
                           message_type='comment', subtype='mail.mt_comment')
            token = self.admin_rpc('crm.request', 'read', [request], ['access_token'])[0][
                'access_token']
            number = self.admin_rpc('crm.request', 'read', [request], ['number'])[0]['number']
            if change == 'internal':
                self.admin_rpc('crm.request', 'write', [request], {'confidentiality': 'internal'})
                first['internal'] += [name, number, chat]
                first['markers'] += [name, number, chat]
                reader = self.prober.browser('admin', 'admin')
            else:
                self.admin_rpc('crm.request', 'write', [request],
                               {'partner_id': second['users'][0]['partner']})
                second['markers'] += [name, number, chat]
                reader = self.prober.browser(second['users'][0]['login'])
            stale.append({'request': request, 'token': token, 'chat': chat, 'number': number,
                          'reader': reader, 'change': change})
        return stale

    def stale_tokens(self, stale, browsers_of):
        """Each user with the old tokens: what they see is judged against their own company
        (the request moved to the second customer is theirs now, for its users)."""
        first = self.customers[0]
        for item in stale:
            request, token = item['request'], item['token']
            current = self.admin_rpc('crm.request', 'read', [request], ['access_token'])[0][
                'access_token']
            self.prober.control('chatter of the request %s, now %s, by %s' % (
                item['number'], item['change'], item['reader'].login),
                item['reader'].json('/mail/chatter_fetch', {
                    'res_model': 'crm.request', 'res_id': request, 'limit': 50,
                    'token': current if item['change'] == 'moved' else None}), item['chat'])
            for customer in self.customers:
                for browser in browsers_of[customer['key']]:
                    label = 'stale token of %s (%s)' % (item['number'], item['change'])
                    self.prober.probe(browser, customer, '/my/requests %s' % label, browser.get(
                        '/my/requests/%d?access_token=%s' % (request, token)))
                    self.prober.probe(browser, customer, 'chatter_fetch %s' % label,
                                      browser.json('/mail/chatter_fetch', {
                                          'res_model': 'crm.request', 'res_id': request,
                                          'limit': 50, 'token': token}))
                    self.chatter_post(browser, customer, request, token, label)
        # the control of chatter_post: the owner writes on their own request with its token
        owner = self.prober.browser(first['users'][0]['login'])
        request = first['docs']['crm.request'][0]
        posted = self.chatter_post(owner, None, request, first['tokens'][('crm.request',
                                                                          request)], 'own')
        self.prober.controls.append(('chatter_post by the owner with the token', posted))

    def chatter_post(self, browser, customer, request, token, label):
        text = 'Relpost %s %s %s' % (browser.login, label, self.ctx.tag)
        page = browser.get('/my/home')
        response = browser.post('/mail/chatter_post', {
            'res_model': 'crm.request', 'res_id': str(request), 'message': text,
            'token': token, 'csrf_token': pages.csrf(page.text)},
            headers={'Referer': self.ctx.cfg.url + '/my/requests/%d' % request})
        posted = self.ctx.cluster.scalar(
            "SELECT count(*) FROM mail_message WHERE model = 'crm.request' AND res_id = %s "
            "AND body LIKE %s", [request, '%' + text + '%'])
        if customer is not None:
            self.prober.probe(browser, customer, 'chatter_post %s' % label, response,
                              leak_if=lambda r: 'message posted' if posted else None)
        return bool(posted)

    # -- the pivot download route

    def pivot(self, browsers):
        admin = self.prober.browser('admin', 'admin')
        data = json.dumps(PIVOT)

        def xlsx(response):
            return response.status_code == 200 and response.headers.get(
                'Content-Type', '').startswith(XLSX)
        web = admin.get('/web')
        self.prober.control('pivot download by a manager (POST with CSRF)', admin.post(
            '/web/pivot/export_xlsx', {'data': data, 'token': '1',
                                       'csrf_token': pages.csrf(web.text)}), None, xlsx)
        for browser in browsers:
            page = browser.get('/my/home')
            for label, response in (
                    ('GET', browser.session.get(self.ctx.cfg.url + '/web/pivot/export_xlsx',
                                                params={'data': data, 'token': '1'},
                                                timeout=60, allow_redirects=False)),
                    ('POST', browser.post('/web/pivot/export_xlsx', {
                        'data': data, 'token': '1', 'csrf_token': pages.csrf(page.text)}))):
                self.prober.probe(browser, None, 'pivot download %s' % label, response,
                                  leak_if=lambda r: 'a spreadsheet served to a portal user'
                                  if xlsx(r) else None)

    # -- uploads of active content

    def uploads(self, browser, customer):
        admin = self.prober.browser('admin', 'admin')
        control = ('rel-upload-%s.pdf' % self.ctx.tag,
                   b'%PDF-1.4\n%Relupload ' + self.ctx.tag.encode() +
                   b'\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
        for name, content in [control] + UPLOADS:
            subject = 'Rel upload %s %s' % (name, self.ctx.tag)
            form = browser.get('/my/requests/new')
            browser.post('/my/requests/new', {
                'csrf_token': pages.csrf(form.text), 'name': subject, 'description': 'Upload',
                'request_type_id': str(self.env['type'])},
                files=[('attachments', (name, content))])
            stored = self.ctx.cluster.query(
                "SELECT a.id FROM ir_attachment a JOIN crm_request r ON r.id = a.res_id "
                "WHERE a.res_model = 'crm.request' AND r.name = %s", [subject])
            served = [admin.get('/web/content/%d' % row[0]) for row in stored]
            if name == control[0]:
                # the file as stored, byte for byte (its marker is a PDF comment, which
                # pdftotext does not show)
                self.prober.control('upload of a PDF, read back by a manager', served[0]
                                    if served else browser.get('/my'), None,
                                    lambda r: r.status_code == 200 and r.content == content)
                continue
            self.ctx.tally.attempts += 1
            active = [r.headers.get('Content-Type') for r in served
                      if r.headers.get('Content-Type', '').split(';')[0] in ACTIVE_TYPES
                      and 'attachment' not in r.headers.get('Content-Disposition', '')]
            if active:
                self.ctx.tally.leaks.append('%s upload of %s: served inline as %s' % (
                    browser.login, name, active[0]))

    # -- a salesperson of another team

    def salesperson(self):
        """A salesperson (own documents only) of team B: the unassigned internal request of
        team A and the customer timeline of another salesperson's customer stay out of
        reach."""
        rpc, tag = self.admin_rpc, self.ctx.tag
        groups = [rpc.ref(x) for x in ('base.group_user', 'sales_team.group_sale_salesman',
                                       'crm_extended.group_crm_extended_user')]
        login = 'relsales_%s' % tag
        user = rpc('res.users', 'create', {'name': 'Relsales %s' % tag, 'login': login,
                                           'password': login, 'email': '%s@example.com' % login,
                                           'groups_id': [(6, 0, groups)]})
        team_a = rpc('crm.request.team', 'create', {'name': 'Rel team A %s' % tag})
        rpc('crm.request.team', 'create', {'name': 'Rel team B %s' % tag,
                                           'member_ids': [(6, 0, [user])]})
        customer = self.customers[1]
        name = 'Relteam A internal %s' % tag
        request = rpc('crm.request', 'create', {
            'name': name, 'request_type_id': self.env['type'], 'team_id': team_a,
            'partner_id': customer['users'][0]['partner'], 'confidentiality': 'internal'})
        rpc('crm.request', 'write', [request], {'user_id': False})
        order = rpc('sale.order', 'read', customer['docs']['sale.order'][:1], ['name'])[0]['name']
        browser = pages.Browser(self.ctx, login)
        session = Session(self.ctx, browser, login)
        patterns = [pages.marker_re(name), pages.marker_re(order)]

        def shows(rows):
            return any(p.search(json.dumps(rows)) for p in patterns)
        probes = [
            ('crm.request', 'read', [[request], ['name']]),
            ('crm.request', 'search_read', [[('id', '=', request)], ['name']]),
            ('crm.partner.timeline', 'search_read',
             [[('commercial_partner_id', '=', customer['company'])], ['name']]),
        ]
        for model, method, args in probes:
            for channel, outcome in self.admin.calls(model, method, args):
                self.control('%s %s by a manager (%s)' % (model, method, channel), outcome,
                             shows)
            for channel, outcome in session.calls(model, method, args):
                self.attempt(login, '%s %s (%s)' % (model, method, channel), outcome, shows)


def prepare(ctx, customers, env):
    """Data the API probes need before the portal users start: figures to leak (the nightly
    ranking and RFM run now), attachments, tokens that went stale, rows in every internal
    model."""
    admin = Rpc(ctx.cfg)
    for xmlid in ('crm_extended.ir_cron_customer_ranking',
                  'crm_extended.ir_cron_res_partner_compute_rfm'):
        admin('ir.cron', 'method_direct_trigger', [admin.ref(xmlid)])
    admin('crm.request.routing.rule', 'create', {
        'name': 'Rel rule %s' % ctx.tag, 'keywords': 'relrule',
        'team_id': admin('crm.request.team', 'create', {'name': 'Rel team %s' % ctx.tag})})
    admin('crm.sales.forecast', 'create', {'scope': 'user', 'user_id': admin.uid,
                                           'quota': 1000.0})
    mailing_list = admin('mail.mass_mailing.list', 'create', {'name': 'Rel list %s' % ctx.tag})
    admin('crm.segment', 'create', {'name': 'Rel segment %s' % ctx.tag,
                                    'mailing_list_id': mailing_list})


def run(ctx, api, customers, stale):
    sessions, browsers = {}, {}
    for customer in customers:
        browsers[customer['key']] = [api.prober.browser(u['login']) for u in customer['users']]
        sessions[customer['key']] = [Session(ctx, b, b.login) for b in browsers[customer['key']]]
    everyone = [b for bs in browsers.values() for b in bs]
    api.internal_figures(sessions)
    api.internal_models([s for ss in sessions.values() for s in ss])
    api.foreign_records(sessions)
    api.attachments(browsers)
    api.stale_tokens(stale, browsers)
    api.pivot(everyone)
    for customer in customers:
        api.uploads(browsers[customer['key']][0], customer)
    api.salesperson()


def expected_attempts(customers, admin):
    """How many API attempts run() makes: a probe that silently stopped making its attempts
    would lower the count."""
    users = [len(c['users']) for c in customers]
    everyone = sum(users)
    per_field = 0
    for model, field, _scope in INTERNAL_FIELDS:
        meta = field_meta(admin, model, field)
        # read, search_read, export_data; a read_group by it if stored, one by another
        # field if it also sums; a comparison if searchable; each through JSON-RPC and
        # XML-RPC
        per_field += 2 * (3 + bool(meta.get('store')) + bool(
            meta.get('store') and meta.get('group_operator')) + bool(meta.get('searchable')))
    return (sum(per_field * n for n in users)
            + len(INTERNAL_MODELS) * 2 * everyone
            + 3 * 2 * 2 * everyone                                   # foreign records
            + sum(n * (1 + 2 * len(customers)) for n in users)       # attachments
            + 2 * 3 * everyone                                       # stale tokens
            + 2 * everyone                                           # pivot route
            + len(UPLOADS) * len(customers)
            + 3 * 2)                                                 # the salesperson
