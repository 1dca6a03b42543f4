from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PROFILE_DEPENDS = (
    "customer_kind", "is_company", "name", "phone", "mobile", "email", "payment_preference",
    "street", "city", "country_id", "vat", "property_payment_term_id",
    "child_ids.type", "child_ids.email", "child_ids.street", "child_ids.city",
    "child_ids.country_id",
    "commercial_partner_id.is_company", "commercial_partner_id.name",
    "commercial_partner_id.vat", "commercial_partner_id.property_payment_term_id",
    "commercial_partner_id.street", "commercial_partner_id.city",
    "commercial_partner_id.country_id",
    "commercial_partner_id.child_ids.type", "commercial_partner_id.child_ids.email",
    "commercial_partner_id.child_ids.street", "commercial_partner_id.child_ids.city",
    "commercial_partner_id.child_ids.country_id",
)

READY_TO_TRADE_FIELDS = {
    "ready_to_trade", "customer_kind", "name", "phone", "mobile", "email",
    "payment_preference", "street", "city", "country_id", "vat", "property_payment_term_id",
    "child_ids",
}


ABC_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]


def _has_address(partner):
    return bool(partner.street and partner.city and partner.country_id)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # -- requests
    request_count = fields.Integer(compute="_compute_request_count", string="Requests",
                                   groups="crm_extended.group_crm_extended_user",
                                   help="Requests of the partner's commercial entity.")

    def _compute_request_count(self):
        commercial = self.mapped("commercial_partner_id")
        data = self.env["crm.request"].read_group(
            [("commercial_partner_id", "in", commercial.ids)],
            ["commercial_partner_id"], ["commercial_partner_id"])
        counts = {row["commercial_partner_id"][0]: row["commercial_partner_id_count"]
                  for row in data}
        for partner in self:
            partner.request_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.multi
    def action_view_requests(self):
        self.ensure_one()
        return self.env["crm.request"]._action_for_documents(
            [("commercial_partner_id", "=", self.commercial_partner_id.id)],
            {"default_partner_id": self.id})

    # -- profitability
    customer_group_id = fields.Many2one(
        "crm.customer.group", index=True, ondelete="restrict",
        help="Reporting group of the customer; contacts follow their company.")
    # Rolling figures of the commercial entity, stored (searchable, sortable) and kept
    # current by the ranking scheduled action: one SQL statement for all customers.
    revenue_12m = fields.Monetary(
        string="Revenue (12 months)", readonly=True, copy=False,
        help="Untaxed invoiced revenue minus credit notes over the last 12 months, company "
             "currency.")
    margin_12m = fields.Monetary(string="Margin (12 months)", readonly=True, copy=False)
    revenue_share = fields.Float(
        string="Revenue Share (%)", readonly=True, copy=False, digits=(16, 2),
        help="Share of the company's revenue over the last 12 months.")
    revenue_rank = fields.Integer(
        readonly=True, copy=False, group_operator=False,
        help="Rank by revenue over the last 12 months; equal revenues share a rank.")
    abc_class = fields.Selection(
        ABC_CLASSES, string="ABC Class", readonly=True, copy=False, index=True,
        help="A: the customers making the first 80% of the revenue of the last 12 months, "
             "B: the next 15%, C: the rest.")
    # Lifetime figures, computed for the displayed partners with one query.
    lifetime_revenue = fields.Monetary(compute="_compute_profitability_kpis")
    lifetime_margin = fields.Monetary(compute="_compute_profitability_kpis")
    last_invoice_date = fields.Date(compute="_compute_profitability_kpis")
    order_count = fields.Integer(string="Orders", compute="_compute_profitability_kpis")
    average_order_value = fields.Monetary(compute="_compute_profitability_kpis")

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["customer_group_id"]

    def _compute_profitability_kpis(self):
        company = self.env.user.company_id
        commercial = self.mapped("commercial_partner_id")
        figures = {}
        if commercial.ids:
            self.env.cr.execute(_LIFETIME_KPI_QUERY, {
                "partner_ids": tuple(commercial.ids), "company_id": company.id})
            figures = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            revenue, margin, last_date, orders, order_total = figures.get(
                partner.commercial_partner_id.id, (0.0, 0.0, False, 0, 0.0))
            partner.lifetime_revenue = revenue
            partner.lifetime_margin = margin
            partner.last_invoice_date = last_date
            partner.order_count = orders
            partner.average_order_value = orders and order_total / orders

    @api.model
    def _cron_customer_ranking(self):
        """Revenue and margin of the last 12 months, share, rank and ABC class of every
        customer, per company, in one statement (window functions).

        A partner shared between companies is ranked in the company of the user running
        the action; a partner of a company in that company.
        """
        today = fields.Date.from_string(fields.Date.context_today(self))
        self.env.cr.execute(_RANKING_QUERY, {
            "date_from": fields.Date.to_string(today - relativedelta(years=1)),
            "company_id": self.env.user.company_id.id,
        })
        self.invalidate_cache(["revenue_12m", "margin_12m", "revenue_share",
                               "revenue_rank", "abc_class"])
        return True

    # -- sales force automation
    customer_kind = fields.Selection(
        [("b2b", "Business (B2B)"), ("b2c", "Consumer (B2C)")],
        index=True, track_visibility="onchange",
        help="Decides which fields are critical before trading with the customer. Companies "
             "and their contacts default to B2B, individuals to B2C.")
    payment_preference = fields.Selection(
        [("card", "Card"), ("cash_on_delivery", "Cash on delivery"),
         ("instalments", "Instalments"), ("bank_transfer", "Bank transfer")],
        track_visibility="onchange")
    ready_to_trade = fields.Boolean(
        "Ready to Trade", track_visibility="onchange", copy=False,
        help="The customer's critical fields are complete and orders may be taken. Cannot be "
             "set while any critical field of the customer kind is missing.")
    profile_completeness = fields.Float(
        compute="_compute_profile_completeness", store=True,
        group_operator="avg", digits=(16, 0),
        help="Share of the critical fields of the customer kind that are filled in (%).")
    profile_missing = fields.Char(
        "Missing in Profile", compute="_compute_profile_completeness", store=True,
        help="Critical fields of the customer kind that are still missing.")

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

    def _profile_requirements(self):
        """The critical fields of the partner's customer kind: [(label, filled), ...].

        B2B requirements are read on the commercial entity, which owns the VAT, payment terms
        and invoicing contacts of all its people."""
        self.ensure_one()
        if self.customer_kind == "b2b":
            company = self.commercial_partner_id
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
    def _compute_profile_completeness(self):
        for partner in self:
            requirements = partner._profile_requirements()
            missing = [label for label, filled in requirements if not filled]
            partner.profile_completeness = round(
                100.0 * (len(requirements) - len(missing)) / len(requirements))
            partner.profile_missing = ", ".join(missing)

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


