"""Hoffmann et al. 2022's first two approaches to the compute-optimal frontier.  Introduced in 06.

Approach 1: for each compute budget C, read every training curve at the point where it has
spent C (tokens seen = C / 6N) and keep the lowest loss: the envelope of the curves gives
N_opt(C). Approach 2: at each of a few fixed budgets, train several model sizes (an IsoFLOP
profile), fit a parabola to loss against ln N and take its minimum. Either way, power laws
N_opt ∝ C**a and D_opt ∝ C**b are then fitted across budgets. (Approach 3 is
fitting.fit_chinchilla.)  Units: N parameters, D tokens, C FLOP, loss nats/token.
"""
from dataclasses import dataclass

import numpy as np

from helpers._validate import FitError, as_positive_array, in_open_interval, positive_int, positive_scalar, same_shape
from helpers.fitting import fit_log_log_line
from helpers.laws import ChinchillaLaw

__all__ = ["Frontier", "IsoFLOPProfileFit", "approach1_envelope", "approach2_isoflop", "isoflop_profile_fit",
           "isoflop_vertex_error", "BudgetView", "budget_view"]


@dataclass(frozen=True)
class Frontier:
    """Compute-optimal points per budget, and the power laws fitted through them.

    C: budgets (K,) FLOP. N_opt, D_opt: (K,). loss: lowest loss at each budget (K,).
    a, b: fitted exponents of N_opt ∝ C**a and D_opt ∝ C**b (a + b = 1 since D = C / 6N).
    """
    C: np.ndarray
    N_opt: np.ndarray
    D_opt: np.ndarray
    loss: np.ndarray

    @property
    def a(self):
        return fit_log_log_line(self.C, self.N_opt).slope

    @property
    def b(self):
        return fit_log_log_line(self.C, self.D_opt).slope


def approach1_envelope(params, horizon, tokens_seen, loss, budgets):
    """Approach 1: the lowest loss any training curve reaches with each budget.  Introduced in 06.

    params, horizon, tokens_seen, loss: 1-D arrays of the same length, one row per point of a
    training curve (a curve is one (params, horizon) pair). budgets: FLOP values, each reached
    by at least three model sizes. A curve is read at tokens = budget / (6 params) by
    interpolating its loss in ln tokens; each size keeps its best curve, and N_opt is the
    minimum of a parabola in ln N through the best size and its two neighbours (so N_opt is
    not limited to the sizes trained). Returns Frontier.
    """
    arrays = {name: as_positive_array(name, value, ndim=1, min_size=2) for name, value in
              (("params", params), ("horizon", horizon), ("tokens_seen", tokens_seen), ("loss", loss))}
    same_shape(**arrays)
    budgets = as_positive_array("budgets", budgets, ndim=1, min_size=3)
    sizes = np.unique(arrays["params"])
    # best[i, j]: lowest loss of any curve of size i at budget j (inf where none reaches it).
    best = np.full((sizes.size, budgets.size), np.inf)
    for n, h in np.unique(np.stack([arrays["params"], arrays["horizon"]], axis=1), axis=0):
        rows = (arrays["params"] == n) & (arrays["horizon"] == h)
        order = np.argsort(arrays["tokens_seen"][rows])
        seen, curve = arrays["tokens_seen"][rows][order], arrays["loss"][rows][order]
        wanted = budgets / (6 * n)
        inside = (wanted >= seen[0]) & (wanted <= seen[-1])
        at_budget = np.where(inside, np.interp(np.log(wanted), np.log(seen), curve), np.inf)
        i = np.searchsorted(sizes, n)
        best[i] = np.minimum(best[i], at_budget)
    n_opt, lowest = np.empty(budgets.size), np.empty(budgets.size)
    for j, c in enumerate(budgets):
        reached = np.flatnonzero(np.isfinite(best[:, j]))
        if reached.size < 3:
            raise ValueError(f"budgets must each be reached by at least three model sizes; {c:.3g} FLOP is "
                             f"reached by {reached.size}")
        k = reached[np.argmin(best[reached, j])]
        window = reached[np.clip(np.searchsorted(reached, k) + np.array([-1, 0, 1]), 0, reached.size - 1)]
        if np.unique(window).size == 3:
            log_n, lowest[j] = _parabola_minimum(np.log(sizes[window]), best[window, j], c)
            n_opt[j] = np.exp(np.clip(log_n, np.log(sizes[window[0]]), np.log(sizes[window[-1]])))
        else:  # the best size is the smallest or largest reached: no interior minimum to refine
            n_opt[j], lowest[j] = sizes[k], best[k, j]
    return Frontier(C=budgets, N_opt=n_opt, D_opt=budgets / (6 * n_opt), loss=lowest)


