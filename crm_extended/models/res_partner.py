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


# -- segments: the usual RFM segments, named from the recency and frequency scores.
RFM_SEGMENTS = [
    ("champions", "Champions"), ("loyal", "Loyal"),
    ("potential_loyalists", "Potential loyalists"), ("new", "New customers"),
    ("promising", "Promising"), ("need_attention", "Need attention"),
    ("about_to_sleep", "About to sleep"), ("at_risk", "At risk"),
    ("cannot_lose_them", "Cannot lose them"), ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]
RFM_SEGMENT_BY_SCORES = {
    "lost": ["11"],
    "hibernating": ["12", "21", "22"],
    "at_risk": ["13", "14", "23", "24"],
    "cannot_lose_them": ["15", "25"],
    "about_to_sleep": ["31", "32"],
    "need_attention": ["33"],
    "loyal": ["34", "35", "44", "45"],
    "promising": ["41"],
    "new": ["51"],
    "potential_loyalists": ["42", "43", "52", "53"],
    "champions": ["54", "55"],
}
# (recency, frequency, segment) for all 25 combinations
RFM_SEGMENT_MAP = [(int(rf[0]), int(rf[1]), segment)
                   for segment, scores in RFM_SEGMENT_BY_SCORES.items() for rf in scores]


def _has_address(partner):
    return bool(partner.street and partner.city and partner.country_id)


class ResPartner(models.Model):
    _inherit = "res.partner"

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

    # -- segments
    rfm_recency = fields.Integer(
        "Recency score", readonly=True, copy=False, group_operator="avg",
        help="1 to 5: the quintile of the customer's last invoice date among the company's "
             "invoiced customers (5: most recent).")
    rfm_frequency = fields.Integer(
        "Frequency score", readonly=True, copy=False, group_operator="avg",
        help="1 to 5: the quintile of the customer's number of invoices.")
    rfm_monetary = fields.Integer(
        "Monetary score", readonly=True, copy=False, group_operator="avg",
        help="1 to 5: the quintile of the customer's revenue (invoices minus credit notes).")
    rfm_score = fields.Char("RFM score", readonly=True, copy=False, index=True,
                            help="Recency, frequency and monetary scores, e.g. 545.")
    rfm_segment = fields.Selection(RFM_SEGMENTS, "RFM segment", readonly=True, copy=False,
                                   index=True)
    rfm_last_invoice_date = fields.Date("Last invoice", readonly=True, copy=False)
    rfm_invoice_count = fields.Integer("Invoices", readonly=True, copy=False)
    rfm_revenue = fields.Monetary("Revenue", readonly=True, copy=False,
                                  help="Posted invoices minus credit notes, untaxed, in "
                                       "company currency, as of the last RFM computation.")

    @api.model
    def _cron_compute_rfm(self):
        self._compute_rfm_scores()

    @api.model
    def _compute_rfm_scores(self):
        """Score every invoiced commercial partner in one UPDATE.

        Quintiles are taken per company over its customers with posted invoices:
        ``ntile(5)`` over the value (then the partner id, for a stable split), after which
        customers with equal values all get the lowest quintile any of them fell into -
        equal values never get different scores, and a value shared by many (one single
        invoice, typically) sits in the lower quintile. A partner invoiced by several
        companies is scored within the company of its partner record, or, for a shared
        partner, within the company where its revenue is highest. Partners no longer
        invoiced lose their scores.
        """
        rfm_map = ", ".join(["(%s, %s, %s)"] * len(RFM_SEGMENT_MAP))
        self.env.cr.execute("""
            WITH facts AS (
                SELECT inv.commercial_partner_id AS partner_id, inv.company_id,
                       max(inv.date_invoice) FILTER (WHERE inv.type = 'out_invoice') AS last_date,
                       count(*) FILTER (WHERE inv.type = 'out_invoice') AS frequency,
                       sum(inv.amount_untaxed_signed) AS monetary
                  FROM account_invoice inv
                 WHERE inv.state IN ('open', 'paid')
                   AND inv.type IN ('out_invoice', 'out_refund')
                   AND inv.commercial_partner_id IS NOT NULL
                 GROUP BY inv.commercial_partner_id, inv.company_id
                HAVING count(*) FILTER (WHERE inv.type = 'out_invoice') > 0
            ), tiles AS (
                SELECT facts.*,
                       ntile(5) OVER (PARTITION BY company_id ORDER BY last_date, partner_id) AS r,
                       ntile(5) OVER (PARTITION BY company_id ORDER BY frequency, partner_id) AS f,
                       ntile(5) OVER (PARTITION BY company_id ORDER BY monetary, partner_id) AS m
                  FROM facts
            ), scores AS (
                SELECT tiles.*,
                       min(r) OVER (PARTITION BY company_id, last_date) AS recency,
                       min(f) OVER (PARTITION BY company_id, frequency) AS frequency_score,
                       min(m) OVER (PARTITION BY company_id, monetary) AS monetary_score
                  FROM tiles
            ), home AS (
                SELECT DISTINCT ON (scores.partner_id) scores.*
                  FROM scores JOIN res_partner partner ON partner.id = scores.partner_id
                 ORDER BY scores.partner_id,
                          (scores.company_id = partner.company_id) DESC NULLS LAST,
                          scores.monetary DESC, scores.company_id
            ), rfm_map (r, f, segment) AS (VALUES %s), target AS (
                SELECT partner.id, home.recency, home.frequency_score, home.monetary_score,
                       home.recency::text || home.frequency_score::text
                       || home.monetary_score::text AS score,
                       rfm_map.segment, home.last_date, home.frequency, home.monetary
                  FROM res_partner partner
                  LEFT JOIN home ON home.partner_id = partner.id
                  LEFT JOIN rfm_map ON rfm_map.r = home.recency AND rfm_map.f = home.frequency_score
                 WHERE home.partner_id IS NOT NULL OR partner.rfm_score IS NOT NULL
            )
            UPDATE res_partner partner
               SET rfm_recency = target.recency, rfm_frequency = target.frequency_score,
                   rfm_monetary = target.monetary_score, rfm_score = target.score,
                   rfm_segment = target.segment, rfm_last_invoice_date = target.last_date,
                   rfm_invoice_count = target.frequency, rfm_revenue = target.monetary
              FROM target
             WHERE partner.id = target.id
               AND (partner.rfm_score, partner.rfm_segment, partner.rfm_last_invoice_date,
                    partner.rfm_invoice_count, partner.rfm_revenue)
                   IS DISTINCT FROM (target.score, target.segment, target.last_date,
                                     target.frequency::integer, target.monetary)
        """ % rfm_map, [value for row in RFM_SEGMENT_MAP for value in row])
        updated = self.env.cr.rowcount
        self.invalidate_cache(["rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_score",
                               "rfm_segment", "rfm_last_invoice_date", "rfm_invoice_count",
                               "rfm_revenue"])
        return updated
