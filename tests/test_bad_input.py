"""Every public helper rejects bad input with an error that names the argument."""
import numpy as np
import pytest

from helpers import (
    approaches,
    architecture,
    check,
    compute,
    datasets,
    fitting,
    henighan,
    kaplan,
    laws,
    metrics,
    plots,
    reconcile,
    synthetic,
    tinylm,
)
from helpers.corpus import load_corpus

GOOD_N, GOOD_D, GOOD_LOSS = synthetic.chinchilla_design_runs(laws.EPOCH_REFIT, 5, 4, 0.01, 0)
X = np.geomspace(1, 1e4, 8)
Y = 3 * X ** -0.4
TEXT = load_corpus()
BEYOND = TEXT.train.size  # one byte more than an epoch of contexts


def runs(**changes):
    values = {"N": GOOD_N, "D": GOOD_D, "loss": GOOD_LOSS}
    values.update(changes)
    return values


def bad(array, index, value):
    out = np.array(array, dtype=float)
    out[index] = value
    return out


CASES = [
    # (call, arguments, error type, words the message must contain)
    (laws.PowerLaw, dict(a=-1.0, alpha=0.5), ValueError, "a must be positive"),
    (laws.PowerLaw, dict(a=1.0, alpha=np.nan), ValueError, "alpha must be finite"),
    (laws.PowerLaw, dict(a="big", alpha=0.5), TypeError, "a must be"),
    (laws.PowerLaw, dict(a=[1.0, 2.0], alpha=0.5), TypeError, "a must be a single number"),
    (laws.SaturatingPowerLaw, dict(E=-0.1, x0=1.0, alpha=0.3), ValueError, "E must be non-negative"),
    (laws.SaturatingPowerLaw, dict(E=1.0, x0=0.0, alpha=0.3), ValueError, "x0 must be positive"),
    (laws.ChinchillaLaw, dict(E=1.7, A=400, B=400, alpha=0.0, beta=0.3), ValueError, "alpha must be positive"),
    (laws.ChinchillaLaw, dict(E=np.inf, A=400, B=400, alpha=0.3, beta=0.3), ValueError, "E must be finite"),
    (laws.ChinchillaLaw, dict(E=1.7, A=400, B=True, alpha=0.3, beta=0.3), TypeError, "B must be a single number"),
    (laws.HOFFMANN_ROUNDED.loss, dict(N=[1e9, -1e9], D=1e10), ValueError, "N must be positive"),
    (laws.HOFFMANN_ROUNDED.loss, dict(N=1e9, D=[np.nan]), ValueError, "D must be finite"),
    (laws.HOFFMANN_ROUNDED.loss, dict(N=[1e9, 2e9], D=[1e10, 2e10, 3e10]), ValueError, "N (2,), D (3,)"),
    (laws.HOFFMANN_ROUNDED.compute_optimal, dict(C=0.0), ValueError, "C must be positive"),
    (laws.HOFFMANN_ROUNDED.tokens_per_parameter, dict(C=[1e20, np.inf]), ValueError, "C must be finite"),
    (kaplan.KAPLAN_2020.loss_vs_params, dict(N=-5.0), ValueError, "N must be positive"),
    (kaplan.KAPLAN_2020.loss_vs_compute, dict(C_min_pf_days=0), ValueError, "C_min_pf_days must be positive"),
    (kaplan.KAPLAN_2020.loss, dict(N=1e9, D=0), ValueError, "D must be positive"),
    (kaplan.KAPLAN_2020.critical_batch, dict(loss=-1.0), ValueError, "loss must be positive"),
    (kaplan.KAPLAN_2020.loss_vs_steps, dict(N=1e9, S_min=[1e3, 0]), ValueError, "S_min must be positive"),
    (kaplan.KAPLAN_2020.derived_frontier, dict(C_min_pf_days=[[1.0]]), ValueError, "C_min_pf_days must be 1-dimensional"),
    (kaplan.KAPLAN_2020.data_to_avoid_overfitting, dict(N=np.nan), ValueError, "N must be finite"),
    (compute.training_flops, dict(N=0, D=1e9), ValueError, "N must be positive"),
    (compute.training_flops, dict(N=[1e9, 2e9], D=[1e9, 2e9, 3e9]), ValueError, "do not broadcast"),
    (compute.pf_days, dict(flops=-1.0), ValueError, "flops must be positive"),
    (compute.flops_from_pf_days, dict(days=np.nan), ValueError, "days must be finite"),
    (compute.tokens_per_parameter, dict(N=1e9, D=-1), ValueError, "D must be positive"),
    (fitting.fit_power_law, dict(x=X[:2], y=Y[:2]), ValueError, "x needs at least 3 values"),
    (fitting.fit_power_law, dict(x=X, y=Y[:-1]), ValueError, "x (8,), y (7,)"),
    (fitting.fit_power_law, dict(x=bad(X, 2, 0.0), y=Y), ValueError, "x must be positive"),
    (fitting.fit_power_law, dict(x=X, y=bad(Y, 0, np.nan)), ValueError, "y must be finite"),
    (fitting.fit_power_law, dict(x=X, y=Y, space="semilog"), ValueError, "space must be 'log' or 'linear'"),
    (fitting.fit_power_law, dict(x=np.ones(5), y=np.arange(1.0, 6.0)), ValueError, "x needs at least 2 distinct"),
    (fitting.fit_power_law, dict(x=X.reshape(2, 4), y=Y.reshape(2, 4)), ValueError, "x must be 1-dimensional"),
    (fitting.fit_saturating_power_law, dict(x=X[:3], y=Y[:3]), ValueError, "x needs at least 4 values"),
    (fitting.fit_saturating_power_law, dict(x=X, y=-Y), ValueError, "y must be positive"),
    (fitting.fit_chinchilla, runs(N=GOOD_N[:4], D=GOOD_D[:4], loss=GOOD_LOSS[:4]), ValueError, "N needs at least 5 values"),
    (fitting.fit_chinchilla, runs(loss=GOOD_LOSS[:-1]), ValueError, "loss (19,)"),
    (fitting.fit_chinchilla, runs(N=bad(GOOD_N, 3, -1e9)), ValueError, "N must be positive"),
    (fitting.fit_chinchilla, runs(D=bad(GOOD_D, 0, np.inf)), ValueError, "D must be finite"),
    (fitting.fit_chinchilla, runs(loss=bad(GOOD_LOSS, 5, 0.0)), ValueError, "loss must be positive"),
    (fitting.fit_chinchilla, runs(N=np.full(20, 1e9)), ValueError, "N needs at least 3 distinct values"),
    (fitting.fit_chinchilla, dict(**runs(), delta=0.0), ValueError, "delta must be positive"),
    (fitting.fit_chinchilla_paper_grid, dict(**runs(), grid=np.zeros((3, 4))), ValueError, "grid must have shape (K, 5)"),
    (fitting.fit_chinchilla_paper_grid, dict(**runs(), grid=np.full((2, 5), np.nan)), ValueError, "grid must be finite"),
    (fitting.fit_chinchilla_paper_grid, dict(**runs(), reduce="median"), ValueError, "reduce must be 'sum' or 'mean'"),
    (fitting.chinchilla_objective, dict(law="hoffmann", **runs()), TypeError, "law must be a ChinchillaLaw"),
    (fitting.lbfgsb_fit, dict(**runs(), start="hoffmann"), TypeError, "start must be a ChinchillaLaw"),
    (fitting.lbfgsb_fit, dict(**runs(), start=laws.EPOCH_REFIT, scale=0.0), ValueError, "scale must be positive"),
    (fitting.lbfgsb_fit, dict(**runs(), start=laws.EPOCH_REFIT, ftol=-1e-9), ValueError, "ftol must be positive"),
    (fitting.lbfgsb_fit, dict(**runs(), start=laws.EPOCH_REFIT, gtol=np.nan), ValueError, "gtol must be finite"),
    (fitting.lbfgsb_fit, dict(**runs(), start=laws.EPOCH_REFIT, maxiter=0), ValueError, "maxiter must be at least 1"),
    (fitting.lbfgsb_fit, dict(**runs(loss=GOOD_LOSS[:-1]), start=laws.EPOCH_REFIT), ValueError, "loss (19,)"),
    (fitting.bootstrap_chinchilla, dict(**runs(), n_resamples=5, seed=0), ValueError, "n_resamples must be at least 10"),
    (fitting.bootstrap_chinchilla, dict(**runs(), n_resamples=100.0, seed=0), TypeError, "n_resamples must be an integer"),
    (fitting.bootstrap_chinchilla, dict(**runs(), n_resamples=100, seed=-1), ValueError, "seed must be at least 0"),
    (synthetic.noisy_power_law, dict(law=laws.HOFFMANN_ROUNDED, x=X, noise=0.1, seed=0), TypeError, "law must be a PowerLaw"),
    (synthetic.noisy_power_law, dict(law=laws.PowerLaw(1, 1), x=X, noise=-0.1, seed=0), ValueError, "noise must be non-negative"),
    (synthetic.chinchilla_design_runs, dict(law=laws.EPOCH_REFIT, n_budgets=0, sizes_per_budget=3, noise=0, seed=0), ValueError, "n_budgets must be at least 1"),
    (synthetic.chinchilla_design_runs, dict(law=laws.EPOCH_REFIT, n_budgets=3, sizes_per_budget=3, noise=0, seed=0, min_flops=1e22, max_flops=1e20), ValueError, "max_flops must exceed min_flops"),
    (synthetic.chinchilla_design_runs, dict(law=laws.EPOCH_REFIT, n_budgets=3, sizes_per_budget=3, noise=0, seed=0, spread=0.5), ValueError, "spread must be at least 1"),
    (synthetic.power_law_fit_demo, dict(alpha=2.5, noise=0.1, fit_decades=2), ValueError, "alpha must lie strictly between"),
    (synthetic.power_law_fit_demo, dict(alpha=0.3, noise=0.1, fit_decades=10), ValueError, "fit_decades must lie in"),
    (synthetic.power_law_fit_demo, dict(alpha=0.3, noise=np.nan, fit_decades=2), ValueError, "noise must be finite"),
    (plots.log_grid, dict(x=[1.0, 10.0], extend=0.5), ValueError, "extend must be at least 1"),
    (plots.log_grid, dict(x=[0.0, 10.0]), ValueError, "x must be positive"),
    (datasets.load, dict(name="no_such_table"), KeyError, "name must be one of"),
    (laws.LearningCurve, dict(G=0.9, E=0.1, x_t=-1.0, alpha=0.5), ValueError, "x_t must be positive"),
    (laws.SaturatingPowerLaw(1.0, 10.0, 0.3).local_exponent, dict(x=[1.0, np.inf]), ValueError, "x must be finite"),
    (fitting.profile_floor, dict(x=X, y=Y, E_values=[-0.1]), ValueError, "E_values must be non-negative"),
    (fitting.saturating_objective_grid, dict(x=X, y=Y, E_values=[0.01], alpha_values=[0.0]), ValueError, "alpha_values must be positive"),
    (fitting.saturating_objective_grid, dict(x=X, y=Y, E_values=[[0.1]], alpha_values=[0.3]), ValueError, "E_values must be 1-dimensional"),
    (fitting.fit_saturating_power_law, dict(x=X, y=Y, E=np.nan), ValueError, "E must be finite"),
    (henighan.henighan_curves, dict(domain="Language", points=1), ValueError, "points must be at least 2"),
    (kaplan.kaplan_joint_view, dict(log10_N=20, log10_D=10), ValueError, "log10_N must lie in [3, 13]"),
    (metrics.exact_match, dict(p=[0.5, 1.2], length=3), ValueError, "p must lie in [0, 1]"),
    (metrics.exact_match, dict(p=0.5, length=2.5), ValueError, "length must be whole numbers"),
    (metrics.exact_match, dict(p=[0.5, 0.6], length=[1, 2, 3]), ValueError, "p (2,), length (3,)"),
    (metrics.expected_token_errors, dict(p=-0.1, length=3), ValueError, "p must be non-negative"),
    (metrics.token_probability, dict(cross_entropy=-1.0), ValueError, "cross_entropy must be non-negative"),
    (metrics.sigmoid_in_log, dict(x=1e20, midpoint=1e20, width=1.0, floor=0.5, ceiling=0.4), ValueError, "floor and ceiling must satisfy"),
    (metrics.sigmoid_in_log, dict(x=1e20, midpoint=0.0, width=1.0), ValueError, "midpoint must be positive"),
    (metrics.emergence_view, dict(length=0), ValueError, "length must be at least 1"),
    (architecture.transformer_shape, dict(n_layer=0, d_model=512), ValueError, "n_layer must be at least 1"),
    (approaches.approach2_isoflop, dict(budget=[1e20] * 6, params=np.geomspace(1e8, 1e9, 6), loss=np.ones(6)), ValueError, "at least 3 distinct IsoFLOP budgets"),
    (approaches.approach2_isoflop, dict(budget=[1e20, 1e21, 1e22], params=[1e8, 1e8, -1e8], loss=[2.0, 2.0, 2.0]), ValueError, "params must be positive"),
    (approaches.approach1_envelope, dict(params=[1e8, 1e8], horizon=[1e9, 1e9], tokens_seen=[1e8, 1e9], loss=[3.0, 2.0, 1.0], budgets=[1e18, 1e19, 1e20]), ValueError, "loss (3,)"),
    (approaches.isoflop_vertex_error, dict(law=laws.EPOCH_REFIT, budget=1e21, offset_decades=3.0, width_decades=1.0), ValueError, "offset_decades must lie strictly between"),
    (approaches.isoflop_vertex_error, dict(law=laws.EPOCH_REFIT, budget=1e21, offset_decades=0.0, width_decades=1.0, n_sizes=2), ValueError, "n_sizes must be at least 3"),
    (fitting.fit_log_log_line, dict(x=X[:2], y=Y[:2]), ValueError, "x needs at least 3 values"),
    (fitting.bootstrap_view, dict(N=GOOD_N, D=GOOD_D, loss=GOOD_LOSS, n_runs=30, n_resamples=100), ValueError, "n_runs must be at most the 20 runs"),
    (fitting.bootstrap_view, dict(N=GOOD_N, D=GOOD_D, loss=GOOD_LOSS, n_runs=20, n_resamples=5), ValueError, "n_resamples must be at least 10"),
    (reconcile.embedding_params, dict(nonembedding=-1.0), ValueError, "nonembedding must be positive"),
    (reconcile.embedding_params, dict(nonembedding=1e6, aspect_ratio=0.0), ValueError, "aspect_ratio must be positive"),
    (reconcile.compare_frontiers, dict(law=laws.EPOCH_REFIT, N_low=1e9, N_high=2e9), ValueError, "N_high must exceed 10 * N_low"),
    (reconcile.nonembedding_frontier, dict(law=None, C_nonembedding=[1e20]), TypeError, "law must be a ChinchillaLaw"),
    (architecture.transformer_shape, dict(n_layer=12, d_model=512.5), TypeError, "d_model must be an integer"),
    (architecture.transformer_shape, dict(n_layer=12, d_model=512, n_ctx=-1), ValueError, "n_ctx must be at least 1"),
    (metrics.emergence_view, dict(length=5, metric="BLEU"), ValueError, "metric must be one of"),
    (kaplan.kaplan_joint_view, dict(log10_N=9, log10_D=np.inf), ValueError, "log10_D must be finite"),
    (check.function, dict(func=abs, cases=[]), ValueError, "cases must list"),
    (check.function, dict(func=abs, cases=[((1.0,), np.nan)]), ValueError, "cases must give finite numbers"),
    (fitting.saturating_objective_grid, dict(x=X, y=Y, E_values=[0.5], alpha_values=[0.3]), ValueError, "E_values must lie below min(y)"),
    (fitting.profile_floor, dict(x=X, y=Y, E_values=[0.01, 0.5]), ValueError, "E_values must lie below min(y)"),
    (fitting.fit_saturating_power_law, dict(x=X, y=np.full(8, 2.0)), fitting.FitError, "does not fall"),
    (fitting.fit_saturating_power_law, dict(x=np.repeat([1.0, 10.0], 4), y=np.repeat([3.0, 2.0], 4)), ValueError, "x needs at least 3 distinct values"),
    (approaches.approach2_isoflop, dict(budget=np.repeat([1e19, 1e20, 1e21], 3), params=np.tile([1e8, 1e9, 1e10], 3), loss=np.full(9, 2.5)), fitting.FitError, "does not curve upwards"),
    (kaplan.KAPLAN_2020.derived_frontier, dict(C_min_pf_days=[1.0]), ValueError, "C_min_pf_days needs at least 2 values"),
    (fitting.bootstrap_view, dict(N=GOOD_N, D=GOOD_D[:-1], loss=GOOD_LOSS, n_runs=20, n_resamples=10), ValueError, "D (19,)"),
    (approaches.budget_view, dict(law="fit", budget=1e20, N=GOOD_N, D=GOOD_D), TypeError, "law must be a ChinchillaLaw"),
    (approaches.budget_view, dict(law=laws.EPOCH_REFIT, budget=-1.0, N=GOOD_N, D=GOOD_D), ValueError, "budget must be positive"),
    (approaches.budget_view, dict(law=laws.EPOCH_REFIT, budget=1e20, N=GOOD_N, D=GOOD_D[:-1]), ValueError, "D (19,)"),
    (approaches.budget_view, dict(law=laws.EPOCH_REFIT, budget=1e20, N=GOOD_N, D=GOOD_D, max_tokens=0), ValueError, "max_tokens must be positive"),
    (approaches.budget_view, dict(law=laws.EPOCH_REFIT, budget=1e20, N=GOOD_N, D=GOOD_D, max_tokens="all"), TypeError, "max_tokens must be numbers"),
    (approaches.budget_view, dict(law=laws.EPOCH_REFIT, budget=1e20, N=GOOD_N, D=GOOD_D, near_factor=1.0), ValueError, "near_factor must exceed 1"),
    (tinylm.parameter_count, dict(width=-3), ValueError, "width must be at least 1"),
    (tinylm.parameter_count, dict(width=np.inf), TypeError, "width must be an integer"),
    (tinylm.train_run, dict(corpus=TEXT, width=0, tokens=2000), ValueError, "width must be at least 1"),
    (tinylm.train_run, dict(corpus=TEXT, width=np.nan, tokens=2000), TypeError, "width must be an integer"),
    (tinylm.train_run, dict(corpus=TEXT, width=8, tokens=-640), ValueError, "tokens must be at least 640"),
    (tinylm.train_run, dict(corpus=TEXT, width=8, tokens=np.inf), TypeError, "tokens must be an integer"),
    (tinylm.train_run, dict(corpus=TEXT, width=8, tokens=BEYOND), ValueError, "tokens must be at most the"),
    (tinylm.train_run, dict(corpus=TEXT, width=8, tokens=2000, seed=-1), ValueError, "seed must be at least 0"),
    (tinylm.train_run, dict(corpus=TEXT, width=8, tokens=2000, dtype=np.float16), ValueError, "dtype must be float32 or float64"),
    (tinylm.run_grid, dict(corpus=TEXT, widths=(8, -1), tokens=(2000,)), ValueError, "widths must be at least 1"),
    (tinylm.run_grid, dict(corpus=TEXT, widths=(8,), tokens=(2000, BEYOND)), ValueError, "tokens must be at most the"),
    (tinylm.run_grid, dict(corpus=TEXT, widths=(8,), tokens=(2000.0,)), TypeError, "tokens must be an integer"),
    (tinylm.run_grid, dict(corpus="text", widths=(8,), tokens=(2000,)), TypeError, "corpus must be a helpers.corpus.Corpus"),
    (tinylm.run_many, dict(corpus=TEXT, jobs=[(8, 2000, 0)], workers=0), ValueError, "workers must be at least 1"),
    (tinylm.run_many, dict(corpus=TEXT, jobs=[(8, BEYOND, 0)]), ValueError, "tokens must be at most the"),
    (tinylm.run_many, dict(corpus=TEXT, jobs=[(8, 2000, -2)]), ValueError, "seed must be at least 0"),
]


