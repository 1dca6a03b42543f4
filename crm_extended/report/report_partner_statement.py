from odoo import api, models


class ReportPartnerStatement(models.AbstractModel):
    """PDF account statement of a period, built from the same figures as the portal page."""
    _name = "report.crm_extended.report_partner_statement"

    @api.model
    def get_report_values(self, docids, data=None):
        data = dict(data or {})
        default_from, default_to = self.env["res.partner"]._portal_statement_default_period()
        date_from = data.get("date_from") or default_from
        date_to = data.get("date_to") or default_to
        partners = self.env["res.partner"].browse(docids)
        statements = {
            partner.id: partner._portal_statement(
                date_from, date_to, side=data.get("side") or partner._portal_statement_side())
            for partner in partners
        }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
        }
