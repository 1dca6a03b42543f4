# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_extended_sql import email_domain, normalize_email

ORIGINS = [("backend", "Backend"), ("portal", "Portal"), ("import", "Import")]


class CrmInterestSubscription(models.Model):
    """One subscription of a partner to an interest area, from its start to its opt-out.

    History is kept: opting out stamps ``opt_out_date`` and re-subscribing opens a new
    row, so nothing is ever deleted and "who was subscribed when" stays answerable.
    """

    _name = "crm.interest.subscription"
    _description = "Interest Area Subscription"
    _order = "subscribe_date desc, id desc"
    _rec_name = "area_id"

    partner_id = fields.Many2one("res.partner", string="Contact", required=True,
                                 index=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer", store=True,
        readonly=True, index=True)
    area_id = fields.Many2one("crm.interest.area", string="Interest Area", required=True,
                              index=True, ondelete="cascade")
    company_id = fields.Many2one(related="area_id.company_id",
                                 store=True, readonly=True, index=True)
    subscribe_date = fields.Datetime(string="Subscribed on", required=True,
                                     default=fields.Datetime.now, readonly=True)
    origin = fields.Selection(ORIGINS, required=True, readonly=True,
                              default=lambda self: self._default_origin())
    opt_out_date = fields.Datetime(string="Opted out on", readonly=True, copy=False)
    opt_out_origin = fields.Selection(ORIGINS, string="Opt-out origin", readonly=True,
                                      copy=False)
    state = fields.Selection([("subscribed", "Subscribed"), ("opted_out", "Opted out")],
                             compute="_compute_state", store=True, index=True)
    email = fields.Char(related="partner_id.email", readonly=True)

    @api.model
    def _default_origin(self):
        # Odoo's CSV import runs with import_file in its context.
        return "import" if self.env.context.get("import_file") else "backend"

    @api.model_cr
    def init(self):
        # At most one running subscription per contact and area; closed ones pile up as
        # history. A partial unique index says exactly that (an SQL constraint cannot).
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS crm_interest_subscription_running_uniq
                ON crm_interest_subscription (partner_id, area_id)
             WHERE opt_out_date IS NULL
        """)

    @api.depends("opt_out_date")
    def _compute_state(self):
        for subscription in self:
            subscription.state = "opted_out" if subscription.opt_out_date else "subscribed"

    @api.model
    def create(self, vals):
        running = self.search_count([("partner_id", "=", vals.get("partner_id")),
                                     ("area_id", "=", vals.get("area_id")),
                                     ("state", "=", "subscribed")])
        if running and not vals.get("opt_out_date"):
            raise UserError(_("This contact is already subscribed to this interest area."))
        subscription = super().create(vals)
        subscription._sync_mailing_contacts()
        return subscription

    @api.multi
    def write(self, vals):
        frozen = {"partner_id", "area_id"} & set(vals)
        if frozen:
            raise UserError(_("The contact and the area of a subscription cannot be changed: "
                              "opt out and subscribe the right one instead."))
        if "opt_out_date" in vals and not vals["opt_out_date"] and self.filtered("opt_out_date"):
            raise UserError(_("An opt-out is history and cannot be undone: "
                              "subscribe the contact again instead."))
        result = super().write(vals)
        if "opt_out_date" in vals:
            self._sync_mailing_contacts()
        return result

    @api.multi
    def opt_out(self, origin="backend"):
        """Close the running subscriptions among these; closed ones are left as they are."""
        running = self.filtered(lambda s: s.state == "subscribed")
        running.write({"opt_out_date": fields.Datetime.now(), "opt_out_origin": origin})
        return running

    @api.multi
    def action_opt_out(self):
        self.opt_out("backend")
        return True

    @api.multi
    def action_subscribe_again(self):
        self.ensure_one()
        self.area_id.subscribe(self.partner_id, "backend")
        return True

    @api.multi
    def _sync_mailing_contacts(self):
        """Mirror these subscriptions into their areas' mailing lists.

        The list holds one contact per address: subscribed while any running subscription
        of the area has that address, opted out otherwise (kept, so that the refusal is
        known to mass mailing and to segment lists, which never re-add it).
        """
        # The mailing lists belong to mass mailing, which a salesperson or a portal user
        # subscribing themselves has no rights on: the mirror is kept by the system,
        # limited to the addresses of these subscriptions.
        contacts_model = self.env["mail.mass_mailing.contact"].sudo().with_context(
            tracking_disable=True, mail_create_nolog=True)
        for area in self.mapped("area_id"):
            emails = {normalize_email(s.partner_id.email)
                      for s in self if s.area_id == area} - {""}
            if not emails:
                continue
            mailing_list = area._ensure_mailing_list()
            subscribed = {normalize_email(email) for email in self.sudo().search(
                [("area_id", "=", area.id), ("state", "=", "subscribed")]
                + email_domain("partner_id.email", emails)).mapped("partner_id.email")}
            existing = {normalize_email(c.email): c for c in contacts_model.search(
                [("list_ids", "in", mailing_list.ids)] + email_domain("email", emails))}
            for email in emails:
                opt_out = email not in subscribed
                contact = existing.get(email)
                if not contact:
                    partner = self.filtered(
                        lambda s, e=email: normalize_email(s.partner_id.email) == e
                    )[:1].partner_id
                    contacts_model.create({
                        "name": partner.name, "email": email, "opt_out": opt_out,
                        "company_name": partner.commercial_partner_id.name,
                        "country_id": partner.country_id.id,
                        "list_ids": [(4, mailing_list.id)],
                    })
                elif contact.opt_out != opt_out:
                    contact.opt_out = opt_out
