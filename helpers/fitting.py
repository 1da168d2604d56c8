"""Fitting power laws to data.  Introduced in 01; the Chinchilla fits are re-exported from chinchilla_fit.

``fit_power_law`` fits y = a * x**(-alpha); ``fit_saturating_power_law`` fits
y = E + (x0/x)**alpha.  Both report standard errors from the curvature of the squared error.
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from helpers._validate import FitError, as_positive_array, finite_scalar, same_shape  # noqa: F401 (FitError is public)
from helpers.chinchilla_fit import (  # noqa: F401  (public API of helpers.fitting)
    LBFGSB_FTOL,
    PAPER_GRID,
    BootstrapResult,
    BootstrapView,
    ChinchillaFit,
    LBFGSBRun,
    bootstrap_chinchilla,
    bootstrap_view,
    chinchilla_objective,
    fit_chinchilla,
    fit_chinchilla_paper_grid,
    lbfgsb_fit,
    settled_halfwidths,
)
from helpers.laws import PowerLaw, SaturatingPowerLaw

__all__ = [
    "FitError", "PowerLawFit", "SaturatingPowerLawFit", "LogLogLine", "fit_log_log_line",
    "fit_power_law", "fit_saturating_power_law",
    "profile_floor", "saturating_objective_grid",
    "ChinchillaFit", "BootstrapResult", "fit_chinchilla", "fit_chinchilla_paper_grid",
    "bootstrap_chinchilla", "chinchilla_objective", "settled_halfwidths", "PAPER_GRID", "LBFGSB_FTOL",
    "BootstrapView", "bootstrap_view", "LBFGSBRun", "lbfgsb_fit",
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
class LogLogLine:
    """ln y = intercept + slope * ln x, fitted by least squares, with standard errors.

    slope may have either sign (y ∝ x**slope). rmse: of the ln y residuals.
    """
    slope: float
    intercept: float
    slope_se: float
    intercept_se: float
    rmse: float

    def __call__(self, x):
        """Predicted y at positive x."""
        return np.exp(self.intercept) * as_positive_array("x", x) ** self.slope


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


def _checked_xy(x, y, min_points, min_distinct=2):
    x = as_positive_array("x", x, ndim=1, min_size=min_points)
    y = as_positive_array("y", y, ndim=1, min_size=min_points)
    same_shape(x=x, y=y)
    if np.unique(x).size < min_distinct:
        raise ValueError(f"x needs at least {min_distinct} distinct values for this fit, got {np.unique(x).size}")
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


def fit_log_log_line(x, y):
    """Fit y = exp(intercept) * x**slope by least squares on ln y, for rising or falling y.  Used in 06.

    x, y: 1-D positive arrays, same length, at least 3 points. Returns LogLogLine.
    """
    x, y = _checked_xy(x, y, min_points=3)
    c, alpha, residuals, jac = _log_log_line(np.log(x), np.log(y))
    intercept_se, slope_se = _standard_errors(jac, residuals)
    return LogLogLine(slope=float(-alpha), intercept=float(c), slope_se=float(slope_se),
                      intercept_se=float(intercept_se), rmse=float(np.sqrt(np.mean(residuals ** 2))))


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


def _saturating_log_residuals(log_x, log_y, E, log_x0, alpha):
    """ln(E + (x0/x)**alpha) - ln y; broadcasts over arrays of E, log_x0, alpha (trailing axis: points)."""
    return np.log(E + np.exp(alpha * (log_x0 - log_x))) - log_y


def fit_saturating_power_law(x, y, *, E=None):
    """Fit y = E + (x0/x)**alpha with 0 <= E < min(y), by least squares on ln y.  Introduced in 01, used in 02.

    x, y: 1-D arrays of positive floats, same length, at least 4 points.
    E: None to fit the floor too (it is first profiled on a grid: for fixed E, ln(y - E) is a
    line in ln x; then all three parameters are polished together), or a fixed floor in
    [0, min(y)) to fit only x0 and alpha (then E_se is 0).
    Returns SaturatingPowerLawFit(law, E_se, log_x0_se, alpha_se, rmse, n_points).
    """
    x, y = _checked_xy(x, y, min_points=4, min_distinct=3)
    log_x, log_y = np.log(x), np.log(y)
    y_min = y.min()
    if E is not None:
        E = finite_scalar("E", E)
        if not 0 <= E < y_min:
            raise ValueError(f"E must lie in [0, min(y)) = [0, {y_min:.4g}), got {E}")
    floors = [E] if E is not None else y_min * (1 - np.geomspace(1, 1e-4, 60))

    best = None
    for floor in floors:
        c, alpha, _, _ = _log_log_line(log_x, np.log(y - floor))
        if alpha <= 1e-9:  # flat or rising above this floor: no decaying power law
            continue
        start = np.array([floor, c / alpha, alpha])
        cost = np.sum(_saturating_log_residuals(log_x, log_y, *start) ** 2)
        if best is None or cost < best[0]:
            best = (cost, start)
    if best is None:
        raise FitError("fit_saturating_power_law: y does not fall with x above the floor E; "
                       "a saturating power law needs y decreasing towards E")
    if E is None:
        upper = [y_min * (1 - 1e-9), np.inf, np.inf]
        result = least_squares(lambda p: _saturating_log_residuals(log_x, log_y, *p),
                               np.minimum(best[1], upper), bounds=([0, -np.inf, 1e-9], upper),
                               x_scale="jac", xtol=1e-12, ftol=1e-12)
    else:
        result = least_squares(lambda p: _saturating_log_residuals(log_x, log_y, E, *p), best[1][1:],
                               bounds=([-np.inf, 1e-9], [np.inf, np.inf]), x_scale="jac",
                               xtol=1e-12, ftol=1e-12)
    if not result.success:
        raise FitError(f"fit_saturating_power_law did not converge: {result.message}")
    if E is None:
        E_fit, log_x0, alpha = result.x
        E_se, log_x0_se, alpha_se = _standard_errors(result.jac, result.fun)
    else:
        (log_x0, alpha), E_fit, E_se = result.x, E, 0.0
        log_x0_se, alpha_se = _standard_errors(result.jac, result.fun)
    law = SaturatingPowerLaw(E=float(E_fit), x0=float(np.exp(log_x0)), alpha=float(alpha))
    return SaturatingPowerLawFit(law=law, E_se=float(E_se), log_x0_se=float(log_x0_se),
                                 alpha_se=float(alpha_se),
                                 rmse=float(np.sqrt(np.mean(result.fun ** 2))), n_points=x.size)


def profile_floor(x, y, E_values):
    """Best fit of y = E + (x0/x)**alpha for each fixed floor E.  Introduced in 02.

    x, y: as for fit_saturating_power_law. E_values: 1-D array of floors in [0, min(y)).
    Returns a list of SaturatingPowerLawFit, one per E (compare their .rmse to see how well
    the data pin down E).
    """
    E_values = as_positive_array("E_values", E_values, ndim=1, allow_zero=True)
    y_min = np.min(as_positive_array("y", y))
    if np.any(E_values >= y_min):
        raise ValueError(f"E_values must lie below min(y) = {y_min:.4g}, found {E_values.max():.4g}")
    return [fit_saturating_power_law(x, y, E=E) for E in E_values]


def saturating_objective_grid(x, y, E_values, alpha_values):
    """RMS of ln y - ln y_hat over a grid of (E, alpha), with x0 at its best for each cell.  Introduced in 02.

    x, y: as for fit_saturating_power_law. E_values: (m,) floors >= 0; alpha_values: (k,)
    positive exponents. Returns an (m, k) array: the picture of how E and alpha trade off.
    x0 is found for all cells at once by a damped Gauss-Newton iteration on ln x0.
    """
    x, y = _checked_xy(x, y, min_points=4, min_distinct=3)
    E_grid = as_positive_array("E_values", E_values, ndim=1, allow_zero=True)[:, None, None]
    if np.any(E_grid >= y.min()):
        raise ValueError(f"E_values must lie below min(y) = {y.min():.4g}, found {E_grid.max():.4g}")
    alpha_grid = as_positive_array("alpha_values", alpha_values, ndim=1)[None, :, None]
    log_x, log_y = np.log(x), np.log(y)
    # Start: the x0 that puts the curve through the data's geometric centre (above the floor).
    target = np.maximum(np.exp(log_y.mean()) - E_grid, 1e-12 * np.exp(log_y.mean()))
    log_x0 = log_x.mean() + np.log(target) / alpha_grid

    def cost(c):
        return np.sum(_saturating_log_residuals(log_x, log_y, E_grid, c, alpha_grid) ** 2, axis=-1,
                      keepdims=True)

    current = cost(log_x0)
    for _ in range(200):
        power = np.exp(alpha_grid * (log_x0 - log_x))
        residual = np.log(E_grid + power) - log_y
        slope = alpha_grid * power / (E_grid + power)           # d residual / d ln x0
        step = -np.sum(residual * slope, axis=-1, keepdims=True) / np.maximum(
            np.sum(slope ** 2, axis=-1, keepdims=True), 1e-300)
        for _ in range(30):  # halve steps that do not lower the cost
            trial = cost(log_x0 + step)
            worse = trial > current
            if not worse.any():
                break
            step = np.where(worse, step / 2, step)
        accept = trial <= current
        log_x0 = np.where(accept, log_x0 + step, log_x0)
        current = np.where(accept, trial, current)
        if np.max(np.abs(step)) < 1e-10:
            break
    else:
        raise FitError("saturating_objective_grid: the best x0 was not found within 200 iterations")
    return np.sqrt(current[..., 0] / x.size)
