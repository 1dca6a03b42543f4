from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_extended_sql import (
    INVOICE_LINE_MARGIN, ORDER_AMOUNT, ORDER_CURRENCY_JOINS, posted_customer_invoices,
    posted_customer_invoices_domain)

ORDER_STATES = ("sale", "done")


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    # -- attribution
    date_start = fields.Date("Start Date", groups="base.group_user")
    date_end = fields.Date("End Date", groups="base.group_user")
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id,
                                 help="Results are measured in this company's documents "
                                      "and currency.", groups="base.group_user")
    currency_id = fields.Many2one("res.currency", related="company_id.currency_id",
                                  readonly=True)
    budget = fields.Monetary(help="What the campaign was planned to cost.",
                             groups="base.group_user")
    cost = fields.Monetary("Actual Cost", help="What the campaign actually cost.",
                           groups="base.group_user")
    lead_count = fields.Integer("Leads", compute="_compute_lead_results", groups="base.group_user")
    opportunity_count = fields.Integer("Opportunities", compute="_compute_lead_results",
                                       groups="base.group_user")
    won_count = fields.Integer("Won", compute="_compute_lead_results", groups="base.group_user")
    order_count = fields.Integer("Orders", compute="_compute_order_results",
                                 groups="base.group_user")
    order_amount = fields.Monetary("Ordered", compute="_compute_order_results",
                                   help="Untaxed amount of confirmed sales orders.",
                                   groups="base.group_user")
    invoice_count = fields.Integer("Invoices", compute="_compute_invoice_results",
                                   groups="base.group_user")
    revenue = fields.Monetary(compute="_compute_invoice_results",
                              help="Posted customer invoices minus credit notes, untaxed.",
                              groups="base.group_user")
    margin = fields.Monetary(compute="_compute_invoice_results",
                             help="Revenue minus the cost of the goods sold.",
                             groups="base.group_user")
    roi = fields.Float("ROI", compute="_compute_invoice_results", digits=(16, 4),
                       help="Return on investment: (margin - actual cost) / actual cost.",
                       groups="base.group_user")

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for campaign in self:
            if campaign.date_start and campaign.date_end \
                    and campaign.date_end < campaign.date_start:
                raise ValidationError(
                    _("Campaign %s cannot end before it starts.") % campaign.name)

    @api.constrains("budget", "cost")
    def _check_amounts(self):
        for campaign in self:
            if campaign.budget < 0 or campaign.cost < 0:
                raise ValidationError(
                    _("Budget and cost of campaign %s cannot be negative.") % campaign.name)

    def _results_query(self, query):
        """Run ``query`` (one row per campaign id, first column) over the saved campaigns of
        self, each measured in its own company (or the user's); rows keyed by campaign.

        The context keys ``date_from`` and ``date_to`` restrict the results to a period
        (lead creation, order date, invoice date)."""
        campaigns = self.filtered("id")
        if not campaigns:
            return {}
        self.env.cr.execute(query, {
            "campaign_ids": tuple(campaigns.ids), "company_id": self.env.user.company_id.id,
            "date_from": self.env.context.get("date_from") or None,
            "date_to": self.env.context.get("date_to") or None,
        })
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.depends()
    def _compute_lead_results(self):
        rows = self._results_query("""
            SELECT l.campaign_id, COUNT(*),
                   COUNT(*) FILTER (WHERE l.type = 'opportunity'),
                   COUNT(*) FILTER (WHERE l.type = 'opportunity' AND l.active
                                      AND l.probability >= 100)
              FROM crm_lead l
              JOIN utm_campaign c ON c.id = l.campaign_id
             WHERE l.campaign_id IN %(campaign_ids)s
               AND (l.company_id IS NULL
                    OR l.company_id = COALESCE(c.company_id, %(company_id)s))
               AND (%(date_from)s::date IS NULL OR l.create_date::date >= %(date_from)s::date)
               AND (%(date_to)s::date IS NULL OR l.create_date::date <= %(date_to)s::date)
          GROUP BY l.campaign_id""")
        for campaign in self:
            (campaign.lead_count, campaign.opportunity_count,
             campaign.won_count) = rows.get(campaign.id, (0, 0, 0))

    @api.depends()
    def _compute_order_results(self):
        rows = self._results_query("""
            WITH currency_rate AS (%s)
            SELECT so.campaign_id, COUNT(*), SUM(%s)
              FROM sale_order so
              JOIN utm_campaign c ON c.id = so.campaign_id
              %s
             WHERE so.campaign_id IN %%(campaign_ids)s
               AND so.state IN ('sale', 'done')
               AND so.company_id = COALESCE(c.company_id, %%(company_id)s)
               AND (%%(date_from)s::date IS NULL OR so.date_order::date >= %%(date_from)s::date)
               AND (%%(date_to)s::date IS NULL OR so.date_order::date <= %%(date_to)s::date)
          GROUP BY so.campaign_id""" % (self.env["res.currency"]._select_companies_rates(),
                                        ORDER_AMOUNT, ORDER_CURRENCY_JOINS))
        for campaign in self:
            campaign.order_count, campaign.order_amount = rows.get(campaign.id, (0, 0.0))

    @api.depends("cost")
    def _compute_invoice_results(self):
        rows = self._results_query("""
            SELECT inv.campaign_id, COUNT(DISTINCT inv.id),
                   SUM(ail.price_subtotal_signed), SUM(%s)
              FROM account_invoice_line ail
              JOIN account_invoice inv ON inv.id = ail.invoice_id
              JOIN utm_campaign c ON c.id = inv.campaign_id
             WHERE inv.campaign_id IN %%(campaign_ids)s
               AND %s
               AND inv.company_id = COALESCE(c.company_id, %%(company_id)s)
               AND (%%(date_from)s::date IS NULL OR inv.date_invoice >= %%(date_from)s::date)
               AND (%%(date_to)s::date IS NULL OR inv.date_invoice <= %%(date_to)s::date)
          GROUP BY inv.campaign_id""" % (INVOICE_LINE_MARGIN, posted_customer_invoices()))
        for campaign in self:
            count, revenue, margin = rows.get(campaign.id, (0, 0.0, 0.0))
            campaign.invoice_count = count
            campaign.revenue = revenue
            campaign.margin = margin
            campaign.roi = (margin - campaign.cost) / campaign.cost if campaign.cost else False

    def _action_for(self, xml_id, domain, **context):
        self.ensure_one()
        action = self.env.ref(xml_id).read()[0]
        action.update(domain=domain, context=dict(context, default_campaign_id=self.id))
        return action

    @api.multi
    def action_view_leads(self):
        return self._action_for("crm.crm_lead_all_leads", [("campaign_id", "=", self.id)],
                                active_test=False)

    @api.multi
    def action_view_orders(self):
        return self._action_for("sale.action_orders", [
            ("campaign_id", "=", self.id), ("state", "in", ORDER_STATES)])

    @api.multi
    def action_view_invoices(self):
        return self._action_for("account.action_invoice_tree1", [
            ("campaign_id", "=", self.id)] + posted_customer_invoices_domain())

    @api.multi
    def action_view_revenue(self):
        return self._action_for("crm_extended.crm_campaign_report_action", [
            ("campaign_id", "=", self.id), ("document_type", "=", "invoice")],
            pivot_measures=["revenue", "margin"])
