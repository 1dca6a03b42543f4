"""res.partner: the portal statement's entry points (side of the ledger, period)."""
from datetime import timedelta

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.multi
    def _portal_statement(self, date_from, date_to, side=None, limit=None, offset=0):
        """The account statement of the partner's commercial entity, with the current user's
        record rules (see ReportPartnerStatement._statement)."""
        self.ensure_one()
        return self.env["report.crm_extended.report_partner_statement"]._statement(
            self, date_from, date_to, side=side, limit=limit, offset=offset)

    @api.multi
    def _portal_statement_side(self):
        """The side of the ledger a portal user sees first: suppliers who are not customers
        see what we owe them."""
        commercial = self.commercial_partner_id
        return "supplier" if commercial.supplier and not commercial.customer else "customer"

    @api.model
    def _portal_statement_default_period(self):
        """The last twelve months up to today: the user's today, else our company's (a
        customer who never chose a time zone is nearer ours than UTC, and just after our
        midnight would otherwise miss the invoices we dated that morning)."""
        user = self.env.user
        # the company's zone only: a portal user may not read our company's partner
        zone = self.env.context.get("tz") or user.tz or \
            user.company_id.sudo().partner_id.tz
        today = fields.Date.from_string(fields.Date.context_today(self.with_context(tz=zone)))
        return fields.Date.to_string(today - timedelta(days=365)), fields.Date.to_string(today)
