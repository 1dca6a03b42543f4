"""Records a routing rule refers to (request types, categories, partner tags, countries)."""
from odoo import api, models


class CrmRequestRoutingSource(models.AbstractModel):
    """Deleting a record a rule refers to changes the rule: the routing cache is emptied."""
    _name = "crm.request.routing.source"
    _description = "Record a Routing Rule May Refer To"

    @api.multi
    def unlink(self):
        # the rules lose the record from their many2many (ON DELETE CASCADE, in SQL)
        self.env["crm.request.routing.rule"].clear_caches()
        return super().unlink()


class ResPartnerCategory(models.Model):
    _name = "res.partner.category"
    _inherit = ["res.partner.category", "crm.request.routing.source"]


class ResCountry(models.Model):
    _name = "res.country"
    _inherit = ["res.country", "crm.request.routing.source"]
