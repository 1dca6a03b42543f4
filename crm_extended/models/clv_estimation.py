# BG/NBD and Gamma-Gamma on NumPy/SciPy: likelihoods, fits and predictions.
# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure functions over arrays, without Odoo, so that the benchmark and the tests can run them
on any data.

Time is measured in weeks (days / 7), as in Fader, Hardie & Lee. For each customer:

- ``x``: repeat purchases (purchase days after the first one) in the window;
- ``t_x``: weeks from the first purchase to the last one;
- ``T``: weeks from the first purchase to the end of the window;
- ``m``: average net value of the repeat purchases (Gamma-Gamma only).

References: Fader, Hardie & Lee, "Counting Your Customers the Easy Way: An Alternative to
the Pareto/NBD Model", Marketing Science 24(2), 2005 (equations 6, 10 and 13);
Fader, Hardie & Lee, "RFM and CLV: Using Iso-value Curves for Customer Base Analysis",
Journal of Marketing Research 42(4), 2005, and Fader & Hardie, "The Gamma-Gamma Model of
Monetary Value" (2013), for the spend model.
"""
import numpy as np
from scipy import optimize, special

BGNBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "gamma")
# Below these the estimates are noise; the user is told rather than shown numbers.
MIN_CUSTOMERS = 20
MIN_REPEAT_BUYERS = 10
MAX_RESTARTS = 6
MAX_EVALUATIONS = 3000
LOG_PARAMETER_BOUND = np.log(1e6)
SUBSAMPLE_SIZE = 10000


class ClvFitError(ValueError):
    """The data cannot be fitted (too few customers or purchases, or no convergence)."""


def bgnbd_log_likelihood(params, x, t_x, T):
    """Log-likelihood of each customer under BG/NBD with params (r, alpha, a, b)
    (Fader, Hardie & Lee 2005, equation 6, in logs)."""
    return _BgnbdData(x, t_x, T).log_likelihood(params)


class _BgnbdData(object):
    """Customers' (x, t_x, T) prepared for many evaluations of the likelihood: the terms
    that depend on x alone (four log-gammas, the costly part) are computed once per
    distinct x, of which there are few, and spread to the customers by index."""

    def __init__(self, x, t_x, T):
        x = np.asarray(x, dtype=float)
        self.t_x = np.asarray(t_x, dtype=float)
        self.T = np.asarray(T, dtype=float)
        self.x_values, self.x_index = np.unique(x, return_inverse=True)
        self.x = x
        self.repeat = x > 0

    def log_likelihood(self, params):
        r, alpha, a, b = params
        xv = self.x_values
        by_x = (special.gammaln(r + xv) - special.gammaln(r) + r * np.log(alpha)
                + special.gammaln(a + b) + special.gammaln(b + xv)
                - special.gammaln(b) - special.gammaln(a + b + xv))
        a3 = -(r + self.x) * np.log(alpha + self.T)
        # The second term exists for repeat buyers only (the customer may have died
        # after the last purchase); b + x - 1 > 0 there.
        with np.errstate(divide="ignore"):
            a4_by_x = np.where(xv > 0, np.log(a) - np.log(np.maximum(b + xv - 1, 0)), -np.inf)
        a4 = a4_by_x[self.x_index] - (r + self.x) * np.log(alpha + self.t_x)
        return by_x[self.x_index] + np.logaddexp(a3, a4)


def gamma_gamma_log_likelihood(params, x, m):
    """Log-likelihood of the average spend ``m`` of each repeat buyer with ``x`` repeat
    purchases under the Gamma-Gamma model with params (p, q, gamma)."""
    return _GammaGammaData(x, m).log_likelihood(params)


class _GammaGammaData(object):
    """Repeat buyers' (x, m) prepared for many evaluations: the log-gammas by distinct x,
    the logarithms of x and m once."""

    def __init__(self, x, m):
        self.x = np.asarray(x, dtype=float)
        self.log_m = np.log(np.asarray(m, dtype=float))
        self.m = np.asarray(m, dtype=float)
        self.x_values, self.x_index = np.unique(self.x, return_inverse=True)

    def log_likelihood(self, params):
        p, q, gamma = params
        xv = self.x_values
        by_x = (special.gammaln(p * xv + q) - special.gammaln(p * xv) - special.gammaln(q)
                + q * np.log(gamma) + p * xv * np.log(xv))
        px = p * self.x
        return (by_x[self.x_index] + (px - 1) * self.log_m
                - (px + q) * np.log(gamma + self.x * self.m))


def _fit(log_likelihood, start, weights, what):
    """Maximise the weighted sum of ``log_likelihood(params)`` over positive parameters,
    searched as their logarithms (unconstrained) with Nelder-Mead, restarted from its own
    result until two runs agree (a single run stalls easily on flat ridges such as a, b).
    Parameters beyond 1e-6..1e6 mean data the model does not describe (no customer ever
    drops out, say): the search stops there and says so rather than wander off."""
    def objective(log_params):
        if np.abs(log_params).max() > LOG_PARAMETER_BOUND:
            return np.inf
        # Multiply and add rather than a dot product: dot goes through BLAS, whose
        # threads stall a busy machine (18 ms instead of 0.2 for 20,000 customers).
        value = -(weights * log_likelihood(np.exp(log_params))).sum()
        return value if np.isfinite(value) else np.inf

    best, point = None, np.log(start)
    for _attempt in range(MAX_RESTARTS):
        result = optimize.minimize(objective, point, method="Nelder-Mead", options={
            "maxiter": MAX_EVALUATIONS, "maxfev": MAX_EVALUATIONS,
            "xatol": 1e-5, "fatol": 1e-6})
        converged = best is not None and abs(best.fun - result.fun) < 1e-5
        best, point = result, result.x
        if converged and result.success:
            break
    else:
        raise ClvFitError("%s: the fit did not converge (%s)" % (what, best.message))
    if np.abs(best.x).max() > LOG_PARAMETER_BOUND - 0.5:
        raise ClvFitError("%s: the fit did not converge (a parameter runs to the edge of "
                          "its range: %s)" % (what, ", ".join(
                              "%.6g" % value for value in np.exp(best.x))))
    return np.exp(best.x), -best.fun


def _subsample(weights, size):
    """A fixed pseudo-random subset of about ``size`` customers, as a boolean mask; the
    fit on it gives the full fit a start close to the optimum (a third of the steps)."""
    return np.random.RandomState(0).rand(len(weights)) < size / float(len(weights))


def fit_bgnbd(x, t_x, T, weights=None):
    """(params (r, alpha, a, b), log-likelihood) maximising the BG/NBD likelihood.

    ``weights`` counts customers sharing the same (x, t_x, T); none means one each."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    weights = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if weights.sum() < MIN_CUSTOMERS:
        raise ClvFitError("BG/NBD: %d customers, at least %d are needed"
                          % (weights.sum(), MIN_CUSTOMERS))
    if weights[x > 0].sum() < MIN_REPEAT_BUYERS:
        raise ClvFitError("BG/NBD: %d customers bought more than once, at least %d are "
                          "needed" % (weights[x > 0].sum(), MIN_REPEAT_BUYERS))
    # Start from a scale of alpha that matches the observed purchase rate.
    rate = max((x * weights).sum() / max((T * weights).sum(), 1e-9), 1e-6)
    start = np.array([1.0, 1.0 / rate, 1.0, 1.0])
    if len(x) > 2 * SUBSAMPLE_SIZE:
        part = _subsample(weights, SUBSAMPLE_SIZE)
        start = _fit(_BgnbdData(x[part], t_x[part], T[part]).log_likelihood, start,
                     weights[part], "BG/NBD")[0]
    return _fit(_BgnbdData(x, t_x, T).log_likelihood, start, weights, "BG/NBD")