_POSTED_CUSTOMER_INVOICE = """
    inv.type IN ('out_invoice', 'out_refund') AND inv.state IN ('open', 'paid')
"""

_LIFETIME_KPI_QUERY = """
    WITH invoiced AS (
        SELECT inv.commercial_partner_id AS partner_id,
               SUM(line.price_subtotal_signed) AS revenue,
               SUM(line.margin) AS margin,
               MAX(inv.date_invoice) AS last_date
          FROM account_invoice inv
          JOIN account_invoice_line line ON line.invoice_id = inv.id
         WHERE inv.commercial_partner_id IN %(partner_ids)s
           AND inv.company_id = %(company_id)s AND """ + _POSTED_CUSTOMER_INVOICE + """
      GROUP BY inv.commercial_partner_id
    ), ordered AS (
        SELECT p.commercial_partner_id AS partner_id, COUNT(*) AS orders,
               SUM(so.amount_untaxed * COALESCE(company_rate.rate, 1.0)
                   / COALESCE(order_rate.rate, 1.0)) AS total
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
          JOIN product_pricelist pl ON pl.id = so.pricelist_id
          JOIN res_company company ON company.id = so.company_id
          LEFT JOIN LATERAL (
              SELECT r.rate FROM res_currency_rate r
               WHERE r.currency_id = pl.currency_id AND r.name <= so.date_order
                 AND (r.company_id IS NULL OR r.company_id = so.company_id)
            ORDER BY r.company_id, r.name DESC LIMIT 1) order_rate ON TRUE
          LEFT JOIN LATERAL (
              SELECT r.rate FROM res_currency_rate r
               WHERE r.currency_id = company.currency_id AND r.name <= so.date_order
                 AND (r.company_id IS NULL OR r.company_id = so.company_id)
            ORDER BY r.company_id, r.name DESC LIMIT 1) company_rate ON TRUE
         WHERE p.commercial_partner_id IN %(partner_ids)s
           AND so.company_id = %(company_id)s AND so.state IN ('sale', 'done')
      GROUP BY p.commercial_partner_id
    )
    SELECT COALESCE(i.partner_id, o.partner_id), COALESCE(i.revenue, 0),
           COALESCE(i.margin, 0), i.last_date, COALESCE(o.orders, 0), COALESCE(o.total, 0)
      FROM invoiced i FULL OUTER JOIN ordered o ON o.partner_id = i.partner_id
"""

