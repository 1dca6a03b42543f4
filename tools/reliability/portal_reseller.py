"""Scenario 5, continued (issue 19): the reseller portal. Two resellers, each with a portal
user, and a customer's portal user attack the leads of the first reseller (and a lead nobody
was given) through every reseller route (pages, accept, decline, update, message, change
proposal, won, lost, deal registration), with tampered and unknown ids, and read crm.lead
over JSON-RPC and XML-RPC. A reseller's own user may see only the leads handed to their
company, and of those only the fields shared with resellers. Positive controls: the owning
reseller's user does each thing through the same route and it works."""
import json

import portal as pages
from harness import Rpc
from portal_api import Outcome, Session

UNKNOWN = 987654321
PAGES = ['/my/leads/%d', '/my/opportunities/%d']
ACTIONS = {  # route -> the form a reseller posts
    '/my/leads/%d/accept': {},
    '/my/leads/%d/decline': {'reason': 'Relhijack decline'},
    '/my/opportunities/%d/update': {'planned_revenue': '1', 'next_step': 'Relhijack step'},
    '/my/opportunities/%d/message': {'message': 'Relhijack message'},
    '/my/opportunities/%d/propose_change': {'message': 'Relhijack change'},
    '/my/opportunities/%d/won': {},
    '/my/opportunities/%d/lost': {'reason': 'Relhijack lost'},
}
LISTS = ['/my/leads', '/my/opportunities', '/my/leads?search=Rellead',
         '/my/opportunities?search=Rellead']
# Fields of a lead that are ours, not the reseller's (not in PORTAL_LEAD_FIELDS of
# crm_lead_channel.py): our notes, our probability, our salesperson.
HIDDEN_FIELDS = ['description', 'probability', 'user_id']
SNAPSHOT_SQL = """
    SELECT l.id, l.partner_assigned_id, l.partner_assign_state, l.stage_id, l.planned_revenue,
           l.next_step, l.active, l.probability, l.type,
           (SELECT count(*) FROM mail_message m WHERE m.model = 'crm.lead' AND m.res_id = l.id)
      FROM crm_lead l WHERE l.id IN %s ORDER BY l.id"""


