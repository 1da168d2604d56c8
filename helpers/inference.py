"""Inference-aware scaling (Sardana et al. 2024, "Beyond Chinchilla-Optimal", ICML).  Introduced in 11.

A model is trained once and then used: training costs about 6 N D_train FLOP, inference about
2 N FLOP per token processed, so a lifetime of D_inference tokens costs 2 N D_inference more.
At a fixed quality (a target loss under a Chinchilla-form law) a smaller model trained on more
tokens costs more to train and less to use. Minimise

    6 N D_train + 2 N D_inference   subject to   law.loss(N, D_train) = target_loss.

The constraint gives D_train in closed form for every N above the smallest model that can reach
the target at all, so the problem is one-dimensional. With x = A / N**alpha and y = B / D**beta
(x + y = target_loss - E), the derivative of the lifetime cost in N vanishes where

    D_train * (alpha x / (beta y) - 1) = D_inference / 3,

whose left side rises monotonically from 0 (the Chinchilla point y_c, where alpha x = beta y) to
infinity as y falls to 0 (N falls to the smallest model). So the optimum is unique and lies between
the smallest model and the Chinchilla model. In v = ln(y_c / y - 1) the logarithm of that
condition is a sum of v, a softplus of v and constants, increasing with slope at least 1 over all
real v: the root is bracketed in one step and found by Brent's method, with no cancellation at
either end (y near y_c, or y tiny next to x).

Units: N in parameters, D in tokens, FLOP; losses in nats per token.
"""
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from helpers._validate import as_positive_array, broadcastable, positive_int, positive_scalar
from helpers.laws import ChinchillaLaw

__all__ = ["FIGURE1_LAW", "Allocation", "InferenceOptimum", "DemandView", "smallest_model", "tokens_for_loss",
           "lifetime_flops", "compute_optimal_at_loss", "compute_optimal_loss", "inference_optimal",
           "implied_inference_tokens", "demand_view"]

# Hoffmann et al.'s Approach-3 scales with exponents 0.336 and 0.283, near theirs: constants with
# which the inference-aware optimum reproduces Sardana et al.'s Figure 1 caption (a 13B model, 2e12
# inference tokens -> about 7B parameters, 1.7e22 FLOP and 17% saved); other constants might too.
# With the exponents as printed by Hoffmann et al. (0.34, 0.28) the same calculation gives 8.0B and
# 10% instead.
FIGURE1_LAW = ChinchillaLaw(E=1.69, A=406.4, B=410.7, alpha=0.336, beta=0.283)


@dataclass(frozen=True)
class Allocation:
    """A model of N parameters trained on D_train tokens, then run on inference_tokens tokens.  Introduced in 11.

    Derived (FLOP): train_flops = 6 N D_train, inference_flops = 2 N inference_tokens, total_flops.
    """
    N: float
    D_train: float
    inference_tokens: float

    @property
    def train_flops(self):
        return 6.0 * self.N * self.D_train

    @property
    def inference_flops(self):
        return 2.0 * self.N * self.inference_tokens

    @property
    def total_flops(self):
        return self.train_flops + self.inference_flops

    @property
    def tokens_per_parameter(self):
        """Training tokens per parameter (Chinchilla's rule of thumb: about 20)."""
        return self.D_train / self.N


@dataclass(frozen=True)
class InferenceOptimum(Allocation):
    """The allocation with the lowest lifetime FLOP at target_loss, beside the Chinchilla one.  Introduced in 11.

    chinchilla: the compute-optimal allocation at the same loss and the same inference demand
    (the model that minimises training FLOP alone). flops_saved: its total minus this one's (>= 0);
    fraction_saved: flops_saved / its total; size_ratio: N / chinchilla.N (<= 1).
    """
    target_loss: float
    chinchilla: Allocation

    @property
    def flops_saved(self):
        return self.chinchilla.total_flops - self.total_flops

    @property
    def fraction_saved(self):
        return self.flops_saved / self.chinchilla.total_flops

    @property
    def size_ratio(self):
        return self.N / self.chinchilla.N


def _checked_law(law):
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    return law


def _reducible(law, target_loss):
    """target_loss - E after checking the target is a finite number above the law's floor."""
    target_loss = positive_scalar("target_loss", target_loss)
    if target_loss <= law.E:
        raise ValueError(f"target_loss must exceed the law's irreducible loss E={law.E:g} "
                         f"(no finite model reaches it), got {target_loss:g}")
    return target_loss - law.E


