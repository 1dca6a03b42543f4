"""Scenario 4: bad input over XML-RPC and email intake (portal forms: see portal.py). Every case
must get a clear error (an XML-RPC fault naming the problem) or be handled safely (stored
exactly as sent and harmless), the server must stay up, and a refused case must leave every
table as it was."""
import base64
import os
import xmlrpc.client

from concurrency import intake_team, raw_mail
from harness import Rpc, fault_kind, is_refusal, json_error
from portal import Browser

NAME = 'bad input'
COUNTS_SQL = """SELECT (SELECT count(*) FROM crm_request), (SELECT count(*) FROM sale_order),
                       (SELECT count(*) FROM sale_order_line), (SELECT count(*) FROM res_partner),
                       (SELECT count(*) FROM ir_attachment), (SELECT count(*) FROM mail_message),
                       (SELECT count(*) FROM mail_mail)"""
REJECT, SAFE, EITHER = 'refused', 'handled safely', 'refused or handled safely'
# The cases run() tries (36 over XML-RPC or JSON-RPC, 12 mails, 5 auto-replies): a case
# that silently went away fails the run (the portal forms are counted in the portal
# scenario's plan).
CASES = 53


class Cases(object):
    def __init__(self, ctx):
        self.ctx = ctx
        self.tried = 0

    def counts(self):
        return self.ctx.cluster.query(COUNTS_SQL)[0]

    def case(self, channel, label, call, expect=REJECT, verify=None, refusal=None):
        """Run one bad input; verify(result) says whether an accepted input was handled
        safely (stored as sent, nothing dangerous); `refusal` names one more error class
        that refuses this case cleanly."""
        self.tried += 1
        before = self.counts()
        try:
            result = call()
            outcome, how = 'accepted', 'accepted'
        except xmlrpc.client.Fault as fault:
            result, outcome, how = None, 'refused', fault_kind(fault)
        except xmlrpc.client.ProtocolError as exc:
            # refused before reaching Odoo (e.g. XML the parser rejects): no clear message,
            # but nothing can have been written; a server error is a crash all the same
            result, how = None, 'HTTP %s' % exc.errcode
            outcome = 'refused' if exc.errcode < 500 else 'crashed'
        except OSError as exc:
            result, outcome, how = None, 'broken', type(exc).__name__
        up = self.ctx.server.up()
        unchanged = self.counts() == before
        if outcome == 'accepted':
            safe = verify(result) if verify else True
            ok = expect in (SAFE, EITHER) and safe
            how = 'accepted%s' % ('' if safe else ' UNSAFELY')
        else:
            # a refusal is an access or validation error; an internal error (TypeError,
            # KeyError, a psycopg2 error...) is a crash even when nothing was written
            crashed = outcome == 'crashed' or not (is_refusal(how) or how == refusal)
            ok = not crashed and expect in (REJECT, EITHER) and unchanged
            if crashed:
                how = 'CRASH %s' % how
            if not unchanged:
                how += ', but rows were written'
        ok = ok and up
        label = '%s: %s' % (channel, label)
        self.ctx.tally.bad_inputs.append((label, ok, how))
        print('    %-4s %s -> %s' % ('ok' if ok else 'BAD', label, how), flush=True)
        if not up:
            self.ctx.server.stop()
            self.ctx.server.start()
        return result


def setup(ctx):
    """An internal user of the main company, and a second company with its own customer,
    request and order the user must not reach."""
    admin = Rpc(ctx.cfg)
    tag = ctx.tag
    other = admin('res.company', 'create', {'name': 'REL Other Co %s' % tag})
    other_partner = admin('res.partner', 'create', {
        'name': 'REL other-company customer %s' % tag, 'company_id': other,
        'email': 'other%s@example.com' % tag})
    request_type = admin('crm.request.type', 'create', {
        'name': 'REL other-company type %s' % tag, 'company_id': other})
    other_request = admin('crm.request', 'create', {
        'name': 'REL other-company request', 'company_id': other, 'partner_id': other_partner,
        'request_type_id': request_type})
    groups = [admin.ref(x) for x in ('base.group_user', 'sales_team.group_sale_salesman',
                                     'crm_extended.group_crm_extended_user')]
    login = 'rel_user_%s' % tag
    admin('res.users', 'create', {'name': 'REL user %s' % tag, 'login': login,
                                  'email': '%s@example.com' % login, 'password': login,
                                  'groups_id': [(6, 0, groups)]})
    customer = admin('res.partner', 'create', {'name': 'REL bad-input customer %s' % tag,
                                               'email': 'bad%s@example.com' % tag})
    return {'admin': admin, 'user': Rpc(ctx.cfg, login, login), 'login': login, 'other': other,
            'other_partner': other_partner, 'other_type': request_type,
            'other_request': other_request, 'customer': customer,
            'type': admin.ref('crm_extended.request_type_information')}


