"""Notebook 14: the planner, each of its rules against the module it comes from, and its command line."""
import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import datalimits, inference, kaplan, laws, plan
from helpers.compute import FLOP_PER_PF_DAY

REPO = Path(__file__).resolve().parent.parent
CASE = dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12)
CHINCHILLA_RULES = {"hoffmann_rounded": laws.HOFFMANN_ROUNDED, "hoffmann_unrounded": laws.HOFFMANN_UNROUNDED,
                    "epoch": laws.EPOCH_REFIT}


def settings(count, seed=0):
    """Seeded (flops, inference_tokens, unique_tokens) over the explorer's ranges."""
    rng = np.random.default_rng(seed)
    return [(10 ** rng.uniform(18, 27), 10 ** rng.uniform(8, 16), 10 ** rng.uniform(9, 14)) for _ in range(count)]


@pytest.fixture(scope="module")
def worked():
    return plan.plan(**CASE)


def test_one_row_per_rule_in_order(worked):
    assert [row.rule for row in worked.rows] == list(plan.RULES)
    assert [row.name for row in worked.rows] == list(plan.RULES.values())
    with pytest.raises(ValueError, match="rule must be one of"):
        worked.row("chinchilla")


def test_the_result_is_frozen(worked):
    with pytest.raises(dataclasses.FrozenInstanceError):
        worked.recommended = "kaplan"
    with pytest.raises(dataclasses.FrozenInstanceError):
        worked.rows[0].N = 1.0


@pytest.mark.parametrize("C,demand,U", settings(12))
def test_each_rule_is_its_modules_answer(C, demand, U):
    result = plan.plan(C, demand, U)
    kaplan_row = result.row("kaplan")
    assert kaplan_row.N == pytest.approx(float(kaplan.KAPLAN_2020.optimal_params(C / FLOP_PER_PF_DAY)), rel=1e-12)
    assert kaplan_row.D == pytest.approx(C / (6 * kaplan_row.N), rel=1e-12)
    assert kaplan_row.loss == pytest.approx(float(kaplan.KAPLAN_2020.loss(kaplan_row.N, kaplan_row.D)), rel=1e-12)
    for rule, law in CHINCHILLA_RULES.items():
        row = result.row(rule)
        N, D = law.compute_optimal(C)
        assert (row.N, row.D) == pytest.approx((float(N), float(D)), rel=1e-12)
        assert row.loss == pytest.approx(float(law.loss(N, D)), rel=1e-12)
    best = datalimits.optimal_allocation(datalimits.MUENNIGHOFF_2023, C, U)
    row = result.row("data_constrained")
    assert (row.N, row.D, row.loss) == (best.N, best.D, best.loss)
    # The inference-aware plan spends the budget and is the inference-aware optimum at its own loss.
    row = result.row("inference_aware")
    assert row.train_flops == pytest.approx(C, rel=1e-9)
    optimum = inference.inference_optimal(laws.EPOCH_REFIT, row.loss, demand)
    assert (row.N, row.D) == pytest.approx((optimum.N, optimum.D_train), rel=1e-9)
    for row in result.rows:
        assert row.epochs == pytest.approx(row.D / U, rel=1e-12)
        assert row.lifetime_flops == pytest.approx(6 * row.N * row.D + 2 * row.N * demand, rel=1e-12)
        assert row.loss > 0 and np.isfinite(row.loss)
        assert row.train_flops == pytest.approx(C, rel=1e-9)  # without a target, every rule spends the budget


def test_with_a_target_the_inference_rule_reaches_it_at_the_lowest_lifetime_cost():
    result = plan.plan(**CASE, target_loss=2.1)
    optimum = inference.inference_optimal(laws.EPOCH_REFIT, 2.1, CASE["inference_tokens"])
    row = result.row("inference_aware")
    assert (row.N, row.D, row.loss) == (optimum.N, optimum.D_train, optimum.target_loss)
    assert f"{optimum.train_flops / CASE['flops']:.3g}x the budget" in row.note
    # The other rules still spend the budget, untouched by the target.
    assert result.row("epoch") == plan.plan(**CASE).row("epoch")
    assert "meeting the target 2.1" in result.recommendation  # the budget's optimum reaches about 2.03
    assert "missing the target 1.9" in plan.plan(**CASE, target_loss=1.9).recommendation


def test_no_inference_makes_the_inference_rule_compute_optimal():
    result = plan.plan(1e22, 0, 1e13)
    row, epoch = result.row("inference_aware"), result.row("epoch")
    assert (row.N, row.D) == pytest.approx((epoch.N, epoch.D), rel=1e-12)
    assert result.inference_saving == 0 and not result.inference_heavy


def test_a_demand_too_small_to_matter_leaves_the_compute_optimal_plan():
    # 1 token of demand against ~1e12 training tokens: the optimum moves by less than rounding.
    result = plan.plan(1e25, 1.0, 1e15)
    row, epoch = result.row("inference_aware"), result.row("epoch")
    assert (row.N, row.D) == pytest.approx((epoch.N, epoch.D), rel=1e-9)


