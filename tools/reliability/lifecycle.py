"""Scenario 6: crm_extended installed on a database full of data, upgraded with data,
uninstalled and installed again; orders, invoices, leads and partners and their totals must be
exactly what they were before each step."""
import requests

import dataset
from harness import Rpc, SuiteError, tool

NAME = 'lifecycle'


def compare(ctx, step, before):
    after = dataset.snapshot(ctx.cluster)
    changed = dataset.diff(before, after)
    ctx.tally.check(NAME, '%s: counts and sums unchanged' % step, not changed,
                    '; '.join(changed))
    for key in ('partners', 'orders', 'order lines', 'invoices', 'leads', 'journal items'):
        ctx.tally.lost += max(0, int(before[key]) - int(after[key]))
    return after


def module_state(ctx):
    return ctx.cluster.scalar(
        "SELECT state FROM ir_module_module WHERE name = 'crm_extended'")


def installed(ctx):
    try:
        return module_state(ctx) == 'installed'
    except Exception:  # noqa: B902 - no database, no table: not installed
        return False


def odoo_cli(ctx, *args):
    """Install or upgrade with the server stopped, as an administrator would with -i/-u."""
    tool(ctx.cfg, 'odoo.sh', '-d', ctx.cfg.db, '--stop-after-init', '--log-level=warn',
         '--without-demo=all', '--logfile=%s' % ctx.cfg.log('%s.cli.log' % ctx.cfg.db), *args)


def public_functions(ctx):
    """The functions and aggregates of the public schema, with their arguments."""
    return {row[0] for row in ctx.cluster.query("""
        SELECT p.oid::regprocedure::text FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'""")}


def install_on_data(ctx):
    """Fill the bare database (the dependencies only) with data, then install the addon."""
    rpc = Rpc(ctx.cfg)
    ctx.data = dataset.generate(rpc, scale=ctx.args.scale)
    ctx.functions_before = public_functions(ctx)
    before = dataset.snapshot(ctx.cluster)
    ctx.server.stop()
    odoo_cli(ctx, '-i', 'crm_extended')
    ctx.tally.check(NAME, 'install on a database with data', module_state(ctx) == 'installed',
                    '%s orders, %s invoices, %s leads, %s partners before' % (
                        before['orders'], before['invoices'], before['leads'],
                        before['partners']))
    compare(ctx, 'install', before)
    ctx.server.start()


def press_module_button(ctx, method, module_ids):
    """Press Install or Uninstall the way the web client does: JSON-RPC
    /web/dataset/call_button in an administrator's session. Returns Odoo's error, if any.
    Not over XML-RPC: there, Odoo 11 does not signal the new registry to the other workers
    (service.model.dispatch signals through the registry object of before the call), so the
    next request could reach a worker still serving the old models."""
    session = requests.Session()

    def call(path, params):
        return session.post(ctx.cfg.url + path, json={
            'jsonrpc': '2.0', 'method': 'call', 'params': params}, timeout=1200).json()

    if 'error' in call('/web/session/authenticate', {
            'db': ctx.cfg.db, 'login': 'admin', 'password': 'admin'}):
        raise SuiteError('the administrator could not log in to the web client')
    error = call('/web/dataset/call_button', {
        'model': 'ir.module.module', 'method': method, 'args': [module_ids]}).get('error')
    return error and (error.get('data', {}).get('message') or error.get('message'))


def owned_by_addon(ctx):
    """What crm_extended put in the database, read before the uninstall: its models, the
    columns it added to other modules' tables, and the numberings of its request types."""
    query = ctx.cluster.query
    models = [row[0] for row in query("""
        SELECT m.model FROM ir_model m
          JOIN ir_model_data d ON d.model = 'ir.model' AND d.res_id = m.id
         WHERE d.module = 'crm_extended'
           AND NOT EXISTS (SELECT 1 FROM ir_model_data o WHERE o.model = 'ir.model'
                              AND o.res_id = m.id AND o.module != 'crm_extended')""")]
    columns = query("""
        SELECT replace(f.model, '.', '_'), f.name FROM ir_model_fields f
          JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
         WHERE d.module = 'crm_extended' AND f.store AND f.ttype NOT IN ('one2many', 'many2many')
           AND f.model != ALL(%s) AND f.name NOT IN ('id', 'create_uid', 'create_date',
                                                     'write_uid', 'write_date')
           AND NOT EXISTS (SELECT 1 FROM ir_model_data o WHERE o.model = 'ir.model.fields'
                              AND o.res_id = f.id AND o.module != 'crm_extended')""",
                    [models])
    relations = [row[0] for row in query("""
        SELECT r.name FROM ir_model_relation r JOIN ir_module_module m ON m.id = r.module
         WHERE m.name = 'crm_extended'""")]
    sequences = [row[0] for row in query(
        "SELECT sequence_id FROM crm_request_type WHERE sequence_id IS NOT NULL")]
    return {'models': models, 'columns': columns, 'relations': relations,
            'sequences': sequences}


