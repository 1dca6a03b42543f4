# crm.clv.model: a company's lifetime value model, its fit, validation and customer scoring.
# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import collections
import datetime
import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_extended_sql import posted_customer_invoices

_logger = logging.getLogger(__name__)

try:
    import numpy as np

    from . import clv_estimation
except ImportError:  # declared in external_dependencies: the addon does not install without
    np = clv_estimation = None
    _logger.debug("numpy/scipy are missing: customer lifetime value is unavailable")

# One row per customer with purchases in the window.
ClvSummary = collections.namedtuple("ClvSummary", [
    "partner_ids", "x", "t_x", "T", "m", "revenue", "last_dates", "date_to"])

# Net purchases of the company's customers in a window, one row per customer: a purchase
# is a day with a posted customer invoice that the credit notes issued against it (up to
# the window's end) do not cancel entirely (an invoice of nothing, a free delivery, still
# counts); credit notes reduce the spend of their invoice's day, those issued against no
# invoice the customer's spend. Amounts untaxed, in company currency.
PURCHASES_SQL = """
    WITH refunded AS (
        SELECT refund.refund_invoice_id AS invoice_id,
               sum(refund.amount_untaxed_signed) AS amount
          FROM account_invoice refund
         WHERE {refunds}
           AND refund.company_id = %(company_id)s AND refund.refund_invoice_id IS NOT NULL
           AND refund.date_invoice <= %(date_to)s
         GROUP BY refund.refund_invoice_id
    ), days AS (
        SELECT inv.commercial_partner_id AS partner_id, inv.date_invoice AS day,
               sum(inv.amount_untaxed_signed + coalesce(refunded.amount, 0)) AS amount
          FROM account_invoice inv
          LEFT JOIN refunded ON refunded.invoice_id = inv.id
         WHERE {invoices}
           AND inv.company_id = %(company_id)s AND inv.commercial_partner_id IS NOT NULL
           AND inv.date_invoice >= %(date_from)s AND inv.date_invoice <= %(date_to)s
         GROUP BY inv.commercial_partner_id, inv.date_invoice
        HAVING bool_or(refunded.invoice_id IS NULL
                       OR inv.amount_untaxed_signed + refunded.amount > 0)
    ), unlinked AS (
        SELECT refund.commercial_partner_id AS partner_id,
               sum(refund.amount_untaxed_signed) AS amount
          FROM account_invoice refund
         WHERE {refunds}
           AND refund.company_id = %(company_id)s AND refund.refund_invoice_id IS NULL
           AND refund.date_invoice >= %(date_from)s AND refund.date_invoice <= %(date_to)s
         GROUP BY refund.commercial_partner_id
    )
    SELECT days.partner_id, count(*) - 1, %(date_to)s::date - min(days.day),
           %(date_to)s::date - max(days.day), max(days.day),
           (sum(days.amount) - (array_agg(days.amount ORDER BY days.day))[1]
               + coalesce(min(unlinked.amount), 0))::float8,
           (sum(days.amount) + coalesce(min(unlinked.amount), 0))::float8
      FROM days LEFT JOIN unlinked ON unlinked.partner_id = days.partner_id
     GROUP BY days.partner_id
     ORDER BY days.partner_id
""".format(invoices=posted_customer_invoices("inv", ("out_invoice",)),
           refunds=posted_customer_invoices("refund", ("out_refund",)))

# Currencies of the company's posted customer documents in a window that have no rate
# on or before the document's date: their amounts in company currency mean nothing.
CURRENCIES_WITHOUT_RATE_SQL = """
    SELECT DISTINCT currency.name
      FROM account_invoice inv
      JOIN res_company company ON company.id = inv.company_id
      JOIN res_currency currency ON currency.id = inv.currency_id
     WHERE inv.company_id = %(company_id)s AND {posted}
       AND inv.currency_id != company.currency_id
       AND inv.date_invoice >= %(date_from)s AND inv.date_invoice <= %(date_to)s
       AND NOT EXISTS (
           SELECT 1 FROM res_currency_rate rate
            WHERE rate.currency_id = inv.currency_id AND rate.name <= inv.date_invoice
              AND (rate.company_id IS NULL OR rate.company_id = inv.company_id))
     ORDER BY currency.name
""".format(posted=posted_customer_invoices("inv"))