# Revenue is summed over invoice lines, as posted to the income accounts line by line
# (an invoice's converted total may differ by a cent). Ranked customers: those with
# invoices in the window, in their own company (shared partners in the company running
# the action). ABC: a customer is in A when the customers
# ranked strictly before it make less than 80% of the revenue, B below 95%, C beyond;
# customers with equal revenue share rank and class.
_RANKING_QUERY = """
    WITH sales AS (
        SELECT inv.commercial_partner_id AS partner_id, inv.company_id,
               SUM(line.price_subtotal_signed) AS revenue, SUM(line.margin) AS margin
          FROM account_invoice inv
          JOIN account_invoice_line line ON line.invoice_id = inv.id
         WHERE inv.date_invoice > %(date_from)s AND """ + _POSTED_CUSTOMER_INVOICE + """
      GROUP BY inv.commercial_partner_id, inv.company_id
    ), owned AS (
        SELECT s.* FROM sales s JOIN res_partner p ON p.id = s.partner_id
         WHERE s.company_id = COALESCE(p.company_id, %(company_id)s)
    ), ranked AS (
        SELECT partner_id, revenue, margin,
               RANK() OVER (PARTITION BY company_id ORDER BY revenue DESC) AS rank,
               SUM(revenue) OVER (PARTITION BY company_id) AS total,
               SUM(revenue) OVER (PARTITION BY company_id ORDER BY revenue DESC)
                 - SUM(revenue) OVER (PARTITION BY company_id, revenue) AS before
          FROM owned
    ), target AS (
        SELECT p.id, COALESCE(r.revenue, 0) AS revenue, COALESCE(r.margin, 0) AS margin,
               CASE WHEN r.total > 0 THEN ROUND(100 * r.revenue / r.total, 2) ELSE 0 END
                 AS share,
               r.rank,
               CASE WHEN r.partner_id IS NULL THEN NULL
                    WHEN r.total > 0 AND r.before < 0.80 * r.total THEN 'A'
                    WHEN r.total > 0 AND r.before < 0.95 * r.total THEN 'B'
                    ELSE 'C' END AS abc
          FROM res_partner p LEFT JOIN ranked r ON r.partner_id = p.id
         WHERE r.partner_id IS NOT NULL OR p.revenue_rank IS NOT NULL
            OR p.abc_class IS NOT NULL OR p.revenue_12m <> 0
    )
    UPDATE res_partner p
       SET revenue_12m = t.revenue, margin_12m = t.margin, revenue_share = t.share,
           revenue_rank = t.rank, abc_class = t.abc
      FROM target t
     WHERE p.id = t.id
       AND (p.revenue_12m, p.margin_12m, p.revenue_share, p.revenue_rank, p.abc_class)
           IS DISTINCT FROM (t.revenue, t.margin, t.share, t.rank, t.abc)
"""
