from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError

from .crm_partner_ranking import ABC_CLASSES  # noqa: F401 (crm_segment imports it here)
from .crm_partner_rfm import RFM_SEGMENTS
from .res_partner_company_figures import company_figure_field

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


def _rfm_field(field_class, column, string, **kwargs):
    """The partner's field rfm_<column>: the column of its crm.partner.rfm row (internal
    users only: the scores are no business of portal users)."""
    return company_figure_field(field_class, "crm.partner.rfm", column, string,
                                "base.group_user", **kwargs)


def _ranking_field(field_class, column, string, **kwargs):
    """A field of the partner's crm.partner.ranking row, for the people who sell."""
    return company_figure_field(field_class, "crm.partner.ranking", column, string,
                                "crm_extended.group_crm_extended_user", **kwargs)


def _has_address(partner):
    return bool(partner.street and partner.city and partner.country_id)


# -- portal
# Aging buckets of the portal statement: (key, label, first day overdue, last day overdue).
STATEMENT_AGING_BUCKETS = [
    ("current", "Not due", None, 0),
    ("1_30", "1-30 days", 1, 30),
    ("31_60", "31-60 days", 31, 60),
    ("61_90", "61-90 days", 61, 90),
    ("over_90", "Over 90 days", 91, None),
]
AML = '"account_move_line"'
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

    # -- portal
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

    # -- portal: account statement
    @api.multi
    def _portal_statement(self, date_from, date_to, side=None, limit=None, offset=0):
        """Account statement of the commercial entity of ``self`` on one side of the ledger
        (``customer``: receivable, ``supplier``: payable; by default the side the partner
        trades on), read from the posted journal
        items so that it reconciles with accounting. Runs with the record rules of the
        current user; amounts in company currency, positive when the partner owes us
        (customer side) or we owe them (supplier side).

        Returns a dict: opening/closing balance of the period, one line per journal entry
        of the period (limit/offset for paging) with its running balance, and today's
        outstanding balance, overdue total and aging buckets.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        # dates travel as strings, the way Odoo 11 reads them from the database
        date_from = fields.Date.to_string(fields.Date.from_string(date_from))
        date_to = fields.Date.to_string(fields.Date.from_string(date_to))
        side = side or self._portal_statement_side()
        from_clause, where_clause, params = self._statement_query(side)
        sign = 1 if side == "customer" else -1
        totals = self._statement_totals(from_clause, where_clause, params, sign,
                                        date_from, date_to, today)
        lines = self._statement_lines(from_clause, where_clause, params, sign,
                                      date_from, date_to, limit, offset)
        for line in lines:
            line["balance"] = totals["opening_balance"] + line.pop("cumulated")
            line["kind"] = self._statement_kind(line)
            line["payable_online"] = (line["invoice_type"] == "out_invoice"
                                      and line["invoice_state"] == "open"
                                      and line["residual"] > 0)
        totals.update(lines=lines, side=side, date_from=date_from, date_to=date_to,
                      currency=self.env.user.company_id.currency_id, today=today,
                      aging_labels=[(key, _(label)) for key, label, _a, _b
                                    in STATEMENT_AGING_BUCKETS])
        return totals

    def _statement_query(self, side):
        """FROM and WHERE of the partner's journal items, with the user's record rules."""
        lines = self.env["account.move.line"]
        lines.check_access_rights("read")
        query = lines._where_calc([("partner_id", "child_of", self.commercial_partner_id.id)])
        lines._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        internal_type = "receivable" if side == "customer" else "payable"
        # account_move last in the FROM list: the LEFT JOIN binds to it alone.
        from_clause += (', "account_account" AS "stmt_account", "account_move" AS "stmt_move" '
                        'LEFT JOIN "account_invoice" AS "stmt_invoice" '
                        'ON "stmt_invoice"."move_id" = "stmt_move"."id"')
        where_clause = ('(%s) AND "stmt_account"."id" = "account_move_line"."account_id" '
                        'AND "stmt_account"."internal_type" = %%s '
                        'AND "stmt_move"."id" = "account_move_line"."move_id" '
                        'AND "stmt_move"."state" = \'posted\'' % (where_clause or "TRUE"))
        return from_clause, where_clause, list(params) + [internal_type]

    def _statement_totals(self, from_clause, where_clause, params, sign, date_from, date_to,
                          today):
        aging_columns, aging_params = [], []
        for key, _label, first, last in STATEMENT_AGING_BUCKETS:
            bounds = ["%s - COALESCE({aml}.date_maturity, {aml}.date) " + op
                      for op, bound in ((">= %s", first), ("<= %s", last)) if bound is not None]
            aging_columns.append(
                'COALESCE(SUM({aml}.amount_residual) FILTER (WHERE %s), 0) AS "%s"'
                % (" AND ".join(bounds), key))
            aging_params += [param for bound in (first, last) if bound is not None
                             for param in (today, bound)]
        self.env.cr.execute("""
            SELECT COALESCE(SUM({aml}.balance) FILTER (WHERE {aml}.date < %s), 0)
                       AS opening_balance,
                   COALESCE(SUM({aml}.balance) FILTER (WHERE {aml}.date <= %s), 0)
                       AS closing_balance,
                   COUNT(DISTINCT {aml}.move_id) FILTER (WHERE {aml}.date BETWEEN %s AND %s)
                       AS line_count,
                   COALESCE(SUM({aml}.amount_residual), 0) AS balance_due,
                   {aging}
              FROM {from_clause}
             WHERE {where_clause}
        """.format(aging=", ".join(aging_columns).format(aml=AML), aml=AML,
                   from_clause=from_clause, where_clause=where_clause),
            [date_from, date_to, date_from, date_to] + aging_params + params)
        row = self.env.cr.dictfetchone()
        totals = {key: sign * value for key, value in row.items() if key != "line_count"}
        totals["aging"] = {key: totals.pop(key) for key, *_rest in STATEMENT_AGING_BUCKETS}
        totals["overdue"] = sum(amount for key, amount in totals["aging"].items()
                                if key != "current")
        totals["line_count"] = row["line_count"]
        return totals

    def _statement_lines(self, from_clause, where_clause, params, sign, date_from, date_to,
                         limit, offset):
        self.env.cr.execute("""
            SELECT "stmt_move"."id" AS move_id, "stmt_move"."name" AS name,
                   "stmt_move"."ref" AS ref, MIN({aml}.date) AS date,
                   MIN({aml}.date_maturity) AS date_due,
                   %s * SUM({aml}.balance) AS amount, %s * SUM({aml}.amount_residual) AS residual,
                   %s * SUM(SUM({aml}.balance)) OVER (ORDER BY MIN({aml}.date), "stmt_move"."id")
                       AS cumulated,
                   "stmt_invoice"."id" AS invoice_id, "stmt_invoice"."type" AS invoice_type,
                   "stmt_invoice"."state" AS invoice_state,
                   MAX({aml}.payment_id) AS payment_id
              FROM {from_clause}
             WHERE {where_clause} AND {aml}.date BETWEEN %s AND %s
          GROUP BY "stmt_move"."id", "stmt_invoice"."id"
          ORDER BY MIN({aml}.date), "stmt_move"."id"
             LIMIT %s OFFSET %s
        """.format(from_clause=from_clause, where_clause=where_clause, aml=AML),
            [sign, sign, sign] + params + [date_from, date_to, limit, offset or 0])
        return self.env.cr.dictfetchall()

    @staticmethod
    def _statement_kind(line):
        kinds = {
            "out_invoice": _("Invoice"), "out_refund": _("Credit Note"),
            "in_invoice": _("Vendor Bill"), "in_refund": _("Vendor Credit Note"),
        }
        if line["invoice_type"]:
            return kinds[line["invoice_type"]]
        return _("Payment") if line["payment_id"] else _("Journal Entry")

    @api.multi
    def _portal_statement_side(self):
        """The side of the ledger a portal user sees first: suppliers who are not customers
        see what we owe them."""
        commercial = self.commercial_partner_id
        return "supplier" if commercial.supplier and not commercial.customer else "customer"

    @api.model
    def _portal_statement_default_period(self):
        """The last twelve months up to today."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today - timedelta(days=365)), fields.Date.to_string(today)

    # -- profitability
    customer_group_id = fields.Many2one(
        "crm.customer.group", index=True, ondelete="restrict",
        help="Reporting group of the customer; contacts follow their company.")
    # Rolling figures of the commercial entity in the user's company, kept per company in
    # crm.partner.ranking by the ranking scheduled action (searchable; sorted and grouped
    # in the ranking's own list).
    revenue_12m = _ranking_field(
        fields.Monetary, "revenue", "Revenue (12 months)",
        help="Untaxed invoiced revenue minus credit notes over the last 12 months, company "
             "currency.")
    margin_12m = _ranking_field(fields.Monetary, "margin", "Margin (12 months)")
    revenue_share = _ranking_field(
        fields.Float, "share", "Revenue Share (%)", digits=(16, 2),
        help="Share of the company's revenue over the last 12 months.")
    revenue_rank = _ranking_field(
        fields.Integer, "rank", "Revenue Rank",
        help="Rank by revenue over the last 12 months; equal revenues share a rank.")
    abc_class = _ranking_field(
        fields.Selection, "abc_class", "ABC Class", selection=ABC_CLASSES,
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
        company = self.env["res.company"].browse(self._figures_company_id())
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

    def action_view_profitability(self):
        self.ensure_one()
        action = self.env.ref("crm_extended.crm_profitability_report_action").read()[0]
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_last_12_months": 1}
        return action

    @api.model
    def _cron_customer_ranking(self):
        """Revenue and margin of the last 12 months, share, rank and ABC class of every
        customer in every company that invoiced it (crm.partner.ranking), whoever runs
        it."""
        self.env["crm.partner.ranking"]._compute_ranking()
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
    campaign_id = fields.Many2one(
        "utm.campaign", "Acquisition Campaign", ondelete="set null",
        help="Campaign of the lead this customer was converted from.")
    medium_id = fields.Many2one(
        "utm.medium", "Acquisition Medium", ondelete="set null",
        help="Medium of the lead this customer was converted from.")
    source_id = fields.Many2one(
        "utm.source", "Acquisition Source", ondelete="set null",
        help="Source of the lead this customer was converted from.")
    mailing_list_ids = fields.Many2many(
        "mail.mass_mailing.list", string="Contact Lists",
        compute="_compute_mailing_list_ids",
        help="Mailing lists holding a contact with the partner's email address.")

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
        if self._portal_guarded():
            self._check_portal_write(vals)
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

    @api.depends("email")
    def _compute_mailing_list_ids(self):
        no_list = self.env["mail.mass_mailing.list"]
        emails = {partner: (tools.email_split(partner.email) or [""])[0].lower()
                  for partner in self}
        lists = self.env["mail.mass_mailing.contact"]._lists_by_email(
            set(emails.values()) - {""})
        for partner in self:
            partner.mailing_list_ids = lists.get(emails[partner], no_list)

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

    @api.multi
    def _mailing_contact_values(self):
        return [{
            "email": (tools.email_split(partner.email) or [False])[0],
            "name": partner.name,
            "company_name": partner.commercial_company_name or False,
            "country_id": partner.country_id.id,
            "label": partner.display_name,
        } for partner in self]

    # -- segments: RFM scores, kept in crm.partner.rfm (see there why) and shown here
    rfm_recency = _rfm_field(
        fields.Integer, "recency", "Recency score",
        help="1 to 5: the quintile of the customer's last invoice date among the company's "
             "invoiced customers (5: most recent).")
    rfm_frequency = _rfm_field(
        fields.Integer, "frequency", "Frequency score",
        help="1 to 5: the quintile of the customer's number of invoices.")
    rfm_monetary = _rfm_field(
        fields.Integer, "monetary", "Monetary score",
        help="1 to 5: the quintile of the customer's revenue (invoices minus credit notes).")
    rfm_score = _rfm_field(fields.Char, "score", "RFM score",
                           help="Recency, frequency and monetary scores, e.g. 545.")
    rfm_segment = _rfm_field(fields.Selection, "segment", "RFM segment", selection=RFM_SEGMENTS)
    rfm_last_invoice_date = _rfm_field(fields.Date, "last_invoice_date", "Last invoice")
    rfm_invoice_count = _rfm_field(fields.Integer, "invoice_count", "Invoices")
    rfm_revenue = _rfm_field(fields.Monetary, "revenue", "Revenue",
                             help="Posted invoices minus credit notes, untaxed, in company "
                                  "currency, as of the last RFM computation.")

    @api.model
    def _cron_compute_rfm(self):
        self._compute_rfm_scores()

    @api.model
    def _compute_rfm_scores(self):
        """Rescore every invoiced customer (crm.partner.rfm); the number of rows written."""
        return self.env["crm.partner.rfm"]._compute_scores()


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
