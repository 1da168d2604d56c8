"""Test-time compute: repeated sampling, coverage, majority vote, verifiers and FLOPs matching.  Introduced in 12.

A model that solves problem i on one attempt with probability p_i solves it within k independent
attempts with probability 1 - (1 - p_i)**k: per problem, the failure rate falls exponentially in k.
Coverage (pass@k) is that probability averaged over a set of problems. Brown et al. (2024) fit
measured coverage curves by c = exp(a * k**b); Schaeffer et al. (2025) show that the aggregate
-log(coverage) is a power law in k when the distribution of p_i has a heavy left tail (a power-law
density near p = 0). ``Difficulty`` is such a distribution: a Beta(alpha, beta) left tail, and an
optional floor below which no problem lies (no left tail at all).

Selecting one answer out of k without an oracle: majority vote (the most frequent answer) and an
imperfect verifier (accepts a right sample with probability 1 - false_negative, a wrong one with
probability false_positive; one accepted sample is returned at random, or any sample if none is
accepted). Both level off while coverage keeps rising.

Snell et al. (2024): a model M times larger costs M times the pretraining and the inference FLOPs,
so at equal total FLOPs the smaller model may spend M + 3 (M - 1) / R times its inference compute
at test time, R = D_inference / D_pretrain.
"""
from dataclasses import dataclass

import numpy as np
from scipy import special

from helpers import datasets
from helpers._validate import as_positive_array, finite_scalar, positive_int, positive_scalar

__all__ = ["brown_fit", "fitted_coverage", "samples_for_coverage", "coverage", "neg_log_coverage", "first_success",
           "sampled_coverage", "verifier_success", "verifier_limit", "majority_vote", "expected_majority_vote",
           "majority_limit",
           "local_exponent", "Difficulty", "flops_matched_budget", "sampling_beats_larger_model",
           "RepeatedSamplingView", "repeated_sampling_view", "SAMPLE_GRID", "WRONG_SHARE", "FALSE_NEGATIVE",
           "VIEW_PROBLEMS", "VIEW_SEED"]

# Attempts per problem from 1 to 10,000 (Brown et al.'s range), about eight points a decade.
SAMPLE_GRID = np.unique(np.round(np.geomspace(1, 1e4, 33))).astype(int)
# The explorer's fixed choices (illustrative): a quarter of the wrong samples give the same wrong
# answer; the verifier rejects one right sample in ten; 400 problems drawn with seed 12.
WRONG_SHARE = 0.25
FALSE_NEGATIVE = 0.1
VIEW_PROBLEMS = 400
VIEW_SEED = 12


def _probability(name, value):
    """A float array in [0, 1] (finite), or an error naming the argument."""
    p = as_positive_array(name, value, allow_zero=True)
    if np.any(p > 1):
        raise ValueError(f"{name} must lie in [0, 1], found {p[p > 1].ravel()[0]!r}")
    return p


def _probability_scalar(name, value):
    if isinstance(value, bool) or np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single number, got {value!r}")
    return float(_probability(name, value))


def _samples(name, k, whole=False):
    """k: attempts per problem, a finite array >= 1 (whole numbers where ``whole``)."""
    k = as_positive_array(name, k)
    if np.any(k < 1):
        raise ValueError(f"{name} must be at least 1 attempt, found {k[k < 1].ravel()[0]!r}")
    if whole and np.any(k != np.round(k)):
        raise ValueError(f"{name} must be whole numbers of attempts, found {k[k != np.round(k)].ravel()[0]!r}")
    return k


def _negative_scalar(name, value):
    x = finite_scalar(name, value)
    if x >= 0:
        raise ValueError(f"{name} must be negative, got {x}")
    return x


def brown_fit(model, benchmark):
    """(a, b) of Brown et al. 2024's fitted coverage curve for one model and benchmark.  Introduced in 12.

    model, benchmark: as named in datasets/brown2024_coverage_fits.csv (e.g. "Llama-3-8B-Instruct",
    "MATH"). Returns (a, b) as floats.
    """
    fits = datasets.load("brown2024_coverage_fits")
    pairs = list(zip(fits["model"], fits["benchmark"]))
    if (model, benchmark) not in pairs:
        raise ValueError(f"model and benchmark must be one of the fitted pairs {pairs}, got {(model, benchmark)}")
    row = pairs.index((model, benchmark))
    return float(fits["a"][row]), float(fits["b"][row])


