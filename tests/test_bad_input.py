"""Every public helper rejects bad input with an error that names the argument."""
import numpy as np
import pytest

from helpers import (
    approaches,
    architecture,
    broken,
    challenge,
    check,
    compute,
    corpus,
    datalimits,
    datasets,
    fitting,
    henighan,
    inference,
    kaplan,
    laws,
    metrics,
    plan,
    plots,
    reconcile,
    synthetic,
    testtime,
    tinylm,
    transfer,
)
from helpers.corpus import load_corpus

GOOD_N, GOOD_D, GOOD_LOSS = synthetic.chinchilla_design_runs(laws.EPOCH_REFIT, 5, 4, 0.01, 0)
X = np.geomspace(1, 1e4, 8)
Y = 3 * X ** -0.4
TEXT = load_corpus()
BEYOND = TEXT.train.size  # one byte more than an epoch of contexts


TEXT = corpus.load_corpus()
GAME = challenge.Ledger(TEXT, budget=5e10, target=1e11)   # no case below commits, so it stays fresh
SMALL_GAME = challenge.Ledger(TEXT, budget=2e9, target=1e11)


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
    (challenge.Ledger, dict(corpus=TEXT, budget=0.0, target=1e11), ValueError, "budget must be positive"),
    (challenge.Ledger, dict(corpus=TEXT, budget=-5e10, target=1e11), ValueError, "budget must be positive"),
    (challenge.Ledger, dict(corpus=TEXT, budget=np.inf, target=1e11), ValueError, "budget must be finite"),
    (challenge.Ledger, dict(corpus=TEXT, budget="lots", target=1e11), TypeError, "budget must be"),
    (challenge.Ledger, dict(corpus=TEXT, budget=1e3, target=1e11), ValueError, "budget must pay for at least the smallest run"),
    (challenge.Ledger, dict(corpus=TEXT, budget=5e10, target=np.nan), ValueError, "target must be finite"),
    (challenge.Ledger, dict(corpus=TEXT, budget=5e10, target=-1e11), ValueError, "target must be positive"),
    (challenge.Ledger, dict(corpus=TEXT, budget=5e10, target=1e8), ValueError, "target must be at least 10 times the smallest run"),
    (challenge.Ledger, dict(corpus="text", budget=5e10, target=1e11), TypeError, "corpus must be a helpers.corpus.Corpus"),
    (challenge.Ledger, dict(corpus=TEXT, budget=5e10, target=1e11, seed=-1), ValueError, "seed must be at least 0"),
    (GAME.screen, dict(width=0, tokens=10_000), ValueError, "width must be at least 1"),
    (GAME.screen, dict(width=2.5, tokens=10_000), TypeError, "width must be an integer"),
    (GAME.screen, dict(width=8, tokens=-5), ValueError, "tokens must be at least 640"),
    (GAME.screen, dict(width=8, tokens=np.inf), TypeError, "tokens must be an integer"),
    (GAME.screen, dict(width=8, tokens=500_000), ValueError, "tokens must be at most the 419,638 training bytes"),
    (GAME.screen, dict(width=8, tokens=10_000, seed=-2), ValueError, "seed must be at least 0"),
    (GAME.screen, dict(width=72, tokens=400_000), ValueError, "more than a screening run may (1e+10 FLOP"),
    (SMALL_GAME.screen, dict(width=24, tokens=49_920), ValueError, "tokens=49,920 would cost 3e+09 FLOP, but only 2e+09 FLOP of the budget remain"),
    (GAME.commit, dict(width=80, tokens=100_000, loss=1.8), ValueError, "tokens must make 6ND between 90% and 100% of the target"),
    (GAME.commit, dict(width=8, tokens=400_000, loss=1.8), ValueError, "width=8 is too small for the target"),
    (GAME.commit, dict(width=80, tokens=500_000, loss=1.8), ValueError, "tokens must be at most the 419,638"),
    (GAME.commit, dict(width=80, tokens=399_936, loss=np.nan), ValueError, "loss must be finite"),
    (GAME.commit, dict(width=80, tokens=399_936, loss=0.0), ValueError, "loss must be positive"),
    (GAME.final, dict(), RuntimeError, "commit a prediction first"),
    (GAME.score, dict(reference_law=laws.EPOCH_REFIT), RuntimeError, "the final run has not been trained yet"),
    (challenge.plan_problems, dict(plan=5, budget=5e10, target=1e11, max_tokens=419_638), TypeError, "plan must be a list of (width, tokens) pairs"),
    (challenge.plan_problems, dict(plan=[], budget=0, target=1e11, max_tokens=419_638), ValueError, "budget must be positive"),
    (challenge.isoflop_slices, dict(results=[], spread=0.5), ValueError, "spread must be larger than 1"),
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
    (inference.inference_optimal, dict(law=laws.EPOCH_REFIT, target_loss=1.817, inference_tokens=1e12), ValueError, "target_loss must exceed the law's irreducible loss E=1.817"),
    (inference.inference_optimal, dict(law=laws.EPOCH_REFIT, target_loss=1.5, inference_tokens=1e12), ValueError, "target_loss must exceed"),
    (inference.inference_optimal, dict(law=laws.EPOCH_REFIT, target_loss=np.nan, inference_tokens=1e12), ValueError, "target_loss must be finite"),
    (inference.inference_optimal, dict(law=laws.EPOCH_REFIT, target_loss=-2.0, inference_tokens=1e12), ValueError, "target_loss must be positive"),
    (inference.inference_optimal, dict(law=laws.EPOCH_REFIT, target_loss=2.2, inference_tokens=-1e12), ValueError, "inference_tokens must be non-negative"),
    (inference.inference_optimal, dict(law=laws.EPOCH_REFIT, target_loss=2.2, inference_tokens=np.inf), ValueError, "inference_tokens must be finite"),
    (inference.inference_optimal, dict(law=laws.EPOCH_REFIT, target_loss=2.2, inference_tokens=[1e12, 2e12]), TypeError, "inference_tokens must be a single number"),
    (inference.inference_optimal, dict(law="Chinchilla", target_loss=2.2, inference_tokens=1e12), TypeError, "law must be a ChinchillaLaw"),
    (inference.compute_optimal_at_loss, dict(law=laws.HOFFMANN_ROUNDED, target_loss=1.69), ValueError, "target_loss must exceed"),
    (inference.tokens_for_loss, dict(law=laws.HOFFMANN_ROUNDED, N=[1e9, 1e3], target_loss=2.1), ValueError, "N must exceed smallest_model"),
    (inference.tokens_for_loss, dict(law=laws.HOFFMANN_ROUNDED, N=[1e9, 0.0], target_loss=2.1), ValueError, "N must be positive"),
    (inference.lifetime_flops, dict(law=laws.HOFFMANN_ROUNDED, N=1e10, target_loss=2.1, inference_tokens=np.nan), ValueError, "inference_tokens must be finite"),
    (inference.smallest_model, dict(law=laws.HOFFMANN_ROUNDED, target_loss=np.inf), ValueError, "target_loss must be finite"),
    (inference.compute_optimal_loss, dict(law=laws.HOFFMANN_ROUNDED, N=-7e9), ValueError, "N must be positive"),
    (inference.implied_inference_tokens, dict(law=laws.HOFFMANN_ROUNDED, N=8e9, D_train=0.0), ValueError, "D_train must be positive"),
    (inference.implied_inference_tokens, dict(law=laws.HOFFMANN_ROUNDED, N=[8e9, 7e10], D_train=[1e12, 2e12, 3e12]), ValueError, "N (2,), D_train (3,)"),
    (inference.demand_view, dict(law=laws.HOFFMANN_ROUNDED, reference_params=0.0, inference_tokens=1e12), ValueError, "reference_params must be positive"),
    (inference.demand_view, dict(law=laws.HOFFMANN_ROUNDED, reference_params=1e10, inference_tokens=1e12, points=3), ValueError, "points must be at least 10"),
    (testtime.fitted_coverage, dict(k=[1, 0.5], a=-1.33, b=-0.43), ValueError, "k must be at least 1 attempt"),
    (testtime.fitted_coverage, dict(k=[1, np.inf], a=-1.33, b=-0.43), ValueError, "k must be finite"),
    (testtime.fitted_coverage, dict(k=10, a=1.33, b=-0.43), ValueError, "a must be negative"),
    (testtime.fitted_coverage, dict(k=10, a=-1.33, b=np.nan), ValueError, "b must be finite"),
    (testtime.samples_for_coverage, dict(target=1.0, a=-1.33, b=-0.43), ValueError, "target must lie strictly between 0 and 1"),
    (testtime.samples_for_coverage, dict(target=1.5, a=-1.33, b=-0.43), ValueError, "target must lie in [0, 1]"),
    (testtime.coverage, dict(p=[0.2, 1.2], k=10), ValueError, "p must lie in [0, 1]"),
    (testtime.coverage, dict(p=[0.2, -0.1], k=10), ValueError, "p must be non-negative"),
    (testtime.coverage, dict(p=[0.2, np.nan], k=10), ValueError, "p must be finite"),
    (testtime.coverage, dict(p=[0.2], k=0), ValueError, "k must be positive"),
    (testtime.neg_log_coverage, dict(p=[0.2], k=[10, 0.9]), ValueError, "k must be at least 1 attempt"),
    (testtime.first_success, dict(p=[0.2], seed=-1), ValueError, "seed must be at least 0"),
    (testtime.sampled_coverage, dict(first=[0.0, 3.0], k=10), ValueError, "first must be attempts >= 1"),
    (testtime.verifier_success, dict(p=[0.2], k=10, false_positive=1.5, false_negative=0.1), ValueError, "false_positive must lie in [0, 1]"),
    (testtime.verifier_success, dict(p=[0.2], k=10, false_positive=0.1, false_negative=np.nan), ValueError, "false_negative must be finite"),
    (testtime.verifier_limit, dict(p=[0.2], false_positive=[0.1, 0.2], false_negative=0.1), TypeError, "false_positive must be a single number"),
    (testtime.majority_vote, dict(p=[0.2], k=[2.5], wrong_share=0.2, seed=0), ValueError, "k must be whole numbers of attempts"),
    (testtime.majority_vote, dict(p=[0.2], k=[2], wrong_share=-0.2, seed=0), ValueError, "wrong_share must be non-negative"),
    (testtime.expected_majority_vote, dict(p=[0.2], k=[0], wrong_share=0.2), ValueError, "k must be positive"),
    (testtime.expected_majority_vote, dict(p=[0.2], k=[3], wrong_share=1.2), ValueError, "wrong_share must lie in [0, 1]"),
    (testtime.majority_limit, dict(p=[2.0], wrong_share=0.2), ValueError, "p must lie in [0, 1]"),
    (testtime.local_exponent, dict(k=[1.0, 10.0], y=[1.0, 0.0]), ValueError, "y must be positive"),
    (testtime.Difficulty, dict(alpha=0.0, beta=2.0), ValueError, "alpha must be positive"),
    (testtime.Difficulty, dict(alpha=0.3, beta=np.inf), ValueError, "beta must be finite"),
    (testtime.Difficulty, dict(alpha=0.3, beta=2.0, floor=1.0), ValueError, "floor must be below 1"),
    (testtime.Difficulty(0.3, 2.0).coverage, dict(k=[0.0]), ValueError, "k must be positive"),
    (testtime.Difficulty(0.3, 2.0).sample, dict(n=0, seed=0), ValueError, "n must be at least 1"),
    (testtime.flops_matched_budget, dict(size_ratio=0.5, inference_to_pretraining=0.79), ValueError, "size_ratio must be at least 1"),
    (testtime.flops_matched_budget, dict(size_ratio=14, inference_to_pretraining=0.0), ValueError, "inference_to_pretraining must be positive"),
    (testtime.flops_matched_budget, dict(size_ratio=np.nan, inference_to_pretraining=0.79), ValueError, "size_ratio must be finite"),
    (testtime.sampling_beats_larger_model, dict(samples_needed=0.5, size_ratio=14, inference_to_pretraining=0.79), ValueError, "samples_needed must be at least 1 attempt"),
    (testtime.repeated_sampling_view, dict(alpha=0.3, floor=0.0, k=2e4, false_positive=0.05), ValueError, "k must be at most 10,000"),
    (testtime.repeated_sampling_view, dict(alpha=10.0, floor=0.0, k=100, false_positive=0.05), ValueError, "alpha must lie in [0.05, 5]"),
    (testtime.repeated_sampling_view, dict(alpha=0.3, floor=0.9, k=100, false_positive=0.05), ValueError, "floor must be at most 0.5"),
    (datalimits.DataConstrainedLaw, dict(E=1.9, A=520, B=1490, alpha=0.35, beta=0.35, R_D_star=0.0, R_N_star=5.3), ValueError, "R_D_star must be positive"),
    (datalimits.DataConstrainedLaw, dict(E=1.9, A=520, B=1490, alpha=0.35, beta=0.35, R_D_star=15.4, R_N_star=np.nan), ValueError, "R_N_star must be finite"),
    (datalimits.MUENNIGHOFF_2023.loss, dict(N=-1e9, D=1e11, U=1e10), ValueError, "N must be positive"),
    (datalimits.MUENNIGHOFF_2023.loss, dict(N=1e9, D=np.inf, U=1e10), ValueError, "D must be finite"),
    (datalimits.MUENNIGHOFF_2023.loss, dict(N=1e9, D=1e11, U=0.0), ValueError, "U must be positive"),
    (datalimits.MUENNIGHOFF_2023.loss, dict(N=1e9, D=1e11, U="all"), TypeError, "U must be numbers"),
    (datalimits.MUENNIGHOFF_2023.loss, dict(N=[1e9, 2e9], D=[1e10, 2e10, 3e10], U=1e10), ValueError, "N (2,), D (3,)"),
    (datalimits.MUENNIGHOFF_2023.effective_data, dict(D=1e11, U=[1e10, -1.0]), ValueError, "U must be positive"),
    (datalimits.MUENNIGHOFF_2023.effective_data, dict(D=np.nan, U=1e10), ValueError, "D must be finite"),
    (datalimits.MUENNIGHOFF_2023.effective_params, dict(N=0.0, U=1e10), ValueError, "N must be positive"),
    (datalimits.MUENNIGHOFF_2023.effective_params, dict(N=1e9, U=-np.inf), ValueError, "U must be finite"),
    (datalimits.optimal_allocation, dict(law=datalimits.MUENNIGHOFF_2023, C=-1e22, U=25e9), ValueError, "C must be positive"),
    (datalimits.optimal_allocation, dict(law=datalimits.MUENNIGHOFF_2023, C=np.inf, U=25e9), ValueError, "C must be finite"),
    (datalimits.optimal_allocation, dict(law=datalimits.MUENNIGHOFF_2023, C=1e22, U=0), ValueError, "U must be positive"),
    (datalimits.optimal_allocation, dict(law=datalimits.MUENNIGHOFF_2023, C=1e22, U=np.nan), ValueError, "U must be finite"),
    (datalimits.optimal_allocation, dict(law=datalimits.MUENNIGHOFF_2023, C=[1e21, 1e22], U=25e9), TypeError, "C must be a single number"),
    (datalimits.optimal_allocation, dict(law=laws.HOFFMANN_ROUNDED, C=1e22, U=25e9), TypeError, "law must be a DataConstrainedLaw"),
    (datalimits.optimal_allocation_grid, dict(law=datalimits.MUENNIGHOFF_2023, C=0.0, U=25e9), ValueError, "C must be positive"),
    (datalimits.optimal_allocation_grid, dict(law=datalimits.MUENNIGHOFF_2023, C=1e22, U=-25e9), ValueError, "U must be positive"),
    (datalimits.optimal_allocation_grid, dict(law=datalimits.MUENNIGHOFF_2023, C=1e22, U=25e9, around=(8.67e9, 178e9)), ValueError, "around must spend C"),
    (datalimits.optimal_allocation_grid, dict(law=datalimits.MUENNIGHOFF_2023, C=1e22, U=25e9, around=(8.67e9,)), ValueError, "around must be a pair"),
    (datalimits.loss_floor, dict(law=datalimits.MUENNIGHOFF_2023, U=[1e10, 0.0]), ValueError, "U must be positive"),
    (datalimits.data_limit_view, dict(C=1e22, U=np.inf), ValueError, "U must be finite"),
    (datalimits.data_limit_view, dict(C=-1.0, U=25e9), ValueError, "C must be positive"),
    (datalimits.data_limit_view, dict(C=1e22, U=25e9, span=1.0), ValueError, "span must exceed 1"),
    (datalimits.data_limit_view, dict(C=1e22, U=25e9, points=1), ValueError, "points must be at least 2"),
    (broken.BrokenPowerLaw, dict(a=-0.1, b=1.0, c0=0.1), ValueError, "a must be non-negative"),
    (broken.BrokenPowerLaw, dict(a=0.0, b=0.0, c0=0.1), ValueError, "b must be positive"),
    (broken.BrokenPowerLaw, dict(a=0.0, b=1.0, c0=np.nan), ValueError, "c0 must be finite"),
    (broken.BrokenPowerLaw, dict(a=0.0, b=1.0, c0=0.1, c=(0.5,), d=(-1.0,), f=(0.3,)), ValueError, "d[0] must be positive"),
    (broken.BrokenPowerLaw, dict(a=0.0, b=1.0, c0=0.1, c=(0.5,), d=(1e3,), f=(0.0,)), ValueError, "f[0] must be positive"),
    (broken.BrokenPowerLaw, dict(a=0.0, b=1.0, c0=0.1, c=(0.5, 0.2), d=(1e3,), f=(0.3,)), ValueError, "c, d and f need one entry per break"),
    (broken.BrokenPowerLaw, dict(a=0.0, b=1.0, c0=0.1, c=(0.5, 0.2), d=(1e4, 1e3), f=(0.3, 0.3)), ValueError, "d must increase"),
    (broken.BrokenPowerLaw(0.1, 1.0, 0.1), dict(x=[1.0, 0.0]), ValueError, "x must be positive"),
    (broken.fit_broken_power_law, dict(x=X[:7], y=Y[:7]), ValueError, "x needs at least 8 values"),
    (broken.fit_broken_power_law, dict(x=np.append(X, 2e4), y=Y), ValueError, "x (9,), y (8,)"),
    (broken.fit_broken_power_law, dict(x=X, y=bad(Y, 1, -1.0)), ValueError, "y must be positive"),
    (broken.fit_broken_power_law, dict(x=X, y=Y, objective="mse"), ValueError, "objective must be one of"),
    (broken.fit_broken_power_law, dict(x=np.repeat(X[:4], 2), y=np.repeat(Y[:4], 2)), ValueError, "x needs at least 7 distinct values"),
    (broken.rmsle, dict(predicted=[1.0, 2.0], observed=[1.0]), ValueError, "predicted (2,), observed (1,)"),
    (broken.rmsle, dict(predicted=[0.0], observed=[1.0]), ValueError, "predicted must be positive"),
    (broken.first_miss, dict(x=X, predicted=Y, truth=Y, tolerance=0.0), ValueError, "tolerance must be positive"),
    (broken.break_fit_view, dict(log10_break=4.0, sharpness=0.3, n_fitted=30), ValueError, "n_fitted must be at most 24"),
    (broken.break_fit_view, dict(log10_break=4.0, sharpness=0.3, n_fitted=5), ValueError, "n_fitted must be at least 8"),
    (broken.break_fit_view, dict(log10_break=np.inf, sharpness=0.3, n_fitted=12), ValueError, "log10_break must be finite"),
    (broken.break_fit_view, dict(log10_break=4.0, sharpness=-0.3, n_fitted=12), ValueError, "f[0] must be positive"),
    (broken.estimate_text, dict(value=np.nan, error=0.1), ValueError, "value must be finite"),
    (transfer.TransferLaw, dict(k=1.9e4, alpha=1.2, beta=0.38), ValueError, "alpha must lie strictly between 0.0 and 1.0"),
    (transfer.TransferLaw, dict(k=0.0, alpha=0.18, beta=0.38), ValueError, "k must be positive"),
    (transfer.TransferLaw, dict(k=1.9e4, alpha=0.18, beta=-0.38), ValueError, "beta must be positive"),
    (transfer.TransferLaw(1.9e4, 0.18, 0.38).transferred, dict(D_F=-1e6, N=1e8), ValueError, "D_F must be positive"),
    (transfer.TransferLaw(1.9e4, 0.18, 0.38).pretraining_fraction, dict(D_F=1e6, N=np.nan), ValueError, "N must be finite"),
    (transfer.TransferLaw(1.9e4, 0.18, 0.38).effective_data, dict(D_F=[1e6, 1e7], N=[1e8, 1e9, 1e10]), ValueError, "D_F (2,), N (3,)"),
    (transfer.TransferLaw(1.9e4, 0.18, 0.38).break_even, dict(N=0.0), ValueError, "N must be positive"),
    (plan.plan, dict(flops=0.0, inference_tokens=2e12, unique_tokens=5e12), ValueError, "flops must be positive, got 0"),
    (plan.plan, dict(flops=-1e23, inference_tokens=2e12, unique_tokens=5e12), ValueError, "flops must be positive"),
    (plan.plan, dict(flops=np.inf, inference_tokens=2e12, unique_tokens=5e12), ValueError, "flops must be finite"),
    (plan.plan, dict(flops=[1e22, 1e23], inference_tokens=2e12, unique_tokens=5e12), TypeError, "flops must be a single number"),
    (plan.plan, dict(flops=1e23, inference_tokens=-2e12, unique_tokens=5e12), ValueError, "inference_tokens must be non-negative"),
    (plan.plan, dict(flops=1e23, inference_tokens=np.nan, unique_tokens=5e12), ValueError, "inference_tokens must be finite"),
    (plan.plan, dict(flops=1e23, unique_tokens=5e12), ValueError, "inference_tokens must be given"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=0.0), ValueError, "unique_tokens must be positive"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=np.inf), ValueError, "unique_tokens must be finite"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12), ValueError, "unique_tokens must be given"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, target_loss=1.817), ValueError, "target_loss must exceed the base law's irreducible loss E=1.817"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, target_loss=np.nan), ValueError, "target_loss must be finite"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, target_loss=1.6, base_law=laws.HOFFMANN_ROUNDED), ValueError, "target_loss must exceed the base law's irreducible loss E=1.69"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, base_law="Chinchilla"), TypeError, "base_law must be a ChinchillaLaw"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, gpu_hours=1e6), ValueError, "flops is inconsistent with gpu_hours"),
    (plan.plan, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, utilisation=0.4), ValueError, "flops is inconsistent with utilisation"),
    (plan.plan, dict(inference_tokens=2e12, unique_tokens=5e12), ValueError, "flops must be given"),
    (plan.compute_budget, dict(gpu_hours=1e6, utilisation=0.4), ValueError, "peak_flops must be given with gpu_hours, utilisation"),
    (plan.compute_budget, dict(gpu_hours=0.0, peak_flops=1e15, utilisation=0.4), ValueError, "gpu_hours must be positive"),
    (plan.compute_budget, dict(gpu_hours=1e6, peak_flops=np.inf, utilisation=0.4), ValueError, "peak_flops must be finite"),
    (plan.compute_budget, dict(gpu_hours=1e6, peak_flops=1e15, utilisation=1.5), ValueError, "utilisation must be a fraction of peak in (0, 1], got 1.5"),
    (plan.compute_budget, dict(gpu_hours=1e6, peak_flops=1e15, utilisation=0.0), ValueError, "utilisation must be positive"),
    (plan.compute_budget, dict(gpu_hours=True, peak_flops=1e15, utilisation=0.4), TypeError, "gpu_hours must be a single number"),
    (plan.plan_view, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, span=1.0), ValueError, "span must exceed 1"),
    (plan.plan_view, dict(flops=1e23, inference_tokens=2e12, unique_tokens=5e12, points=1), ValueError, "points must be at least 2"),
    (plan.plan(1e23, 2e12, 5e12).row, dict(rule="chinchilla"), ValueError, "rule must be one of kaplan"),
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