def xmlrpc_cases(ctx, cases, env):
    user, admin = env['user'], env['admin']

    def request(**values):
        vals = {'name': 'REL bad %s' % ctx.tag, 'request_type_id': env['type'],
                'partner_id': env['customer']}
        vals.update(values)
        for key in [k for k, v in vals.items() if v is OMIT]:
            del vals[key]
        return lambda: user('crm.request', 'create', vals)

    def stored(field, expected):
        def verify(record_id):
            value = admin('crm.request', 'read', [record_id], [field])[0][field]
            return value == expected
        return verify

    rpc = 'xmlrpc'
    # wrong types
    cases.case(rpc, 'type as a string', request(request_type_id='abc'))
    cases.case(rpc, 'type as a list', request(request_type_id=[1, 2]))
    cases.case(rpc, 'customer as a dict', request(partner_id={'id': 1}))
    cases.case(rpc, 'priority outside its selection', request(priority='9'))
    cases.case(rpc, 'confidentiality outside its selection', request(confidentiality='secret'))
    cases.case(rpc, 'deadline not a date', request(date_deadline='not a date'))
    cases.case(rpc, 'deadline 30 February', request(date_deadline='2026-02-30 10:00:00'))
    cases.case(rpc, 'summary missing', request(name=OMIT))
    cases.case(rpc, 'neither customer nor email', request(partner_id=OMIT))
    cases.case(rpc, 'order quantity as text', lambda: user('sale.order', 'create', {
        'partner_id': env['customer'], 'order_line': [(0, 0, {
            'product_id': ctx.data.get('products', [1])[0], 'product_uom_qty': 'many'})]}))
    # unknown ids
    cases.case(rpc, 'unknown type id', request(request_type_id=987654321))
    cases.case(rpc, 'unknown customer id', request(partner_id=987654321))
    cases.case(rpc, 'unknown order id', request(sale_order_id=987654321))
    cases.case(rpc, 'write on an unknown request',
               lambda: user('crm.request', 'write', [987654321], {'name': 'x'}))
    cases.case(rpc, 'confirmation of an unknown request',
               lambda: user('crm.request', 'action_send_confirmation', [987654321]))
    # Odoo's dispatcher refuses it before any model code runs, naming the missing method
    cases.case(rpc, 'unknown method', lambda: user('crm.request', 'do_something_evil', []),
               refusal='AttributeError')
    cases.case(rpc, 'private method', lambda: user('crm.request', '_send_confirmation', [], True))
    cases.case(rpc, 'unknown model', lambda: user('crm.nothing', 'search', []))
    # another company's ids
    cases.case(rpc, "another company's customer", request(partner_id=env['other_partner']))
    cases.case(rpc, "another company's request type", request(request_type_id=env['other_type']))
    cases.case(rpc, 'a request in another company', request(company_id=env['other']))
    cases.case(rpc, "reading another company's request",
               lambda: user('crm.request', 'read', [env['other_request']], ['name', 'number']))
    cases.case(rpc, "writing another company's request",
               lambda: user('crm.request', 'write', [env['other_request']], {'name': 'mine'}))
    cases.case(rpc, "confirming another company's request",
               lambda: user('crm.request', 'action_send_confirmation', [env['other_request']]))
    # oversized and garbage text
    big = 'x' * (2 * 1024 * 1024)
    cases.case(rpc, '2 MB summary', request(name=big), EITHER, stored('name', big))
    # through JSON-RPC: XML cannot carry a NUL byte (Odoo's XML-RPC endpoint answers the
    # malformed document with HTTP 500 before any addon code runs)
    browser = Browser(ctx, env['login'])
    cases.case('json-rpc', 'NUL byte in the summary', lambda: json_call(
        browser, 'crm.request', 'create', [{'name': 'abc\x00def', 'request_type_id': env['type'],
                                            'partner_id': env['customer']}]))
    garbage = os.urandom(4096)
    cases.case(rpc, 'binary garbage as the description',
               request(description=xmlrpc.client.Binary(garbage)), EITHER)
    odd = 'z\u200b\u202e\U0001f4a5\u0301\ufffd\u00ad end'
    cases.case(rpc, 'odd unicode in the summary', request(name=odd), SAFE, stored('name', odd))
    # HTML / script and SQL-looking strings: stored as text, never executed
    script = '<script>alert("rel")</script><img src=x onerror=alert(1)>'
    cases.case(rpc, 'script in the summary', request(name=script), SAFE,
               stored('name', script))
    sql = "x'); DROP TABLE crm_request; --"
    cases.case(rpc, 'SQL in the summary', request(name=sql), SAFE, stored('name', sql))
    cases.case(rpc, 'SQL in a search value', lambda: user(
        'crm.request', 'search_count', [('name', '=', "' OR 1=1 --")]), SAFE,
        lambda count: count == 0)
    cases.case(rpc, 'SQL in the sort order', lambda: user(
        'crm.request', 'search', [], order='id; DROP TABLE crm_request'))
    cases.case(rpc, 'SQL in a group-by', lambda: user(
        'crm.request', 'read_group', [], ['name'], ['name); DROP TABLE crm_request; --']))
    cases.case(rpc, 'unknown domain operator', lambda: user(
        'crm.request', 'search', [('name', 'DELETE', 'x')]))
    record = user('crm.request', 'create', {
        'name': 'REL bad-input target %s' % ctx.tag, 'request_type_id': env['type'],
        'partner_id': env['customer']})
    cases.case(rpc, 'script in a chatter message', lambda: user(
        'crm.request', 'message_post', [record], body=script), SAFE,
        lambda message_id: '<script' not in admin('mail.message', 'read', [message_id],
                                                  ['body'])[0]['body'])
    # a 25 MB attachment
    blob = os.urandom(25 * 1024 * 1024)
    cases.case(rpc, '25 MB attachment', lambda: user('ir.attachment', 'create', {
        'name': 'rel-25mb.bin', 'datas_fname': 'rel-25mb.bin', 'res_model': 'crm.request',
        'res_id': record, 'datas': base64.b64encode(blob).decode()}), EITHER,
        lambda att: admin('ir.attachment', 'read', [att], ['file_size'])[0]['file_size']
        == len(blob))
    ctx.tally.check(NAME, 'tables intact after SQL-looking input', ctx.cluster.scalar(
        "SELECT count(*) FROM crm_request WHERE name = %s", [sql]) == 1)
    return record


