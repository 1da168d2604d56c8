"""The budget challenge: screen small runs on a FLOP budget, fit, commit a prediction, then run.  Introduced in 09b.

Compute is counted as in notebook 09: C = 6 N D FLOP, with N every parameter of the model
(``tinylm.parameter_count``, the byte-embedding table included) and D the training bytes a run
really uses (the tokens asked for, rounded down to whole batches). The rules, kept by ``Ledger``:

* every screening run is charged 6 N D against the screening budget, and trained for real;
* a run that would spend more than what is left of the budget is refused before it starts;
* no screening run may use more than a tenth of the target budget, so the final run is at least
  ten times larger than anything screened;
* asking again for a configuration already trained (same width, same D, same seed) is free:
  the stored result is returned;
* a run interrupted before it ends (KeyboardInterrupt, Jupyter's stop button) is not charged and
  leaves no result: the ledger is exactly as it was before the run started;
* the final run, at the target budget, is refused until a prediction (width, tokens, loss) has
  been committed, and then trains exactly the committed configuration; a commitment cannot be
  changed, and no new screening run is allowed after it.

``isoflop_slices`` flags an optimum at the edge of the screened widths; ``plan_problems`` reviews
a screening plan before anything is spent; ``Score`` compares the committed loss, and a reference
law's prediction, with the measured one.
"""
from dataclasses import dataclass

import numpy as np

from helpers import tinylm
from helpers._validate import positive_int, positive_scalar
from helpers.corpus import Corpus
from helpers.laws import ChinchillaLaw

__all__ = ["TARGET_FACTOR", "FINAL_SHARE", "RunConfig", "Commitment", "IsoFLOPSlice", "Score", "Ledger",
           "run_config", "isoflop_slices", "plan_problems", "SLICE_SPREAD", "TIE", "DTYPE"]

TARGET_FACTOR = 10     # the target budget is at least this many times any screening run
FINAL_SHARE = 0.9      # the final run must spend between this share of the target and all of it
SLICE_SPREAD = 1.3     # runs whose compute lies within this factor form one IsoFLOP slice
# Losses closer than this (relative) are not ranked: about one standard deviation of the seed-to-seed
# spread of held-out losses, measured with seeds 0-3 of three runs: width 24 on 166,528 bytes (0.6%) and
# width 72 on 49,344 bytes (0.9%), both 1e10 FLOP, and width 84 on 403,200 bytes, 1e11 FLOP (0.6%).
TIE = 0.01
# The game's runs train in float64: their losses then come out the same on every CPU (to 8 decimals,
# checked with numpy's AVX-512, AVX2 and baseline code paths), so a committed game replays exactly.
# In float32 the last bits of the vector kernels differ between CPUs and training amplifies them:
# the final run's loss moved by 0.4% between code paths, enough to flip a 3% verdict.
DTYPE = np.float64


@dataclass(frozen=True)
class RunConfig:
    """One training run as the ledger counts it. width: hidden units. tokens: training bytes D,
    rounded down to whole batches. seed: int. N: parameters. flops: 6 N D."""
    width: int
    tokens: int
    seed: int
    N: int
    flops: float


def run_config(width, tokens, seed=0, *, max_tokens):
    """The RunConfig for ``width`` hidden units on ``tokens`` training bytes.  Introduced in 09b.

    max_tokens: the most training bytes one epoch of the corpus holds. Raises ValueError or TypeError
    naming ``width``, ``tokens`` or ``seed`` when one is not a valid run.
    """
    width = positive_int("width", width)
    tokens = positive_int("tokens", tokens, minimum=10 * tinylm.BATCH)
    seed = positive_int("seed", seed, minimum=0)
    if tokens > max_tokens:
        raise ValueError(f"tokens must be at most the {max_tokens:,} training bytes of the corpus (one epoch), "
                         f"got {tokens:,}")
    used = tokens // tinylm.BATCH * tinylm.BATCH
    n = tinylm.parameter_count(width)
    return RunConfig(width=width, tokens=used, seed=seed, N=n, flops=6.0 * n * used)


@dataclass(frozen=True)
class Commitment:
    """A prediction recorded before the final run. width, tokens (D), N, flops: the final run.
    loss: the predicted held-out loss (nats/byte). screened: how many screening runs it was based on."""
    width: int
    tokens: int
    N: int
    flops: float
    loss: float
    screened: int


