from odoo import api, models


class Lead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    # -- sales force automation

    @api.model
    def _find_matching_partner(self):
        """Offer the partner that conversion would otherwise duplicate (same email or VAT)."""
        partner_id = super()._find_matching_partner()
        if partner_id or self.env.context.get("active_model") != "crm.lead":
            return partner_id
        lead = self.env["crm.lead"].browse(self.env.context.get("active_id"))
        return lead.exists() and lead._find_duplicate_partner().id or False

    def _create_partner(self, lead_id, action, partner_id):
        # Mass conversion links each lead to its existing partner instead of creating a
        # duplicate (Odoo creates a new one even when it found a match).
        if action == "each_exist_or_create":
            partner_id = self.with_context(active_id=lead_id)._find_matching_partner()
            action = "exist" if partner_id else "create"
        return super()._create_partner(lead_id, action, partner_id)
