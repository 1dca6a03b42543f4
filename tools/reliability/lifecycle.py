"""Scenario 6: crm_extended installed on a database full of data, upgraded with data,
uninstalled and installed again; orders, invoices, leads and partners and their totals must be
exactly what they were before each step."""
import dataset
from harness import Rpc, tool

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


def install_on_data(ctx):
    """Fill the bare database (the dependencies only) with data, then install the addon."""
    rpc = Rpc(ctx.cfg)
    ctx.data = dataset.generate(rpc, scale=ctx.args.scale)
    before = dataset.snapshot(ctx.cluster)
    ctx.server.stop()
    odoo_cli(ctx, '-i', 'crm_extended')
    ctx.tally.check(NAME, 'install on a database with data', module_state(ctx) == 'installed',
                    '%s orders, %s invoices, %s leads, %s partners before' % (
                        before['orders'], before['invoices'], before['leads'],
                        before['partners']))
    compare(ctx, 'install', before)
    ctx.server.start()


def upgrade_uninstall_reinstall(ctx):
    before = dataset.snapshot(ctx.cluster)
    ctx.server.stop()
    odoo_cli(ctx, '-u', 'crm_extended')
    ctx.tally.check(NAME, 'upgrade (-u) with data', module_state(ctx) == 'installed')
    before = compare(ctx, 'upgrade', before)
    ctx.server.start()

    rpc = Rpc(ctx.cfg)
    module = rpc('ir.module.module', 'search', [('name', '=', 'crm_extended')])
    rpc('ir.module.module', 'button_immediate_uninstall', module)
    ctx.tally.check(NAME, 'uninstall over XML-RPC', module_state(ctx) == 'uninstalled')
    leftovers = ctx.cluster.query(
        "SELECT model || ' ' || name FROM ir_model_data WHERE module = 'crm_extended'")
    ctx.tally.check(NAME, 'uninstall leaves no crm_extended records', not leftovers,
                    '%d ir.model.data rows left: %s' % (
                        len(leftovers), ', '.join(r[0] for r in leftovers[:10])))
    before = compare(ctx, 'uninstall', before)

    rpc = Rpc(ctx.cfg)
    rpc('ir.module.module', 'button_immediate_install', module)
    ctx.tally.check(NAME, 're-install over XML-RPC', module_state(ctx) == 'installed')
    compare(ctx, 're-install', before)
    ctx.tally.check(NAME, 'server serves after re-install', ctx.server.up())
