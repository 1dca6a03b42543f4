# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every model: the fields of crm_extended reserved to some groups (``groups=``) stay out of
reach of other users on every path of the ORM a browser session has, not on read alone."""
from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError

MODULE = "crm_extended"


def _order_names(order_spec):
    """The field names of an ``order`` clause such as "margin desc, id"."""
    return [term.split()[0] for term in (order_spec or "").split(",") if term.strip()]


class Base(models.AbstractModel):
    """Odoo 11 checks ``groups=`` when a field is read or written, but not when it appears
    in a search domain, a sort order, a group-by or aggregate, or an export: a portal
    user searching ``margin > x`` would learn the figure one comparison at a time. These
    paths check the addon's reserved fields as well; a user lacking their groups gets an
    AccessError, as read gives. Odoo's own fields keep Odoo's behaviour."""

    _inherit = "base"

    def _check_field_paths(self, paths, separator="."):
        """AccessError when a field on one of ``paths`` (names or dotted paths from this
        model) is one of ours the current user may not read."""
        if self.env.uid == SUPERUSER_ID:
            return
        for path in paths:
            model = self
            for name in path.split(separator):
                field = model._fields.get(name)
                if field is None:
                    break
                if not self._may_read_field(field):
                    raise AccessError(_(
                        "The field %(field)s (%(model)s) is internal: you may not read, "
                        "search, sort or group on it.") % {
                            "field": field.get_description(self.env)["string"],
                            "model": model._description})
                if not field.relational:
                    break
                model = self.env[field.comodel_name]

    def _check_domain_fields(self, domain):
        self._check_field_paths([
            leaf[0] for leaf in domain or []
            if isinstance(leaf, (list, tuple)) and leaf and isinstance(leaf[0], str)])

    @api.model
    def _where_calc(self, domain, active_test=True):
        # search, search_count, name_search, read_group: every domain goes through here
        self._check_domain_fields(domain)
        return super()._where_calc(domain, active_test=active_test)

    @api.model
    def _generate_order_by(self, order_spec, query):
        self._check_field_paths(_order_names(order_spec))
        return super()._generate_order_by(order_spec, query)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        if not fields and self.env.uid != SUPERUSER_ID:
            # Odoo aggregates every stored field when none is named: leave out those the
            # user may not read rather than refuse the whole request
            fields = [name for name, field in self._fields.items()
                      if field.store and self._may_read_field(field)]
        self._check_field_paths(
            [name.split(":")[0] for name in list(fields or []) + groupbys]
            + _order_names(orderby))
        return super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                  orderby=orderby, lazy=lazy)

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None):
        # read() checks the fields only when the search found records
        self._check_field_paths(fields or [])
        return super().search_read(domain=domain, fields=fields, offset=offset, limit=limit,
                                   order=order)

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        self._check_field_paths([path.replace(":", "/") for path in fields_to_export], "/")
        return super().export_data(fields_to_export, raw_data=raw_data)

    def _may_read_field(self, field):
        return not (field.groups and _is_ours(field)) or self.user_has_groups(field.groups)


def _is_ours(field):
    """Whether crm_extended defines ``field`` (a field that _inherits carries to another
    model, as res.users gets those of res.partner, counts as its original)."""
    while field.inherited:
        field = field.inherited_field
    return field._module == MODULE
