"""crm.profitability.report: margin per invoice line (SQL view) and its fast grouped read."""
import babel.dates

from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.osv.query import Query
from odoo.tools import DEFAULT_SERVER_DATE_FORMAT, OrderedSet

# The private parts of Odoo 11.0 the grouped read below builds on, with the signatures it was
# written against. Nothing of Odoo is overridden but read_group, the public method.
# tests/test_profitability_internals.py fails when any of these changes, and checks that
# the grouped read still returns what Odoo's own read_group returns.
ODOO_INTERNALS = [
    (models.BaseModel, "_where_calc", "(self, domain, active_test=True)"),
    (models.BaseModel, "_apply_ir_rules", "(self, query, mode='read')"),
    (models.BaseModel, "_read_group_process_groupby", "(self, gb, query)"),
    (models.BaseModel, "_read_group_prepare",
     "(self, orderby, aggregated_fields, annotated_groupbys, query)"),
    (models.BaseModel, "_read_group_prepare_data", "(self, key, value, groupby_dict)"),
    (Query, "__init__",
     "(self, tables=None, where_clause=None, where_clause_params=None, joins=None, "
     "extras=None)"),
    (Query, "get_sql", "(self)"),
]


def _period(start, interval, display_format, locale):
    """(first day, first day of the next period, label) of a period, as Odoo's
    read_group formats them."""
    return (start.strftime(DEFAULT_SERVER_DATE_FORMAT),
            (start + interval).strftime(DEFAULT_SERVER_DATE_FORMAT),
            babel.dates.format_date(start, format=display_format, locale=locale))


