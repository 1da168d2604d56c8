"""Bounded metrics (accuracy, exact match) and how they turn smooth losses into sudden jumps.  Introduced in 03.

Per-token quantities: a model with per-token cross-entropy c (nats) on the answer tokens assigns
the correct token probability p = exp(-c) on average; an answer of L tokens is exactly right
with probability p**L if the tokens are independent (Schaeffer et al. 2023's argument).
"""
from dataclasses import dataclass

import numpy as np

from helpers._validate import as_positive_array, broadcastable, finite_scalar, positive_int, positive_scalar

__all__ = ["token_probability", "exact_match", "expected_token_errors", "sigmoid_in_log",
           "EMERGENCE_METRICS", "EmergenceView", "emergence_view", "toy_answer_loss", "sampled_exact_match"]


def _probability(name, p):
    p = as_positive_array(name, p, allow_zero=True)
    if np.any(p > 1):
        raise ValueError(f"{name} must lie in [0, 1], found {p[p > 1].ravel()[0]!r}")
    return p


def token_probability(cross_entropy):
    """Per-token cross-entropy (nats, >= 0) -> probability of the correct token, exp(-c).  Introduced in 03.

    Returns an array of the same shape."""
    c = as_positive_array("cross_entropy", cross_entropy, allow_zero=True)
    return np.exp(-c)


def exact_match(p, length):
    """Probability that all ``length`` tokens are right when each is right with probability p.  Introduced in 03.

    p: array in [0, 1]. length: positive integer(s) that broadcast with p. Returns p**length.
    """
    p = _probability("p", p)
    length = as_positive_array("length", length)
    if np.any(length != np.round(length)):
        raise ValueError("length must be whole numbers of tokens")
    p, length = broadcastable(p=p, length=length)
    return p ** length


def expected_token_errors(p, length):
    """Expected number of wrong tokens in an answer of ``length`` tokens: length * (1 - p).  Introduced in 03.

    A continuous metric (Schaeffer et al. 2023): it falls smoothly where exact match jumps.
    """
    p = _probability("p", p)
    length = as_positive_array("length", length)
    p, length = broadcastable(p=p, length=length)
    return length * (1 - p)


def sigmoid_in_log(x, midpoint, width, floor=0.0, ceiling=1.0):
    """A bounded metric rising as a sigmoid in log10 x.  Introduced in 03.

    floor + (ceiling - floor) / (1 + exp(-z)), z = (log10 x - log10 midpoint) / width.
    x, midpoint: positive (e.g. FLOP). width: decades per unit of z (the metric covers the middle
    46% of its range, z from -1 to 1, in 2 * width decades). floor (chance level) < ceiling, both
    in [0, 1]. Returns an array like x.
    """
    x = as_positive_array("x", x)
    midpoint = positive_scalar("midpoint", midpoint)
    width = positive_scalar("width", width)
    floor = finite_scalar("floor", floor)
    ceiling = finite_scalar("ceiling", ceiling)
    if not 0 <= floor < ceiling <= 1:
        raise ValueError(f"floor and ceiling must satisfy 0 <= floor < ceiling <= 1, got {floor}, {ceiling}")
    z = (np.log10(x) - np.log10(midpoint)) / width
    return floor + (ceiling - floor) / (1 + np.exp(-z))


# Illustrative per-token cross-entropy on the answer tokens, c(N) = (N0 / N)**alpha (not a fit),
# over N from 1e7 to 1e13: c falls from 0.7 to 0.011 nats, p = exp(-c) rises from 0.50 to 0.99.
EMERGENCE_SCALE = 3e6
EMERGENCE_EXPONENT = 0.3
EMERGENCE_N_RANGE = (1e7, 1e13)
EMERGENCE_METRICS = ("exact match", "per-token accuracy", "expected wrong tokens")


def toy_answer_loss(N):
    """The toy model's per-token loss on answer tokens, c(N) = (3e6 / N)**0.3 nats (illustrative).  Introduced in 03.

    N: positive array (parameters). Returns an array like N.
    """
    N = as_positive_array("N", N)
    return (EMERGENCE_SCALE / N) ** EMERGENCE_EXPONENT


def sampled_exact_match(N, length, questions, seed):
    """Right answers out of ``questions`` for the toy model at sizes N, as a test set counts them.  Introduced in 03.

    Each question is right with probability exp(-length * c(N)) (exact match on a ``length``-token
    answer, c from ``toy_answer_loss``); the counts are binomial draws from numpy's default
    generator seeded with ``seed``. N: 1-D positive array. length, questions: positive integers.
    Returns an integer array like N.
    """
    N = as_positive_array("N", N, ndim=1)
    length = positive_int("length", length)
    questions = positive_int("questions", questions)
    seed = positive_int("seed", seed, minimum=0)
    probability = exact_match(token_probability(toy_answer_loss(N)), length)
    return np.random.default_rng(seed).binomial(questions, probability)


@dataclass(frozen=True)
class EmergenceView:
    """One metric of a toy model whose per-token loss falls smoothly with size N.

    N: parameters (points,). cross_entropy: per-token loss on the answer (nats). p: per-token
    probability of the right token. values: the chosen metric. metric, length: the choice.
    flat_decades: decades of N, from the smallest model, before the metric has moved 10% of its
    change over the plotted range; a metric that sits still that long and then rises looks
    like a sudden, "emergent" ability, though the loss improved all along.
    """
    N: np.ndarray
    cross_entropy: np.ndarray
    p: np.ndarray
    values: np.ndarray
    metric: str
    length: int
    flat_decades: float


def emergence_view(length, metric="exact match", points=400):
    """Schaeffer et al. 2023's argument on a toy model.  Introduced in 03.

    length: answer length in tokens (1 to 100). metric: one of EMERGENCE_METRICS.
    The per-token loss is c(N) = (3e6 / N)**0.3 nats (illustrative), p = exp(-c), for N from
    1e7 to 1e13.
    Returns EmergenceView.
    """
    length = positive_int("length", length, minimum=1)
    if length > 100:
        raise ValueError(f"length must be at most 100 tokens, got {length}")
    if metric not in EMERGENCE_METRICS:
        raise ValueError(f"metric must be one of {EMERGENCE_METRICS}, got {metric!r}")
    points = positive_int("points", points, minimum=10)
    N = np.geomspace(*EMERGENCE_N_RANGE, points)
    cross_entropy = toy_answer_loss(N)
    p = token_probability(cross_entropy)
    if metric == "exact match":
        values = exact_match(p, length)
    elif metric == "per-token accuracy":
        values = p
    else:
        values = expected_token_errors(p, length)
    change = (values - values[0]) / (values[-1] - values[0])
    flat = float(np.log10(N[np.argmax(change >= 0.1)] / N[0]))
    return EmergenceView(N=N, cross_entropy=cross_entropy, p=p, values=values, metric=metric,
                         length=length, flat_decades=flat)