def approach2_isoflop(budget, params, loss):
    """Approach 2: a parabola in ln N through each IsoFLOP profile; its minimum.  Introduced in 06.

    budget, params, loss: 1-D arrays of the same length, one row per run; runs with the same
    budget form one profile, which needs at least 3 distinct sizes and must curve upwards.
    Returns Frontier over the distinct budgets, sorted.
    """
    budget = as_positive_array("budget", budget, ndim=1, min_size=3)
    params = as_positive_array("params", params, ndim=1, min_size=3)
    loss = as_positive_array("loss", loss, ndim=1, min_size=3)
    same_shape(budget=budget, params=params, loss=loss)
    budgets = np.unique(budget)
    if budgets.size < 3:
        raise ValueError(f"budget needs at least 3 distinct IsoFLOP budgets, got {budgets.size}")
    vertices = []
    for c in budgets:
        rows = budget == c
        if np.unique(params[rows]).size < 3:
            raise ValueError(f"params needs at least 3 distinct sizes at budget {c:.3g} FLOP")
        vertices.append(_parabola_minimum(np.log(params[rows]), loss[rows], c))
    log_n, best = np.array(vertices).T
    n_opt = np.exp(log_n)
    return Frontier(C=budgets, N_opt=n_opt, D_opt=budgets / (6 * n_opt), loss=best)


def _fit_parabola(log_n, loss, budget):
    """(curvature, slope, offset) of the least-squares parabola loss(ln N); it must curve upwards."""
    curvature, slope, offset = np.polyfit(log_n, loss, 2)
    # Curvature below rounding level (relative to the loss and the span of ln N) counts as flat.
    if curvature <= 1e-9 * max(np.abs(loss).max(), 1.0) / np.ptp(log_n) ** 2:
        raise FitError(f"the loss profile at {budget:.3g} FLOP does not curve upwards, so it has no minimum")
    return curvature, slope, offset


def _parabola_minimum(log_n, loss, budget):
    """(ln N, loss) at the minimum of the least-squares parabola through one profile."""
    curvature, slope, offset = _fit_parabola(log_n, loss, budget)
    return -slope / (2 * curvature), offset - slope ** 2 / (4 * curvature)


@dataclass(frozen=True)
class IsoFLOPProfileFit:
    """A parabola fitted to noise-free IsoFLOP samples, against the true profile.

    sizes, losses: the sampled model sizes and their true losses. curvature, slope, offset:
    the parabola loss = curvature (ln N)**2 + slope ln N + offset. N_vertex: its minimum.
    N_opt: the true optimum. error_decades: log10(N_vertex / N_opt).
    """
    sizes: np.ndarray
    losses: np.ndarray
    curvature: float
    slope: float
    offset: float
    N_vertex: float
    N_opt: float
    error_decades: float

    def parabola(self, N):
        """The fitted parabola's loss at sizes N."""
        log_n = np.log(as_positive_array("N", N))
        return self.curvature * log_n ** 2 + self.slope * log_n + self.offset