class CrmProfitabilityReport(models.Model):
    """Revenue, cost and margin of posted customer invoices and credit notes, one row per
    invoice line, in company currency (credit notes negative).

    A view over the maintained facts (crm.profitability.line). It has no GROUP BY and
    joins the partner and product tables with LEFT JOINs on their primary keys:
    PostgreSQL drops the joins a query does not use, so grouping by customer and month
    reads the narrow fact table only.
    """

    _name = "crm.profitability.report"
    _description = "Customer Profitability Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    date = fields.Date("Invoice Date", readonly=True)
    invoice_id = fields.Many2one("account.invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    customer_group_id = fields.Many2one("crm.customer.group", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Channel", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    pricelist_id = fields.Many2one("product.pricelist", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    type = fields.Selection([("out_invoice", "Invoice"), ("out_refund", "Credit Note")],
                            readonly=True)
    revenue = fields.Float(readonly=True, help="Untaxed amount in company currency.")
    cost = fields.Float(readonly=True, help="Cost frozen at validation, company currency.")
    margin = fields.Float(readonly=True)
    margin_percent = fields.Float(
        "Margin (%)", readonly=True, group_operator="sum",
        help="Margin over revenue of each group (ratio of the sums).")
    quantity = fields.Float(readonly=True)
    discount_amount = fields.Float(
        readonly=True, help="List price times quantity less the untaxed amount: what "
                            "discounts and pricelists gave away.")
    invoice_count = fields.Integer("# Invoices", readonly=True, group_operator="sum")

    def _select(self):
        return """
            SELECT fact.invoice_line_id AS id,
                   fact.date,
                   fact.invoice_id,
                   fact.partner_id,
                   partner.customer_group_id,
                   partner.country_id,
                   partner.state_id,
                   fact.user_id,
                   fact.team_id,
                   fact.product_id,
                   template.categ_id AS product_categ_id,
                   fact.campaign_id,
                   fact.pricelist_id,
                   fact.company_id,
                   fact.type,
                   fact.revenue,
                   fact.cost,
                   fact.margin,
                   0.0 AS margin_percent,
                   fact.quantity,
                   fact.discount_amount,
                   0 AS invoice_count
        """

    def _from(self):
        return """
              FROM crm_profitability_line fact
              LEFT JOIN res_partner partner ON partner.id = fact.partner_id
              LEFT JOIN product_product product ON product.id = fact.product_id
              LEFT JOIN product_template template ON template.id = product.product_tmpl_id
        """

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("CREATE VIEW %s AS (%s %s)" % (
            self._table, self._select(), self._from()))

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        # pylint: disable=redefined-outer-name
        ratio = "margin_percent" in fields
        count = "invoice_count" in fields
        fields = list(fields)
        if ratio:
            fields = list(set(fields) | {"margin", "revenue"})
        if self._read_group_fast_applies(groupby, offset, limit, orderby, lazy):
            groups = self._read_group_fast(domain, fields, groupby, lazy)
        else:
            groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                        orderby=orderby, lazy=lazy)
        if ratio:
            for group in groups:
                revenue = group.get("revenue") or 0.0
                group["margin_percent"] = revenue and 100.0 * (group["margin"] or 0.0) / revenue
        if count:
            self._read_group_invoice_count(groups, domain, groupby, lazy)
        return groups

    def _read_group_fast_applies(self, groupby, offset, limit, orderby, lazy):
        groupby = [groupby] if isinstance(groupby, str) else list(groupby)
        groupby_list = groupby[:1] if lazy else groupby
        return groupby_list and not (orderby or offset or limit) and all(
            self._fields[gb.split(":")[0]].type in ("many2one", "date", "selection")
            for gb in groupby_list)

    def _read_group_fast(self, domain, fields, groupby, lazy):
        """What Odoo's read_group returns, built for hundreds of thousands of groups.

        The same domain, record rules, aggregates, grouping and order as Odoo builds them,
        but grouped before the joins of the order, rows read as tuples and each group
        assembled directly, with the names, periods and domain parts computed once per
        distinct value. Pages (limit, offset) and explicit orders go through Odoo's own
        implementation."""
        # pylint: disable=redefined-outer-name
        groupby = [groupby] if isinstance(groupby, str) else list(OrderedSet(groupby))
        groupby_list = groupby[:1] if lazy else groupby
        self.check_access_rights("read")
        query = self._where_calc(domain)
        fields = fields or [name for name, field in self._fields.items() if field.store]
        annotated = [self._read_group_process_groupby(gb, query) for gb in groupby_list]
        for gb in annotated:
            if gb["type"] == "date":
                # a date, not a timestamp with time zone: cheaper to group and to fetch
                gb["qualified_field"] = "(%s)::date" % gb["qualified_field"]
        self._apply_ir_rules(query, "read")
        grouped = [gb["field"] for gb in annotated]
        aggregated = [name for name in fields if name not in grouped
                      for field in [self._fields.get(name)]
                      if field and field.group_operator and field.store and field.column_type]
        # Grouped first, then ordered: the joins of the order (the customer's name...) then
        # meet one row per group instead of one per line. The outer query is named after
        # the table, so that Odoo's order terms apply to it unchanged.
        outer = Query(['"%s"' % self._table])
        _terms, orderby_terms = self._read_group_prepare(
            ",".join(groupby_list), aggregated, annotated, outer)
        names = self._read_group_name_columns(annotated, outer)
        from_clause, where_clause, params = query.get_sql()
        inner = "SELECT %s, COUNT(*) AS __count%s FROM %s %s GROUP BY %s" % (
            ", ".join('%s AS "%s"' % (gb["qualified_field"], gb["groupby"]) for gb in annotated),
            "".join(', %s(%s.%s) AS "%s"' % (self._fields[name].group_operator, self._table,
                                             name, name) for name in aggregated),
            from_clause, "WHERE %s" % where_clause if where_clause else "",
            ", ".join(gb["qualified_field"] for gb in annotated))
        # the outer FROM clause starts with the table, followed by the joins of the order
        # (whose parameters, such as the language of translated names, come after)
        outer_from, _where, join_params = outer.get_sql()
        outer_from = outer_from.replace(
            '"%s"' % self._table, '(%s) AS "%s"' % (inner, self._table), 1)
        self.env.cr.execute("SELECT %s FROM %s ORDER BY %s" % (
            ", ".join(['"%s"."%s"' % (self._table, gb["groupby"]) for gb in annotated]
                      + ['"%s".__count' % self._table]
                      + ['"%s"."%s"' % (self._table, name) for name in aggregated]
                      + list(names.values())),
            outer_from, ", ".join(orderby_terms)), params + join_params)
        rows = self.env.cr.fetchall()

        if lazy and (len(grouped) >= 2 or not self.env.context.get("group_by_no_leaf")):
            count_field = grouped[0] + "_count"
        else:
            count_field = "__count"
        base_domain = expression.normalize_domain(domain) if domain else []
        width = len(annotated)
        name_index = dict(zip(names, range(width + 1 + len(aggregated), len(rows[0])))) \
            if rows else {}
        lookups = [self._read_group_values(gb, {row[i] for row in rows}, {
            row[i]: row[name_index[gb["field"]]] for row in rows
        } if gb["field"] in name_index else None) for i, gb in enumerate(annotated)]
        return self._read_group_assemble(
            rows, annotated, lookups, aggregated, count_field, base_domain,
            {"group_by": groupby[width:]} if len(groupby) > width else None)

    def _read_group_name_columns(self, annotated, query):
        """{field: SQL column of the group's name} for the customers a query joins for
        its order anyway: their stored display name is their name_get."""
        columns = {}
        for gb in annotated:
            alias = "%s__%s" % (self._table, gb["field"])
            if gb["type"] == "many2one" and '"res_partner" as "%s"' % alias in query.tables:
                columns[gb["field"]] = '"%s".display_name' % alias
        return columns

    @staticmethod
    def _read_group_assemble(rows, annotated, lookups, aggregated, count_field, base_domain,
                             context):
        """The groups of read_group from the rows (group values, count, aggregates)."""
        width = len(annotated)
        and_prefix = ["&"] * (width - (0 if base_domain else 1))
        keys = [gb["groupby"] for gb in annotated]
        measures = width + 1 + len(aggregated)
        result = []
        for row in rows:
            group = dict(zip(aggregated, row[width + 1:measures]))
            group[count_field] = row[width]
            group_domain = list(and_prefix)
            for key, lookup, value in zip(keys, lookups, row):
                group[key], terms = lookup[value]
                group_domain += terms
            group_domain += base_domain
            group["__domain"] = group_domain
            if context:
                group["__context"] = dict(context)
            result.append(group)
        return result

    def _read_group_values(self, gb, raw_values, names=None):
        """{raw value: (value in the group, its domain terms)} for one grouping; names:
        {id: name} of a many2one when the query returned them."""
        field = gb["field"]
        if gb["type"] == "many2one":
            names = names or self._group_names(field, {value for value in raw_values
                                                       if value})
            return {value: ((value, names[value]), [(field, "=", value)]) if value
                    else (False, [(field, "=", False)]) for value in raw_values}
        if gb["type"] == "date":
            locale = self.env.context.get("lang") or "en_US"
            result = {}
            for value in raw_values:
                if not value:
                    result[value] = (False, [(field, "=", False)])
                    continue
                start, end, label = _period(self._read_group_prepare_data(
                    gb["groupby"], value, {gb["groupby"]: gb}), gb["interval"],
                    gb["display_format"], locale)
                # read_group shows a period by its label
                result[value] = (label, ["&", (field, ">=", start), (field, "<", end)])
            return result
        return {value: (value if value is not None else False,
                        [(field, "=", value if value is not None else False)])
                for value in raw_values}

    def _group_names(self, field_name, ids):
        """Names of the grouped records in one query: grouped by customer there are
        thousands of groups, and res.partner's name_get would prefetch every column of
        every partner. A customer's stored display name is its name_get."""
        comodel = self.env[self._fields[field_name].comodel_name]
        if not ids:
            return {}
        if comodel._name == "res.partner":
            self.env.cr.execute("SELECT id, display_name FROM res_partner WHERE id IN %s",
                                [tuple(ids)])
            return dict(self.env.cr.fetchall())
        return dict(comodel.browse(ids).sudo().with_context(prefetch_fields=False).name_get())

    def _read_group_invoice_count(self, groups, domain, groupby, lazy):
        """Distinct invoices per group: one more grouped query, since an invoice with
        several lines must count once (and once in each product group it touches)."""
        groupby = [groupby] if isinstance(groupby, str) else list(groupby)
        groupby = groupby[:1] if lazy else groupby
        query = self._where_calc(domain)
        self._apply_ir_rules(query, "read")
        annotated = [self._read_group_process_groupby(gb, query) for gb in groupby]
        from_clause, where_clause, params = query.get_sql()
        keys = [gb["qualified_field"] for gb in annotated]
        self.env.cr.execute("SELECT %s COUNT(DISTINCT %s.invoice_id) FROM %s %s %s" % (
            "".join("%s, " % key for key in keys), self._table, from_clause,
            "WHERE %s" % where_clause if where_clause else "",
            "GROUP BY %s" % ", ".join(keys) if keys else ""), params)
        counts = {}
        for row in self.env.cr.fetchall():
            key = tuple(value.strftime(DEFAULT_SERVER_DATE_FORMAT) if gb["type"] == "date"
                        and value else value for gb, value in zip(annotated, row))
            counts[key] = row[-1]
        for group in groups:
            group["invoice_count"] = counts.get(self._group_key(group, annotated), 0)

    @staticmethod
    def _group_key(group, annotated):
        key = []
        for gb in annotated:
            value = group.get(gb["groupby"])
            if gb["type"] == "many2one" and value:
                value = value[0]
            elif gb["type"] == "date" and value:
                # the group's domain holds the start of its period
                value = next(term[2] for term in group["__domain"]
                             if isinstance(term, (list, tuple)) and term[0] == gb["field"]
                             and term[1] == ">=")
            key.append(value or None)
        return tuple(key)
