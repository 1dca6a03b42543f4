# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class CrmInterestArea(models.Model):
    """A topic customers subscribe to (ADempiere's interest area), mirrored in a mailing
    list so that a mass mailing reaches exactly its current subscribers."""

    _name = "crm.interest.area"
    _description = "Interest Area"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True, track_visibility="onchange")
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    is_public = fields.Boolean(
        string="Public on the portal", track_visibility="onchange",
        help="Portal users see public areas on their 'My interests' page and may "
             "subscribe to them or opt out themselves.")
    mailing_list_id = fields.Many2one(
        "mail.mass_mailing.list", copy=False, readonly=True,
        ondelete="set null", groups="base.group_user",
        help="Kept in step with the subscriptions: subscribers are its contacts, and "
             "those who opted out stay in it marked as opted out.")
    active = fields.Boolean(default=True, track_visibility="onchange")
    company_id = fields.Many2one(
        "res.company", index=True,
        default=lambda self: self.env.user.company_id)
    subscription_ids = fields.One2many("crm.interest.subscription", "area_id",
                                       string="Subscriptions", groups="base.group_user")
    subscriber_count = fields.Integer(compute="_compute_subscriber_counts",
                                      string="Subscribers", groups="base.group_user")
    opt_out_count = fields.Integer(compute="_compute_subscriber_counts",
                                   string="Opted out", groups="base.group_user")

    def _compute_subscriber_counts(self):
        groups = self.env["crm.interest.subscription"].read_group(
            [("area_id", "in", self.ids)], ["area_id", "state"], ["area_id", "state"],
            lazy=False)
        counts = {(g["area_id"][0], g["state"]): g["__count"] for g in groups}
        for area in self:
            area.subscriber_count = counts.get((area.id, "subscribed"), 0)
            area.opt_out_count = counts.get((area.id, "opted_out"), 0)

    @api.multi
    def subscribe(self, partner, origin="backend"):
        """Subscribe ``partner`` to these areas; areas it already follows are left alone.

        Internal users act for any partner. A portal user acts for themselves only, on
        public areas, which is what their record rules let them read.
        Returns the partner's current subscriptions to these areas.
        """
        partner.ensure_one()
        subscriptions = self._subscription_env(partner)
        current = subscriptions.search([("area_id", "in", self.ids),
                                        ("partner_id", "=", partner.id),
                                        ("state", "=", "subscribed")])
        missing = self - current.mapped("area_id")
        for area in missing:
            current |= subscriptions.create({
                "area_id": area.id, "partner_id": partner.id, "origin": origin,
            })
        return current

    @api.multi
    def opt_out(self, partner, origin="backend"):
        """Opt ``partner`` out of these areas (same access as :meth:`subscribe`)."""
        partner.ensure_one()
        subscriptions = self._subscription_env(partner).search([
            ("area_id", "in", self.ids), ("partner_id", "=", partner.id),
            ("state", "=", "subscribed")])
        return subscriptions.opt_out(origin)

    def _subscription_env(self, partner):
        """The subscription model to act with: the user's own rights, or - for a portal
        user managing their own subscriptions to areas they may read - superuser rights
        limited to exactly that partner and those areas."""
        subscriptions = self.env["crm.interest.subscription"]
        if subscriptions.check_access_rights("create", raise_exception=False):
            return subscriptions
        self.check_access_rights("read")
        self.check_access_rule("read")
        if partner != self.env.user.partner_id:
            raise AccessError(_("You may only manage your own subscriptions."))
        return subscriptions.sudo()

    @api.multi
    def _ensure_mailing_list(self):
        """The area's mailing list, created the first time a subscriber needs it."""
        self.ensure_one()
        area = self.sudo()
        if not area.mailing_list_id:
            area.mailing_list_id = self.env["mail.mass_mailing.list"].sudo().create({
                "name": _("Interest: %s") % area.name,
            })
        return area.mailing_list_id

    @api.multi
    def action_create_mailing_list(self):
        self.ensure_one()
        self._ensure_mailing_list()
        self.subscription_ids._sync_mailing_contacts()
        return True

    @api.multi
    def action_view_subscriptions(self):
        self.ensure_one()
        action = self.env.ref("crm_extended.crm_interest_subscription_action").read()[0]
        action["domain"] = [("area_id", "=", self.id)]
        action["context"] = {"default_area_id": self.id, "search_default_filter_subscribed": 1}
        return action
