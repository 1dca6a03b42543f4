# crm.partner.clv: each customer's lifetime value scores, one row per customer and company.
# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_extended_sql import replace_partner_figures

# Lifetime value figures are for staff: every field of the CLV models carries this group.
INTERNAL = "base.group_user"

# The columns the scoring writes, in the order of the rows handed to _write_scores.
SCORE_COLUMNS = ["partner_id", "probability_alive", "expected_purchases_90d",
                 "expected_value_12m", "repeat_purchases", "last_purchase_date", "revenue"]
# The columns shown on the partner, each as the field "clv_<column>".
CLV_COLUMNS = ["probability_alive", "previous_probability_alive", "expected_purchases_90d",
               "expected_value_12m", "model_date"]


class CrmPartnerClv(models.Model):
    """What the company's lifetime value model says of each of its customers.

    A narrow table of its own, as RFM's, rather than columns of res_partner: rescoring
    every customer every night rewrites these small rows, not the wide partner rows.
    """

    _name = "crm.partner.clv"
    _description = "Customer Lifetime Value Scores"
    _rec_name = "partner_id"
    _order = "expected_value_12m desc, partner_id"
    # Written by one SQL statement only; model_date says when a row last changed.
    _log_access = False

    partner_id = fields.Many2one("res.partner", string="Customer", required=True,
                                 readonly=True, ondelete="cascade", index=True,
                                 groups=INTERNAL)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 ondelete="cascade", groups=INTERNAL)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True,
                                  groups=INTERNAL)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson",
                              readonly=True, groups=INTERNAL)
    probability_alive = fields.Float(
        "Probability alive", digits=(16, 4), readonly=True, group_operator="avg",
        groups=INTERNAL,
        help="The chance that the customer still buys from us, from how often and how "
             "recently they bought (BG/NBD). A customer who bought on a single day only "
             "counts as alive: the model lets customers drop out only after a repeat "
             "purchase; their expected purchases tell more.")
    previous_probability_alive = fields.Float(
        "Previous probability alive", digits=(16, 4), readonly=True, group_operator="avg",
        groups=INTERNAL, help="The probability alive of the scoring before the last change.")
    probability_alive_change = fields.Float(
        "Change of probability alive", digits=(16, 4), readonly=True, group_operator="avg",
        groups=INTERNAL, help="Since the previous scoring; negative: falling.")
    expected_purchases_90d = fields.Float(
        "Expected purchases (90 days)", digits=(16, 2), readonly=True, groups=INTERNAL)
    expected_value_12m = fields.Monetary(
        "Expected value (12 months)", readonly=True, groups=INTERNAL,
        help="Expected purchases of the next 12 months times the expected spend per "
             "purchase (Gamma-Gamma), untaxed, in company currency, discounted at the "
             "model's yearly rate.")
    repeat_purchases = fields.Integer("Repeat purchases", readonly=True, groups=INTERNAL,
                                      help="Purchase days after the first, in the window.")
    last_purchase_date = fields.Date("Last purchase", readonly=True, groups=INTERNAL)
    revenue = fields.Monetary(readonly=True, groups=INTERNAL,
                              help="Net revenue in the model's window (credit notes "
                                   "deducted, untaxed, company currency).")
    model_date = fields.Date("Model date", readonly=True, groups=INTERNAL,
                             help="The day of the scoring that gave these figures.")

    _sql_constraints = [
        ("partner_company_uniq", "unique (partner_id, company_id)",
         "A customer has one set of lifetime value scores per company."),
    ]

    @api.model
    def _write_scores(self, company, model_date, columns):
        """Make the company's rows those of ``columns`` (arrays in SCORE_COLUMNS order):
        one COPY into a temporary table, then one statement that inserts the new
        customers, updates the rows whose figures changed (remembering the probability
        alive they had) and deletes the customers no longer scored. Returns the number
        of rows written."""
        cr = self.env.cr
        cr.execute("""
            CREATE TEMPORARY TABLE crm_partner_clv_new (
                partner_id integer PRIMARY KEY, probability_alive numeric,
                expected_purchases_90d numeric, expected_value_12m numeric,
                repeat_purchases integer, last_purchase_date date, revenue numeric
            ) ON COMMIT DROP""")
        # One format per row: a str() per value took most of the time at 100,000 rows.
        buffer = io.StringIO("".join(
            "%d\t%.4f\t%.4f\t%.2f\t%d\t%s\t%.2f\n" % row for row in zip(*columns)))
        cr.copy_from(buffer, "crm_partner_clv_new", columns=SCORE_COLUMNS)
        written = replace_partner_figures(
            cr, "crm_partner_clv",
            "SELECT new.*, %(company)s AS company_id, %(date)s::date AS model_date "
            "FROM crm_partner_clv_new new",
            {"company": company.id, "date": model_date},
            columns=SCORE_COLUMNS[1:] + ["model_date"], compared=SCORE_COLUMNS[1:],
            scope="cur.company_id = %(company)s",
            # the probability alive it had, so that the fall shows
            derived=[("previous_probability_alive", "probability_alive",
                      "cur.probability_alive"),
                     ("probability_alive_change", "0",
                      "excluded.probability_alive - cur.probability_alive")])
        cr.execute("DROP TABLE crm_partner_clv_new")
        self.invalidate_cache()
        self.env["res.partner"].invalidate_cache(["clv_" + column for column in CLV_COLUMNS])
        return written

    @api.model
    def _at_risk_domain(self, model):
        """Valuable customers of the model's company whose probability alive is low and
        falling."""
        return [("company_id", "=", model.company_id.id),
                ("probability_alive", "<", model.at_risk_probability),
                ("probability_alive_change", "<", 0),
                ("revenue", ">=", model.at_risk_min_revenue)]

    @api.model
    def action_at_risk(self):
        """The "Customers at Risk" menu: the current company's customers at risk."""
        model = self.env["crm.clv.model"].search(
            [("company_id", "=", self.env.user.company_id.id)], limit=1)
        action = self.env.ref("crm_extended.crm_partner_clv_action_at_risk").read()[0]
        action["context"] = {"at_risk": True}
        action["domain"] = self._at_risk_domain(model) if model else [("id", "=", False)]
        if not model:
            action["help"] = _("<p>No lifetime value model for %s yet: create one in "
                               "CRM > Configuration > Lifetime Value.</p>") % (
                                   self.env.user.company_id.name)
        return action

    # -- one click from the customers at risk

    @api.model
    def _company_model(self):
        model = self.env["crm.clv.model"].search(
            [("company_id", "=", self.env.user.company_id.id)], limit=1)
        if not model:
            raise UserError(_("%s has no lifetime value model yet (CRM > Configuration > "
                              "Lifetime Value).") % self.env.user.company_id.name)
        return model

    @api.model
    def _create_at_risk_segment(self):
        """A segment that keeps matching the customers at risk as the scores change."""
        model = self._company_model()
        return self.env["crm.segment"].create({
            "name": _("Customers at risk (%s)") % fields.Date.context_today(self),
            "company_id": model.company_id.id,
            "clv_probability_alive_below": model.at_risk_probability,
            "clv_falling": True,
            "revenue_min": model.at_risk_min_revenue,
            "revenue_window_days": int(round(model.history_months * 365.25 / 12)),
        })

    @api.multi
    def action_create_segment(self):
        segment = self._create_at_risk_segment()
        return {"type": "ir.actions.act_window", "res_model": "crm.segment",
                "res_id": segment.id, "view_mode": "form", "target": "current"}

    @api.multi
    def action_create_mailing_list(self):
        segment = self._create_at_risk_segment()
        segment._sync_mailing_lists()
        return segment.action_view_mailing_contacts()

    @api.multi
    def action_schedule_activity(self):
        """A to-do for the salesperson of each selected customer (the user when it has
        none), saying how likely the customer still is to buy."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get("res.partner").id
        for score in self:
            self.env["mail.activity"].create({
                "res_model_id": model_id, "res_id": score.partner_id.id,
                "activity_type_id": activity_type.id,
                "user_id": (score.partner_id.user_id or self.env.user).id,
                "summary": _("Customer at risk: probability alive %(alive).0f%% "
                             "(was %(previous).0f%%)") % {
                                 "alive": score.probability_alive * 100,
                                 "previous": score.previous_probability_alive * 100},
                "date_deadline": fields.Date.context_today(self),
            })
        return True