@dataclass(frozen=True)
class IsoFLOPSlice:
    """Screening runs of about the same compute (within SLICE_SPREAD). runs: RunResults sorted by width.
    best: the one with the lowest held-out loss. contenders: the widths whose loss is within the tie
    tolerance of the best (the best included): run-to-run noise cannot rank them. at_edge: True when
    every contender is the narrowest or the widest width, so the slice shows no minimum between two
    worse sizes: the best size may lie outside the screened widths."""
    flops: float
    runs: tuple
    best: tinylm.RunResult
    contenders: tuple
    at_edge: bool

    @property
    def widths(self):
        return tuple(r.width for r in self.runs)


@dataclass(frozen=True)
class Score:
    """The final run against the predictions. predicted: the committed loss. measured: the final run's
    held-out loss. reference: a reference law's loss for the same N and D (all nats/byte)."""
    predicted: float
    measured: float
    reference: float

    @property
    def error(self):
        """Committed minus measured, relative to measured (+0.02 = predicted 2% too high)."""
        return self.predicted / self.measured - 1

    @property
    def reference_error(self):
        return self.reference / self.measured - 1

    def within(self, tolerance):
        """True when the committed loss is within ``tolerance`` (a fraction, e.g. 0.03) of the measured."""
        return abs(self.error) <= positive_scalar("tolerance", tolerance)

    @property
    def beat_reference(self):
        """True when the committed loss is closer to the measured one than the reference law's."""
        return abs(self.error) < abs(self.reference_error)


def isoflop_slices(results, spread=SLICE_SPREAD, tie=TIE):
    """Group runs into IsoFLOP slices and flag a best size at the edge of a slice's widths.  Introduced in 09b.

    results: RunResults. spread: runs whose compute is within this factor (> 1) of the slice's
    smallest belong to it. tie: relative loss difference (>= 0) below which two runs are not ranked.
    Returns a tuple of IsoFLOPSlice, smallest compute first, for the slices with at least two widths
    (a single width shows no trade-off).
    """
    spread = positive_scalar("spread", spread)
    if spread <= 1:
        raise ValueError(f"spread must be larger than 1, got {spread}")
    tie = positive_scalar("tie", tie, allow_zero=True)
    groups = []
    for run in sorted(results, key=lambda r: r.flops):
        if groups and run.flops <= groups[-1][0].flops * spread:
            groups[-1].append(run)
        else:
            groups.append([run])
    slices = []
    for group in groups:
        by_width = {}
        for run in group:  # one run per width: the best of its seeds or budgets in the slice
            if run.width not in by_width or run.held_out_loss < by_width[run.width].held_out_loss:
                by_width[run.width] = run
        if len(by_width) < 2:
            continue
        runs = tuple(by_width[w] for w in sorted(by_width))
        best = min(runs, key=lambda r: r.held_out_loss)
        contenders = tuple(r.width for r in runs if r.held_out_loss <= best.held_out_loss * (1 + tie))
        edges = (runs[0].width, runs[-1].width)
        slices.append(IsoFLOPSlice(flops=float(np.exp(np.mean(np.log([r.flops for r in runs])))), runs=runs,
                                   best=best, contenders=contenders, at_edge=all(w in edges for w in contenders)))
    return tuple(slices)


