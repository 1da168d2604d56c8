"""Broken neural scaling laws (Caballero et al. 2022) and a robust fit with one break.  Introduced in 13.

A broken power law is a chain of power-law segments joined by smooth bends:

    y = a + b x**(-c0) * prod_i (1 + (x / d_i)**(1 / f_i))**(-c_i f_i)

a is the limit as x grows, d_i where break i sits (x's units), f_i how sharp it is (small =
sharp), and segment k+1 has the log-log slope -(c0 + c1 + ... + ck) on y - a.

``fit_broken_power_law`` fits one break in two stages: a coarse grid over the floor a, the
break location d1 and its sharpness f1 (for each, the other three parameters solve a linear
least-squares problem in ln(y - a)), then a local least-squares polish of all six from the best
grid cells. It fits ln y by default; ``objective="log1p"`` fits Caballero et al.'s ln(y + 1).
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from helpers import fitting
from helpers._validate import FitError, as_positive_array, finite_scalar, positive_int, positive_scalar, same_shape

__all__ = ["BrokenPowerLaw", "BrokenFit", "OBJECTIVES", "PARAMETER_NAMES", "fit_broken_power_law", "rmsle",
           "first_miss", "estimate_text", "factor_text", "BreakFitView", "break_fit_view", "explorer_truth"]

OBJECTIVES = ("log", "log1p")
# The fitted parameter vector of a one-break fit, in this order (standard errors use the same names).
PARAMETER_NAMES = ("a", "log_b", "c0", "c1", "log_d1", "log_f1")

_GRID_BREAKS = 25                                  # break locations, log-spaced over the data's x
_GRID_SHARPNESS = np.geomspace(0.03, 3.0, 9)       # f1: from a kink to a bend over several decades
_GRID_FLOOR_FRACTIONS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95)   # a as a fraction of min(y)
_SHARPNESS_BOUNDS = (0.01, 10.0)
_POLISHED_STARTS = 3
_MAX_EVALUATIONS = 200    # per polish; a flat valley of equal fits stops here (converged=False)
_MIN_POINTS = 8


def _softplus(u):
    """ln(1 + e**u), without overflow for large u."""
    return np.logaddexp(0.0, u)


def _sigmoid(u):
    return 0.5 * (1.0 + np.tanh(0.5 * u))


def _as_tuple(name, values, check):
    values = np.atleast_1d(np.asarray(values, dtype=float)) if np.ndim(values) else np.array([values], float)
    return tuple(check(f"{name}[{i}]", v) for i, v in enumerate(values))


@dataclass(frozen=True)
class BrokenPowerLaw:
    """y = a + b x**(-c0) prod_i (1 + (x/d_i)**(1/f_i))**(-c_i f_i).  Introduced in 13.

    a: limit as x grows (y's units, >= 0). b: scale (> 0). c0: log-log slope of y - a before
    the first break (any sign). c, d, f: one entry per break: change of slope (any sign), break
    location (x's units, > 0, increasing) and sharpness (> 0; small = sharp). A law without
    breaks (c = d = f = ()) is a saturating power law.
    """
    a: float
    b: float
    c0: float
    c: tuple = ()
    d: tuple = ()
    f: tuple = ()

    def __post_init__(self):
        c = _as_tuple("c", self.c, finite_scalar)
        d = _as_tuple("d", self.d, positive_scalar)
        f = _as_tuple("f", self.f, positive_scalar)
        if not len(c) == len(d) == len(f):
            raise ValueError(f"c, d and f need one entry per break, got {len(c)}, {len(d)} and {len(f)}")
        if any(d1 >= d2 for d1, d2 in zip(d, d[1:])):
            raise ValueError(f"d must increase (one break after another), got {d}")
        for name, value in (("a", positive_scalar("a", self.a, allow_zero=True)), ("b", positive_scalar("b", self.b)),
                            ("c0", finite_scalar("c0", self.c0)), ("c", c), ("d", d), ("f", f)):
            object.__setattr__(self, name, value)

    @property
    def n_breaks(self):
        return len(self.d)

    @property
    def segment_exponents(self):
        """Log-log slopes of y - a, negated, segment by segment: (c0, c0 + c1, ...)."""
        return tuple(float(s) for s in np.cumsum([self.c0, *self.c]))

    def _log_reducible(self, log_x):
        total = np.log(self.b) - self.c0 * log_x
        for c, d, f in zip(self.c, self.d, self.f):
            total = total - c * f * _softplus((log_x - np.log(d)) / f)
        return total

    def reducible(self, x):
        """y - a at positive x (any shape)."""
        return np.exp(self._log_reducible(np.log(as_positive_array("x", x))))

    def __call__(self, x):
        """y at positive x (any shape)."""
        return self.a + self.reducible(x)

    def local_exponent(self, x):
        """-d ln(y - a) / d ln x at x: c0 + sum_i c_i s_i, s_i rising from 0 to 1 across break i."""
        log_x = np.log(as_positive_array("x", x))
        slope = np.full_like(log_x, self.c0)
        for c, d, f in zip(self.c, self.d, self.f):
            slope = slope + c * _sigmoid((log_x - np.log(d)) / f)
        return slope


@dataclass(frozen=True)
class BrokenFit:
    """A fitted one-break law.  Introduced in 13.

    law: BrokenPowerLaw. objective: "log" (residuals ln y_hat - ln y) or "log1p" (ln(y_hat + 1)
    - ln(y + 1)). residuals: (n,) in that space. rmse: their root mean square. params: dict of the
    fitted vector (PARAMETER_NAMES: a, ln b, c0, c1, ln d1, ln f1); standard_errors: the same keys
    (inf or nan where the data do not pin a parameter down). start: the grid cell the polish began
    from. at_bound: names of parameters that ended on a bound (their errors mean little).
    """
    law: BrokenPowerLaw
    objective: str
    residuals: np.ndarray
    rmse: float
    params: dict
    standard_errors: dict
    start: BrokenPowerLaw
    at_bound: tuple
    converged: bool
    n_points: int


def _transform(objective, y):
    return np.log(y) if objective == "log" else np.log1p(y)


def _model(theta, log_x):
    a, log_b, c0, c1, log_d, log_f = theta
    f = np.exp(log_f)
    return a + np.exp(log_b - c0 * log_x - c1 * f * _softplus((log_x - log_d) / f))


def _model_jacobian(theta, log_x):
    """d model / d theta at each point: (n, 6)."""
    a, log_b, c0, c1, log_d, log_f = theta
    f = np.exp(log_f)
    u = (log_x - log_d) / f
    soft = _softplus(u)
    reducible = np.exp(log_b - c0 * log_x - c1 * f * soft)
    return np.column_stack([np.ones_like(log_x), reducible, -log_x * reducible, -f * soft * reducible,
                            c1 * _sigmoid(u) * reducible, -c1 * f * (soft - u * _sigmoid(u)) * reducible])


def _law(theta):
    a, log_b, c0, c1, log_d, log_f = (float(v) for v in theta)
    return BrokenPowerLaw(a=max(a, 0.0), b=np.exp(log_b), c0=c0, c=(c1,), d=(np.exp(log_d),), f=(np.exp(log_f),))


def _grid_starts(log_x, y, objective, count):
    """The best `count` grid cells (a, ln d1, ln f1), each with its least-squares (ln b, c0, c1)."""
    log_d = np.linspace(log_x.min(), log_x.max(), _GRID_BREAKS)
    log_f = np.log(_GRID_SHARPNESS)
    floors = y.min() * np.asarray(_GRID_FLOOR_FRACTIONS)
    f = np.exp(log_f)[None, :, None]
    bend = -f * _softplus((log_x[None, None, :] - log_d[:, None, None]) / f)            # (n_d, n_f, n)
    design = np.stack(np.broadcast_arrays(np.ones_like(bend), -log_x[None, None, :], bend), axis=-1)
    pinv = np.linalg.pinv(design)                                                         # (n_d, n_f, 3, n)
    target = np.log(y[None, :] - floors[:, None])                                         # (n_a, n)
    coef = np.einsum("dfkn,an->adfk", pinv, target)                                       # (n_a, n_d, n_f, 3)
    fitted = floors[:, None, None, None] + np.exp(np.einsum("dfnk,adfk->adfn", design, coef))
    with np.errstate(over="ignore", invalid="ignore"):
        cost = np.sum((_transform(objective, fitted) - _transform(objective, y)) ** 2, axis=-1)
    cost = np.where(np.isfinite(cost), cost, np.inf)
    starts = []
    for flat in np.argsort(cost, axis=None)[:count]:
        i_a, i_d, i_f = np.unravel_index(flat, cost.shape)
        log_b, c0, c1 = coef[i_a, i_d, i_f]
        starts.append(np.array([floors[i_a], log_b, c0, c1, log_d[i_d], log_f[i_f]]))
    return starts


def fit_broken_power_law(x, y, *, objective="log"):
    """Fit a broken power law with one break, y = a + b x**-c0 (1 + (x/d1)**(1/f1))**(-c1 f1).  Introduced in 13.

    x, y: 1-D positive arrays, same length, at least 8 points (6 parameters). objective: "log"
    (least squares on ln y, every point counted by its relative error: the default, and the
    scale of the RMSLE by which Caballero et al. judge extrapolations) or "log1p" (their fitting
    objective, the mean squared error of ln(y + 1): like ln y for y >> 1, like y itself for
    y << 1, so it depends on y's units, and it allows y = 0).
    The break is looked for inside the data (d1 between min(x) and max(x)): a break outside
    them leaves no trace the fit could use. The floor a lies in [0, min(y)).
    Stage 1: a grid of 6 floors x 25 break locations x 9 sharpnesses; for each cell ln(y - a) is
    linear in (ln b, c0, c1), solved by least squares. Stage 2: scipy's least_squares (analytic
    Jacobian) from the best cell, all six parameters free within those bounds; if it stops short
    of convergence, from the next two cells as well, and the lowest cost wins.
    Returns BrokenFit. Raises FitError if every polish fails.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    x = as_positive_array("x", x, ndim=1, min_size=_MIN_POINTS)
    y = as_positive_array("y", y, ndim=1, min_size=_MIN_POINTS)
    same_shape(x=x, y=y)
    if np.unique(x).size < _MIN_POINTS - 1:
        raise ValueError(f"x needs at least {_MIN_POINTS - 1} distinct values for a one-break fit, "
                         f"got {np.unique(x).size}")
    log_x, target = np.log(x), _transform(objective, y)
    lower = np.array([0.0, -np.inf, -np.inf, -np.inf, log_x.min(), np.log(_SHARPNESS_BOUNDS[0])])
    upper = np.array([y.min() * (1 - 1e-9), np.inf, np.inf, np.inf, log_x.max(), np.log(_SHARPNESS_BOUNDS[1])])

    def residuals(theta):
        return _transform(objective, _model(theta, log_x)) - target

    def jacobian(theta):
        model = _model(theta, log_x)
        return _model_jacobian(theta, log_x) / (model if objective == "log" else 1 + model)[:, None]

    best, starts = None, _grid_starts(log_x, y, objective, _POLISHED_STARTS)
    for start in starts:
        with np.errstate(over="ignore", invalid="ignore"):
            result = least_squares(residuals, np.clip(start, lower, upper), jac=jacobian, bounds=(lower, upper),
                                   x_scale="jac", xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=_MAX_EVALUATIONS)
        if result.status >= 0 and np.isfinite(result.cost) and (best is None or result.cost < best[0].cost):
            best = (result, start)
        if best is not None and best[0].status > 0:
            break  # converged from the best cell; the next cells are for fits that stopped short
    if best is None:
        raise FitError("fit_broken_power_law: every local fit from the grid's best cells failed")
    result, start = best
    theta = result.x
    span = upper - lower
    tol = 1e-6 * np.where(np.isfinite(span), span, 1.0)
    on_bound = (theta - lower <= tol) | (upper - theta <= tol)
    at_bound = tuple(name for name, on in zip(PARAMETER_NAMES, on_bound) if on)
    errors = fitting._standard_errors(result.jac, result.fun)
    return BrokenFit(law=_law(theta), objective=objective, residuals=result.fun,
                     rmse=float(np.sqrt(np.mean(result.fun ** 2))),
                     params=dict(zip(PARAMETER_NAMES, (float(v) for v in theta))),
                     standard_errors=dict(zip(PARAMETER_NAMES, (float(e) for e in errors))),
                     start=_law(start), at_bound=at_bound, converged=result.status > 0, n_points=x.size)


def rmsle(predicted, observed):
    """Root mean square of ln(predicted) - ln(observed): Caballero et al.'s extrapolation score.  Introduced in 13.

    predicted, observed: positive arrays of the same shape. Returns a float (0.05 is about 5%).
    """
    predicted = as_positive_array("predicted", predicted)
    observed = as_positive_array("observed", observed)
    same_shape(predicted=predicted, observed=observed)
    return float(np.sqrt(np.mean((np.log(predicted) - np.log(observed)) ** 2)))


def first_miss(x, predicted, truth, tolerance):
    """The first x at which |predicted / truth - 1| exceeds ``tolerance``, or None.  Introduced in 13.

    x: increasing positive (n,). predicted, truth: positive (n,). tolerance: a fraction (0.05 = 5%).
    """
    x = as_positive_array("x", x, ndim=1)
    predicted = as_positive_array("predicted", predicted, ndim=1)
    truth = as_positive_array("truth", truth, ndim=1)
    same_shape(x=x, predicted=predicted, truth=truth)
    tolerance = positive_scalar("tolerance", tolerance)
    miss = np.flatnonzero(np.abs(predicted / truth - 1) > tolerance)
    return float(x[miss[0]]) if miss.size else None


def estimate_text(value, error):
    """'value ± error' rounded at the error's leading digit (e.g. '0.50 ± 0.03').  Introduced in 13.

    These are the digits a fit settles: finer ones change with the noise of the data.

    value: finite number. error: standard error (> 0); an infinite or NaN error prints 'value (not determined)'.
    """
    value = finite_scalar("value", value)
    if not np.isfinite(error) or error <= 0:
        return f"{value:.2g} (not determined)"
    decimals = int(-np.floor(np.log10(error)))
    if decimals <= 0:
        step = 10.0 ** -decimals
        return f"{round(value / step) * step:.0f} ± {round(error / step) * step:.0f}"
    return f"{value:.{decimals}f} ± {error:.{decimals}f}"


def factor_text(log_value, log_error):
    """A positive quantity fitted as its log: 'value ×/÷ factor' with the factor exp(log_error).  Introduced in 13."""
    log_value = finite_scalar("log_value", log_value)
    if not np.isfinite(log_error) or log_error <= 0:
        return f"{np.exp(log_value):.2g} (not determined)"
    return f"{np.exp(log_value):.2g} ×/÷ {np.exp(log_error):.2f}"


# Notebook 13's explorer: one simulated curve with a break, fitted over a chosen number of points.
EXPLORER_X = np.geomspace(1e2, 1e7, 24)        # the data's x (e.g. training examples)
EXPLORER_DISPLAY_END = 1e8                     # curves are drawn a decade beyond the data
EXPLORER_NOISE = 0.01                          # std of ln y
EXPLORER_MISS = 0.10                           # "extrapolation fails" once a fit is 10% off the truth


def explorer_truth(log10_break, sharpness):
    """The explorer's true law: y = 0.2 + 5 x**-0.05 (1 + (x/d1)**(1/f1))**(-0.6 f1), d1 = 10**log10_break."""
    log10_break = finite_scalar("log10_break", log10_break)
    return BrokenPowerLaw(a=0.2, b=5.0, c0=0.05, c=(0.6,), d=(10.0 ** log10_break,), f=(sharpness,))


@dataclass(frozen=True)
class BreakFitView:
    """What notebook 13's explorer draws for one setting.

    x, y: all the simulated data (24,); the first n_fitted were fitted, the rest are held out.
    grid: x for the curves (300,), to a decade beyond the data. truth, broken_fit, power_law:
    curves on grid (the one-break fit and a single power law y = A x**-alpha, both fitted to the
    first n_fitted points). held_out_rmsle: dict "broken"/"power law" -> RMSLE on the held-out
    points (None when every point was fitted). first_miss: dict of the same keys -> first x beyond
    the fitted data where that fit is 10% off the truth (None if it never is, up to grid's end).
    fit: the BrokenFit.
    """
    x: np.ndarray
    y: np.ndarray
    n_fitted: int
    grid: np.ndarray
    truth: np.ndarray
    broken_fit: np.ndarray
    power_law: np.ndarray
    held_out_rmsle: dict
    first_miss: dict
    fit: BrokenFit


def break_fit_view(log10_break, sharpness, n_fitted, seed=0):
    """Simulate 24 noisy points of a one-break law, fit the first n_fitted two ways, judge the rest.  Introduced in 13.

    log10_break: log10 of the true break location d1 (the data span x = 1e2 to 1e7). sharpness:
    the true f1 (> 0). n_fitted: points fitted, 8 to 24. seed: int for the 1% log-normal noise.
    Returns BreakFitView.
    """
    truth = explorer_truth(log10_break, sharpness)
    n_fitted = positive_int("n_fitted", n_fitted, minimum=_MIN_POINTS)
    if n_fitted > EXPLORER_X.size:
        raise ValueError(f"n_fitted must be at most {EXPLORER_X.size}, got {n_fitted}")
    seed = positive_int("seed", seed, minimum=0)
    x = EXPLORER_X
    y = truth(x) * np.exp(EXPLORER_NOISE * np.random.default_rng(seed).standard_normal(x.size))
    fit = fit_broken_power_law(x[:n_fitted], y[:n_fitted])
    line = fitting.fit_log_log_line(x[:n_fitted], y[:n_fitted])
    grid = np.geomspace(x[0], EXPLORER_DISPLAY_END, 300)
    curves = {"broken": fit.law(grid), "power law": line(grid)}
    true_curve = truth(grid)
    beyond = grid > x[n_fitted - 1]
    held_out, misses = {}, {}
    for name, curve in curves.items():
        held_out[name] = None if n_fitted == x.size else rmsle(
            (fit.law if name == "broken" else line)(x[n_fitted:]), y[n_fitted:])
        misses[name] = first_miss(grid[beyond], curve[beyond], true_curve[beyond], EXPLORER_MISS)
    return BreakFitView(x=x, y=y, n_fitted=n_fitted, grid=grid, truth=true_curve, broken_fit=curves["broken"],
                        power_law=curves["power law"], held_out_rmsle=held_out, first_miss=misses, fit=fit)