WEEK_DAYS = 7.0
PREDICTION_DAYS = 90
VALUE_MONTHS = 12
INTERNAL = "base.group_user"


def _result(field_type, string, **kwargs):
    """A field that fitting, validating or scoring writes: never typed, not copied, internal."""
    return field_type(string, readonly=True, copy=False, groups=INTERNAL, **kwargs)


def _parameter(string, help_text):
    return _result(fields.Float, string, digits=(16, 6), help=help_text)


class CrmClvModel(models.Model):
    """BG/NBD (how many purchases, and whether the customer is still active) and
    Gamma-Gamma (what a purchase is worth) fitted on the company's posted invoices.

    One model per company. Fitting and scoring run nightly (scheduled action) and on
    demand (button); a fit that fails keeps the last good parameters, says why, and the
    customers are scored with those.
    """

    _name = "crm.clv.model"
    _description = "Customer Lifetime Value Model"
    _inherit = ["mail.thread"]
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade",
                                 default=lambda self: self.env.user.company_id,
                                 groups=INTERNAL)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True,
                                  groups=INTERNAL)
    history_months = fields.Integer(
        "History (months)", default=36, required=True, groups=INTERNAL,
        track_visibility="onchange",
        help="The calibration window: purchases of the last this many months, up to today.")
    holdout_weeks = fields.Integer(
        "Validation holdout (weeks)", default=26, required=True, groups=INTERNAL,
        help="Validation fits the model on the history without its last this many weeks "
             "and compares what it predicts for them with what the customers bought.")
    discount_rate = fields.Float(
        "Yearly discount rate (%)", default=10.0, required=True, groups=INTERNAL,
        track_visibility="onchange",
        help="Future purchases are worth less than today's: the 12-month value discounts "
             "each month at the monthly equivalent of this yearly rate.")
    at_risk_probability = fields.Float(
        "At risk below (probability alive)", default=0.5, required=True, groups=INTERNAL,
        help="Customers at risk: probability alive below this and falling since the "
             "previous scoring, with revenue in the window of at least the amount below.")
    at_risk_min_revenue = fields.Monetary(
        "At risk from revenue", currency_field="currency_id", groups=INTERNAL,
        help="Only customers who brought at least this much (net, untaxed, in the "
             "window) count as valuable enough to be at risk.")

    bgnbd_r = _parameter("r", "BG/NBD: shape of the gamma distribution of purchase rates.")
    bgnbd_alpha = _parameter("alpha", "BG/NBD: scale of the gamma distribution of purchase "
                                      "rates (in weeks).")
    bgnbd_a = _parameter("a", "BG/NBD: first shape of the beta distribution of the "
                              "probability of dropping out after a purchase.")
    bgnbd_b = _parameter("b", "BG/NBD: second shape of the beta distribution of the "
                              "probability of dropping out after a purchase.")
    gg_p = _parameter("p", "Gamma-Gamma: shape of the spend of one purchase.")
    gg_q = _parameter("q", "Gamma-Gamma: shape of the distribution of customers' scale of "
                           "spend.")
    gg_gamma = _parameter("gamma", "Gamma-Gamma: scale of the distribution of customers' "
                                   "scale of spend.")
    log_likelihood = _result(fields.Float, "BG/NBD log-likelihood")
    gg_log_likelihood = _result(fields.Float, "Gamma-Gamma log-likelihood")
    calibration_date_from = _result(fields.Date, "Calibrated from")
    calibration_date_to = _result(fields.Date, "Calibrated to")
    customer_count = _result(fields.Integer, "Customers fitted")
    repeat_customer_count = _result(
        fields.Integer, "Repeat buyers",
        help="Customers with more than one purchase day in the window: only they tell "
             "the model how customers drop out, and only their spend fits Gamma-Gamma.")
    fit_date = _result(fields.Datetime, "Fitted on")
    last_error = _result(fields.Text, "Last failure",
                         help="Why the last fit failed; the parameters above are those "
                              "of the last good fit.")
    scored_count = _result(fields.Integer, "Customers scored")

    validation_date = _result(fields.Datetime, "Validated on")
    holdout_date_from = _result(fields.Date, "Holdout from")
    holdout_date_to = _result(fields.Date, "Holdout to")
    holdout_predicted_purchases = _result(fields.Float, "Predicted repeat purchases",
                                          digits=(16, 1))
    holdout_actual_purchases = _result(fields.Integer, "Actual repeat purchases")
    holdout_predicted_revenue = _result(fields.Monetary, "Predicted revenue",
                                        currency_field="currency_id")
    holdout_actual_revenue = _result(fields.Monetary, "Actual revenue",
                                     currency_field="currency_id")

    _sql_constraints = [
        ("company_uniq", "unique (company_id)", "A company has one lifetime value model."),
    ]

    @api.constrains("history_months", "holdout_weeks", "discount_rate", "at_risk_probability")
    def _check_settings(self):
        for model in self:
            if model.history_months < 1 or model.holdout_weeks < 1:
                raise ValidationError(_("The history and the holdout need at least one "
                                        "month and one week."))
            if model.holdout_weeks * WEEK_DAYS >= model.history_months * 30:
                raise ValidationError(_("The validation holdout must be shorter than the "
                                        "history, or nothing is left to fit."))
            if not 0 <= model.discount_rate < 100:
                raise ValidationError(_("The yearly discount rate is a percentage from 0 "
                                        "to 100."))
            if not 0 < model.at_risk_probability <= 1:
                raise ValidationError(_("The at-risk probability is between 0 and 1."))

    # -- data

    def _purchase_summary(self, date_from, date_to):
        """The customers' purchases in [date_from, date_to] as a ClvSummary; a clear
        error for a currency without a rate (its amounts would be wrong)."""
        self.ensure_one()
        params = {"company_id": self.company_id.id, "date_from": date_from,
                  "date_to": date_to}
        self.env.cr.execute(CURRENCIES_WITHOUT_RATE_SQL, params)
        missing = [row[0] for row in self.env.cr.fetchall()]
        if missing:
            raise UserError(_(
                "Invoices of %(company)s in %(currencies)s have no exchange rate on or "
                "before their date, so their value in company currency is unknown. Add "
                "the rates (Invoicing > Configuration > Currencies) and fit again.") % {
                    "company": self.company_id.name, "currencies": ", ".join(missing)})
        self.env.cr.execute(PURCHASES_SQL, params)
        rows = self.env.cr.fetchall()
        columns = list(zip(*rows)) or [[]] * 7
        x = np.array(columns[1], dtype=float)
        first = np.array(columns[2], dtype=float)  # days from the first purchase to the end
        last = np.array(columns[3], dtype=float)
        repeat_spend = np.array(columns[5], dtype=float)
        return ClvSummary(
            partner_ids=np.array(columns[0], dtype=np.int64), x=x,
            t_x=(first - last) / WEEK_DAYS, T=first / WEEK_DAYS,
            m=np.where(x > 0, repeat_spend / np.maximum(x, 1), 0.0),
            revenue=np.array(columns[6], dtype=float), last_dates=list(columns[4]),
            date_to=date_to)

    def _window(self, date_to):
        date_to = fields.Date.from_string(date_to)
        return (fields.Date.to_string(date_to - relativedelta(months=self.history_months)
                                      + datetime.timedelta(days=1)),
                fields.Date.to_string(date_to))

    # -- fit

    @staticmethod
    def _fit_summary(summary):
        """The fitted parameters of both models on ``summary``, as field values; a
        UserError saying what is wrong with data that cannot be fitted."""
        if not len(summary.x):
            raise UserError(_("No customer has a posted invoice in the window: there is "
                              "nothing to fit."))
        if not (summary.x > 0).any():
            raise UserError(_(
                "Every one of the %d customers bought on a single day only: without "
                "repeat purchases the model cannot learn how often customers buy again or "
                "when they stop.") % len(summary.x))
        try:
            # Customers sharing the same history count once with a weight.
            keys = np.stack([summary.x, summary.t_x, summary.T], axis=1)
            unique, counts = np.unique(keys, axis=0, return_counts=True)
            bgnbd, log_likelihood = clv_estimation.fit_bgnbd(
                unique[:, 0], unique[:, 1], unique[:, 2], counts)
            gamma_gamma, gg_log_likelihood = clv_estimation.fit_gamma_gamma(
                summary.x, summary.m)
        except clv_estimation.ClvFitError as error:
            raise UserError(_("The lifetime value model cannot be fitted: %s.") % error)
        values = {"bgnbd_" + name: value
                  for name, value in zip(clv_estimation.BGNBD_PARAMETERS, bgnbd)}
        values.update({"gg_" + name: value for name, value
                       in zip(clv_estimation.GAMMA_GAMMA_PARAMETERS, gamma_gamma)})
        values.update(log_likelihood=log_likelihood, gg_log_likelihood=gg_log_likelihood,
                      customer_count=len(summary.x),
                      repeat_customer_count=int((summary.x > 0).sum()))
        return values

    def _bgnbd_params(self):
        return [self.bgnbd_r, self.bgnbd_alpha, self.bgnbd_a, self.bgnbd_b]

    def _gamma_gamma_params(self):
        return [self.gg_p, self.gg_q, self.gg_gamma]

    def _fit_and_score(self, date_to=None):
        """Refit on the window ending ``date_to`` (today) and rescore every customer.
        Returns (rows written, why the fit failed or None). A failed fit keeps the last
        good parameters, records why, and the customers are scored with those (if any)."""
        self.ensure_one()
        date_from, date_to = self._window(date_to or fields.Date.context_today(self))
        summary = self._purchase_summary(date_from, date_to)
        try:
            values = self._fit_summary(summary)
        except UserError as error:
            failure = error.name
            self.sudo().last_error = failure
            self.message_post(body=failure)
        else:
            failure = None
            values.update(calibration_date_from=date_from, calibration_date_to=date_to,
                          fit_date=fields.Datetime.now(), last_error=False)
            self.sudo().write(values)
        written = self._score(summary) if self.fit_date else 0
        return written, failure

    # -- scoring

    def _score(self, summary):
        """Write the scores of every customer of ``summary`` into crm.partner.clv."""
        self.ensure_one()
        bgnbd = self._bgnbd_params()
        alive = clv_estimation.probability_alive(bgnbd, summary.x, summary.t_x, summary.T)
        purchases = clv_estimation.expected_purchases(
            bgnbd, PREDICTION_DAYS / WEEK_DAYS, summary.x, summary.t_x, summary.T)
        value = clv_estimation.expected_value(
            bgnbd, self._gamma_gamma_params(), summary.x, summary.t_x, summary.T,
            summary.m, months=VALUE_MONTHS, yearly_discount=self.discount_rate / 100.0)
        written = self.env["crm.partner.clv"]._write_scores(self.company_id, summary.date_to, [
            summary.partner_ids, np.round(alive, 4), np.round(purchases, 4),
            np.round(value, 2), summary.x.astype(int), summary.last_dates,
            np.round(summary.revenue, 2)])
        self.sudo().scored_count = len(summary.x)
        return written

    # -- validation

    def _validate(self, date_from, calibration_end, holdout_end):
        """Fit on [date_from, calibration_end] and compare the predictions for the
        holdout (calibration_end, holdout_end] with what those customers bought there.
        Returns (calibration summary, fitted values, predicted purchases, actual purchases,
        predicted revenue, actual revenue), per customer."""
        self.ensure_one()
        calibration = self._purchase_summary(date_from, calibration_end)
        values = self._fit_summary(calibration)
        start = fields.Date.to_string(fields.Date.from_string(calibration_end)
                                      + datetime.timedelta(days=1))
        holdout = self._purchase_summary(start, holdout_end)
        position = {partner_id: index for index, partner_id
                    in enumerate(holdout.partner_ids.tolist())}
        index = np.array([position.get(partner_id, -1)
                          for partner_id in calibration.partner_ids.tolist()], dtype=int)
        seen = index >= 0
        actual = np.zeros_like(calibration.x)
        actual[seen] = holdout.x[index[seen]] + 1
        actual_revenue = np.zeros_like(calibration.x)
        actual_revenue[seen] = holdout.revenue[index[seen]]
        bgnbd = [values["bgnbd_" + name] for name in clv_estimation.BGNBD_PARAMETERS]
        gamma_gamma = [values["gg_" + name]
                       for name in clv_estimation.GAMMA_GAMMA_PARAMETERS]
        days = (fields.Date.from_string(holdout_end)
                - fields.Date.from_string(calibration_end)).days
        predicted = clv_estimation.expected_purchases(
            bgnbd, days / WEEK_DAYS, calibration.x, calibration.t_x, calibration.T)
        predicted_revenue = predicted * clv_estimation.expected_average_spend(
            gamma_gamma, calibration.x, calibration.m)
        return (calibration, values, predicted, actual, predicted_revenue, actual_revenue)

    @api.multi
    def action_validate(self):
        """Holdout validation on the model's own history: records and posts how far the
        predictions were from what happened."""
        self.ensure_one()
        today = fields.Date.from_string(fields.Date.context_today(self))
        holdout_from = today - datetime.timedelta(days=int(self.holdout_weeks * WEEK_DAYS))
        date_from = self._window(fields.Date.to_string(today))[0]
        (_summary, _values, predicted, actual, predicted_revenue,
         actual_revenue) = self._validate(date_from, fields.Date.to_string(holdout_from),
                                          fields.Date.to_string(today))
        self.sudo().write({
            "validation_date": fields.Datetime.now(),
            "holdout_date_from": fields.Date.to_string(
                holdout_from + datetime.timedelta(days=1)),
            "holdout_date_to": fields.Date.to_string(today),
            "holdout_predicted_purchases": float(predicted.sum()),
            "holdout_actual_purchases": int(actual.sum()),
            "holdout_predicted_revenue": float(predicted_revenue.sum()),
            "holdout_actual_revenue": float(actual_revenue.sum()),
        })
        self.message_post(body=_(
            "Validated on the last %(weeks)s weeks: %(predicted).1f purchases predicted, "
            "%(actual)s made; revenue %(predicted_revenue).2f predicted, "
            "%(actual_revenue).2f made.") % {
                "weeks": self.holdout_weeks, "predicted": predicted.sum(),
                "actual": int(actual.sum()), "predicted_revenue": predicted_revenue.sum(),
                "actual_revenue": actual_revenue.sum()})
        return True

    # -- entry points

    @api.multi
    def action_fit(self):
        """Refit and rescore now. A failure is shown and nothing changes (the
        transaction is undone): the last good model stays."""
        self.ensure_one()
        written, failure = self._fit_and_score()
        if failure:
            raise UserError(failure)
        self.message_post(body=_(
            "Fitted on %(customers)s customers (%(repeat)s repeat buyers): r %(r).4f, "
            "alpha %(alpha).4f, a %(a).4f, b %(b).4f; p %(p).4f, q %(q).4f, gamma "
            "%(gamma).4f. %(written)s customer scores changed.") % {
                "customers": self.customer_count, "repeat": self.repeat_customer_count,
                "r": self.bgnbd_r, "alpha": self.bgnbd_alpha, "a": self.bgnbd_a,
                "b": self.bgnbd_b, "p": self.gg_p, "q": self.gg_q, "gamma": self.gg_gamma,
                "written": written})
        return True

    @api.model
    def _cron_fit(self):
        """Nightly: refit and rescore every company's model; one company's bad data does
        not stop the others (its failure is on its model, the last good fit kept)."""
        for model in self.search([("company_id", "!=", False)]):
            try:
                with self.env.cr.savepoint():
                    failure = model._fit_and_score()[1]
            except UserError as error:
                failure = error.name
                model.sudo().last_error = failure
            if failure:
                _logger.warning("lifetime value model of %s: %s", model.company_id.name,
                                failure)

    @api.multi
    def action_view_partners(self):
        self.ensure_one()
        action = self.env.ref("crm_extended.crm_partner_clv_action").read()[0]
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action