def fitted_coverage(k, a, b):
    """Brown et al. 2024's fitted coverage, c = exp(a * k**b) (sec. 3.1, eqs 2-3).  Introduced in 12.

    k: attempts per problem (array, >= 1). a, b: the fitted constants, both negative (a = log c
    at k = 1; -log c = -a * k**b is a power law in k with exponent b). Returns coverage like k.
    """
    k = _samples("k", k)
    a = _negative_scalar("a", a)
    b = _negative_scalar("b", b)
    return np.exp(a * k ** b)


def samples_for_coverage(target, a, b):
    """Attempts k at which the fitted curve c = exp(a * k**b) reaches coverage ``target``.  Introduced in 12.

    target: coverage in (0, 1). a, b: negative constants. Returns k = (ln target / a)**(1 / b)
    (a real number; below 1 when one attempt already reaches the target).
    """
    target = _probability_scalar("target", target)
    if not 0 < target < 1:
        raise ValueError(f"target must lie strictly between 0 and 1, got {target}")
    a = _negative_scalar("a", a)
    b = _negative_scalar("b", b)
    return float((np.log(target) / a) ** (1 / b))


def _failure(p, k):
    """Mean over problems of (1 - p_i)**k for each k: (len(k),) from p (n,) and k (len(k),)."""
    with np.errstate(divide="ignore"):
        log_miss = np.log1p(-p)  # -inf where p == 1
    return np.exp(np.multiply.outer(k, log_miss)).mean(axis=-1)


def coverage(p, k):
    """Expected coverage of a set of problems: mean of 1 - (1 - p_i)**k.  Introduced in 12.

    p: single-attempt success probabilities (n,), in [0, 1]. k: attempts (array, >= 1).
    Returns an array shaped like k.
    """
    p = _probability("p", np.ravel(p))
    k = _samples("k", k)
    return 1 - _failure(p, k.ravel()).reshape(k.shape)


def neg_log_coverage(p, k):
    """-log(coverage) of a set of problems, computed without cancellation near coverage 1.  Introduced in 12.

    p: (n,) in [0, 1]. k: attempts (array, >= 1). Returns an array like k (inf where coverage is 0).
    """
    p = _probability("p", np.ravel(p))
    k = _samples("k", k)
    with np.errstate(divide="ignore"):
        return -np.log1p(-_failure(p, k.ravel())).reshape(k.shape)


def first_success(p, seed):
    """The attempt at which each problem is first solved, drawn at random (inf if p_i = 0).  Introduced in 12.

    p: (n,) in [0, 1]. seed: integer >= 0 for numpy's default generator. Attempts are
    independent, so the first success is geometric with parameter p_i; problem i counts as
    covered by k attempts exactly when its first success comes at attempt k or before.
    Returns a float array (n,).
    """
    p = _probability("p", np.ravel(p))
    seed = positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    solvable = p > 0
    first = np.full(p.shape, np.inf)
    first[solvable] = rng.geometric(p[solvable])
    return first


def sampled_coverage(first, k):
    """Fraction of problems solved within k attempts, from first-success attempts.  Introduced in 12.

    first: (n,) from ``first_success``. k: attempts (array, >= 1). Returns an array like k.
    """
    first = np.ravel(np.asarray(first, dtype=float))
    if first.size == 0 or np.any(np.isnan(first)) or np.any(first < 1):
        raise ValueError("first must be attempts >= 1 (inf for never), as first_success returns")
    k = _samples("k", k)
    return (first[None, :] <= k.ravel()[:, None]).mean(axis=1).reshape(k.shape)


def _verifier_rates(p, false_positive, false_negative):
    accept_right = p * (1 - false_negative)
    accept_wrong = (1 - p) * false_positive
    return accept_right, accept_wrong