OMIT = object()


def json_call(browser, model, method, args):
    """A call through JSON-RPC as the web client makes it; its error raised as the
    XML-RPC fault the cases read."""
    response = browser.call_kw(model, method, args)
    if response.status_code >= 500:
        raise xmlrpc.client.ProtocolError(response.url, response.status_code, 'server error', {})
    kind = json_error(response)
    if kind:
        raise xmlrpc.client.Fault(1, kind)
    return response.json().get('result')


def mail_cases(ctx, cases, env):
    admin = env['admin']
    intake = intake_team(ctx, admin)
    alias, tag = intake['alias'], ctx.tag
    sender = 'REL mail customer <relmail%s@example.com>' % tag

    def process(raw, model='crm.request'):
        return lambda: admin('mail.thread', 'message_process', model,
                             xmlrpc.client.Binary(raw if isinstance(raw, bytes)
                                                  else raw.encode('utf-8')))

    def mail(subject, body='Hello', frm=sender, to=alias, mid=None, extra=()):
        return raw_mail(frm, to, subject, body, mid or '%s-%s@rel.example.com' % (
            subject[:20].replace(' ', '-'), tag), extra)

    def filed(name):
        return lambda _result: ctx.cluster.scalar(
            "SELECT count(*) FROM crm_request WHERE name = %s", [name]) == 1

    rpc = 'mail'
    bad_utf8 = mail('REL invalid utf8 %s' % tag).encode('utf-8').replace(
        b'Hello', b'caf\xe9 \xff\xfe \xc3\x28 broken')
    cases.case(rpc, 'invalid UTF-8 in the body', process(bad_utf8), EITHER,
               filed('REL invalid utf8 %s' % tag))
    bad_subject = mail('REL subj %s' % tag).encode('utf-8').replace(
        b'REL subj', b'REL \xff\xfe subj')
    cases.case(rpc, 'invalid UTF-8 in the subject', process(bad_subject), EITHER)
    cases.case(rpc, 'unknown charset', process(mail('REL charset %s' % tag).replace(
        'charset="utf-8"', 'charset="x-no-such-charset"')), EITHER)
    cases.case(rpc, 'no sender', process(mail('REL no sender %s' % tag, frm='')))
    cases.case(rpc, 'to an address nobody owns', process(mail(
        'REL nobody %s' % tag, to='nobody-here@example.com'), model=False))
    cases.case(rpc, 'binary garbage as the message', process(os.urandom(2048), model=False))
    cases.case(rpc, '100 kB subject', process(mail('S' * 100000, mid='big-%s@rel' % tag)),
               EITHER)
    script = '<script>alert(1)</script>'
    html = mail('REL html %s' % tag, body='<p>hi</p>%s' % script).replace(
        'text/plain', 'text/html')
    scripts_sql = "SELECT count(*) FROM mail_message WHERE body LIKE '%%<script%%'"
    cases.case(rpc, 'HTML mail with a script', process(html), SAFE,
               lambda _r: not ctx.cluster.scalar(scripts_sql))
    cases.case(rpc, 'SQL-looking subject', process(mail(
        "REL x'); DELETE FROM crm_request; -- %s" % tag)), SAFE,
        filed("REL x'); DELETE FROM crm_request; -- %s" % tag))
    dup = mail('REL duplicate %s' % tag, mid='dup-%s@rel.example.com' % tag)
    admin('mail.thread', 'message_process', 'crm.request', dup)
    cases.case(rpc, 'the same Message-Id twice', process(dup), SAFE, filed(
        'REL duplicate %s' % tag))
    cases.case(rpc, 'a bounce from MAILER-DAEMON', process(mail(
        'Undelivered Mail Returned to Sender', frm='MAILER-DAEMON@example.com')), SAFE,
        lambda result: not result)
    big = base64.encodebytes(os.urandom(25 * 1024 * 1024)).decode()
    boundary = 'REL-boundary-%s' % tag
    attached = '\r\n'.join([
        'From: %s' % sender, 'To: %s' % alias, 'Subject: REL 25 MB mail %s' % tag,
        'Message-Id: <25mb-%s@rel.example.com>' % tag, 'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="%s"' % boundary, '', '--' + boundary,
        'Content-Type: text/plain', '', 'See attachment.', '--' + boundary,
        'Content-Type: application/octet-stream',
        'Content-Disposition: attachment; filename="big.bin"',
        'Content-Transfer-Encoding: base64', '', big, '--%s--' % boundary, ''])
    cases.case(rpc, 'a 25 MB attachment', process(attached), EITHER,
               filed('REL 25 MB mail %s' % tag))
    mail_loop(ctx, cases, admin, intake, sender)


