"""Seeded synthetic training runs drawn from a known law, for exercises, tests and benchmarks.  Used in 01, 06, 07."""
from dataclasses import dataclass

import numpy as np

from helpers import fitting
from helpers._validate import (
    FitError,
    as_positive_array,
    finite_scalar,
    in_open_interval,
    positive_int,
    positive_scalar,
)
from helpers.laws import ChinchillaLaw, PowerLaw, SaturatingPowerLaw

__all__ = ["noisy_power_law", "chinchilla_design_runs", "PowerLawFitDemo", "power_law_fit_demo"]


def noisy_power_law(law, x, noise, seed):
    """Sample y = law(x) * exp(noise * z), z ~ Normal(0, 1): multiplicative (log-normal) noise.

    law: PowerLaw or SaturatingPowerLaw. x: positive array. noise: std of log y (>= 0).
    seed: int. Returns y, same shape as x.
    """
    if not isinstance(law, (PowerLaw, SaturatingPowerLaw)):
        raise TypeError(f"law must be a PowerLaw or SaturatingPowerLaw, got {type(law).__name__}")
    x = as_positive_array("x", x)
    noise = positive_scalar("noise", noise, allow_zero=True)
    seed = positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    return law(x) * np.exp(noise * rng.standard_normal(x.shape))


def chinchilla_design_runs(law, n_budgets, sizes_per_budget, noise, seed, *,
                           min_flops=6e18, max_flops=3e22, spread=10.0):
    """IsoFLOP-style runs like Hoffmann et al. 2022's: several model sizes at each compute budget.

    law: ChinchillaLaw giving the true loss. n_budgets: budgets log-spaced in
    [min_flops, max_flops] (FLOP). sizes_per_budget: model sizes per budget, log-spaced from
    N_opt/spread to N_opt*spread, with D = C / (6 N). noise: std of log loss (0.008 is about
    0.02 nats at loss 2.5, Kaplan et al.'s run-to-run variation). seed: int.
    Returns N (params), D (tokens), loss (nats/token): 1-D arrays of length n_budgets*sizes_per_budget.
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    n_budgets = positive_int("n_budgets", n_budgets, minimum=1)
    sizes_per_budget = positive_int("sizes_per_budget", sizes_per_budget, minimum=1)
    noise = positive_scalar("noise", noise, allow_zero=True)
    seed = positive_int("seed", seed, minimum=0)
    min_flops = positive_scalar("min_flops", min_flops)
    max_flops = positive_scalar("max_flops", max_flops)
    if max_flops < min_flops or (n_budgets > 1 and max_flops == min_flops):
        raise ValueError(f"max_flops must exceed min_flops when n_budgets > 1, got {max_flops:g} and {min_flops:g}")
    spread = positive_scalar("spread", spread)
    if spread < 1:
        raise ValueError(f"spread must be at least 1, got {spread}")
    budgets = np.geomspace(min_flops, max_flops, n_budgets)
    n_opt, _ = law.compute_optimal(budgets)
    factors = np.geomspace(1 / spread, spread, sizes_per_budget)
    N = (n_opt[:, None] * factors[None, :]).ravel()
    C = np.repeat(budgets, sizes_per_budget)
    D = C / (6 * N)
    rng = np.random.default_rng(seed)
    loss = law.loss(N, D) * np.exp(noise * rng.standard_normal(N.size))
    return N, D, loss


_X_START = 10.0          # first data point (arbitrary units of "data")
_N_POINTS = 16
_EXTRAPOLATE_DECADES = 2  # how far beyond the data the prediction is checked
_DEMO_SCALE = 5.0         # y at x = 1 for the demo's true law


@dataclass(frozen=True)
class PowerLawFitDemo:
    """One draw of noisy power-law data, its log- and linear-space fits, and their extrapolation.

    x, y: the data (16,). grid: x values for the curves, up to x_target. truth, log_fit,
    linear_fit: curves on grid. x_target: where the extrapolation is judged.
    *_alpha: fitted exponents. *_error: relative prediction error at x_target (fraction).
    A fit that fails (noisy data over a short range need not fall with x at all) has its curve,
    exponent and error set to None, and its reason in ``failures`` (dict "log"/"linear" -> text).
    """
    x: np.ndarray
    y: np.ndarray
    grid: np.ndarray
    truth: np.ndarray
    log_fit: np.ndarray
    linear_fit: np.ndarray
    x_target: float
    log_alpha: float
    linear_alpha: float
    log_error: float
    linear_error: float
    failures: dict


def power_law_fit_demo(alpha, noise, fit_decades, seed=0):
    """Draw data from y = 5 x**(-alpha) with log-normal noise and fit it two ways.  Introduced in 01.

    alpha: true exponent in (0, 2). noise: std of ln y (>= 0). fit_decades: decades of x
    covered by the data, in [0.5, 6]. seed: int. Returns PowerLawFitDemo.
    """
    alpha = in_open_interval("alpha", alpha, 0.0, 2.0)
    noise = positive_scalar("noise", noise, allow_zero=True)
    fit_decades = finite_scalar("fit_decades", fit_decades)
    if not 0.5 <= fit_decades <= 6:
        raise ValueError(f"fit_decades must lie in [0.5, 6], got {fit_decades}")
    seed = positive_int("seed", seed, minimum=0)
    truth = PowerLaw(a=_DEMO_SCALE, alpha=alpha)
    x = np.geomspace(_X_START, _X_START * 10 ** fit_decades, _N_POINTS)
    y = noisy_power_law(truth, x, noise, seed)
    x_target = x[-1] * 10 ** _EXTRAPOLATE_DECADES
    grid = np.geomspace(x[0], x_target, 200)
    true_target = truth(x_target)
    results, failures = {}, {}
    for space in ("log", "linear"):
        try:
            law = fitting.fit_power_law(x, y, space=space).law
        except FitError:
            failures[space] = "these data do not fall with x, so no decaying power law fits them"
            results[space] = (None, None, None)
        else:
            results[space] = (law(grid), law.alpha, float(law(x_target) / true_target - 1))
    (log_curve, log_alpha, log_error), (linear_curve, linear_alpha, linear_error) = results["log"], results["linear"]
    return PowerLawFitDemo(
        x=x, y=y, grid=grid, truth=truth(grid), log_fit=log_curve, linear_fit=linear_curve,
        x_target=float(x_target), log_alpha=log_alpha, linear_alpha=linear_alpha,
        log_error=log_error, linear_error=linear_error, failures=failures,
    )