def verifier_success(p, k, false_positive, false_negative):
    """Expected accuracy of selection by an imperfect verifier among k samples.  Introduced in 12.

    Each sample is right with probability p_i; the verifier accepts a right sample with
    probability 1 - false_negative and a wrong one with probability false_positive. One accepted
    sample is returned at random (any sample if none is accepted). Per problem the success is
    a/(a+b) (1 - u**k) + p fnr u**(k-1), with a = p(1 - fnr), b = (1 - p) fpr, u = 1 - a - b.
    p: (n,) in [0, 1]. k: attempts (array, >= 1). false_positive, false_negative: in [0, 1].
    Returns the mean over problems, an array like k.
    """
    p = _probability("p", np.ravel(p))
    k = _samples("k", k)
    fpr = _probability_scalar("false_positive", false_positive)
    fnr = _probability_scalar("false_negative", false_negative)
    a, b = _verifier_rates(p, fpr, fnr)
    precision = np.divide(a, a + b, out=np.zeros_like(a), where=(a + b) > 0)
    none_accepted = np.maximum(1 - a - b, 0.0)  # never below 0 by rounding
    kk = k.ravel()[:, None]
    success = precision * (1 - none_accepted ** kk) + p * fnr * none_accepted ** (kk - 1)
    return success.mean(axis=1).reshape(k.shape)


def verifier_limit(p, false_positive, false_negative):
    """Verifier selection's accuracy as k grows without bound: the mean of a/(a+b).  Introduced in 12.

    A problem no sample is ever accepted on keeps its one-sample success p_i. p: (n,) in [0, 1].
    Returns a float.
    """
    p = _probability("p", np.ravel(p))
    fpr = _probability_scalar("false_positive", false_positive)
    fnr = _probability_scalar("false_negative", false_negative)
    a, b = _verifier_rates(p, fpr, fnr)
    precision = np.divide(a, a + b, out=p.copy(), where=(a + b) > 0)
    return float(precision.mean())


def majority_vote(p, k, wrong_share, seed):
    """Accuracy of majority vote over k samples, simulated (expected_majority_vote: its expectation).  Introduced in 12.

    Each sample is right with probability p_i; a wrong sample is one common wrong answer with
    probability wrong_share, otherwise a wrong answer no other sample repeats. The most frequent
    answer wins; ties are split evenly (the expected result of a random tie-break).
    p: (n,) in [0, 1]. k: whole numbers of attempts (array, >= 1). wrong_share: in [0, 1].
    seed: integer >= 0. Returns the mean accuracy over problems, an array like k (each k drawn
    independently).
    """
    p = _probability("p", np.ravel(p))
    k = _samples("k", k, whole=True)
    share = _probability_scalar("wrong_share", wrong_share)
    seed = positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    accuracy = np.empty(k.size)
    for j, attempts in enumerate(k.ravel().astype(np.int64)):
        # The multinomial counts (right, common wrong, unique wrong), drawn as two binomials.
        right = rng.binomial(attempts, p)
        common = rng.binomial(attempts - right, share)
        unique = attempts - right - common
        top = np.maximum(np.maximum(right, common), (unique > 0).astype(right.dtype))
        tied = (right == top).astype(float) + (common == top) + np.where(top == 1, unique, 0)
        accuracy[j] = np.mean((right == top) / tied)
    return accuracy.reshape(k.shape)


def _binomial_log_pmf(x, n, q):
    """log P(Bin(n, q) = x) for whole numbers 0 <= x <= n (float arrays that broadcast)."""
    return (special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
            + special.xlogy(x, q) + special.xlog1py(n - x, -q))


