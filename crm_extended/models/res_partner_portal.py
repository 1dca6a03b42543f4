"""res.partner: the portal guard (what portal users may change on their company) and the
addresses and contacts they add."""
from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError

# The basic structure of a commercial entity, which its portal users may not change.
PORTAL_PROTECTED_FIELDS = [
    "vat", "company_name", "parent_id", "is_company", "commercial_partner_id", "company_id",
    "customer_group_id", "property_product_pricelist", "property_payment_term_id",
    "property_supplier_payment_term_id", "credit_limit", "customer", "supplier", "user_id",
    "customer_kind", "ready_to_trade",
]
# What a portal user may set on the addresses and contacts they add under their company.
PORTAL_ADDRESS_TYPES = ["contact", "invoice", "delivery"]
PORTAL_ADDRESS_FIELDS = ["type", "name", "email", "phone", "street", "street2", "zip", "city",
                         "state_id", "country_id", "function"]


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _portal_guarded(self):
        """Portal users (and the portal's own sudo writes, flagged in the context by the
        controller) go through the structure guard; internal users don't."""
        return self.env.user.share or self.env.context.get("portal_partner_guard")

    def _check_portal_write(self, vals):
        changed = self._portal_protected_changes(vals)
        if changed:
            raise AccessError(self._portal_protected_message(changed))

    @api.multi
    def _portal_protected_changes(self, vals):
        """Names of the protected fields that ``vals`` would change on ``self``."""
        protected = [name for name in PORTAL_PROTECTED_FIELDS
                     if name in vals and name in self._fields]
        if "name" in vals and self.filtered("is_company"):
            protected.append("name")
        return [name for name in protected
                if any(self._portal_value_changes(partner, name, vals[name]) for partner in self)]

    @api.model
    def _portal_protected_message(self, names):
        labels = sorted({self._fields[name].get_description(self.env)["string"]
                         for name in names})
        return _("The %s of your company can only be changed by us: please contact us for "
                 "this change. Nothing was changed.") % ", ".join(labels)

    @staticmethod
    def _portal_value_changes(partner, name, value):
        current = partner[name]
        if isinstance(current, models.BaseModel):
            current = current.id
            try:
                value = int(value) if value else False
            except (TypeError, ValueError):
                return True
        return (current or False) != (value or False)

    @api.multi
    def _portal_add_address(self, vals):
        """Create a delivery/invoice address or a contact under the commercial entity of
        ``self`` (the portal user's partner). Portal users have no create right on
        partners, so the creation runs as superuser once the values are whitelisted."""
        self.ensure_one()
        unknown = set(vals) - set(PORTAL_ADDRESS_FIELDS)
        if unknown:
            raise ValidationError(_("Unknown field(s): %s") % ", ".join(sorted(unknown)))
        if vals.get("type", "contact") not in PORTAL_ADDRESS_TYPES:
            raise ValidationError(_("An address is a contact, an invoice or a delivery "
                                    "address."))
        if not (vals.get("name") or "").strip():
            raise ValidationError(_("The name is required."))
        values = dict(vals, parent_id=self.commercial_partner_id.id)
        return self.sudo().with_context(portal_partner_guard=False).create(values)

    @api.multi
    def write(self, vals):
        if self._portal_guarded():
            self._check_portal_write(vals)
        return super().write(vals)
