"""Install hooks. One function per capability, called from the two hooks below, so that
branches add their own without touching each other's lines."""
from functools import partial

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

from .models.crm_extended_sql import posted_customer_invoices


def _profitability_pre_init(cr):
    # Created before the ORM sees the fields, so that installing on a database with a
    # million invoice lines does not recompute margins record by record;
    # _profitability_post_init fills them in bulk.
    cr.execute("""
        ALTER TABLE account_invoice_line ADD COLUMN IF NOT EXISTS cost_price numeric,
                                         ADD COLUMN IF NOT EXISTS margin numeric;
        ALTER TABLE account_invoice ADD COLUMN IF NOT EXISTS margin numeric,
                                    ADD COLUMN IF NOT EXISTS margin_percent double precision;
    """)


# Run by _profitability_post_init; built once from constants, no input.
PROFITABILITY_FILL = """
    WITH cost AS (
        SELECT line.id,
               COALESCE(own.value_float, dflt.value_float, 0)
                 * COALESCE(product_uom.factor, 1) / COALESCE(line_uom.factor, 1)
                 AS cost_price
          FROM account_invoice_line line
          JOIN account_invoice inv ON inv.id = line.invoice_id
          JOIN ir_model_fields f ON f.model = 'product.product'
                                AND f.name = 'standard_price'
          LEFT JOIN product_product pp ON pp.id = line.product_id
          LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
          LEFT JOIN product_uom product_uom ON product_uom.id = pt.uom_id
          LEFT JOIN product_uom line_uom ON line_uom.id = line.uom_id
                AND line_uom.category_id = product_uom.category_id
          LEFT JOIN ir_property own ON own.fields_id = f.id
                AND own.res_id = 'product.product,' || line.product_id
                AND own.company_id = line.company_id
          LEFT JOIN ir_property dflt ON dflt.fields_id = f.id AND dflt.res_id IS NULL
                AND dflt.company_id = line.company_id
         WHERE {posted}
    )
    UPDATE account_invoice_line line
       SET cost_price = cost.cost_price,
           margin = ROUND((line.price_subtotal_signed
                           - CASE WHEN inv.type = 'out_refund' THEN -1 ELSE 1 END
                             * cost.cost_price * line.quantity) / cur.rounding)
                    * cur.rounding
      FROM cost, account_invoice inv, res_company company, res_currency cur
     WHERE cost.id = line.id AND inv.id = line.invoice_id
       AND company.id = line.company_id AND cur.id = company.currency_id;

    UPDATE account_invoice_line SET margin = price_subtotal_signed WHERE margin IS NULL;

    UPDATE account_invoice inv
       SET margin = totals.margin,
           margin_percent = CASE WHEN totals.revenue <> 0
                                 THEN 100 * totals.margin / totals.revenue ELSE 0 END
      FROM (SELECT invoice_id, SUM(margin) AS margin,
                   SUM(price_subtotal_signed) AS revenue
              FROM account_invoice_line GROUP BY invoice_id) totals
     WHERE totals.invoice_id = inv.id;
    UPDATE account_invoice SET margin = 0, margin_percent = 0 WHERE margin IS NULL;
""".format(posted=posted_customer_invoices("inv"))


def _profitability_post_init(cr):
    """Cost and margin of the customer invoices posted before installation: the product's
    cost now (the best estimate there is), converted to the line's unit of measure."""
    cr.execute(PROFITABILITY_FILL)


def _own_mail_thread_models(env):
    """The models crm_extended defines (not those it extends) that keep a chatter."""
    return [name for name, model in env.registry.items()
            if model._original_module == "crm_extended" and model._auto
            and not model._abstract and not model._transient
            and issubclass(model, env.registry["mail.thread"])]


def _reliability_uninstall(env):
    """Unlink the records of the addon's own chatter models before Odoo removes its data.

    Odoo deletes a module's data records (request types, stages...) before it drops the
    module's tables, and requests still refer to those with ondelete='restrict': the types
    and stages in use and their XML ids would stay behind. Their messages, followers,
    activities and attachments refer to them by (model, res_id), which nothing cascades:
    left over, they would reappear on the new records of a re-install that get the same ids.
    The records themselves go with their tables anyway; the customers' partners, orders,
    invoices and leads are not touched."""
    names = _own_mail_thread_models(env)
    # requests first: they refer to the others
    for name in sorted(names, key=lambda name: name != "crm.request"):
        env[name].with_context(active_test=False).search([]).unlink()


def _extended_report_views(env):
    """Odoo's reports built as SQL views (sale.report...) that the addon adds columns to."""
    return [name for name, model in env.registry.items()
            if not model._auto and not model._abstract
            and model._original_module != "crm_extended"
            and any(field._module == "crm_extended" and field.store
                    for field in model._fields.values())]


def _rebuild_report_views(dbname, names):
    """Rebuild the views from a registry without crm_extended, once the uninstall is
    committed (as sale's own uninstall hook does for its teams): Odoo drops the columns of
    tables, not those of views, which would keep selecting the addon's columns."""
    with api.Environment.manage(), Registry.new(dbname).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for name in names:
            if name in env:
                env[name].init()


def _sla_uninstall(cr):
    """Drop the 90th-percentile aggregate of the SLA analysis: a function is no table or
    column Odoo knows of, so its uninstall would leave it (and re-install replaces it)."""
    from .report.crm_request_sla_report import P90_AGGREGATE
    cr.execute(  # pylint: disable=sql-injection
        "DROP AGGREGATE IF EXISTS %(name)s(double precision);"
        "DROP FUNCTION IF EXISTS %(name)s_final(double precision[]);" % {"name": P90_AGGREGATE})


def pre_init_hook(cr):
    # -- profitability
    _profitability_pre_init(cr)


def post_init_hook(cr, registry):
    env = api.Environment(cr, SUPERUSER_ID, {})
    # -- profitability
    _profitability_post_init(cr)
    env["crm.profitability.line"]._fill()    # again: the margins have just been filled
    env["res.partner"]._cron_customer_ranking()


def uninstall_hook(cr, registry):
    env = api.Environment(cr, SUPERUSER_ID, {})
    # -- reliability
    _reliability_uninstall(env)
    # -- sla
    _sla_uninstall(cr)
    cr.after("commit", partial(_rebuild_report_views, cr.dbname, _extended_report_views(env)))