def expected_majority_vote(p, k, wrong_share):
    """Expected accuracy of majority vote over k samples, computed exactly.  Introduced in 12.

    The same vote as ``majority_vote`` (a wrong sample is the common wrong answer with probability
    wrong_share, otherwise a wrong answer no other sample repeats; ties split evenly), averaged
    over the multinomial counts instead of simulated. With r right samples among k, the right
    answer wins outright when r >= 2 and the common wrong answer has fewer votes, and half the time
    when it has as many; with r = 1 it can only be part of a k-way tie of single votes. The sum
    over r is cut where the binomial probability left out is below 1e-16 (Bernstein's inequality,
    10 standard deviations plus 25 either side of the mean), so the result is exact to
    floating-point precision. At k = 1 it equals pass@1, the mean of p.
    p: (n,) in [0, 1]. k: whole numbers of attempts (array, >= 1). wrong_share: in [0, 1].
    Returns the mean accuracy over problems, an array like k.
    """
    p = _probability("p", np.ravel(p))
    k = _samples("k", k, whole=True)
    share = _probability_scalar("wrong_share", wrong_share)
    accuracy = np.empty(k.size)
    for j, attempts in enumerate(k.ravel().astype(np.int64)):
        half_width = np.ceil(10 * np.sqrt(attempts * p * (1 - p)) + 25)
        low = np.clip(np.floor(attempts * p - half_width), 0, attempts).astype(np.int64)
        high = np.clip(np.ceil(attempts * p + half_width), 0, attempts).astype(np.int64)
        width = high - low + 1
        problem = np.repeat(np.arange(p.size), width)  # one row per (problem, count of right samples)
        right = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width) + low[problem]
        wrong = attempts - right
        chance = np.exp(_binomial_log_pmf(right.astype(float), float(attempts), p[problem]))
        # The common wrong answer's votes among the wrong samples are Bin(wrong, share).
        tie = np.where(right <= wrong, np.exp(_binomial_log_pmf(np.minimum(right, wrong).astype(float),
                                                                wrong.astype(float), share)), 0.0)
        outright = special.bdtr(np.minimum(right - 1, wrong), wrong, share)
        single = special.bdtr(np.minimum(1, wrong), wrong, share) / attempts  # at most one common vote
        wins = np.where(right >= 2, outright + 0.5 * tie, np.where(right == 1, single, 0.0))
        accuracy[j] = np.bincount(problem, chance * wins, minlength=p.size).mean()
    return accuracy.reshape(k.shape)


def majority_limit(p, wrong_share):
    """Majority vote's accuracy as k grows without bound.  Introduced in 12.

    With many samples the right answer wins exactly where it is more likely than the common
    wrong answer, p_i > wrong_share (1 - p_i) (ties count one half). p: (n,) in [0, 1].
    wrong_share: in [0, 1]. Returns a float.
    """
    p = _probability("p", np.ravel(p))
    share = _probability_scalar("wrong_share", wrong_share)
    rival = share * (1 - p)
    wins = np.where(p > rival, 1.0, np.where(p == rival, 0.5, 0.0))
    wins[(p == 0)] = 0.0
    return float(wins.mean())


def local_exponent(k, y):
    """d log y / d log k along a curve: the slope a log-log plot shows.  Introduced in 12.

    k: increasing attempts (n,), >= 1. y: positive values (n,). Returns (n,) slopes (central
    differences; one-sided at the ends).
    """
    k = _samples("k", k)
    y = as_positive_array("y", y)
    if k.ndim != 1 or y.shape != k.shape or k.size < 2:
        raise ValueError(f"k and y must be 1-D of the same length (at least 2), got {k.shape} and {y.shape}")
    if np.any(np.diff(k) <= 0):
        raise ValueError("k must increase")
    return np.gradient(np.log(y), np.log(k))


