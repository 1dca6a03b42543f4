# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""res.partner: figures kept per customer and company in narrow tables (crm.partner.rfm,
crm.partner.ranking, crm.partner.clv), shown and searched on the partner for one company at
a time."""
from odoo import api, models
from odoo.osv import expression


def company_figure_field(field_class, model_name, column, string, groups, **kwargs):
    """A read-only partner field showing ``column`` of the partner's ``model_name`` row in
    the company of the figures (see _figures_company_id), and searchable on it."""
    return field_class(
        string=string, compute="_compute_company_figures", readonly=True, copy=False,
        groups=groups, figure_model=model_name, figure_column=column,
        search=lambda partners, operator, value: partners._search_company_figure(
            model_name, column, operator, value), **kwargs)


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _figures_company_id(self):
        """The company whose figures the partner shows: ``force_company`` in the context
        (a segment evaluated for its company, a scheduled action working for one), else
        the user's current company. A partner shared between companies has figures in
        each, and nobody sees another company's as theirs."""
        return self.env.context.get("force_company") or self.env.user.company_id.id

    def _compute_company_figures(self):
        """All figure fields of the displayed partners, one query per narrow table; with
        the user's record rules, so that only the figures of the user's companies show."""
        company_id = self._figures_company_id()
        ids = [partner_id for partner_id in self.ids if isinstance(partner_id, int)]
        figure_fields = [field for field in self._fields.values()
                         if getattr(field, "figure_model", None)]
        for model_name in {field.figure_model for field in figure_fields}:
            figures = self.env[model_name]
            # Odoo computes the fields of one method together: those of a table the user
            # may not read (the ranking, for employees outside sales) stay empty
            rows = figures.browse()
            if figures.check_access_rights("read", raise_exception=False):
                rows = figures.search([("partner_id", "in", ids),
                                       ("company_id", "=", company_id)])
            by_partner = {row.partner_id.id: row for row in rows}
            no_row = self.env[model_name]
            for partner in self:
                row = by_partner.get(partner.id, no_row)
                for field in figure_fields:
                    if field.figure_model == model_name:
                        partner[field.name] = row[field.figure_column]

    @api.model
    def _search_company_figure(self, model_name, column, operator, value):
        """Partners whose row of ``model_name`` in the company of the figures (and within
        the user's record rules) satisfies ``column operator value``, as a subquery. A
        partner without a row reads as False, so it matches "= False", "!= 'A'" and the
        like: those become "not among the rows satisfying the opposite"."""
        figures = self.env[model_name]
        figures.check_access_rights("read")
        values = value if isinstance(value, (list, tuple)) else [value]
        without_row_match = (any(item is False or item is None for item in values)
                             != (operator in expression.NEGATIVE_TERM_OPERATORS))
        domain = [(column, operator, value)]
        query = figures._where_calc(
            [("company_id", "=", self._figures_company_id())]
            + (["!"] + domain if without_row_match else domain))
        figures._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        subquery = 'SELECT "%s".partner_id FROM %s WHERE %s' % (
            figures._table, from_clause, where_clause)
        return [("id", "not inselect" if without_row_match else "inselect",
                 (subquery, params))]
