"""Plan a training run under six published rules side by side.  Introduced in 14.

Given a training budget (FLOP, or accelerator-hours x peak throughput x utilisation), the
inference demand the model will serve, the unique training data available and optionally a
target loss, ``plan`` recommends a model size N and a number of training tokens D under

    Kaplan et al. 2020           Table 6's N_opt(C_min), C_min read as the budget in PF-days
    Hoffmann et al. 2022         Approach 3's law, rounded (App. D.2) and unrounded (TeX source)
    Besiroglu et al. 2024        the Epoch AI refit of the same law
    Muennighoff et al. 2023      the data-constrained law, with the unique data as U
    Sardana et al. 2023          lifetime FLOP 6 N D + 2 N D_inference at a fixed loss (under a
                                 Chinchilla-form base law, default the Epoch AI refit)

shows how far apart they are, and says in plain words which rule applies to this case and why.

Every rule spends the budget, C = 6 N D, except the inference-aware rule given a target loss
(then it reaches the target at the lowest lifetime FLOP, whatever that costs to train). Without
a target, the inference-aware plan is the model whose training costs the budget among those its
objective ever picks for this demand: the target loss is solved for so that its training FLOP
equal C. Each rule's loss is predicted by its own law, which was fitted on its own data (Kaplan:
WebText2; Hoffmann: their own corpus; Epoch: Hoffmann's runs read off their figure; Muennighoff:
C4), with its own tokenizer: losses from different rows are not comparable, and Kaplan's N counts
non-embedding parameters only.

Also a command line, printing the same table as ``Plan.to_text()``:

    python -m helpers.plan --flops 1e23 --inference-tokens 2e12 --unique-tokens 5e12
    python -m helpers.plan --gpu-hours 1e6 --peak-flops 1e15 --utilisation 0.4 \\
        --inference-tokens 2e12 --unique-tokens 5e12 [--target-loss 2.1]

Units: N in parameters, D and U in tokens, FLOP, losses in nats per token.
"""
import argparse
import math
import re
import sys
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from helpers import datalimits, inference, kaplan, laws
from helpers._validate import finite_scalar, positive_int, positive_scalar
from helpers.compute import FLOP_PER_PF_DAY

__all__ = ["RULES", "REPEATS_NEARLY_FREE", "INFERENCE_MATTERS", "TESTED_TOKENS_PER_PARAMETER", "SECONDS_PER_HOUR",
           "compute_budget", "RulePlan", "Plan", "plan", "PlanView", "plan_view", "main"]

# Short keys and the names the table prints, in the table's order.
RULES = {
    "kaplan": "Kaplan 2020 (Table 6)",
    "hoffmann_rounded": "Hoffmann 2022, rounded",
    "hoffmann_unrounded": "Hoffmann 2022, unrounded",
    "epoch": "Epoch AI refit 2024",
    "data_constrained": "data-constrained (Muennighoff)",
    "inference_aware": "inference-aware (Sardana)",
}
# Muennighoff et al. 2023: up to about 4 epochs, repeated data is worth nearly as much as unique data.
REPEATS_NEARLY_FREE = 4.0
# The share of lifetime FLOP an inference-aware model must save (at the compute-optimal plan's
# loss) before this planner calls the demand heavy: a choice of this course, not a published number.
INFERENCE_MATTERS = 0.05
# Sardana et al. 2023 (abstract): quality still improved up to 10,000 tokens per parameter.
TESTED_TOKENS_PER_PARAMETER = 1e4
SECONDS_PER_HOUR = 3600.0

ASSUMPTIONS = (
    "training costs 6 N D FLOP and inference 2 N FLOP per token (notebook 04), with N and D as each law counts them",
    "D and the demand count tokens as each law's own tokenizer and text did; your tokenizer and data may put more "
    "or less into a token",
    "each row's loss is predicted by its own law, fitted on its own data and tokenizer: compare N and D across "
    "rows, not losses",
    "Kaplan's N counts non-embedding parameters and reads its C_min as the whole budget; the other laws count "
    "all parameters",
    "every law is extrapolated beyond the runs it was fitted on; Chinchilla-form laws predict final losses of "
    "runs whose schedule matches their length",
    "FLOP are not cost: utilisation, hardware and the price of inference differ between training and serving",
)