def plan_problems(plan, budget, target, max_tokens):
    """What is wrong with a screening plan, in plain words, before anything is spent.  Introduced in 09b.

    plan: (width, tokens) pairs. budget, target: FLOP. max_tokens: training bytes in one epoch.
    Returns a list of sentences, empty for a plan that keeps the rules (each run valid and at most
    target / TARGET_FACTOR, the whole plan within the budget) and can be fitted and read: at least 5
    distinct runs with 3 widths and 3 token counts, at least half of the budget used, and one IsoFLOP
    slice of 3 or more widths (only such a slice can show a minimum between two worse sizes).
    """
    budget, target = positive_scalar("budget", budget), positive_scalar("target", target)
    try:
        pairs = [tuple(pair) for pair in plan]
    except TypeError:
        raise TypeError(f"plan must be a list of (width, tokens) pairs, got {plan!r}") from None
    problems, configs = [], {}
    for pair in pairs:
        if len(pair) != 2:
            problems.append(f"{pair!r} is not a (width, tokens) pair")
            continue
        try:
            config = run_config(*pair, max_tokens=max_tokens)
        except (TypeError, ValueError) as exc:
            problems.append(f"run {pair!r}: {exc}")
            continue
        if config.flops > target / TARGET_FACTOR:
            problems.append(f"run {pair!r} would use {config.flops:.2g} FLOP, more than a tenth of the target "
                            f"({target / TARGET_FACTOR:.2g} FLOP)")
        configs[config] = None
    cost = sum(c.flops for c in configs)
    if cost > budget:
        problems.append(f"the plan costs {cost:.3g} FLOP, more than the budget of {budget:.3g} FLOP")
    elif cost < budget / 2:
        problems.append(f"the plan uses only {cost / budget:.0%} of the budget: more runs, or larger ones, "
                        "would measure the law better")
    widths, tokens = {c.width for c in configs}, {c.tokens for c in configs}
    if len(configs) < 5 or len(widths) < 3 or len(tokens) < 3:
        problems.append(f"the plan has {len(configs)} distinct runs, {len(widths)} widths and {len(tokens)} token "
                        "counts; fitting the law needs at least 5 runs, 3 widths and 3 token counts")
    proxies = [tinylm.RunResult(width=c.width, N=c.N, D=c.tokens, flops=c.flops, train_loss=1.0, held_out_loss=1.0)
               for c in configs]
    if not any(len(s.runs) >= 3 for s in isoflop_slices(proxies)):
        problems.append(f"no IsoFLOP slice has 3 widths (runs within a factor {SLICE_SPREAD} of each other in "
                        "compute): the plan cannot show whether the best size lies inside the screened widths")
    return problems