@dataclass(frozen=True)
class Difficulty:
    """A distribution of single-attempt success p over problems.  Introduced in 12.

    p = floor + (1 - floor) * X with X ~ Beta(alpha, beta). With floor = 0 the density near p = 0
    is a power law, p**(alpha - 1): a heavy left tail when alpha is small, and 1 - coverage (so
    also -log coverage) tends to the power law power_law_prefactor * k**(-alpha). A floor > 0
    leaves no problem below p = floor (no left tail): the failure rate then falls at least as fast
    as (1 - floor)**k, exponentially.
    alpha, beta: positive shape parameters. floor: in [0, 1).
    """
    alpha: float
    beta: float
    floor: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "alpha", positive_scalar("alpha", self.alpha))
        object.__setattr__(self, "beta", positive_scalar("beta", self.beta))
        floor = _probability_scalar("floor", self.floor)
        if floor >= 1:
            raise ValueError(f"floor must be below 1, got {floor}")
        object.__setattr__(self, "floor", floor)

    @property
    def mean(self):
        """Expected single-attempt success, pass@1."""
        return self.floor + (1 - self.floor) * self.alpha / (self.alpha + self.beta)

    def failure(self, k):
        """Expected failure rate 1 - coverage at k attempts, exactly:
        (1 - floor)**k * B(alpha, beta + k) / B(alpha, beta). k: array >= 1; returns like k."""
        k = _samples("k", k)
        log_beta = special.betaln(self.alpha, self.beta + k) - special.betaln(self.alpha, self.beta)
        return np.exp(k * np.log1p(-self.floor) + log_beta)

    def coverage(self, k):
        """Expected coverage at k attempts (exact). k: array >= 1; returns like k."""
        return 1 - self.failure(k)

    def neg_log_coverage(self, k):
        """-log(coverage) at k attempts (exact, no cancellation near coverage 1)."""
        return -np.log1p(-self.failure(k))

    @property
    def power_law_prefactor(self):
        """Gamma(alpha + beta) / Gamma(beta): with no floor, the failure rate 1 - coverage, and with it
        -log coverage, tends to this * k**(-alpha) for large k."""
        return float(np.exp(special.gammaln(self.alpha + self.beta) - special.gammaln(self.beta)))

    def sample(self, n, seed):
        """n problems' p, drawn with numpy's default generator seeded with ``seed``; returns (n,)."""
        n = positive_int("n", n)
        seed = positive_int("seed", seed, minimum=0)
        x = np.random.default_rng(seed).beta(self.alpha, self.beta, size=n)
        return self.floor + (1 - self.floor) * x

    def majority_limit(self, wrong_share):
        """Majority vote's accuracy for many samples over the whole distribution (exact):
        the probability that p > wrong_share (1 - p), i.e. p > wrong_share / (1 + wrong_share)."""
        share = _probability_scalar("wrong_share", wrong_share)
        threshold = share / (1 + share)
        x = (threshold - self.floor) / (1 - self.floor)
        if x <= 0:  # every problem lies above the threshold
            return 1.0
        return float(special.betaincc(self.alpha, self.beta, x))


def flops_matched_budget(size_ratio, inference_to_pretraining):
    """Snell et al. 2024's FLOPs-matched test-time budget (sec. 7).  Introduced in 12.

    A model size_ratio (M) times larger, pretrained on the same D_pretrain tokens and serving the
    same D_inference tokens, costs M (6 N D_pretrain + 2 N D_inference). At equal total FLOPs the
    smaller model may spend M + 3 (M - 1) / R times its own inference compute,
    R = inference_to_pretraining = D_inference / D_pretrain. size_ratio >= 1, R > 0 (arrays
    broadcast). Returns the multiplier (float or array).
    """
    M = as_positive_array("size_ratio", size_ratio)
    if np.any(M < 1):
        raise ValueError(f"size_ratio must be at least 1 (the larger model's size over the smaller's), "
                         f"found {M[M < 1].ravel()[0]!r}")
    R = as_positive_array("inference_to_pretraining", inference_to_pretraining)
    budget = M + 3 * (M - 1) / R
    return float(budget) if budget.ndim == 0 else budget


def sampling_beats_larger_model(samples_needed, size_ratio, inference_to_pretraining):
    """Does the smaller model, sampling at test time, match the larger one at equal FLOPs?  Introduced in 12.

    samples_needed: attempts (>= 1, each costing one ordinary query of the smaller model) that the
    smaller model's test-time method needs to reach the larger model's one-sample accuracy.
    It wins when samples_needed <= flops_matched_budget(size_ratio, inference_to_pretraining).
    Returns (wins, budget).
    """
    needed = _samples("samples_needed", samples_needed)
    if needed.ndim != 0:
        raise TypeError(f"samples_needed must be a single number, got {samples_needed!r}")
    budget = flops_matched_budget(size_ratio, inference_to_pretraining)
    if np.ndim(budget) != 0:
        raise TypeError("size_ratio and inference_to_pretraining must be single numbers")
    return bool(float(needed) <= budget), budget


