"""Fitting power laws to data.  Introduced in 01; the Chinchilla fits are re-exported from chinchilla_fit.

``fit_power_law`` fits y = a * x**(-alpha); ``fit_saturating_power_law`` fits
y = E + (x0/x)**alpha.  Both report standard errors from the curvature of the squared error.
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from helpers._validate import FitError, as_positive_array, same_shape  # noqa: F401 (FitError is public)
from helpers.chinchilla_fit import (  # noqa: F401  (public API of helpers.fitting)
    BootstrapResult, ChinchillaFit, bootstrap_chinchilla, chinchilla_objective, fit_chinchilla,
    fit_chinchilla_paper_grid,
)
from helpers.laws import PowerLaw, SaturatingPowerLaw

__all__ = [
    "FitError", "PowerLawFit", "SaturatingPowerLawFit", "fit_power_law", "fit_saturating_power_law",
    "ChinchillaFit", "BootstrapResult", "fit_chinchilla", "fit_chinchilla_paper_grid",
    "bootstrap_chinchilla", "chinchilla_objective",
]


@dataclass(frozen=True)
class PowerLawFit:
    """Fitted y = a * x**(-alpha).

    law: PowerLaw. alpha_se, log_a_se: standard errors of alpha and of ln a.
    space: "log" (residuals ln y - ln y_hat) or "linear" (residuals y - y_hat).
    rmse: root-mean-square residual in that space. n_points: points used.
    """
    law: PowerLaw
    alpha_se: float
    log_a_se: float
    space: str
    rmse: float
    n_points: int

    @property
    def a(self):
        return self.law.a

    @property
    def alpha(self):
        return self.law.alpha


@dataclass(frozen=True)
class SaturatingPowerLawFit:
    """Fitted y = E + (x0/x)**alpha, by least squares on ln y.

    law: SaturatingPowerLaw. E_se, log_x0_se, alpha_se: standard errors.
    rmse: root-mean-square of ln y - ln y_hat. n_points: points used.
    """
    law: SaturatingPowerLaw
    E_se: float
    log_x0_se: float
    alpha_se: float
    rmse: float
    n_points: int


def _checked_xy(x, y, min_points):
    x = as_positive_array("x", x, ndim=1, min_size=min_points)
    y = as_positive_array("y", y, ndim=1, min_size=min_points)
    same_shape(x=x, y=y)
    if np.unique(x).size < 2:
        raise ValueError("x needs at least 2 distinct values to fit a slope")
    return x, y


def _standard_errors(jac, residuals):
    """Standard errors from the Jacobian of the residuals (n, p) and the residuals (n,)."""
    n, p = jac.shape
    dof = n - p
    if dof < 1:
        return np.full(p, np.nan)
    s2 = residuals @ residuals / dof
    try:
        cov = np.linalg.inv(jac.T @ jac) * s2
    except np.linalg.LinAlgError:
        return np.full(p, np.inf)
    return np.sqrt(np.clip(np.diag(cov), 0, None))


def _log_log_line(log_x, log_y):
    """Least-squares line ln y = c - alpha ln x: returns (c, alpha, residuals, jacobian)."""
    jac = np.column_stack([np.ones_like(log_x), -log_x])
    (c, alpha), *_ = np.linalg.lstsq(jac, log_y, rcond=None)
    return c, alpha, log_y - jac @ [c, alpha], jac


def fit_power_law(x, y, *, space="log"):
    """Fit y = a * x**(-alpha).  Introduced in 01.

    x, y: 1-D arrays of positive floats, same length, at least 3 points.
    space: "log" -- least squares on ln y (a straight line on log-log axes; every point counts
    by its relative error); "linear" -- least squares on y itself (the largest y dominate).
    Returns PowerLawFit(law, alpha_se, log_a_se, space, rmse, n_points).
    """
    if space not in ("log", "linear"):
        raise ValueError(f"space must be 'log' or 'linear', got {space!r}")
    x, y = _checked_xy(x, y, min_points=3)
    log_x, log_y = np.log(x), np.log(y)
    c, alpha, residuals, jac = _log_log_line(log_x, log_y)
    if space == "linear":
        def residual_fn(p):
            return np.exp(p[0] - p[1] * log_x) - y

        result = least_squares(residual_fn, [c, alpha], x_scale="jac", xtol=1e-12, ftol=1e-12)
        if not result.success:
            raise FitError(f"fit_power_law (linear space) did not converge: {result.message}")
        (c, alpha), residuals, jac = result.x, result.fun, result.jac
    if alpha <= 0:
        raise FitError(f"fit_power_law: y does not fall with x (fitted alpha = {alpha:.3g}); "
                       "a decaying power law needs alpha > 0")
    log_a_se, alpha_se = _standard_errors(jac, residuals)
    return PowerLawFit(law=PowerLaw(a=float(np.exp(c)), alpha=float(alpha)), alpha_se=float(alpha_se),
                       log_a_se=float(log_a_se), space=space,
                       rmse=float(np.sqrt(np.mean(residuals ** 2))), n_points=x.size)


def fit_saturating_power_law(x, y):
    """Fit y = E + (x0/x)**alpha with 0 <= E < min(y), by least squares on ln y.  Introduced in 01, used in 02.

    x, y: 1-D arrays of positive floats, same length, at least 4 points.
    The floor E is first profiled on a grid (for fixed E, ln(y - E) is a line in ln x), then
    all three parameters are polished together.
    Returns SaturatingPowerLawFit(law, E_se, log_x0_se, alpha_se, rmse, n_points).
    """
    x, y = _checked_xy(x, y, min_points=4)
    log_x, log_y = np.log(x), np.log(y)
    y_min = y.min()

    def residual_fn(p):
        E, log_x0, alpha = p
        return np.log(E + np.exp(alpha * (log_x0 - log_x))) - log_y

    best = None
    for E in y_min * (1 - np.geomspace(1, 1e-4, 60)):
        c, alpha, _, _ = _log_log_line(log_x, np.log(y - E))
        if alpha <= 0:
            continue
        start = np.array([E, c / alpha, alpha])
        cost = np.sum(residual_fn(start) ** 2)
        if best is None or cost < best[0]:
            best = (cost, start)
    if best is None:
        raise FitError("fit_saturating_power_law: y does not fall with x for any floor E; "
                       "a saturating power law needs y decreasing towards E")
    upper = [y_min * (1 - 1e-9), np.inf, np.inf]
    start = np.minimum(best[1], upper)
    result = least_squares(residual_fn, start, bounds=([0, -np.inf, 1e-9], upper),
                           x_scale="jac", xtol=1e-12, ftol=1e-12)
    if not result.success:
        raise FitError(f"fit_saturating_power_law did not converge: {result.message}")
    E, log_x0, alpha = result.x
    E_se, log_x0_se, alpha_se = _standard_errors(result.jac, result.fun)
    law = SaturatingPowerLaw(E=float(E), x0=float(np.exp(log_x0)), alpha=float(alpha))
    return SaturatingPowerLawFit(law=law, E_se=float(E_se), log_x0_se=float(log_x0_se),
                                 alpha_se=float(alpha_se),
                                 rmse=float(np.sqrt(np.mean(result.fun ** 2))), n_points=x.size)