def _amount(name, value, *, allow_zero=False):
    """A single finite number, positive (or >= 0 with allow_zero), as a float; errors name it and quote it."""
    x = finite_scalar(name, value)
    if x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}, got {x:g}")
    return x


def compute_budget(flops=None, gpu_hours=None, peak_flops=None, utilisation=None):
    """The training budget in FLOP, given directly or as accelerator-hours.  Introduced in 14.

    Either flops (FLOP), or all of gpu_hours (accelerator-hours), peak_flops (peak FLOP per
    second of one accelerator) and utilisation (the fraction of peak achieved, in (0, 1]):
    then C = gpu_hours * 3600 * peak_flops * utilisation. Giving both, or neither, is refused.
    Returns C (float, FLOP).
    """
    hardware = {"gpu_hours": gpu_hours, "peak_flops": peak_flops, "utilisation": utilisation}
    given = [name for name, value in hardware.items() if value is not None]
    if flops is not None:
        if given:
            raise ValueError(f"flops is inconsistent with {', '.join(given)}: give the budget either as flops "
                             "or as gpu_hours, peak_flops and utilisation, not both")
        return _amount("flops", flops)
    if not given:
        raise ValueError("flops must be given (or gpu_hours, peak_flops and utilisation instead)")
    missing = [name for name, value in hardware.items() if value is None]
    if missing:
        raise ValueError(f"{missing[0]} must be given with {', '.join(given)} (a budget in accelerator-hours needs "
                         "gpu_hours, peak_flops and utilisation)")
    hours = _amount("gpu_hours", gpu_hours)
    peak = _amount("peak_flops", peak_flops)
    share = _amount("utilisation", utilisation)
    if share > 1:
        raise ValueError(f"utilisation must be a fraction of peak in (0, 1], got {share:g}")
    return hours * SECONDS_PER_HOUR * peak * share


@dataclass(frozen=True)
class RulePlan:
    """One rule's recommendation.  Introduced in 14.

    rule: key of RULES. N (parameters), D (training tokens). loss: predicted by the rule's own
    law (nats/token on that law's data). law: what predicts it. epochs: D / unique tokens.
    inference_tokens: the demand served. note: what to keep in mind about this row.
    """
    rule: str
    N: float
    D: float
    loss: float
    law: str
    epochs: float
    inference_tokens: float
    note: str = ""

    @property
    def name(self):
        return RULES[self.rule]

    @property
    def tokens_per_parameter(self):
        return self.D / self.N

    @property
    def train_flops(self):
        """6 N D (FLOP)."""
        return 6.0 * self.N * self.D

    @property
    def lifetime_flops(self):
        """6 N D + 2 N inference_tokens (FLOP): comparable across rows, unlike the losses."""
        return self.train_flops + 2.0 * self.N * self.inference_tokens