def _inference_tokens(value):
    return positive_scalar("inference_tokens", value, allow_zero=True)


def smallest_model(law, target_loss):
    """The N below which no amount of data reaches target_loss.  Introduced in 11.

    (A / (target_loss - E))**(1/alpha) parameters: the loss of infinite data at this size.
    """
    law = _checked_law(law)
    return (law.A / _reducible(law, target_loss)) ** (1.0 / law.alpha)


def tokens_for_loss(law, N, target_loss):
    """Training tokens at which a model of N parameters reaches target_loss under law.  Introduced in 11.

    N: positive array (parameters), each above smallest_model(law, target_loss).
    Returns D_train = (B / (target_loss - E - A / N**alpha))**(1/beta), same shape (tokens).
    """
    law = _checked_law(law)
    reducible = _reducible(law, target_loss)
    N = as_positive_array("N", N)
    data_term = reducible - law.A * N ** (-law.alpha)
    if np.any(data_term <= 0):
        raise ValueError(f"N must exceed smallest_model(law, target_loss) = {smallest_model(law, target_loss):.4g} "
                         f"parameters (smaller models never reach the target), found {N[data_term <= 0].min():.4g}")
    return (law.B / data_term) ** (1.0 / law.beta)


def lifetime_flops(law, N, target_loss, inference_tokens):
    """Training plus inference FLOP of models of N parameters trained to target_loss.  Introduced in 11.

    N: positive array (parameters) above smallest_model. inference_tokens: tokens processed over
    the model's life (>= 0). Returns (train_flops, inference_flops), each the shape of N.
    """
    D_train = tokens_for_loss(law, N, target_loss)
    N = np.asarray(N, dtype=float)
    return 6.0 * N * D_train, 2.0 * N * _inference_tokens(inference_tokens)


def compute_optimal_at_loss(law, target_loss, inference_tokens=0.0):
    """The Chinchilla (training-compute-optimal) model reaching target_loss.  Introduced in 11.

    Closed form: at the optimum alpha A / N**alpha = beta B / D**beta, so with r = target_loss - E,
    N = (A (alpha + beta) / (beta r))**(1/alpha) and D = (B (alpha + beta) / (alpha r))**(1/beta).
    inference_tokens (>= 0) only fills in the allocation's inference FLOP. Returns Allocation.
    """
    law = _checked_law(law)
    r = _reducible(law, target_loss)
    total = law.alpha + law.beta
    N = (law.A * total / (law.beta * r)) ** (1.0 / law.alpha)
    D = (law.B * total / (law.alpha * r)) ** (1.0 / law.beta)
    return Allocation(N=N, D_train=D, inference_tokens=_inference_tokens(inference_tokens))


def compute_optimal_loss(law, N):
    """The loss of the compute-optimal model with N parameters (trained on its Chinchilla tokens).  Introduced in 11.

    "A 13B model taken as compute-optimal" means this loss: E + (1 + alpha/beta) A / N**alpha.
    N: positive array (parameters). Returns the loss, same shape (nats/token).
    """
    law = _checked_law(law)
    N = as_positive_array("N", N)
    return law.E + (1.0 + law.alpha / law.beta) * law.A * N ** (-law.alpha)


def _log_demand(v, law, log_y_chinchilla):
    """ln(D_inference / 3) at which y = y_c / (1 + e**v) is optimal: increasing in v, slope >= 1."""
    log_y = log_y_chinchilla - np.logaddexp(0.0, v)
    return (math.log(law.B) - log_y) / law.beta + math.log((law.alpha + law.beta) / law.beta) + v


def _solve_v(law, r, inference_tokens):
    """The v (see _log_demand) at which inference_tokens (> 0) is the demand: Brent's method to 1e-12."""
    log_y_chinchilla = math.log(law.alpha * r / (law.alpha + law.beta))
    log_target = math.log(inference_tokens / 3.0)

    def gap(v):
        return float(_log_demand(v, law, log_y_chinchilla)) - log_target

    # The gap rises with slope >= 1, so v = 0 -/+ (|gap(0)| + 1) brackets its root.
    width = abs(gap(0.0)) + 1.0
    return brentq(gap, -width, width, xtol=1e-12, maxiter=500)


def _path(law, r, v):
    """(N, D_train) of the optimum at v (array): y = y_c / (1 + e**v), x = r - y."""
    y = law.alpha * r / (law.alpha + law.beta) * np.exp(-np.logaddexp(0.0, v))
    return (law.A / (r - y)) ** (1.0 / law.alpha), (law.B / y) ** (1.0 / law.beta)


