from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmProfitabilityPrint(models.TransientModel):
    """Asks for a customer or a customer group and a period, then prints their
    profitability (QWeb PDF) from the profitability report."""

    _name = "crm.profitability.print"
    _description = "Print Customer Profitability"

    def _default_date_from(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today - relativedelta(years=1, days=-1))

    scope = fields.Selection([("customer", "One customer"), ("group", "A customer group")],
                             default="customer", required=True, groups="base.group_user")
    partner_id = fields.Many2one("res.partner", string="Customer",
                                 domain=[("customer", "=", True)], groups="base.group_user")
    customer_group_id = fields.Many2one("crm.customer.group", groups="base.group_user")
    date_from = fields.Date(required=True, default=lambda self: self._default_date_from(),
                            groups="base.group_user")
    date_to = fields.Date(required=True, default=fields.Date.context_today,
                          groups="base.group_user")
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id,
                                 groups="base.group_user")

    @api.model
    def default_get(self, field_names):
        values = super().default_get(field_names)
        if self.env.context.get("active_model") == "res.partner" and \
                self.env.context.get("active_id"):
            partner = self.env["res.partner"].browse(self.env.context["active_id"])
            values.update(scope="customer", partner_id=partner.commercial_partner_id.id)
        return values

    def _check_request(self):
        if self.scope == "customer" and not self.partner_id:
            raise UserError(_("Choose the customer to print."))
        if self.scope == "group" and not self.customer_group_id:
            raise UserError(_("Choose the customer group to print."))
        if self.date_from > self.date_to:
            raise UserError(_("The period ends before it starts."))

    def action_print(self):
        self.ensure_one()
        self._check_request()
        return self.env.ref("crm_extended.action_report_customer_profitability") \
            .report_action(self)

    def _report_domain(self):
        domain = [("date", ">=", self.date_from), ("date", "<=", self.date_to),
                  ("company_id", "=", self.company_id.id)]
        if self.scope == "customer":
            return domain + [("partner_id", "=", self.partner_id.commercial_partner_id.id)]
        return domain + [("customer_group_id", "=", self.customer_group_id.id)]

    def _report_data(self):
        """Totals, months, products and (for a group) customers of the period: one
        read_group each on the profitability report."""
        self.ensure_one()
        report = self.env["crm.profitability.report"]
        domain = self._report_domain()
        measures = ["revenue", "cost", "margin", "margin_percent", "quantity",
                    "discount_amount", "invoice_count"]

        def grouped(groupby, order=None):
            return report.read_group(domain, measures + [groupby.split(":")[0]], [groupby],
                                     orderby=order, lazy=False)
        totals = report.read_group(domain, measures, [], lazy=False)[0]
        # Without lines in the period read_group sums to None; the report prints zeros.
        totals.update((measure, totals[measure] or 0.0) for measure in measures)
        return {
            "title": (self.partner_id.commercial_partner_id.display_name
                      if self.scope == "customer" else self.customer_group_id.display_name),
            "totals": totals,
            "months": grouped("date:month", "date:month"),
            "products": grouped("product_id", "margin desc"),
            "customers": grouped("partner_id", "revenue desc") if self.scope == "group" else [],
            "currency": self.company_id.currency_id,
        }