def test_the_llama_3_8b_plan_is_recovered_from_its_implied_demand():
    # Notebook 11: at the demand that makes Llama 3 8B (15T tokens) lifetime-optimal at its loss,
    # the inference-aware plan for its training compute must be that very model.
    N, D = 8e9, 15e12
    demand = float(inference.implied_inference_tokens(laws.EPOCH_REFIT, N, D))
    row = plan.plan(6 * N * D, demand, D).row("inference_aware")
    assert (row.N, row.D) == pytest.approx((N, D), rel=1e-8)


@pytest.mark.parametrize("C,demand,U", settings(40, seed=1))
def test_the_range_covers_every_rule(C, demand, U):
    result = plan.plan(C, demand, U)
    (n_low, n_high), (d_low, d_high) = result.N_range, result.D_range
    assert n_low == min(r.N for r in result.rows) and n_high == max(r.N for r in result.rows)
    assert d_low == min(r.D for r in result.rows) and d_high == max(r.D for r in result.rows)
    for row in result.rows:
        assert n_low <= row.N <= n_high and d_low <= row.D <= d_high
    assert f"({n_high / n_low:.3g}x)" in result.to_text()


@pytest.mark.parametrize("C,demand,U", settings(40, seed=2))
def test_the_recommendation_follows_the_two_tests(C, demand, U):
    result = plan.plan(C, demand, U)
    law = laws.EPOCH_REFIT
    N, D = (float(v) for v in law.compute_optimal(C))
    assert result.base_epochs == pytest.approx(D / U, rel=1e-12)
    assert result.data_limited == (D / U > plan.REPEATS_NEARLY_FREE)
    saving = inference.inference_optimal(law, float(law.loss(N, D)), demand).fraction_saved
    assert result.inference_saving == pytest.approx(saving, rel=1e-12)
    assert result.inference_heavy == (saving >= plan.INFERENCE_MATTERS)
    expected = ("data_constrained" if result.data_limited else
                "inference_aware" if result.inference_heavy else "epoch")
    assert result.recommended == expected
    chosen = result.row(expected)
    assert f"N = {chosen.N:.3g} parameters on D = {chosen.D:.3g} tokens" in result.recommendation


def test_each_branch_of_the_recommendation_is_reached():
    cases = {"epoch": (1e21, 1e8, 1e13), "inference_aware": (1e23, 2e12, 5e12),
             "data_constrained": (1e23, 1e10, 1e11)}
    for rule, (C, demand, U) in cases.items():
        result = plan.plan(C, demand, U)
        assert result.recommended == rule, (rule, result.recommendation)
    both = plan.plan(1e23, 2e12, 1e11)
    assert both.data_limited and both.inference_heavy and both.recommended == "data_constrained"
    assert "Both limits bind" in both.recommendation
    assert "Kaplan" in plan.plan(1e21, 1e8, 1e13).recommendation  # says why Kaplan's row is not the one


def test_unique_data_below_one_epoch_is_allowed_and_means_repeats():
    result = plan.plan(1e22, 1e9, 1e10)
    assert all(row.epochs > 1 for row in result.rows if row.rule != "kaplan")
    assert "epochs" in result.recommendation


def test_extreme_ratios_are_flagged_as_extrapolations():
    result = plan.plan(1e18, 1e16, 1e14)
    row = result.row("inference_aware")
    assert row.tokens_per_parameter > plan.TESTED_TOKENS_PER_PARAMETER
    assert any("an extrapolation" in text and row.name in text for text in result.assumptions)
    assert "extrapolation" in plan.plan_view(1e18, 1e16, 1e14).caption
    assert not any("an extrapolation" in text for text in plan.plan(**CASE).assumptions)


def test_a_budget_in_accelerator_hours():
    C = plan.compute_budget(gpu_hours=1e6, peak_flops=1e15, utilisation=0.4)
    assert C == 1e6 * 3600 * 1e15 * 0.4
    by_hours = plan.plan(gpu_hours=1e6, peak_flops=1e15, utilisation=0.4, inference_tokens=2e12, unique_tokens=5e12)
    assert by_hours == plan.plan(C, 2e12, 5e12)


def test_the_text_table_lists_every_rule(worked):
    text = worked.to_text()
    for row in worked.rows:
        line = next(line for line in text.splitlines() if line.startswith(row.name))
        assert f"{row.N:.3g}" in line and f"{row.D:.3g}" in line and f"{row.loss:.3f}" in line
    assert text.count("<- recommended") == 1
    assert "not comparable" in text and worked.recommendation in text
    for assumption in worked.assumptions:
        assert assumption in text