class Ledger:
    """The budget challenge's bookkeeping, and the runs it pays for.  Introduced in 09b.

    corpus: helpers.corpus.Corpus. budget: FLOP for screening runs. target: FLOP of the final run
    (each screening run may use at most target / TARGET_FACTOR). seed: the seed of every run unless
    a run asks for another.
    """

    def __init__(self, corpus, budget, target, seed=0):
        if not isinstance(corpus, Corpus):
            raise TypeError(f"corpus must be a helpers.corpus.Corpus, got {type(corpus).__name__}")
        self.corpus = corpus
        self.budget = positive_scalar("budget", budget)
        self.target = positive_scalar("target", target)
        self.seed = positive_int("seed", seed, minimum=0)
        self.max_tokens = corpus.train.size - tinylm.CONTEXT
        smallest = run_config(1, 10 * tinylm.BATCH, max_tokens=self.max_tokens).flops
        if self.budget < smallest:
            raise ValueError(f"budget must pay for at least the smallest run ({smallest:.3g} FLOP), "
                             f"got {self.budget:.3g}")
        if self.target / TARGET_FACTOR < smallest:
            raise ValueError(f"target must be at least {TARGET_FACTOR} times the smallest run "
                             f"({TARGET_FACTOR * smallest:.3g} FLOP), got {self.target:.3g}")
        self._screened = {}     # RunConfig -> RunResult, in the order trained
        self.cache_hits = 0
        self.commitment = None
        self.final_result = None

    # -- the accounts -------------------------------------------------------------------------
    @property
    def spent(self):
        """FLOP charged for screening runs so far (each configuration once)."""
        return float(sum(c.flops for c in self._screened))

    @property
    def remaining(self):
        return self.budget - self.spent

    @property
    def per_run_cap(self):
        """The most FLOP one screening run may use: target / TARGET_FACTOR."""
        return self.target / TARGET_FACTOR

    @property
    def results(self):
        """The screening runs' RunResults, in the order they were trained."""
        return list(self._screened.values())

    def slices(self):
        """isoflop_slices of the screening runs so far."""
        return isoflop_slices(self.results)

    def plan_problems(self, plan):
        """plan_problems for this ledger's budget, target and corpus (a fresh game's budget)."""
        return plan_problems(plan, self.budget, self.target, self.max_tokens)

    def config(self, width, tokens, seed=None):
        """The RunConfig a request would train (validated; nothing is spent)."""
        return run_config(width, tokens, self.seed if seed is None else seed, max_tokens=self.max_tokens)

    # -- screening ----------------------------------------------------------------------------
    def screen(self, width, tokens, seed=None, progress=None):
        """Train one screening run and charge it, or return the stored result of the same configuration.

        progress: optional callable(fraction_done), passed to tinylm.train_run. Returns RunResult.
        Raises ValueError (naming the argument and what is left) for a run over the per-run cap or
        the remaining budget, RuntimeError after the commitment.
        """
        config = self.config(width, tokens, seed)
        if config in self._screened:
            self.cache_hits += 1
            return self._screened[config]
        if self.commitment is not None:
            raise RuntimeError("screening is over: a prediction has been committed (only runs already "
                               "trained can be looked up again)")
        if config.flops > self.per_run_cap:
            raise ValueError(f"width={config.width}, tokens={config.tokens:,} would use {config.flops:.3g} FLOP, more "
                             f"than a screening run may ({self.per_run_cap:.3g} FLOP, a tenth of the target): "
                             "ask for fewer tokens or a smaller width")
        if config.flops > self.remaining:
            raise ValueError(f"width={config.width}, tokens={config.tokens:,} would cost {config.flops:.3g} FLOP, "
                             f"but only {self.remaining:.3g} FLOP of the budget remain: ask for fewer tokens or "
                             "a smaller width")
        result = self._train(config, progress)
        self._screened[config] = result  # charged only now, once the run has finished
        return result

    # -- the prediction and the final run -----------------------------------------------------
    def final_tokens(self, width):
        """(lowest, highest) tokens a final run of ``width`` may use: FINAL_SHARE to all of the target."""
        n = tinylm.parameter_count(width)
        return int(np.ceil(FINAL_SHARE * self.target / (6 * n))), int(self.target // (6 * n))

    def commit(self, width, tokens, loss):
        """Record the prediction for the final run: its width, tokens and held-out loss (nats/byte).

        The final run's 6 N D must lie between FINAL_SHARE and all of the target. Committing the same
        prediction again returns the record; a different one is refused. Returns Commitment.
        """
        config = self.config(width, tokens)
        loss = positive_scalar("loss", loss)
        low, high = self.final_tokens(config.width)
        if not (FINAL_SHARE * self.target <= config.flops <= self.target):
            if low > self.max_tokens:
                raise ValueError(f"width={config.width} is too small for the target: it would need {low:,} tokens or "
                                 f"more, beyond the {self.max_tokens:,} bytes of the corpus; choose a wider model")
            raise ValueError(f"tokens must make 6ND between {FINAL_SHARE:.0%} and 100% of the target "
                             f"({self.target:.3g} FLOP): for width={config.width} that is {low:,} to "
                             f"{min(high, self.max_tokens):,} tokens, got {tokens:,}")
        commitment = Commitment(width=config.width, tokens=config.tokens, N=config.N, flops=config.flops,
                                loss=loss, screened=len(self._screened))
        if self.commitment is not None:
            if (commitment.width, commitment.tokens, commitment.loss) != \
                    (self.commitment.width, self.commitment.tokens, self.commitment.loss):
                raise RuntimeError(f"a prediction is already committed ({self.commitment}); it cannot be changed")
            return self.commitment
        self.commitment = commitment
        return commitment

    def final(self, progress=None):
        """Train the committed final run (once; asking again returns the stored result). Returns RunResult."""
        if self.commitment is None:
            raise RuntimeError("commit a prediction first: ledger.commit(width, tokens, loss); the final run is "
                               "refused before it")
        if self.final_result is None:
            c = self.commitment
            config = RunConfig(width=c.width, tokens=c.tokens, seed=self.seed, N=c.N, flops=c.flops)
            self.final_result = self._train(config, progress)
        return self.final_result

    def score(self, reference_law):
        """Score the committed loss and ``reference_law``'s (a ChinchillaLaw) against the final run's."""
        if not isinstance(reference_law, ChinchillaLaw):
            raise TypeError(f"reference_law must be a laws.ChinchillaLaw, got {type(reference_law).__name__}")
        if self.final_result is None:
            raise RuntimeError("the final run has not been trained yet: ledger.final()")
        c = self.commitment
        return Score(predicted=c.loss, measured=self.final_result.held_out_loss,
                     reference=float(reference_law.loss(c.N, c.tokens)))

    def _train(self, config, progress):
        # tinylm rounds tokens down to whole batches itself, so config.tokens trains the same run.
        return tinylm.train_run(self.corpus, config.width, config.tokens, seed=config.seed, progress=progress,
                                dtype=DTYPE)

    def __repr__(self):
        return (f"Ledger(budget={self.budget:.3g}, spent={self.spent:.3g}, runs={len(self._screened)}, "
                f"target={self.target:.3g}, committed={self.commitment is not None}, "
                f"final={'done' if self.final_result is not None else 'not run'})")
