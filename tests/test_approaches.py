"""The simulated Chinchilla study and Hoffmann et al.'s three approaches on it."""
from pathlib import Path

import numpy as np
import pytest
from scripts import load_script

from helpers import approaches, datasets, fitting, laws

GENERATOR = Path(datasets.DATA_DIR) / "generate_simulated_chinchilla.py"
TRUTH_A = laws.EPOCH_REFIT.frontier_exponents[0]  # 0.513


def _generator():
    return load_script(GENERATOR)


def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path):
    generator = _generator()
    generator.generate(tmp_path)
    for name in generator.FILES.values():
        assert (tmp_path / name).read_bytes() == (datasets.DATA_DIR / name).read_bytes(), name


def test_generator_records_its_truth():
    truth = datasets.load("simulated_chinchilla_truth")
    value = dict(zip(truth["name"], truth["value"]))
    for name in ("E", "A", "B", "alpha", "beta"):
        assert value[name] == getattr(laws.EPOCH_REFIT, name)
    assert value["run_noise_nats"] == 0.02


def test_isoflop_design_matches_the_paper():
    runs = datasets.load("simulated_chinchilla_isoflop")
    budgets = np.unique(runs["budget_flop"])
    np.testing.assert_allclose(budgets, np.geomspace(6e18, 3e21, 9), rtol=1e-5)
    per_budget = [np.sum(runs["budget_flop"] == b) for b in budgets]
    assert min(per_budget) >= 8 and max(per_budget) <= 12
    np.testing.assert_allclose(6 * runs["params"] * runs["tokens"], runs["budget_flop"], rtol=1e-4)


def test_approach1_recovers_the_truth_within_its_noise():
    curves = datasets.load("simulated_chinchilla_training_curves")
    frontier = approaches.approach1_envelope(curves["params"], curves["horizon_tokens"], curves["tokens_seen"],
                                             curves["loss"], np.geomspace(2e19, 2e21, 200))
    # With 0.02 nats of run noise the envelope is noisy: over 12 generator seeds a scattered with a
    # standard deviation of 0.06 around 0.53 (truth 0.513); 0.15 is 2.5 standard deviations.
    assert frontier.a == pytest.approx(TRUTH_A, abs=0.15)
    assert frontier.a + frontier.b == pytest.approx(1.0)


def test_approach1_on_noise_free_curves_is_close_to_exact():
    generator = _generator()
    curves = datasets.load("simulated_chinchilla_training_curves")
    clean = generator.curve_loss(curves["params"], curves["tokens_seen"], curves["horizon_tokens"])
    budgets = np.geomspace(2e19, 2e21, 200)
    frontier = approaches.approach1_envelope(curves["params"], curves["horizon_tokens"], curves["tokens_seen"],
                                             clean, budgets)
    assert frontier.a == pytest.approx(TRUTH_A, abs=0.01)
    n_true, _ = laws.EPOCH_REFIT.compute_optimal(budgets)
    # Five horizons per size read part-way through their schedules: per-budget errors up to
    # 0.16 decades were measured; the fitted exponent averages them out.
    assert np.all(np.abs(np.log10(frontier.N_opt / n_true)) < 0.2)


def test_approach2_recovers_the_truth():
    runs = datasets.load("simulated_chinchilla_isoflop")
    frontier = approaches.approach2_isoflop(runs["budget_flop"], runs["params"], runs["loss"])
    assert frontier.C.size == 9
    assert frontier.a == pytest.approx(TRUTH_A, abs=0.04)


def test_approach2_is_exact_on_noise_free_centred_parabolas():
    law = laws.ChinchillaLaw(E=1.8, A=500, B=2000, alpha=0.35, beta=0.35)  # symmetric: a = 0.5
    budgets, params, losses = [], [], []
    for c in np.geomspace(1e19, 1e22, 5):
        n_opt, _ = law.compute_optimal(c)
        sizes = n_opt * np.logspace(-0.3, 0.3, 7)
        budgets += [c] * 7
        params += list(sizes)
        losses += list(law.loss(sizes, c / (6 * sizes)))
    frontier = approaches.approach2_isoflop(budgets, params, losses)
    assert frontier.a == pytest.approx(0.5, abs=2e-3)


def test_isoflop_vertex_error_grows_with_off_centre_sampling():
    law = laws.EPOCH_REFIT
    centred = approaches.isoflop_vertex_error(law, 1e21, 0.0, 1.0)
    high = approaches.isoflop_vertex_error(law, 1e21, 0.5, 1.0)
    low = approaches.isoflop_vertex_error(law, 1e21, -0.5, 1.0)
    assert abs(centred) < 0.005
    assert high > 0.01 and low < -0.01  # the vertex follows the grid's centre
    assert abs(approaches.isoflop_vertex_error(law, 1e21, 0.0, 3.0)) > abs(centred)


def test_approach3_recovers_the_truth():
    runs = datasets.load("simulated_chinchilla_runs")
    assert len(runs) == 240
    N, D, loss = runs["params"], runs["tokens"], runs["loss"]
    fit = fitting.fit_chinchilla(N, D, loss)
    boot = fitting.bootstrap_chinchilla(N, D, loss, 400, seed=0)
    for name, true_value in (("a", TRUTH_A), ("E", laws.EPOCH_REFIT.E), ("alpha", laws.EPOCH_REFIT.alpha)):
        low, high = boot.interval(name, 0.99)
        assert low < true_value < high, name
    # Tokens per parameter at Chinchilla's budget, per bootstrap sample: (C/6) / N_opt**2.
    s = boot.samples
    G = (s["alpha"] * s["A"] / (s["beta"] * s["B"])) ** (1 / (s["alpha"] + s["beta"]))
    per_sample = (5.88e23 / 6) / (G * (5.88e23 / 6) ** s["a"]) ** 2
    low, high = np.percentile(per_sample, [0.5, 99.5])
    assert low < laws.EPOCH_REFIT.tokens_per_parameter(5.88e23) < high
    assert low < fit.law.tokens_per_parameter(5.88e23) < high


def test_approach1_needs_coverage():
    curves = datasets.load("simulated_chinchilla_training_curves")
    with pytest.raises(ValueError, match="reached by at least three model sizes"):
        approaches.approach1_envelope(curves["params"], curves["horizon_tokens"], curves["tokens_seen"],
                                      curves["loss"], [1e19, 1e20, 1e26])


def test_isoflop_profile_fit():
    fit = approaches.isoflop_profile_fit(laws.EPOCH_REFIT, 1e21, 0.5, 1.0, n_sizes=7)
    n_true, _ = laws.EPOCH_REFIT.compute_optimal(1e21)
    np.testing.assert_allclose(np.log10(fit.sizes / n_true), np.linspace(0.0, 1.0, 7), atol=1e-12)
    np.testing.assert_allclose(fit.parabola(fit.sizes), fit.losses, atol=0.01)  # a parabola fits closely
    assert fit.error_decades == approaches.isoflop_vertex_error(laws.EPOCH_REFIT, 1e21, 0.5, 1.0, 7)
