"""Kaplan's frontier seen through a Chinchilla-form law (after Pearce & Song 2024).  Introduced in 08.

Kaplan et al. counted non-embedding parameters N_E and compute C_E = 6 N_E D. Suppose the loss
really follows a Chinchilla-form law in *total* parameters N_T = N_E + embeddings. For a model of
fixed shape (d_model = aspect_ratio * n_layer), N_E = 12 n_layer d_model**2 = 12 d_model**3 /
aspect_ratio, so the embeddings, (vocab_size + n_ctx) * d_model, grow like N_E**(1/3): a large share
of small models, a negligible share of large ones. Minimising L(N_T, D) at fixed C_E then gives a
frontier N_E,opt(C_E) whose slope over small models is far steeper than the law's asymptotic
beta / (alpha + beta): total parameters grow like N_E**(1/3) where embeddings dominate, so the law's
exponent alpha acts like alpha / 3 there, and the frontier's slope approaches beta / (alpha/3 + beta).
At very small sizes the fixed-shape model is schematic (fractions of a layer).
"""
import functools
from dataclasses import dataclass

import numpy as np

from helpers._validate import FitError, as_positive_array, positive_int, positive_scalar
from helpers.fitting import LogLogLine, fit_log_log_line
from helpers.laws import EPOCH_REFIT, HOFFMANN_UNROUNDED, ChinchillaLaw

__all__ = ["embedding_params", "nonembedding_frontier", "FrontierComparison", "compare_frontiers",
           "PUBLISHED_LAWS"]

# The Chinchilla-form laws notebook 08 reads in Kaplan's variables.
PUBLISHED_LAWS = {"Hoffmann et al. 2022 (unrounded)": HOFFMANN_UNROUNDED, "Epoch AI refit": EPOCH_REFIT}

DEFAULT_ASPECT_RATIO = 64.0   # d_model / n_layer: an assumption, varied in notebook 08
KAPLAN_VOCAB = 50257          # Kaplan et al. 2020's tokenizer
KAPLAN_CONTEXT = 1024


def embedding_params(nonembedding, *, vocab_size=KAPLAN_VOCAB, n_ctx=KAPLAN_CONTEXT,
                     aspect_ratio=DEFAULT_ASPECT_RATIO):
    """Token and position embedding parameters of a model with ``nonembedding`` parameters.  Introduced in 08.

    (vocab_size + n_ctx) * d_model with d_model = (aspect_ratio * N_E / 12)**(1/3). Array in, array out.
    """
    n = as_positive_array("nonembedding", nonembedding)
    vocab_size = positive_int("vocab_size", vocab_size)
    n_ctx = positive_int("n_ctx", n_ctx)
    aspect_ratio = positive_scalar("aspect_ratio", aspect_ratio)
    return (vocab_size + n_ctx) * (aspect_ratio * n / 12.0) ** (1.0 / 3.0)


def nonembedding_frontier(law, C_nonembedding, **shape):
    """N_E,opt for each non-embedding compute budget C_E = 6 N_E D (FLOP), under ``law`` in total N.  Introduced in 08.

    law: ChinchillaLaw (in total parameters). C_nonembedding: positive 1-D array.
    shape: vocab_size, n_ctx, aspect_ratio as for embedding_params. Returns N_E,opt (same shape).
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    budgets = as_positive_array("C_nonembedding", C_nonembedding, ndim=1)
    embedding_params(1.0, **shape)  # validates the shape arguments once

    # Search models trained on 1e-3 to 1e9 tokens per parameter (D / N_E = c / (6 N_E**2)), all
    # budgets at once: a golden-section search in log N_E, narrowed to 1e-10 (the loss along an
    # IsoFLOP line has a single minimum).
    low, high = np.log(np.sqrt(budgets / 6e9)), np.log(np.sqrt(budgets / 6e-3))
    lower, upper = low.copy(), high.copy()

    def loss(log_n):
        n = np.exp(log_n)
        return law.loss(n + embedding_params(n, **shape), budgets / (6 * n))

    ratio = (np.sqrt(5.0) - 1) / 2
    left, right = upper - ratio * (upper - lower), lower + ratio * (upper - lower)
    f_left, f_right = loss(left), loss(right)
    while np.max(upper - lower) > 1e-10:
        move_up = f_left > f_right  # the minimum lies right of `left`
        lower = np.where(move_up, left, lower)
        upper = np.where(move_up, upper, right)
        left, right = np.where(move_up, right, upper - ratio * (upper - lower)), \
            np.where(move_up, lower + ratio * (upper - lower), left)
        f_left, f_right = np.where(move_up, f_right, loss(left)), np.where(move_up, loss(right), f_left)
    best = (lower + upper) / 2
    at_edge = np.minimum(best - low, high - best) < 1e-6
    if np.any(at_edge):
        c = budgets[np.argmax(at_edge)]
        raise FitError(f"nonembedding_frontier: no interior optimum at C_nonembedding = {c:.3g} FLOP")
    return np.exp(best)


@dataclass(frozen=True)
class FrontierComparison:
    """Kaplan-style frontier of a Chinchilla-form law, with its local and asymptotic slopes.

    C: non-embedding budgets (K,), FLOP. N_opt: N_E,opt (K,). in_range: budgets whose N_opt lies in
    the chosen range (K,). range_line: the power law N_opt ∝ C**slope fitted over that range by
    least squares; range_exponent, its slope, averages the local slope, which varies.
    asymptotic_exponent: beta / (alpha + beta).
    """
    C: np.ndarray
    N_opt: np.ndarray
    in_range: np.ndarray
    range_line: LogLogLine
    asymptotic_exponent: float

    @property
    def range_exponent(self):
        """Slope of the power law fitted over the range (range_line.slope)."""
        return self.range_line.slope


@functools.lru_cache(maxsize=64)
def _frontier_on_grid(law, points, shape_items):
    """Budgets log-spaced from 1e11 to 1e30 FLOP and N_E,opt there, kept: an explorer moving only
    the range asks for the same frontier again and again."""
    budgets = np.geomspace(1e11, 1e30, points)
    n_opt = nonembedding_frontier(law, budgets, **dict(shape_items))
    budgets.flags.writeable = False
    n_opt.flags.writeable = False
    return budgets, n_opt


def compare_frontiers(law, N_low, N_high, points=200, **shape):
    """The frontier's slope over models of N_low to N_high non-embedding parameters.  Introduced in 08.

    law: ChinchillaLaw. N_low < N_high: positive. points: how many budgets, log-spaced from 1e11 to
    1e30 FLOP (non-embedding compute).
    shape: as for embedding_params. Returns FrontierComparison.
    """
    N_low = positive_scalar("N_low", N_low)
    N_high = positive_scalar("N_high", N_high)
    if N_high <= N_low * 10:
        raise ValueError(f"N_high must exceed 10 * N_low for a slope over a decade or more, got {N_low:g}, {N_high:g}")
    points = positive_int("points", points, minimum=20)
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    budgets, n_opt = _frontier_on_grid(law, points, tuple(sorted(shape.items())))
    in_range = (n_opt >= N_low) & (n_opt <= N_high)
    if in_range.sum() < 5:
        raise ValueError("N_low and N_high must bracket the optima of at least 5 budgets between 1e11 and 1e30 FLOP")
    line = fit_log_log_line(budgets[in_range], n_opt[in_range])
    return FrontierComparison(C=budgets, N_opt=n_opt, in_range=in_range, range_line=line,
                              asymptotic_exponent=law.frontier_exponents[0])
