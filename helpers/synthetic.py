"""Seeded synthetic training runs drawn from a known law, for exercises, tests and benchmarks.  Used in 01, 06, 07."""
import numpy as np

from helpers._validate import as_positive_array, positive_int, positive_scalar
from helpers.laws import ChinchillaLaw, PowerLaw, SaturatingPowerLaw

__all__ = ["noisy_power_law", "chinchilla_design_runs"]


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