@dataclass(frozen=True)
class Plan:
    """What the planner recommends.  Introduced in 14.

    Inputs: flops (FLOP), inference_tokens, unique_tokens (tokens), target_loss (nats/token under
    base_law, or None). rows: one RulePlan per rule, in RULES' order. recommended: the key of the
    rule that applies. base_epochs: epochs of the unique data in the base law's compute-optimal
    plan; data_limited: base_epochs > REPEATS_NEARLY_FREE. inference_saving: the share of lifetime
    FLOP the inference-aware model saves at the loss of that plan (Sardana et al.'s Figure 1
    comparison); inference_heavy: that share is at least INFERENCE_MATTERS.
    recommendation: plain words. assumptions: what every row takes for granted, plus warnings.
    """
    flops: float
    inference_tokens: float
    unique_tokens: float
    target_loss: float | None
    base_law: str
    rows: tuple
    recommended: str
    base_epochs: float
    data_limited: bool
    inference_heavy: bool
    inference_saving: float
    recommendation: str
    assumptions: tuple

    def row(self, rule):
        """The RulePlan of one rule (a key of RULES)."""
        for candidate in self.rows:
            if candidate.rule == rule:
                return candidate
        raise ValueError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")

    @property
    def N_range(self):
        """(smallest, largest) N over the rules (parameters)."""
        sizes = [r.N for r in self.rows]
        return min(sizes), max(sizes)

    @property
    def D_range(self):
        """(fewest, most) training tokens over the rules."""
        tokens = [r.D for r in self.rows]
        return min(tokens), max(tokens)

    def to_text(self):
        """The table, the rules' range, the recommendation and the assumptions, as plain text."""
        target = "" if self.target_loss is None else f", target loss {self.target_loss:.4g} under the {self.base_law}"
        lines = [f"Plan for {self.flops:.3g} FLOP of training, {self.inference_tokens:.3g} inference tokens, "
                 f"{self.unique_tokens:.3g} unique tokens{target}",
                 "",
                 f"{'rule':31s} {'N':>9s} {'D':>9s} {'D/N':>7s} {'epochs':>7s} {'train FLOP':>10s} "
                 f"{'life FLOP':>10s} {'loss*':>6s}"]
        for r in self.rows:
            marker = "  <- recommended" if r.rule == self.recommended else ""
            lines.append(f"{r.name:31s} {r.N:9.3g} {r.D:9.3g} {_ratio(r.tokens_per_parameter):>7s} "
                         f"{_ratio(r.epochs):>7s} {r.train_flops:10.3g} {r.lifetime_flops:10.3g} {r.loss:6.3f}{marker}")
        n_low, n_high = self.N_range
        d_low, d_high = self.D_range
        lines += ["",
                  f"The rules span N = {n_low:.3g} to {n_high:.3g} parameters ({n_high / n_low:.3g}x) and "
                  f"D = {d_low:.3g} to {d_high:.3g} tokens ({d_high / d_low:.3g}x).",
                  "* each loss is under the row's own law and data; losses from different rows are not comparable.",
                  "",
                  "Notes:"]
        lines += [f"  {r.name}: {r.note}" for r in self.rows if r.note]
        lines += ["", "Recommendation: " + self.recommendation, "", "Assumptions:"]
        lines += [f"  - {text}" for text in self.assumptions]
        return "\n".join(lines)