def inference_optimal(law, target_loss, inference_tokens):
    """Minimise 6 N D_train + 2 N inference_tokens subject to law.loss(N, D_train) = target_loss.  Introduced in 11.

    law: ChinchillaLaw. target_loss: above law.E (nats/token). inference_tokens: tokens processed
    over the model's life (>= 0; 0 gives the Chinchilla model). Solved as the root of the
    derivative (see the module docstring) to about 1e-12 in v, i.e. N and D_train to about 12 digits.
    Returns InferenceOptimum (N, D_train, FLOP, and the comparison with the Chinchilla model).
    """
    law = _checked_law(law)
    r = _reducible(law, target_loss)
    inference_tokens = _inference_tokens(inference_tokens)
    chinchilla = compute_optimal_at_loss(law, target_loss, inference_tokens)
    if inference_tokens == 0:
        N, D = chinchilla.N, chinchilla.D_train
    else:
        N, D = (float(value) for value in _path(law, r, _solve_v(law, r, inference_tokens)))
    return InferenceOptimum(N=N, D_train=D, inference_tokens=inference_tokens, target_loss=float(target_loss),
                            chinchilla=chinchilla)


def implied_inference_tokens(law, N, D_train):
    """The inference demand for which (N, D_train) is the lifetime-optimal model at its own loss.  Introduced in 11.

    N (parameters), D_train (tokens): positive arrays that broadcast. Returns
    3 D_train (alpha A N**-alpha / (beta B D_train**-beta) - 1) (tokens), same shape: 0 for a
    Chinchilla-optimal model; negative for a model trained on fewer tokens than compute-optimal
    for its size, which no inference demand makes optimal.
    """
    law = _checked_law(law)
    N = as_positive_array("N", N)
    D_train = as_positive_array("D_train", D_train)
    N, D_train = broadcastable(N=N, D_train=D_train)
    x = law.A * N ** (-law.alpha)
    y = law.B * D_train ** (-law.beta)
    return 3.0 * D_train * (law.alpha * x / (law.beta * y) - 1.0)


@dataclass(frozen=True)
class DemandView:
    """What notebook 11's explorer draws: lifetime FLOP against model size at one target loss,
    and the best model's tokens per parameter as inference demand grows.

    optimum: InferenceOptimum at the chosen demand. sizes: (K,) model sizes from just above the
    smallest model to 4x the Chinchilla size; train_flops, inference_flops: (K,) FLOP along the
    target loss. demands: (M,) inference tokens; best_tokens_per_parameter: (M,) of the optimum
    at each demand.
    """
    optimum: InferenceOptimum
    sizes: np.ndarray
    train_flops: np.ndarray
    inference_flops: np.ndarray
    demands: np.ndarray
    best_tokens_per_parameter: np.ndarray


DEMAND_RANGE = (1e8, 1e17)  # tokens: the explorer's demand axis


def demand_view(law, reference_params, inference_tokens, *, points=200, demand_points=100):
    """What notebook 11's explorer draws; the target is the compute-optimal loss at reference_params.  Introduced in 11.

    law: ChinchillaLaw. reference_params: positive (parameters). inference_tokens: >= 0 (tokens).
    points: sizes on the cost curve (>= 10). demand_points: optima traced from 1e8 to 1e17
    inference tokens (>= 2), evenly in the solver's variable v, so no root is solved for them.
    Returns DemandView.
    """
    law = _checked_law(law)
    reference_params = positive_scalar("reference_params", reference_params)
    inference_tokens = _inference_tokens(inference_tokens)
    points = positive_int("points", points, minimum=10)
    demand_points = positive_int("demand_points", demand_points, minimum=2)
    target_loss = float(compute_optimal_loss(law, reference_params))
    optimum = inference_optimal(law, target_loss, inference_tokens)
    sizes = np.geomspace(smallest_model(law, target_loss) * 1.001, 4 * optimum.chinchilla.N, points)
    train, inference = lifetime_flops(law, sizes, target_loss, inference_tokens)
    r = target_loss - law.E
    v = np.linspace(*(_solve_v(law, r, d) for d in DEMAND_RANGE), demand_points)
    N, D = _path(law, r, v)
    demands = 3.0 * np.exp(_log_demand(v, law, math.log(law.alpha * r / (law.alpha + law.beta))))
    return DemandView(optimum=optimum, sizes=sizes, train_flops=train, inference_flops=inference,
                      demands=demands, best_tokens_per_parameter=D / N)