def mail_loop(ctx, cases, admin, intake, sender):
    """An auto-responder answers the confirmation, and keeps answering what it gets: the
    answers join the request; no new request, no second confirmation, nothing sent back."""
    name = 'REL loop %s' % ctx.tag
    request_id = admin('mail.thread', 'message_process', 'crm.request', raw_mail(
        sender, intake['alias'], name, 'Help', 'loop-%s@rel.example.com' % ctx.tag))
    number, = [r['number'] for r in admin('crm.request', 'read', [request_id], ['number'])]
    confirmation = ctx.cluster.query(
        "SELECT message_id FROM mail_message WHERE model = 'crm.request' AND res_id = %s "
        "AND subject LIKE %s", [request_id, '[%s]%%' % number])
    to_sender_sql = ("SELECT count(*) FROM mail_mail_res_partner_rel rel "
                     "JOIN crm_request r ON r.partner_id = rel.res_partner_id WHERE r.id = %s")
    mails_before = ctx.cluster.scalar(to_sender_sql, [request_id])
    parent = confirmation[0][0] if confirmation else '<none>'
    for i in range(5):
        reply = raw_mail(sender, intake['alias'], 'Auto: [%s] %s' % (number, name),
                         'I am out of the office.', 'auto-%d-%s@rel.example.com' % (i, ctx.tag),
                         ['In-Reply-To: %s' % parent, 'References: %s' % parent,
                          'Auto-Submitted: auto-replied', 'Precedence: auto_reply'])
        cases.case('mail', 'auto-reply %d to the confirmation' % (i + 1), lambda: admin(
            'mail.thread', 'message_process', 'crm.request', reply), SAFE,
            lambda result: result == request_id)
    requests = ctx.cluster.scalar("SELECT count(*) FROM crm_request WHERE name LIKE %s",
                                  ['%' + name + '%'])
    confirmations = ctx.cluster.scalar(
        "SELECT count(*) FROM mail_message WHERE model = 'crm.request' AND res_id = %s "
        "AND subject LIKE %s", [request_id, '[%s]%%' % number])
    sent = ctx.cluster.scalar(to_sender_sql, [request_id]) - mails_before
    ctx.tally.check(NAME, 'mail loop: auto-replies create no request and trigger no mail',
                    requests == 1 and confirmations == 1 and not sent,
                    '%d requests, %d confirmations, %d mails to the sender queued by the '
                    'auto-replies' % (requests, confirmations, sent))


def run(ctx):
    cases = Cases(ctx)
    env = setup(ctx)
    xmlrpc_cases(ctx, cases, env)
    mail_cases(ctx, cases, env)
    ctx.tally.check(NAME, 'all %d planned bad inputs tried' % CASES, cases.tried == CASES,
                    '%d tried' % cases.tried)


def summary(tally):
    handled = sum(1 for _label, ok, _how in tally.bad_inputs if ok)
    tally.check(NAME, 'every bad input refused clearly or handled safely, server up',
                handled == len(tally.bad_inputs), '%d/%d; not: %s' % (
                    handled, len(tally.bad_inputs),
                    ', '.join('%s (%s)' % (label, how)
                              for label, ok, how in tally.bad_inputs if not ok)))