class ResellerProber(object):
    def __init__(self, ctx, prober, api, customers):
        self.ctx, self.prober, self.api = ctx, prober, api
        self.admin = Rpc(ctx.cfg)
        self.tag = ctx.tag
        self.customer_login = customers[0]['users'][0]['login']

    # -- data

    def reseller(self, key):
        admin, tag = self.admin, self.tag
        company = admin('res.partner', 'create', {
            'name': 'Relreseller %s %s' % (key, tag), 'is_company': True,
            'is_channel_partner': True, 'partner_capacity': 10,
            'email': 'relreseller.%s.%s@example.com' % (key.lower(), tag)})
        login = 'relreseller_%s_%s' % (key.lower(), tag)
        contact = admin('res.partner', 'create', {
            'name': 'Relagent %s %s' % (key, tag), 'parent_id': company,
            'email': '%s@example.com' % login})
        admin('res.users', 'create', {'name': 'Relagent %s %s' % (key, tag), 'login': login,
                                      'password': login, 'partner_id': contact,
                                      'groups_id': [(6, 0, [admin.ref('base.group_portal')])]})
        return {'company': company, 'login': login}

    def lead(self, label, reseller=None):
        """A lead whose name, customer, email and internal note are markers."""
        name = 'Rellead %s %s' % (label, self.tag)
        lead = self.admin('crm.lead', 'create', {
            'name': name, 'type': 'lead', 'partner_name': 'Relleadco %s %s' % (label, self.tag),
            'contact_name': 'Relleadcontact %s %s' % (label, self.tag),
            'email_from': 'rellead.%s.%s@example.com' % (label.lower(), self.tag),
            'description': 'Relleadnote %s %s' % (label, self.tag), 'planned_revenue': 4321.0,
            'probability': 37.0})
        if reseller:
            self.admin('crm.lead', 'write', [lead], {'partner_assigned_id': reseller['company']})
        return {'id': lead, 'name': name, 'markers': [
            name, 'Relleadco %s %s' % (label, self.tag), 'Relleadcontact %s %s' % (
                label, self.tag), 'rellead.%s.%s@example.com' % (label.lower(), self.tag),
            'Relleadnote %s %s' % (label, self.tag)]}

    def prepare(self):
        self.r1, self.r2 = self.reseller('One'), self.reseller('Two')
        self.proposed = self.lead('proposed', self.r1)
        self.worked = self.lead('worked', self.r1)
        self.closing = self.lead('closing', self.r1)
        self.nobodys = self.lead('unassigned')
        self.lost_reason = self.admin('crm.lost.reason', 'create',
                                      {'name': 'Rel lost %s' % self.tag})
        self.owner = self.prober.browser(self.r1['login'])
        # the owner accepts two of them: the accept route's positive control
        for lead in (self.worked, self.closing):
            self.post(self.owner, '/my/leads/%d/accept' % lead['id'], {})
            state = self.ctx.cluster.scalar(
                'SELECT partner_assign_state FROM crm_lead WHERE id = %s', [lead['id']])
            self.prober.controls.append(('accept of %s by the owning reseller' % lead['name'],
                                         state == 'accepted'))

    # -- helpers

    def post(self, browser, path, data):
        page = browser.get('/my/home')
        return browser.post(path, dict(data, csrf_token=pages.csrf(page.text)))

    def leaked(self, leads):
        patterns = [pages.marker_re(m) for lead in leads for m in lead['markers']]

        def found(response):
            text = pages.text_of(response)
            hits = [p.pattern for p in patterns if p.search(text)]
            return hits and 'shows %s' % hits[0]
        return found

    def snapshot(self, leads):
        return self.ctx.cluster.query(SNAPSHOT_SQL, [tuple(lead['id'] for lead in leads)])

    # -- the attacks over the portal routes

    def routes(self, browser, targets):
        """Every page and action of the reseller portal on `targets` (leads that are not
        the user's) and on an unknown id."""
        leak = self.leaked(targets)
        for lead in targets + [{'id': UNKNOWN, 'name': 'unknown id'}]:
            for path in PAGES:
                route = path % lead['id']
                self.prober.probe(browser, None, route, browser.get(route), leak_if=leak)
            for path, data in sorted(ACTIONS.items()):
                route = path % lead['id']
                if 'lost' in path:
                    data = dict(data, lost_reason_id=str(self.lost_reason))
                self.prober.probe(browser, None, '%s POST (%s)' % (route, lead['name']),
                                  self.post(browser, route, data), leak_if=leak)
        for path in LISTS:
            self.prober.probe(browser, None, path, browser.get(path), leak_if=leak)

    def register(self, browser):
        """Deal registration with the owner's company and our salesperson slipped in:
        the reseller companies the registered leads went to."""
        name = 'Relregistered %s %s' % (browser.login, self.tag)
        response = self.post(browser, '/my/opportunities/new', {
            'partner_name': name, 'contact_name': 'Relreg contact', 'planned_revenue': '10',
            'email_from': 'relreg.%s@example.com' % browser.login, 'name': name,
            'partner_assigned_id': str(self.r1['company']), 'user_id': '1'})
        return response, self.ctx.cluster.query(
            'SELECT partner_assigned_id, partner_registration_state FROM crm_lead '
            'WHERE partner_name = %s', [name])

    def registration(self, browser, reseller):
        """A customer registers nothing, another reseller only for their own company."""
        response, rows = self.register(browser)

        def wrong(_response):
            if reseller is None and rows:
                return 'a customer registered a deal'
            if any(row[0] != (reseller or {}).get('company') for row in rows):
                return 'registered for another reseller'
            return None
        self.prober.probe(browser, None, '/my/opportunities/new POST (owner slipped in)',
                          response, leak_if=wrong)

    # -- the attacks over the API

    @staticmethod
    def shows(leads):
        patterns = [pages.marker_re(m) for lead in leads for m in lead['markers']]
        return lambda rows: any(p.search(json.dumps(rows)) for p in patterns)

    def api_reads(self, session, targets):
        ids = [lead['id'] for lead in targets]
        shows = self.shows(targets)
        for label, method, args in (
                ('read', 'read', [ids, ['name', 'partner_name']]),
                ('search_read', 'search_read', [[('id', 'in', ids)], ['name', 'partner_name']]),
                ('search_read of everything', 'search_read', [[], ['name', 'partner_name']])):
            for channel, outcome in session.calls('crm.lead', method, args):
                self.api.attempt(session.login, 'crm.lead %s of others (%s)' % (label, channel),
                                 outcome, shows)

    def hidden_fields(self, session):
        """The owner's own accepted lead: our fields stay out of reach on every path."""
        lead = self.worked
        values = self.admin('crm.lead', 'read', [lead['id']], HIDDEN_FIELDS)[0]
        note = pages.marker_re('Relleadnote worked %s' % self.tag)
        for field in HIDDEN_FIELDS:
            def has(rows, field=field):
                return bool(rows) and any(row.get(field) not in (None, False)
                                          for row in rows)
            args = [[lead['id']], [field]]
            for channel, outcome in self.api.admin.calls('crm.lead', 'read', args):
                self.api.control('crm.lead.%s read by a manager (%s)' % (field, channel),
                                 outcome, has)
            for channel, outcome in session.calls('crm.lead', 'read', args):
                self.api.attempt(session.login, 'crm.lead.%s read of own lead (%s)' % (
                    field, channel), outcome, has)
        calls = [
            ('search_read of all fields', 'search_read', [[('id', '=', lead['id'])]],
             lambda rows: bool(rows) and any(f in row for row in rows for f in HIDDEN_FIELDS)),
            ('read_group of the probability', 'read_group',
             [[('id', '=', lead['id'])], ['probability'], ['probability']],
             lambda rows: bool(rows) and any(row.get('probability') == values['probability']
                                             for row in rows)),
            ('export_data of the note', 'export_data', [[lead['id']], ['description']],
             lambda result: bool(note.search(json.dumps(result)))),
        ]
        for label, method, args, shows in calls:
            for channel, outcome in self.api.admin.calls('crm.lead', method, args):
                self.api.control('crm.lead %s by a manager (%s)' % (label, channel), outcome,
                                 shows)
            for channel, outcome in session.calls('crm.lead', method, args):
                self.api.attempt(session.login, 'crm.lead %s of own lead (%s)' % (
                    label, channel), outcome, shows)
        marker = 'Relleadnote worked %s' % self.tag
        split = ([('id', '=', lead['id']), ('description', 'ilike', marker)],
                 [('id', '=', lead['id']), ('description', 'not ilike', marker)])

        def answers(who):
            above = who.calls('crm.lead', 'search', [split[0]])
            below = who.calls('crm.lead', 'search', [split[1]])
            return [(channel, Outcome(result=[a.result, b.result],
                                      refused=a.refused or b.refused, crash=a.crash or b.crash))
                    for (channel, a), (_c, b) in zip(above, below)]
        for channel, outcome in answers(self.api.admin):
            self.api.control('crm.lead.description in a search domain by a manager (%s)'
                             % channel, outcome, lambda result: result[0] != result[1])
        for channel, outcome in answers(session):
            self.api.attempt(session.login, 'crm.lead.description in a search domain of own '
                             'lead (%s)' % channel, outcome, lambda result: result[0] != result[1])

    # -- the owner: positive controls, after the attacks

    def controls(self, session):
        owner, mine = self.owner, [self.proposed, self.worked, self.closing]
        for lead, route in ((self.proposed, '/my/leads'), (self.worked, '/my/opportunities')):
            self.prober.control('%s lists %s for the owning reseller' % (route, lead['name']),
                                owner.get(route), lead['name'])
            self.prober.control('%s/%d by the owning reseller' % (route, lead['id']),
                                owner.get('%s/%d' % (route, lead['id'])), lead['name'])
        note = 'Relleadnote worked %s' % self.tag
        self.prober.probe(owner, None, 'own opportunity page shows no internal note',
                          owner.get('/my/opportunities/%d' % self.worked['id']),
                          leak_if=lambda r: pages.marker_re(note).search(r.text) and note)
        shows = self.shows([self.worked])
        for label, method, args in (
                ('read', 'read', [[lead['id'] for lead in mine], ['name', 'partner_name']]),
                ('search_read', 'search_read', [[('id', 'in', [lead['id'] for lead in mine])],
                                                ['name', 'partner_name']])):
            for channel, outcome in session.calls('crm.lead', method, args):
                self.api.control('crm.lead %s of own leads by the owning reseller (%s)' % (
                    label, channel), outcome, shows)
        before = dict((row[0], row) for row in self.snapshot(mine))
        worked = self.worked['id']
        for path, data, lead in (
                ('/my/opportunities/%d/update', {'planned_revenue': '5555',
                                                 'next_step': 'Relowner step'}, worked),
                ('/my/opportunities/%d/message', {'message': 'Relowner message'}, worked),
                ('/my/opportunities/%d/propose_change', {'message': 'Relowner change'}, worked),
                ('/my/opportunities/%d/won', {}, worked),
                ('/my/opportunities/%d/lost', {'reason': 'Relowner lost',
                                               'lost_reason_id': str(self.lost_reason)},
                 self.closing['id']),
                ('/my/leads/%d/decline', {'reason': 'Relowner decline'}, self.proposed['id'])):
            self.post(owner, path % lead, data)
            after = dict((row[0], row) for row in self.snapshot(mine))
            self.prober.controls.append(('%s by the owning reseller changes the lead' % (
                path % lead), after[lead] != before[lead]))
            before = after
        _response, registered = self.register(owner)
        self.prober.controls.append(('deal registration by the owning reseller',
                                     registered == [(self.r1['company'], 'submitted')]))


