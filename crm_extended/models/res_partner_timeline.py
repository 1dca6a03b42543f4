"""res.partner: the 360° timeline of the commercial entity (events, action)."""
from odoo import _, api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.multi
    def _timeline_events(self, kinds=None, limit=80, offset=0):
        """The customer's journey, newest first: dicts of crm.partner.timeline fields for the
        commercial entity and all its contacts, in the same few queries however long the
        history."""
        self.ensure_one()
        domain = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        if kinds:
            domain.append(("kind", "in", list(kinds)))
        return self.env["crm.partner.timeline"].search_read(
            domain, ["date", "kind", "name", "amount", "partner_id", "user_id", "res_model",
                     "res_id"], offset=offset, limit=limit)

    @api.multi
    def action_open_timeline(self):
        self.ensure_one()
        action = self.env.ref("crm_extended.crm_partner_timeline_action").read()[0]
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["display_name"] = action["name"] = _("Journey of %s") % (
            self.commercial_partner_id.display_name)
        return action