@pytest.mark.parametrize("call,arguments,error,words", CASES,
                         ids=[f"{getattr(c, '__qualname__', c)}-{i}" for i, (c, *_) in enumerate(CASES)])
def test_bad_input_is_rejected_with_a_clear_message(call, arguments, error, words):
    with pytest.raises(error) as caught:
        call(**arguments)
    assert words in str(caught.value)


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


def test_a_fit_that_cannot_converge_raises_or_reports_it():
    # Loss that grows with model size: no decreasing power law in N can describe it.
    N, D, _ = synthetic.chinchilla_design_runs(laws.EPOCH_REFIT, 6, 6, 0.0, 0)
    loss = 2.0 + 1e-6 * N ** 0.5
    with pytest.raises(fitting.FitError):
        fitting.fit_chinchilla(N, D, loss)
    result = fitting.fit_chinchilla(N, D, loss, require_convergence=False)
    assert result.converged is False


def test_plots_loglog_needs_labels():
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError, match="xlabel must be a non-empty label"):
            plots.loglog(ax, "", "loss (nats/token)")
    finally:
        plt.close(fig)


def test_fits_report_loss_that_rises_with_data():
    # Loss that rises with D: no law with a positive beta describes it.
    N, D, _ = synthetic.chinchilla_design_runs(laws.EPOCH_REFIT, 6, 6, 0.0, 0)
    loss = 2.0 + 1e3 * N ** -0.3 + 1e-4 * D ** 0.3
    with pytest.raises(fitting.FitError, match="D term shrank to nothing"):
        fitting.fit_chinchilla(N, D, loss)
    assert fitting.fit_chinchilla(N, D, loss, require_convergence=False).converged is False
    with pytest.raises(fitting.FitError, match="beta came out"):
        fitting.fit_chinchilla_paper_grid(N, D, loss, grid=fitting.PAPER_GRID[::300], require_convergence=False)


def test_tinylm_rejects_bad_batches():
    from helpers import corpus, tinylm
    text = corpus.load_corpus()
    with pytest.raises(ValueError, match="batch must be at least 1"):
        tinylm.train_run(text, width=8, tokens=2000, batch=0)
    with pytest.raises(TypeError, match="corpus must be a helpers.corpus.Corpus"):
        tinylm.train_run("text", width=8, tokens=2000)