@dataclass(frozen=True)
class RepeatedSamplingView:
    """What the explorer draws for one setting.

    k: SAMPLE_GRID. coverage, neg_log_coverage: exact, over the whole distribution.
    sampled_coverage: over VIEW_PROBLEMS drawn problems (first-success attempts).
    majority, verifier: majority vote (simulated) and verifier selection (exact) on those problems.
    majority_plateau, verifier_plateau: their limits for many samples. power_law: the no-floor
    asymptote prefactor * k**(-alpha). slope_end: local exponent of -log coverage at k = 10,000.
    at_k: the chosen number of samples; coverage_at_k, majority_at_k, verifier_at_k there.
    """
    difficulty: Difficulty
    k: np.ndarray
    coverage: np.ndarray
    neg_log_coverage: np.ndarray
    sampled_coverage: np.ndarray
    majority: np.ndarray
    verifier: np.ndarray
    majority_plateau: float
    verifier_plateau: float
    power_law: np.ndarray
    slope_end: float
    at_k: int
    coverage_at_k: float
    majority_at_k: float
    verifier_at_k: float


def repeated_sampling_view(alpha, floor, k, false_positive, beta=2.0):
    """Coverage, majority vote and verifier selection for one difficulty distribution.  Introduced in 12.

    alpha: left-tail exponent of the Beta (0.05 to 5). floor: lowest p, in [0, 0.5]. k: the
    number of samples to read off (1 to 10,000). false_positive: the verifier's false-positive
    rate in [0, 1] (false negatives fixed at FALSE_NEGATIVE; majority vote's common wrong answer
    takes WRONG_SHARE of the wrong samples). beta: the Beta's second shape parameter.
    Simulations use VIEW_PROBLEMS problems drawn with seed VIEW_SEED. Returns RepeatedSamplingView.
    """
    alpha = positive_scalar("alpha", alpha)
    if not 0.05 <= alpha <= 5:
        raise ValueError(f"alpha must lie in [0.05, 5], got {alpha}")
    floor = _probability_scalar("floor", floor)
    if floor > 0.5:
        raise ValueError(f"floor must be at most 0.5, got {floor}")
    at_k = float(_samples("k", k))
    if at_k > 1e4:
        raise ValueError(f"k must be at most 10,000 attempts, got {at_k:g}")
    at_k = int(round(at_k))
    difficulty = Difficulty(alpha, beta, floor)
    grid = SAMPLE_GRID.astype(float)
    p = difficulty.sample(VIEW_PROBLEMS, VIEW_SEED)
    majority = majority_vote(p, grid, WRONG_SHARE, VIEW_SEED)
    verifier = verifier_success(p, grid, false_positive, FALSE_NEGATIVE)
    neg_log = difficulty.neg_log_coverage(grid)
    tail = neg_log[-2:]
    slope_end = float(np.log(tail[1] / tail[0]) / np.log(grid[-1] / grid[-2])) if np.all(tail > 0) else -np.inf
    return RepeatedSamplingView(
        difficulty=difficulty, k=SAMPLE_GRID, coverage=difficulty.coverage(grid), neg_log_coverage=neg_log,
        sampled_coverage=sampled_coverage(first_success(p, VIEW_SEED), grid), majority=majority,
        verifier=verifier, majority_plateau=majority_limit(p, WRONG_SHARE),
        verifier_plateau=verifier_limit(p, false_positive, FALSE_NEGATIVE),
        power_law=difficulty.power_law_prefactor * grid ** (-alpha), slope_end=slope_end, at_k=at_k,
        coverage_at_k=float(difficulty.coverage(at_k)),
        majority_at_k=float(majority_vote(p, at_k, WRONG_SHARE, VIEW_SEED)),
        verifier_at_k=float(verifier_success(p, at_k, false_positive, FALSE_NEGATIVE)))