def run(ctx, prober, api, customers):
    reseller = ResellerProber(ctx, prober, api, customers)
    reseller.prepare()
    targets = [reseller.proposed, reseller.worked, reseller.nobodys]
    watched = targets + [reseller.closing]
    before = reseller.snapshot(watched)
    other = prober.browser(reseller.r2['login'])
    customer = prober.browser(reseller.customer_login)
    for browser, account in ((other, reseller.r2), (customer, None)):
        reseller.routes(browser, targets)
        reseller.registration(browser, account)
        reseller.api_reads(Session(ctx, browser, browser.login), targets)
    # the owner's user on a lead nobody gave their company
    reseller.routes(reseller.owner, [reseller.nobodys])
    owner_session = Session(ctx, reseller.owner, reseller.owner.login)
    reseller.api_reads(owner_session, [reseller.nobodys])
    reseller.hidden_fields(owner_session)
    after = reseller.snapshot(watched)
    ctx.tally.attempts += 1
    if after != before:
        changed = [row for row in after if row not in before]
        ctx.tally.leaks.append('reseller routes: leads changed by attacks: %s' % changed)
    reseller.controls(owner_session)


def expected_attempts():
    """The attempts run() makes, from its plan."""
    per_target = len(PAGES) + len(ACTIONS)
    attacker = (3 + 1) * per_target + len(LISTS) + 1 + 3 * 2   # routes, registration, API
    owner = (1 + 1) * per_target + len(LISTS) + 3 * 2           # the lead nobody was given
    hidden = 2 * (len(HIDDEN_FIELDS) + 3 + 1)                   # reads, calls, the search
    # + the comparison of the leads before and after, + the owner's page and its note
    return 2 * attacker + owner + hidden + 1 + 1