def test_plan_view_draws_the_iso_compute_line(worked):
    view = plan.plan_view(**CASE)
    assert view.plan == worked
    np.testing.assert_allclose(6 * view.sizes * view.iso_tokens, CASE["flops"], rtol=1e-12)
    n_low, n_high = worked.N_range
    assert view.sizes[0] < n_low and n_high < view.sizes[-1]
    assert (view.one_epoch, view.nearly_free) == (5e12, 4 * 5e12)
    chosen = worked.row(worked.recommended)
    assert view.caption.startswith("heavy inference") and f"N = {chosen.N:.3g}" in view.caption


# The command line.

def run_cli(*arguments):
    return subprocess.run([sys.executable, "-m", "helpers.plan", *arguments], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_the_command_line_prints_the_same_table(worked):
    done = run_cli("--flops", "1e23", "--inference-tokens", "2e12", "--unique-tokens", "5e12")
    assert done.returncode == 0, done.stderr
    assert done.stdout == worked.to_text() + "\n"
    assert done.stderr == ""


def test_the_command_line_takes_accelerator_hours_and_a_target():
    done = run_cli("--gpu-hours", "1e6", "--peak-flops", "1e15", "--utilisation", "0.4", "--inference-tokens",
                   "2e12", "--unique-tokens", "5e11", "--target-loss", "2.05")
    assert done.returncode == 0, done.stderr
    expected = plan.plan(inference_tokens=2e12, unique_tokens=5e11, target_loss=2.05, gpu_hours=1e6,
                         peak_flops=1e15, utilisation=0.4)
    assert done.stdout == expected.to_text() + "\n"


@pytest.mark.parametrize("arguments,words", [
    (["--flops", "-1e23", "--inference-tokens", "2e12", "--unique-tokens", "5e12"], "--flops must be positive"),
    (["--flops", "0", "--inference-tokens", "2e12", "--unique-tokens", "5e12"], "--flops must be positive"),
    (["--flops", "inf", "--inference-tokens", "2e12", "--unique-tokens", "5e12"], "--flops must be finite"),
    (["--flops", "abc", "--inference-tokens", "2e12", "--unique-tokens", "5e12"], "argument --flops: invalid float"),
    (["--flops", "1e23", "--inference-tokens", "-1", "--unique-tokens", "5e12"],
     "--inference-tokens must be non-negative"),
    (["--flops", "1e23", "--inference-tokens", "nan", "--unique-tokens", "5e12"], "--inference-tokens must be finite"),
    (["--flops", "1e23", "--inference-tokens", "2e12", "--unique-tokens", "0"], "--unique-tokens must be positive"),
    (["--flops", "1e23", "--inference-tokens", "2e12"], "required: --unique-tokens"),
    (["--flops", "1e23", "--inference-tokens", "2e12", "--unique-tokens", "5e12", "--target-loss", "1.5"],
     "--target-loss must exceed the base law's irreducible loss E=1.817"),
    (["--flops", "1e23", "--gpu-hours", "1e6", "--inference-tokens", "2e12", "--unique-tokens", "5e12"],
     "--flops is inconsistent with --gpu-hours"),
    (["--gpu-hours", "1e6", "--peak-flops", "1e15", "--inference-tokens", "2e12", "--unique-tokens", "5e12"],
     "--utilisation must be given"),
    (["--gpu-hours", "1e6", "--peak-flops", "1e15", "--utilisation", "40", "--inference-tokens", "2e12",
      "--unique-tokens", "5e12"], "--utilisation must be a fraction of peak in (0, 1], got 40"),
    (["--inference-tokens", "2e12", "--unique-tokens", "5e12"], "--flops must be given"),
])
def test_the_command_line_names_the_bad_argument(arguments, words, capsys):
    # In the process (a subprocess each would take seconds); argparse's own errors exit.
    try:
        status = plan.main(arguments)
    except SystemExit as stop:
        status = stop.code
    printed = capsys.readouterr()
    assert status == 2
    assert words in printed.err, printed.err
    assert printed.out == ""


@pytest.mark.parametrize("arguments,words", [
    (["--flops", "-1e23", "--inference-tokens", "2e12", "--unique-tokens", "5e12"], "--flops must be positive"),
    (["--flops", "abc", "--inference-tokens", "2e12", "--unique-tokens", "5e12"], "argument --flops: invalid float"),
    (["--flops", "1e23", "--gpu-hours", "1e6", "--inference-tokens", "2e12", "--unique-tokens", "5e12"],
     "--flops is inconsistent with --gpu-hours"),
])
def test_the_command_line_exits_non_zero_without_a_traceback(arguments, words):
    done = run_cli(*arguments)
    assert done.returncode == 2
    assert words in done.stderr.splitlines()[-1], done.stderr  # one line of error (after argparse's usage)
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_main_returns_the_status_in_process(capsys):
    assert plan.main(["--flops", "1e23", "--inference-tokens", "2e12", "--unique-tokens", "5e12"]) == 0
    assert capsys.readouterr().out == plan.plan(**CASE).to_text() + "\n"
    assert plan.main(["--flops", "1e23", "--inference-tokens", "2e12", "--unique-tokens", "-5"]) == 2
    assert "--unique-tokens must be positive, got -5" in capsys.readouterr().err