def isoflop_profile_fit(law, budget, offset_decades, width_decades, n_sizes=9):
    """Sample an IsoFLOP profile off-centre and fit Approach 2's parabola.  Introduced in 06.

    law: ChinchillaLaw (noise-free truth). budget: FLOP. The sampled sizes span
    width_decades (in (0, 4)), centred offset_decades (in (-2, 2)) from the true N_opt; n_sizes >= 3.
    Returns IsoFLOPProfileFit.
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    budget = positive_scalar("budget", budget)
    offset_decades = in_open_interval("offset_decades", offset_decades, -2.0, 2.0)
    width_decades = in_open_interval("width_decades", width_decades, 0.0, 4.0)
    n_sizes = positive_int("n_sizes", n_sizes, minimum=3)
    n_true, _ = law.compute_optimal(budget)
    n_true = float(n_true)
    sizes = n_true * np.logspace(offset_decades - width_decades / 2, offset_decades + width_decades / 2, n_sizes)
    losses = law.loss(sizes, budget / (6 * sizes))
    curvature, slope, offset = _fit_parabola(np.log(sizes), losses, budget)
    n_vertex = float(np.exp(-slope / (2 * curvature)))
    return IsoFLOPProfileFit(sizes=sizes, losses=losses, curvature=float(curvature), slope=float(slope),
                             offset=float(offset), N_vertex=n_vertex, N_opt=n_true,
                             error_decades=float(np.log10(n_vertex / n_true)))


def isoflop_vertex_error(law, budget, offset_decades, width_decades, n_sizes=9):
    """log10(N_vertex / N_opt) of isoflop_profile_fit: 0 is unbiased, positive is too large.  Introduced in 06."""
    return isoflop_profile_fit(law, budget, offset_decades, width_decades, n_sizes).error_decades


@dataclass(frozen=True)
class BudgetView:
    """A fitted law at one compute budget, beside the measured runs near that budget.

    budget: FLOP. sizes: (points,) model sizes; profile: (points,) the law's loss at D = budget / (6 N);
    usable: (points,) bool, D within max_tokens (e.g. one epoch of the corpus). N_opt, D_opt,
    loss_opt: the law's compute-optimal split and its loss. near: (n,) bool, runs whose compute
    lies within a factor near_factor of the budget. within_data: D_opt <= max_tokens.
    inside_runs: the budget lies within the runs' compute range (else the law extrapolates).
    """
    budget: float
    sizes: np.ndarray
    profile: np.ndarray
    usable: np.ndarray
    N_opt: float
    D_opt: float
    loss_opt: float
    near: np.ndarray
    within_data: bool
    inside_runs: bool

    @property
    def tokens_per_parameter(self):
        """D_opt / N_opt at this budget."""
        return self.D_opt / self.N_opt


def budget_view(law, budget, N, D, *, max_tokens=np.inf, points=200, near_factor=1.3):
    """The IsoFLOP profile and compute-optimal split of ``law`` at ``budget``, beside runs (N, D).  Introduced in 09.

    law: ChinchillaLaw (e.g. fitted to the runs). budget: FLOP. N (params), D (tokens): the runs,
    1-D positive arrays of one length. max_tokens: the most tokens a run may use (> 0, may be inf).
    points: sizes on the profile (>= 10), spanning the runs' sizes widened by 3x each side.
    near_factor: > 1. Returns BudgetView.
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    budget = positive_scalar("budget", budget)
    N = as_positive_array("N", N, ndim=1)
    D = as_positive_array("D", D, ndim=1)
    same_shape(N=N, D=D)
    if not (isinstance(max_tokens, float) and max_tokens == np.inf):
        max_tokens = positive_scalar("max_tokens", max_tokens)
    points = positive_int("points", points, minimum=10)
    near_factor = positive_scalar("near_factor", near_factor)
    if near_factor <= 1:
        raise ValueError(f"near_factor must exceed 1, got {near_factor}")
    sizes = np.geomspace(N.min() / 3, N.max() * 3, points)
    tokens = budget / (6 * sizes)
    n_opt, d_opt = law.compute_optimal(budget)
    C = 6 * N * D
    return BudgetView(budget=budget, sizes=sizes, profile=law.loss(sizes, tokens), usable=tokens <= max_tokens,
                      N_opt=float(n_opt), D_opt=float(d_opt), loss_opt=float(law.optimal_loss(budget)),
                      near=np.abs(np.log(C / budget)) < np.log(near_factor), within_data=bool(d_opt <= max_tokens),
                      inside_runs=bool(C.min() <= budget <= C.max()))