def left_behind(ctx, owned):
    """Everything of crm_extended still in the database after the uninstall, named: its
    XML ids, models, tables, columns, sequences, SQL functions, and the messages, followers,
    activities and attachments of its records (tied by model name, which nothing
    cascades)."""
    query, models = ctx.cluster.query, owned['models']
    found = ['ir.model.data %s.%s (%s %s)' % row for row in query(
        "SELECT module, name, model, res_id FROM ir_model_data WHERE module = 'crm_extended' "
        "ORDER BY id")]
    found += ['ir.model %s' % row for row in query(
        'SELECT model FROM ir_model WHERE model = ANY(%s)', [models])]
    found += ['table %s' % row for row in query(
        "SELECT relname FROM pg_class WHERE relkind IN ('r', 'v') AND relname = ANY(%s)",
        [[model.replace('.', '_') for model in models] + owned['relations']])]
    found += ['column %s.%s' % row for row in query(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE (table_name, column_name) IN %s", [tuple(owned['columns']) or (('', ''),)])]
    found += ['ir.sequence %s %s' % row for row in query(
        "SELECT id, name FROM ir_sequence WHERE id = ANY(%s)", [owned['sequences']])]
    # SQL functions (the SLA analysis's percentile aggregate) are nothing Odoo tracks: any
    # the database has now and had not before the install, or named after the addon
    before = getattr(ctx, 'functions_before', None)
    found += ['function %s' % name for name in sorted(public_functions(ctx))
              if (before is not None and name not in before)
              or name.startswith('crm_extended')]
    for table, column in (('mail_message', 'model'), ('mail_followers', 'res_model'),
                          ('mail_activity', 'res_model'), ('ir_attachment', 'res_model')):
        found += ['%d %s of %s' % (count, table, model) for model, count in query(
            'SELECT {1}, count(*) FROM {0} WHERE {1} = ANY(%s) GROUP BY 1'.format(
                table, column), [models])]
    return found


def upgrade_uninstall_reinstall(ctx):
    before = dataset.snapshot(ctx.cluster)
    ctx.server.stop()
    odoo_cli(ctx, '-u', 'crm_extended')
    ctx.tally.check(NAME, 'upgrade (-u) with data', module_state(ctx) == 'installed')
    before = compare(ctx, 'upgrade', before)
    ctx.server.start()

    owned = owned_by_addon(ctx)
    module = Rpc(ctx.cfg)('ir.module.module', 'search', [('name', '=', 'crm_extended')])
    error = press_module_button(ctx, 'button_immediate_uninstall', module)
    ctx.tally.check(NAME, 'uninstall from the web client', not error and module_state(ctx)
                    == 'uninstalled', error or '')
    leftovers = left_behind(ctx, owned)
    ctx.tally.check(NAME, 'uninstall leaves nothing of crm_extended behind (%d models, %d '
                    'columns, %d relation tables, %d sequences checked)' % (
                        len(owned['models']), len(owned['columns']), len(owned['relations']),
                        len(owned['sequences'])),
                    not leftovers, '%d left: %s%s' % (len(leftovers), '; '.join(leftovers[:25]),
                                                      '...' if len(leftovers) > 25 else ''))
    before = compare(ctx, 'uninstall', before)

    error = press_module_button(ctx, 'button_immediate_install', module)
    ctx.tally.check(NAME, 're-install from the web client', not error and module_state(ctx)
                    == 'installed', error or '')
    compare(ctx, 're-install', before)
    ctx.tally.check(NAME, 'server serves after re-install', ctx.server.up())