def fit_gamma_gamma(x, m, weights=None):
    """(params (p, q, gamma), log-likelihood) of the spend of the repeat buyers
    (x > 0 and m > 0; the others are left out)."""
    x, m = (np.asarray(v, dtype=float) for v in (x, m))
    weights = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = (x > 0) & (m > 0)
    if weights[keep].sum() < MIN_REPEAT_BUYERS:
        raise ClvFitError("Gamma-Gamma: %d customers bought more than once with a "
                          "positive spend, at least %d are needed"
                          % (weights[keep].sum(), MIN_REPEAT_BUYERS))
    mean = (m[keep] * weights[keep]).sum() / weights[keep].sum()
    return _fit(_GammaGammaData(x[keep], m[keep]).log_likelihood,
                np.array([1.0, 1.0, mean]), weights[keep], "Gamma-Gamma")


def _bgnbd_alive_odds(params, x, t_x, T):
    """a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x) for repeat buyers, 0
    for the others: P(alive) = 1 / (1 + odds)."""
    r, alpha, a, b = params
    odds = np.zeros_like(x)
    repeat = x > 0
    odds[repeat] = np.exp(np.log(a) - np.log(b + x[repeat] - 1)
                          + (r + x[repeat]) * (np.log(alpha + T[repeat])
                                               - np.log(alpha + t_x[repeat])))
    return odds


def probability_alive(params, x, t_x, T):
    """P(the customer is still active at T | x, t_x, T) (equation 13)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return 1.0 / (1.0 + _bgnbd_alive_odds(params, x, t_x, T))


def expected_purchases(params, t, x, t_x, T):
    """E[purchases in (T, T + t] | x, t_x, T] (equation 10)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    t = np.asarray(t, dtype=float)
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    growth = 1.0 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp
    return ((a + b + x - 1) / (a - 1)) * growth / (1.0 + _bgnbd_alive_odds(params, x, t_x, T))


def expected_average_spend(params, x, m):
    """E[spend per purchase | x repeat purchases averaging m]: the population mean
    p * gamma / (q - 1) weighted with the customer's own average; the population mean
    for customers without repeat purchases."""
    p, q, gamma = params
    x = np.asarray(x, dtype=float)
    m = np.where(x > 0, np.asarray(m, dtype=float), 0.0)
    return (gamma + m * x) * p / (p * x + q - 1)


def expected_value(bgnbd, gamma_gamma, x, t_x, T, m, months=12, yearly_discount=0.0):
    """Discounted value of the purchases of the next ``months`` months: for each month, the
    expected purchases in it times the expected spend per purchase, discounted at the
    monthly equivalent of ``yearly_discount`` (months of 365.25 / 12 days)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    spend = expected_average_spend(gamma_gamma, x, m)
    month = 365.25 / 12 / 7
    monthly = (1.0 + yearly_discount) ** (1.0 / 12) - 1.0
    value = np.zeros_like(x)
    previous = np.zeros_like(x)
    for i in range(1, months + 1):
        cumulated = expected_purchases(bgnbd, i * month, x, t_x, T)
        value += (cumulated - previous) / (1.0 + monthly) ** i
        previous = cumulated
    return value * spend
