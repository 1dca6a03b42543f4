"""res.partner: sales automation (customer kind, profile, ready to trade, acquisition, lists)."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .mail_mass_mailing_contact import mailing_lists_field


# What a profile is made of: the partner's own record and its own addresses, never those of
# its siblings (a B2B contact shows the profile of its commercial entity, see
# _compute_profile_completeness).
PROFILE_DEPENDS = (
    "customer_kind", "is_company", "commercial_partner_id", "name", "phone", "mobile",
    "email", "payment_preference", "street", "city", "country_id", "vat",
    "property_payment_term_id",
    "child_ids.type", "child_ids.email", "child_ids.street", "child_ids.city",
    "child_ids.country_id",
)

READY_TO_TRADE_FIELDS = {
    "ready_to_trade", "customer_kind", "name", "phone", "mobile", "email",
    "payment_preference", "street", "city", "country_id", "vat", "property_payment_term_id",
    "child_ids",
}


def _has_address(partner):
    return bool(partner.street and partner.city and partner.country_id)


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_kind = fields.Selection(
        [("b2b", "Business (B2B)"), ("b2c", "Consumer (B2C)")],
        index=True, track_visibility="onchange",
        help="Decides which fields are critical before trading with the customer. Companies "
             "and their contacts default to B2B, individuals to B2C.",
        groups="base.group_user")
    payment_preference = fields.Selection(
        [("card", "Card"), ("cash_on_delivery", "Cash on delivery"),
         ("instalments", "Instalments"), ("bank_transfer", "Bank transfer")],
        track_visibility="onchange", groups="base.group_user")
    ready_to_trade = fields.Boolean(
        "Ready to Trade", track_visibility="onchange", copy=False,
        help="The customer's critical fields are complete and orders may be taken. Cannot be "
             "set while any critical field of the customer kind is missing.",
        groups="base.group_user")
    profile_completeness = fields.Float(
        compute="_compute_profile_completeness", search="_search_profile_completeness",
        digits=(16, 0),
        help="Share of the critical fields of the customer kind that are filled in (%); a "
             "B2B contact shows its company's.",
        groups="base.group_user")
    profile_missing = fields.Char(
        "Missing in Profile", compute="_compute_profile_completeness",
        help="Critical fields of the customer kind that are still missing.",
        groups="base.group_user")
    # Stored per profile owner (a commercial entity, a consumer), from its own record and
    # addresses only: editing a contact recomputes its company alone, never its siblings.
    profile_own_completeness = fields.Float(
        "Own Profile Completeness", compute="_compute_profile_own", store=True,
        group_operator="avg", digits=(16, 0), readonly=True, groups="base.group_user")
    profile_own_missing = fields.Char("Missing in Own Profile", compute="_compute_profile_own",
                                      store=True, readonly=True, groups="base.group_user")
    campaign_id = fields.Many2one(
        "utm.campaign", "Acquisition Campaign", ondelete="set null",
        help="Campaign of the lead this customer was converted from.", groups="base.group_user")
    medium_id = fields.Many2one(
        "utm.medium", "Acquisition Medium", ondelete="set null",
        help="Medium of the lead this customer was converted from.", groups="base.group_user")
    source_id = fields.Many2one(
        "utm.source", "Acquisition Source", ondelete="set null",
        help="Source of the lead this customer was converted from.", groups="base.group_user")
    mailing_list_ids = mailing_lists_field("partner")

    @api.model
    def _auto_init(self):
        result = super()._auto_init()
        # Partners that existed before the addon get the kind their company type implies.
        self.env.cr.execute("""
            UPDATE res_partner
               SET customer_kind = CASE WHEN is_company OR parent_id IS NOT NULL
                                        THEN 'b2b' ELSE 'b2c' END
             WHERE customer_kind IS NULL""")
        return result

    @api.model
    def _default_customer_kind(self, vals):
        company = (vals.get("is_company") or vals.get("company_type") == "company"
                   or vals.get("parent_id"))
        return "b2b" if company else "b2c"

    @api.model
    def create(self, vals):
        if not vals.get("customer_kind") and not self.env.context.get("default_customer_kind"):
            vals = dict(vals, customer_kind=self._default_customer_kind(vals))
        partner = super().create(vals)
        if partner.ready_to_trade:
            partner._check_ready_to_trade()
        return partner

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        # Checked after the write rather than as a constraint: payment terms are a property,
        # stored only after the constraints of the partner's own columns have run.
        if READY_TO_TRADE_FIELDS.intersection(vals):
            self._check_ready_to_trade()
        return result

    @api.onchange("company_type", "parent_id")
    def _onchange_customer_kind(self):
        self.customer_kind = self._default_customer_kind({
            "is_company": self.company_type == "company", "parent_id": self.parent_id.id})

    def _profile_owner(self):
        """The partner whose profile this one shows: B2B requirements are read on the
        commercial entity, which owns the VAT, payment terms and invoicing contacts of all
        its people."""
        self.ensure_one()
        return self.commercial_partner_id if self.customer_kind == "b2b" else self

    def _profile_requirements(self):
        """The critical fields of the partner's customer kind: [(label, filled), ...]."""
        self.ensure_one()
        if self.customer_kind == "b2b":
            company = self._profile_owner()
            invoicing = company.child_ids.filtered(lambda child: child.type == "invoice")
            return [
                (_("Company name"), bool(company.is_company and company.name)),
                (_("VAT"), bool(company.vat)),
                (_("Invoicing contact"), any(contact.email for contact in invoicing)),
                (_("Invoicing address"), any(_has_address(p) for p in invoicing or company)),
                (_("Payment terms"), bool(company.property_payment_term_id)),
            ]
        delivery = self.child_ids.filtered(lambda child: child.type == "delivery")
        return [
            (_("Name"), bool(self.name)),
            (_("Phone"), bool(self.phone or self.mobile)),
            (_("Email"), bool(self.email)),
            (_("Payment preference"), bool(self.payment_preference)),
            (_("Shipping address"), any(_has_address(p) for p in delivery or self)),
        ]

    def _profile_missing_labels(self):
        return [label for label, filled in self._profile_requirements() if not filled]

    @api.depends(*PROFILE_DEPENDS)
    def _compute_profile_own(self):
        for partner in self:
            if partner._profile_owner() != partner:
                # a B2B contact: its company holds the profile
                partner.profile_own_completeness = 0.0
                partner.profile_own_missing = False
                continue
            requirements = partner._profile_requirements()
            missing = [label for label, filled in requirements if not filled]
            partner.profile_own_completeness = round(
                100.0 * (len(requirements) - len(missing)) / len(requirements))
            partner.profile_own_missing = ", ".join(missing)

    @api.depends("customer_kind", "profile_own_completeness", "profile_own_missing",
                 "commercial_partner_id.profile_own_completeness",
                 "commercial_partner_id.profile_own_missing")
    def _compute_profile_completeness(self):
        for partner in self:
            owner = partner._profile_owner()
            partner.profile_completeness = owner.profile_own_completeness
            partner.profile_missing = owner.profile_own_missing

    @api.model
    def _search_profile_completeness(self, operator, value):
        return ["|", "&", ("customer_kind", "=", "b2b"),
                ("commercial_partner_id.profile_own_completeness", operator, value),
                "&", ("customer_kind", "!=", "b2b"),
                ("profile_own_completeness", operator, value)]

    def _check_ready_to_trade(self):
        for partner in self.filtered("ready_to_trade"):
            missing = partner._profile_missing_labels()
            if missing:
                kinds = dict(partner._fields["customer_kind"]._description_selection(self.env))
                raise ValidationError(_(
                    "%(partner)s cannot be ready to trade: these critical fields of a %(kind)s "
                    "customer are missing: %(missing)s.") % {
                        "partner": partner.display_name,
                        "kind": kinds.get(partner.customer_kind, ""),
                        "missing": ", ".join(missing)})

    @api.depends("email")
    def _compute_mailing_list_ids(self):
        self.env["mail.mass_mailing.contact"]._assign_mailing_lists(self, "email")

    @api.multi
    def _mailing_contact_values(self):
        contacts = self.env["mail.mass_mailing.contact"]
        return [contacts._contact_values(partner.email, partner.name,
                                         partner.commercial_company_name, partner.country_id,
                                         partner.display_name) for partner in self]
