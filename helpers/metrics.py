"""Bounded metrics (accuracy, exact match) and how they turn smooth losses into sudden jumps.  Introduced in 03.

Per-token quantities: a model with per-token cross-entropy c (nats) on the answer tokens assigns
the correct token probability p = exp(-c) on average; an answer of L tokens is exactly right
with probability p**L if the tokens are independent (Schaeffer et al. 2023's argument).
"""
import numpy as np

from helpers._validate import as_positive_array, broadcastable, finite_scalar, positive_scalar

__all__ = ["token_probability", "exact_match", "expected_token_errors", "sigmoid_in_log"]


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