def _ratio(value):
    """Tokens per parameter or epochs for people: 3 significant digits, whole numbers from 100 (1,875, not 1.88e+03)."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _epochs(value):
    shown = _ratio(value)
    return f"{shown} epoch" if shown == "1" else f"{shown} epochs"


def _checked_base_law(base_law):
    if not isinstance(base_law, laws.ChinchillaLaw):
        raise TypeError(f"base_law must be a ChinchillaLaw, got {type(base_law).__name__}")
    return base_law


def _inference_at_budget(law, flops, inference_tokens):
    """The inference-aware optimum (inference.InferenceOptimum) whose training FLOP equal flops.

    Its target loss is the root, in ln(target - E), of train FLOP = flops: at the budget's
    compute-optimal loss the optimum trains on at least the budget (equal for no demand; a demand
    too small to move it shows as equal to rounding), and doubling target - E until it trains on
    less brackets the root.
    """
    optimal_loss = float(law.optimal_loss(flops))

    def excess(log_gap):
        optimum = inference.inference_optimal(law, law.E + math.exp(log_gap), inference_tokens)
        return math.log(optimum.train_flops / flops)

    low = math.log(optimal_loss - law.E)
    if inference_tokens == 0 or excess(low) <= 0:
        return inference.inference_optimal(law, optimal_loss, inference_tokens)
    high = low + math.log(2.0)
    while excess(high) > 0:  # train FLOP fall at least as 2**(1/beta) per doubling: few steps
        low, high = high, high + math.log(2.0)
    log_gap = brentq(excess, low, high, xtol=1e-14, rtol=1e-14, maxiter=500)
    return inference.inference_optimal(law, law.E + math.exp(log_gap), inference_tokens)


def _law_name(law):
    names = {id(laws.HOFFMANN_ROUNDED): "Hoffmann 2022 law (rounded)",
             id(laws.HOFFMANN_UNROUNDED): "Hoffmann 2022 law (unrounded)",
             id(laws.EPOCH_REFIT): "Epoch AI refit", id(inference.FIGURE1_LAW): "Figure 1 law (0.336, 0.283)"}
    return names.get(id(law), f"law E={law.E:g}, alpha={law.alpha:g}, beta={law.beta:g}")


def plan(flops=None, inference_tokens=None, unique_tokens=None, target_loss=None, *, gpu_hours=None,
         peak_flops=None, utilisation=None, base_law=laws.EPOCH_REFIT):
    """Recommend N and D under six rules side by side, and say which applies.  Introduced in 14.

    flops: training budget (FLOP), or instead gpu_hours, peak_flops (FLOP/s per accelerator) and
    utilisation (in (0, 1]); see compute_budget. inference_tokens: tokens the model will process
    over its life (>= 0). unique_tokens: unique training tokens available (> 0; fewer than a plan
    uses means repeating them, which is allowed). target_loss: optional, nats/token under
    base_law, above its E: the inference-aware rule then reaches it at the lowest lifetime FLOP
    instead of spending the budget. base_law: the Chinchilla-form law of the inference-aware rule
    and of the data and demand tests (default laws.EPOCH_REFIT).
    Returns a Plan (frozen): rows, range, recommendation and assumptions; Plan.to_text() prints it.
    """
    C = compute_budget(flops, gpu_hours, peak_flops, utilisation)
    if inference_tokens is None:
        raise ValueError("inference_tokens must be given: the tokens the model will process over its life (0 for none)")
    demand = _amount("inference_tokens", inference_tokens, allow_zero=True)
    if unique_tokens is None:
        raise ValueError("unique_tokens must be given: the unique training tokens available")
    U = _amount("unique_tokens", unique_tokens)
    law = _checked_base_law(base_law)
    if target_loss is not None:
        target_loss = _amount("target_loss", target_loss)
        if target_loss <= law.E:
            raise ValueError(f"target_loss must exceed the base law's irreducible loss E={law.E:g} "
                             f"(no finite model reaches it), got {target_loss:g}")

    rows = [_kaplan_row(C, demand, U)]
    for rule, chinchilla in (("hoffmann_rounded", laws.HOFFMANN_ROUNDED),
                             ("hoffmann_unrounded", laws.HOFFMANN_UNROUNDED), ("epoch", laws.EPOCH_REFIT)):
        N, D = (float(v) for v in chinchilla.compute_optimal(C))
        rows.append(RulePlan(rule, N, D, float(chinchilla.loss(N, D)), _law_name(chinchilla), D / U, demand))
    best = datalimits.optimal_allocation(datalimits.MUENNIGHOFF_2023, C, U)
    rows.append(RulePlan("data_constrained", best.N, best.D, best.loss, "Muennighoff 2023 law, with repeats",
                         best.D / U, demand, "loss counts repeated tokens at their decayed value"))
    rows.append(_inference_row(law, C, demand, U, target_loss))

    base_N, base_D = (float(v) for v in law.compute_optimal(C))
    base_loss = float(law.loss(base_N, base_D))
    data_limited = base_D / U > REPEATS_NEARLY_FREE
    saving = inference.inference_optimal(law, base_loss, demand).fraction_saved
    inference_heavy = saving >= INFERENCE_MATTERS
    recommended, words = _recommend(rows, law, base_D / U, data_limited, saving, inference_heavy, demand, U)
    if target_loss is not None:
        reached = base_loss
        words += (f" Target: under the {_law_name(law)} the budget's compute-optimal model reaches {reached:.3f}, "
                  f"{'meeting' if reached <= target_loss else 'missing'} the target {target_loss:.4g}; the "
                  f"inference-aware row reaches it on {rows[-1].train_flops / C:.3g}x the budget.")
    return Plan(flops=C, inference_tokens=demand, unique_tokens=U, target_loss=target_loss, base_law=_law_name(law),
                rows=tuple(rows), recommended=recommended, base_epochs=base_D / U, data_limited=data_limited,
                inference_heavy=inference_heavy, inference_saving=float(saving), recommendation=words,
                assumptions=_assumptions(rows))


def _kaplan_row(C, demand, U):
    k = kaplan.KAPLAN_2020
    N = float(k.optimal_params(C / FLOP_PER_PF_DAY))
    D = C / (6.0 * N)
    return RulePlan("kaplan", N, D, float(k.loss(N, D)), "Kaplan 2020 eq. 1.5", D / U, demand,
                    "N is non-embedding parameters; D = C / (6 N) (Table 6's own D_opt fit does not spend C)")


def _inference_row(law, C, demand, U, target_loss):
    if target_loss is None:
        optimum = _inference_at_budget(law, C, demand)
        note = (f"spends the budget; at its loss, {optimum.target_loss:.3f}, no model is cheaper over its life "
                f"(it saves {optimum.fraction_saved:.1%} of lifetime FLOP against that loss's compute-optimal model)")
    else:
        optimum = inference.inference_optimal(law, target_loss, demand)
        ratio = optimum.train_flops / C
        note = (f"reaches the target loss at the lowest lifetime FLOP; trains on {ratio:.3g}x the budget"
                + (" (more than you have)" if ratio > 1 else ""))
    return RulePlan("inference_aware", optimum.N, optimum.D_train, optimum.target_loss, _law_name(law),
                    optimum.D_train / U, demand, note)


def _recommend(rows, law, base_epochs, data_limited, saving, inference_heavy, demand, U):
    """(rule key, plain words): which rule applies to this case, and why."""
    by_rule = {r.rule: r for r in rows}
    data = (f"the {_law_name(law)}'s compute-optimal plan would use {_epochs(base_epochs)} of the "
            f"{U:.3g} unique tokens")
    if data_limited:
        data += (f", beyond the ~{REPEATS_NEARLY_FREE:g} epochs up to which repeated tokens are worth nearly as "
                 "much as fresh ones (Muennighoff et al. 2023): data-limited")
    elif base_epochs > 1:
        data += f", within the ~{REPEATS_NEARLY_FREE:g} epochs that cost almost nothing (Muennighoff et al. 2023)"
    demand_words = (f"serving {demand:.3g} tokens, a model trained longer to the same loss would save "
                    f"{saving:.1%} of lifetime FLOP ({'at least' if inference_heavy else 'under'} "
                    f"{INFERENCE_MATTERS:.0%}: {'heavy' if inference_heavy else 'light'} inference)")
    if data_limited and inference_heavy:
        rule = "data_constrained"
        advice = ("Both limits bind, and no rule here combines them. The inference-aware plan repeats the data "
                  f"{_ratio(by_rule['inference_aware'].epochs)} times, which its law does not charge for, so its "
                  "loss is optimistic; the data-constrained plan charges for repeats but not for serving. "
                  "Follow the data-constrained plan, or move towards the inference-aware one only as far as "
                  "repeats stay useful.")
    elif data_limited:
        rule = "data_constrained"
        advice = "Follow the data-constrained plan: it is the only rule that charges for repeated tokens."
    elif inference_heavy:
        rule = "inference_aware"
        advice = ("Follow the inference-aware plan: a smaller model trained on more tokens than compute-optimal "
                  "costs less over its life.")
    else:
        rule = "epoch"
        advice = ("Neither limit binds: follow a compute-optimal rule. The Epoch AI refit agrees with Hoffmann "
                  "et al.'s other two approaches (Besiroglu et al. 2024); the two Hoffmann rows show how much "
                  "the constants' rounding moves the answer; Kaplan's row is the 2020 rule that Chinchilla "
                  "overturned.")
    chosen = by_rule[rule]
    return rule, (f"{data[0].upper()}{data[1:]}; {demand_words}. {advice} "
                  f"Recommended: N = {chosen.N:.3g} parameters on D = {chosen.D:.3g} tokens "
                  f"({_ratio(chosen.tokens_per_parameter)} per parameter, {_epochs(chosen.epochs)}).")


def _assumptions(rows):
    extra = [f"{r.name} trains {_ratio(r.tokens_per_parameter)} tokens per parameter, beyond the "
             f"{TESTED_TOKENS_PER_PARAMETER:,.0f} up to which Sardana et al. 2023 trained models: an extrapolation"
             for r in rows if r.tokens_per_parameter > TESTED_TOKENS_PER_PARAMETER]
    return ASSUMPTIONS + tuple(extra)


@dataclass(frozen=True)
class PlanView:
    """What notebook 14's explorer draws.  Introduced in 14.

    plan: the Plan. sizes (K,): model sizes spanning every rule's N; iso_tokens (K,): C / (6 N),
    the tokens each size gets on the budget. one_epoch: unique_tokens (the D of one epoch);
    nearly_free: REPEATS_NEARLY_FREE epochs of it.
    """
    plan: Plan
    sizes: np.ndarray
    iso_tokens: np.ndarray
    one_epoch: float
    nearly_free: float

    @property
    def caption(self):
        """One line for the explorer: the recommendation's rule and plan, and the rules' range."""
        p = self.plan
        chosen = p.row(p.recommended)
        n_low, n_high = p.N_range
        reasons = []
        if p.data_limited:
            reasons.append(f"data-limited ({_epochs(p.base_epochs)} at the compute-optimal plan)")
        if p.inference_heavy:
            reasons.append(f"heavy inference (training longer saves {p.inference_saving:.1%} of lifetime FLOP)")
        why = " and ".join(reasons) or "neither data nor inference binds"
        beyond = chosen.tokens_per_parameter > TESTED_TOKENS_PER_PARAMETER
        return (f"{why}: follow {chosen.name}, "
                f"N = {chosen.N:.3g} on D = {chosen.D:.3g} tokens ({_epochs(chosen.epochs)}); "
                f"the rules span N = {n_low:.3g} to {n_high:.3g} ({n_high / n_low:.3g}x)"
                + (f"; {_ratio(chosen.tokens_per_parameter)} tokens per parameter is beyond the 10,000 Sardana et al. "
                   "trained: an extrapolation" if beyond else ""))


def plan_view(flops, inference_tokens, unique_tokens, points=100, span=3.0):
    """The plan for one setting, with the iso-compute line around it.  Introduced in 14.

    flops, inference_tokens, unique_tokens: as for plan. points (>= 2): sizes on the line, from
    the smallest rule's N / span to the largest's N * span (span > 1). Returns a PlanView.
    """
    result = plan(flops, inference_tokens, unique_tokens)
    points = positive_int("points", points, minimum=2)
    span = positive_scalar("span", span)
    if span <= 1:
        raise ValueError(f"span must exceed 1, got {span}")
    n_low, n_high = result.N_range
    sizes = np.geomspace(n_low / span, n_high * span, points)
    return PlanView(plan=result, sizes=sizes, iso_tokens=result.flops / (6.0 * sizes),
                    one_epoch=result.unique_tokens, nearly_free=REPEATS_NEARLY_FREE * result.unique_tokens)


# The command line: the same table as Plan.to_text(), errors without a traceback.

OPTIONS = {"flops": "--flops", "inference_tokens": "--inference-tokens", "unique_tokens": "--unique-tokens",
           "target_loss": "--target-loss", "gpu_hours": "--gpu-hours", "peak_flops": "--peak-flops",
           "utilisation": "--utilisation"}


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m helpers.plan",
        description="Recommend a model size N and training tokens D under six scaling-law rules side by side. "
                    "Give the budget as --flops, or as --gpu-hours with --peak-flops and --utilisation.")
    parser.add_argument("--flops", type=float, help="training budget in FLOP, e.g. 1e23")
    parser.add_argument("--gpu-hours", type=float, help="accelerator-hours of training")
    parser.add_argument("--peak-flops", type=float, help="peak FLOP per second of one accelerator, e.g. 1e15")
    parser.add_argument("--utilisation", type=float, help="fraction of peak achieved, in (0, 1], e.g. 0.4")
    parser.add_argument("--inference-tokens", type=float, required=True,
                        help="tokens the model will process over its life (0 for none)")
    parser.add_argument("--unique-tokens", type=float, required=True, help="unique training tokens available")
    parser.add_argument("--target-loss", type=float, help="optional target loss (nats/token, under the Epoch AI refit)")
    return parser


def _joined_negative_values(argv):
    """['--flops', '-1e23'] -> ['--flops=-1e23']: argparse would read a negative number in
    exponent form as an option, and the planner's own check should say what is wrong with it."""
    joined, tokens = [], list(argv)
    while tokens:
        token = tokens.pop(0)
        if token in OPTIONS.values() and tokens and tokens[0].startswith("-") and _is_number(tokens[0]):
            token = f"{token}={tokens.pop(0)}"
        joined.append(token)
    return joined


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _in_option_names(message):
    """The planner's message with its argument names as the command line spells them."""
    for name, option in OPTIONS.items():
        message = re.sub(rf"\b{name}\b", option, message)
    return message


def main(argv=None):
    """Run the command line on argv (default sys.argv[1:]).  Introduced in 14.

    Prints Plan.to_text() and returns 0; on bad input prints one line naming the option to
    stderr and returns 2 (argparse's own errors exit with status 2 too).
    """
    parser = _parser()
    args = parser.parse_args(_joined_negative_values(sys.argv[1:] if argv is None else argv))
    try:
        result = plan(args.flops, args.inference_tokens, args.unique_tokens, args.target_loss,
                      gpu_hours=args.gpu_hours, peak_flops=args.peak_flops, utilisation=args.utilisation)
    except (ValueError, TypeError) as error:
        print(f"{parser.prog}: error: {_in_option_names(str(error))}", file=sys.stderr)
        return 2
    print(result.to_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
