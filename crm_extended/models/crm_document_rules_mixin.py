"""Reports and views over documents (invoices, orders, leads, requests...) show a user the
rows of the documents their record rules let them read, as those documents' own screens do."""
from odoo import SUPERUSER_ID, api, models


class CrmDocumentRulesMixin(models.AbstractModel):
    """Rows of a SQL view carry the id of the document they come from. Whatever reads them
    (search, read, read_group, the pivot, JSON-RPC) applies the document model's record
    rules and access rights through _apply_ir_rules: a salesperson who sees only their own
    orders sees only the rows of their own orders. The view's own rules (its company) apply
    as well."""

    _name = "crm.document.rules.mixin"
    _description = "Rows Filtered by the Rules of their Documents"

    # column holding the document's id; the document models; the column naming the row's
    # model when rows come from several models (rows of other models are left out)
    _document_id_column = "res_id"
    _document_models = ()
    _document_model_column = None

    @api.model
    def _apply_ir_rules(self, query, mode="read"):
        super()._apply_ir_rules(query, mode=mode)
        if self._uid == SUPERUSER_ID:
            return
        table = '"%s"' % self._table
        column = '%s."%s"' % (table, self._document_id_column)
        clauses, params = [], []
        for model_name in self._document_models:
            readable, readable_params = self._document_readable_sql(model_name, column)
            if self._document_model_column:
                readable = '(%s."%s" = %%s AND %s)' % (
                    table, self._document_model_column, readable)
                readable_params = [model_name] + readable_params
            clauses.append(readable)
            params += readable_params
        query.where_clause.append("(%s)" % (" OR ".join(clauses) or "FALSE"))
        query.where_clause_params.extend(params)

    @api.model
    def _document_readable_sql(self, model_name, column):
        """(SQL condition, parameters): ``column`` holds the id of a ``model_name`` document
        the user may read. Inactive documents count (lost leads are history too)."""
        documents = self.env[model_name].with_context(active_test=False)
        if not documents.check_access_rights("read", raise_exception=False):
            return "FALSE", []
        subquery = documents._where_calc([])
        documents._apply_ir_rules(subquery, "read")
        from_clause, where_clause, params = subquery.get_sql()
        if not where_clause:
            return "TRUE", []
        return '%s IN (SELECT "%s".id FROM %s WHERE %s)' % (
            column, documents._table, from_clause, where_clause), params
