from odoo import _, api, fields, models

from .account_invoice_line import INVOICE_FIGURES_GROUPS
from .sale_order import UTM_FIELDS

_DRAFT_EDITABLE = {"draft": [("readonly", False)]}
# the invoices the profitability report counts, and what its facts copy from them
CUSTOMER_TYPES = ("out_invoice", "out_refund")
POSTED_STATES = ("open", "paid")
_FACT_FIELDS = {"state", "type", "date_invoice", "commercial_partner_id", "user_id", "team_id",
                "campaign_id", "company_id"}


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    # -- requests
    request_ids = fields.One2many("crm.request", "invoice_id", string="Requests",
                                  groups="crm_extended.group_crm_extended_user")
    request_count = fields.Integer(compute="_compute_request_count", string="Requests",
                                   groups="crm_extended.group_crm_extended_user",
                                   help="Requests about this invoice, or settled by this "
                                        "credit note.")

    def _request_domain(self):
        return ["|", ("invoice_id", "in", self.ids), ("refund_id", "in", self.ids)]

    def _compute_request_count(self):
        counts = dict.fromkeys(self.ids, 0)
        for row in self.env["crm.request"].search_read(self._request_domain(),
                                                       ["invoice_id", "refund_id"]):
            for link in {row["invoice_id"] and row["invoice_id"][0],
                         row["refund_id"] and row["refund_id"][0]} & set(counts):
                counts[link] += 1
        for invoice in self:
            invoice.request_count = counts.get(invoice.id, 0)

    @api.multi
    def action_view_requests(self):
        self.ensure_one()
        link = "refund_id" if self.type == "out_refund" else "invoice_id"
        return self.env["crm.request"]._action_for_documents(
            self._request_domain(),
            {"default_" + link: self.id, "default_partner_id": self.partner_id.id,
             "default_campaign_id": self.campaign_id.id})

    # -- attribution
    campaign_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                  states=_DRAFT_EDITABLE, groups="base.group_user")
    medium_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                states=_DRAFT_EDITABLE, groups="base.group_user")
    source_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                states=_DRAFT_EDITABLE, groups="base.group_user")

    @api.model
    def create(self, vals):
        # a credit note made by hand (or from a request) for an invoice nets against the
        # invoice's campaign unless told otherwise
        if vals.get("refund_invoice_id") and not all(vals.get(n) for n in UTM_FIELDS) \
                and self.env["sale.order"]._attribution_enabled():
            refunded = self.browse(vals["refund_invoice_id"])
            vals = dict(vals, **self.env["sale.order"]._utm_values_from(refunded, vals))
        return super().create(vals)

    @api.model
    def _get_refund_common_fields(self):
        """Credit notes of every mode (refund, cancel, modify) keep the attribution, so
        that revenue nets per campaign."""
        common = super()._get_refund_common_fields()
        if self.env["sale.order"]._attribution_enabled():
            common = common + list(UTM_FIELDS)
        return common

    @api.multi
    def _check_grouped_attribution(self):
        """An invoice grouping several orders keeps their attribution only when they all
        agree; otherwise it is left empty and the chatter says why."""
        for invoice in self:
            orders = invoice.invoice_line_ids.mapped("sale_line_ids.order_id")
            attributions = {tuple(order[name] for name in UTM_FIELDS) for order in orders}
            if len(attributions) <= 1:
                continue
            invoice.write(dict.fromkeys(UTM_FIELDS, False))
            invoice.message_post(
                body=_("Campaign, medium and source left empty: the grouped orders %s are "
                       "attributed differently.") % ", ".join(orders.mapped("name")),
                subtype="mail.mt_note")

    # -- profitability
    margin = fields.Monetary(
        compute="_compute_margin", store=True, currency_field="company_currency_id",
        help="Untaxed amount minus cost of the lines, in company currency (negative on "
             "credit notes).",
        groups=INVOICE_FIGURES_GROUPS)
    margin_percent = fields.Float(
        string="Margin (%)", compute="_compute_margin", store=True, group_operator=False,
        help="Margin over untaxed amount, both in company currency.",
        groups=INVOICE_FIGURES_GROUPS)

    @api.depends("invoice_line_ids.margin", "invoice_line_ids.price_subtotal_signed")
    def _compute_margin(self):
        for invoice in self:
            lines = invoice.invoice_line_ids
            revenue = sum(lines.mapped("price_subtotal_signed"))
            invoice.margin = sum(lines.mapped("margin"))
            invoice.margin_percent = revenue and 100.0 * invoice.margin / revenue

    @api.multi
    def invoice_validate(self):
        # costs first, so that posting writes the facts of the report once, costs included
        customer_invoices = self.filtered(lambda inv: inv.type in CUSTOMER_TYPES)
        customer_invoices.mapped("invoice_line_ids")._freeze_costs()
        return super().invoice_validate()

    def _profitability_posted(self):
        """The posted customer invoices and credit notes among these: those with facts."""
        return self.filtered(
            lambda inv: inv.state in POSTED_STATES and inv.type in CUSTOMER_TYPES)

    @api.multi
    def _write(self, vals):
        # _write, not write: recomputed stored fields (the commercial entity when a contact
        # changes company) reach the database through it too
        if not _FACT_FIELDS.intersection(vals):
            return super()._write(vals)
        # posted before or after the change (read before: the write drops them from cache)
        changed = self.filtered(
            lambda inv: (inv.type in CUSTOMER_TYPES or vals.get("type") in CUSTOMER_TYPES)
            and (inv.state in POSTED_STATES or vals.get("state") in POSTED_STATES))
        result = super()._write(vals)
        self.env["crm.profitability.line"]._refresh(changed)
        return result
