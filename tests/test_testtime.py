"""helpers.testtime: the published numbers it reproduces, and its simulation against independent checks."""
import numpy as np
import pytest
from scipy import integrate, stats

from helpers import datasets, testtime

K_DECADES = np.array([1.0, 10.0, 100.0, 1e3, 1e4])


def _snell():
    table = datasets.load("snell2024_flops_matching")
    value = dict(zip(table["name"], table["value"]))
    ratios = [value[f"inference_to_pretraining_{which}"] for which in ("low", "mid", "high")]
    return value["size_ratio"], np.array(ratios)


def test_brown_fitted_curve_reproduces_the_printed_coverages():
    # exp(-1.33 k^-0.43) at k = 1, 10, 100, 1e3, 1e4, to the precision the facts print them.
    a, b = testtime.brown_fit("Llama-3-8B-Instruct", "MATH")
    coverage = testtime.fitted_coverage(K_DECADES, a, b)
    printed = [(0.264, 3), (0.61, 2), (0.83, 2), (0.93, 2), (0.975, 3)]
    for value, (expected, decimals) in zip(coverage, printed):
        assert round(float(value), decimals) == expected


def test_brown_fit_reads_one_row_and_names_the_pairs():
    assert testtime.brown_fit("Llama-3-70B-Instruct", "MATH") == (-0.75, -0.46)
    with pytest.raises(ValueError, match="model and benchmark must be one of the fitted pairs"):
        testtime.brown_fit("Llama-3-70B-Instruct", "GSM8K")


def test_samples_for_coverage_inverts_the_fitted_curve():
    for model, benchmark in (("Llama-3-8B-Instruct", "MATH"), ("Llama-3-70B-Instruct", "CodeContests")):
        a, b = testtime.brown_fit(model, benchmark)
        for k in (1.0, 37.0, 5000.0):
            target = float(testtime.fitted_coverage(k, a, b))
            assert testtime.samples_for_coverage(target, a, b) == pytest.approx(k, rel=1e-9)


def test_snell_flops_matched_budgets_reproduce_258_63_and_15_8():
    M, ratios = _snell()
    budgets = testtime.flops_matched_budget(M, ratios)
    assert [round(float(budgets[0])), round(float(budgets[1])), round(float(budgets[2]), 1)] == [258, 63, 15.8]


def test_flops_matched_budget_balances_the_flops():
    # Small model N: 6 N D_pre + budget * 2 N D_inf must equal M (6 N D_pre + 2 N D_inf).
    N, D_pre = 1e9, 1e12
    for M in (1.0, 2.5, 14.0):
        for R in (0.01, 0.79, 50.0):
            D_inf = R * D_pre
            budget = testtime.flops_matched_budget(M, R)
            assert 6 * N * D_pre + budget * 2 * N * D_inf == pytest.approx(M * (6 * N * D_pre + 2 * N * D_inf))


def test_the_criterion_is_the_budget_comparison():
    wins, budget = testtime.sampling_beats_larger_model(63.0, 14, 0.79)
    assert wins and budget == pytest.approx(63.367, abs=1e-3)
    assert not testtime.sampling_beats_larger_model(64.0, 14, 0.79)[0]
    assert testtime.sampling_beats_larger_model(14.0, 14, 1e9)[0]  # no pretraining to save: M samples


def test_coverage_of_one_problem_is_exponential_in_k():
    k = np.array([1.0, 2.0, 7.0, 50.0])
    np.testing.assert_allclose(testtime.coverage([0.2], k), 1 - 0.8 ** k, rtol=1e-12)
    np.testing.assert_allclose(testtime.neg_log_coverage([0.2], k), -np.log1p(-(0.8 ** k)), rtol=1e-12)
    # A problem never solved and one always solved.
    np.testing.assert_allclose(testtime.coverage([0.0, 1.0], k), 0.5)


@pytest.mark.parametrize("alpha,beta,floor", [(0.3, 2.0, 0.0), (1.5, 0.7, 0.0), (0.5, 3.0, 0.01)])
def test_exact_failure_matches_numerical_integration(alpha, beta, floor):
    difficulty = testtime.Difficulty(alpha, beta, floor)
    for k in (1, 13, 400):
        def integrand(x, k=k):
            return (1 - (floor + (1 - floor) * x)) ** k * stats.beta.pdf(x, alpha, beta)
        expected = integrate.quad(integrand, 0, 1, limit=200, points=[1e-6, 1e-3, 0.1])[0]
        assert difficulty.failure(k) == pytest.approx(expected, rel=1e-6)
    assert difficulty.mean == pytest.approx(1 - difficulty.failure(1), rel=1e-12)


def test_a_heavy_left_tail_gives_a_power_law_and_a_floor_breaks_it():
    k = np.geomspace(1e3, 1e7, 9)
    heavy = testtime.Difficulty(0.3, 2.0)
    slope = testtime.local_exponent(k, heavy.neg_log_coverage(k))
    gap = np.abs(slope + 0.3)  # the slope tends to -alpha: within 0.025 from k = 1e3, closing steadily
    assert np.all(gap < 0.025) and np.all(np.diff(gap) < 0) and gap[-1] < 0.003
    # The failure rate 1 - coverage is the power law; -log coverage = failure + failure**2 / 2 + ... joins it.
    np.testing.assert_allclose(heavy.failure(k[-1:]) / (heavy.power_law_prefactor * k[-1:] ** -0.3), 1, rtol=1e-5)
    floored = testtime.Difficulty(0.3, 2.0, floor=1e-3)
    k = np.geomspace(100, 1e4, 9)
    slope = testtime.local_exponent(k, floored.neg_log_coverage(k))
    assert np.all(np.diff(slope) < 0) and slope[-1] < -5  # steeper and steeper: no power law


def test_sampled_coverage_agrees_with_the_exact_expectation():
    p = testtime.Difficulty(0.4, 1.5).sample(20_000, seed=3)
    k = np.array([1.0, 10.0, 100.0, 1000.0])
    exact = testtime.coverage(p, k)
    sampled = testtime.sampled_coverage(testtime.first_success(p, seed=4), k)
    assert np.all(np.abs(sampled - exact) < 4 * np.sqrt(exact * (1 - exact) / p.size))
    assert np.all(np.diff(testtime.sampled_coverage(testtime.first_success(p, 5), testtime.SAMPLE_GRID)) >= 0)


def test_a_perfect_verifier_reaches_coverage_and_an_imperfect_one_levels_off():
    p = testtime.Difficulty(0.3, 2.0).sample(500, seed=1)
    k = testtime.SAMPLE_GRID.astype(float)
    np.testing.assert_allclose(testtime.verifier_success(p, k, 0.0, 0.0), testtime.coverage(p, k), rtol=1e-12)
    imperfect = testtime.verifier_success(p, k, 0.05, 0.1)
    assert imperfect[0] == pytest.approx(p.mean(), rel=1e-12)  # one sample: nothing to choose from
    limit = testtime.verifier_limit(p, 0.05, 0.1)
    assert imperfect[-1] == pytest.approx(limit, rel=1e-6) and limit < testtime.coverage(p, k[-1:])[0] - 0.3


def test_verifier_formula_matches_a_brute_force_simulation():
    rng = np.random.default_rng(0)
    p, k, fpr, fnr, trials = 0.15, 6, 0.2, 0.3, 200_000
    right = rng.random((trials, k)) < p
    accepted = np.where(right, rng.random((trials, k)) > fnr, rng.random((trials, k)) < fpr)
    pool = np.where(accepted.any(axis=1)[:, None], accepted, True)  # none accepted: any sample
    choice = np.argmax(rng.random((trials, k)) * pool, axis=1)  # uniformly among the pool
    simulated = right[np.arange(trials), choice].mean()
    exact = testtime.verifier_success([p], k, fpr, fnr)
    assert abs(simulated - exact) < 4 * np.sqrt(exact * (1 - exact) / trials)


def test_majority_vote_starts_at_pass_at_1_and_settles_at_its_limit():
    p = testtime.Difficulty(0.8, 1.0).sample(3000, seed=2)
    first = testtime.majority_vote(p, [1], 0.25, seed=7)[0]
    assert abs(first - p.mean()) < 4 * np.sqrt(p.mean() * (1 - p.mean()) / p.size)
    limit = testtime.majority_limit(p, 0.25)
    many = testtime.majority_vote(p, [5000], 0.25, seed=7)[0]
    near = np.abs(p - 0.25 * (1 - p)) < 0.02  # close races are not settled by 5,000 samples
    assert abs(many - limit) <= near.mean() + 0.01
    assert testtime.Difficulty(0.8, 1.0).majority_limit(0.25) == pytest.approx(limit, abs=0.03)
    # Every wrong answer different: with enough samples a right answer seen twice wins.
    assert testtime.majority_limit([0.0, 0.01, 0.5], 0.0) == pytest.approx(2 / 3)


def _majority_vote_by_enumeration(p, k, share):
    """Majority vote's expected accuracy summed over every (right, common wrong, unique wrong) count."""
    from math import comb
    total = 0.0
    for q in p:
        for right in range(k + 1):
            for common in range(k - right + 1):
                unique = k - right - common
                chance = (comb(k, right) * comb(k - right, common) * q ** right * ((1 - q) * share) ** common
                          * ((1 - q) * (1 - share)) ** unique)
                top = max(right, common, 1 if unique else 0)
                tied = (right == top) + (common == top) + (unique if top == 1 else 0)
                total += chance * (right == top) / tied
    return total / len(p)


@pytest.mark.parametrize("share", [0.0, 0.25, 0.7, 1.0])
def test_expected_majority_vote_matches_enumerating_every_count(share):
    p = np.concatenate([np.random.default_rng(3).uniform(0, 1, 5), [0.0, 1.0, 0.2]])
    for k in (1, 2, 3, 5, 8, 12):
        expected = testtime.expected_majority_vote(p, [k], share)[0]
        assert expected == pytest.approx(_majority_vote_by_enumeration(p, k, share), abs=1e-12), k


def test_expected_majority_vote_agrees_with_the_simulation():
    p = testtime.Difficulty(0.3, 2.0).sample(500, seed=4)
    simulated = np.array([testtime.majority_vote(p, K_DECADES, 0.25, seed=s) for s in range(100)])
    expected = testtime.expected_majority_vote(p, K_DECADES, 0.25)
    standard_error = simulated.std(axis=0, ddof=1) / np.sqrt(len(simulated))
    assert np.all(np.abs(simulated.mean(axis=0) - expected) < 4 * standard_error + 1e-12)
    # One sample is one vote: exactly pass@1. Coverage, which an oracle reaches, is never below.
    assert expected[0] == pytest.approx(p.mean(), rel=1e-12)
    assert np.all(expected <= testtime.coverage(p, K_DECADES) + 1e-12)


def test_expected_majority_vote_tends_to_its_limit():
    p = testtime.Difficulty(0.8, 1.0).sample(1000, seed=5)
    many = testtime.expected_majority_vote(p, [20_000], 0.25)[0]
    near = np.abs(p - 0.25 * (1 - p)) < 0.02  # close races are not settled by 20,000 samples
    assert abs(many - testtime.majority_limit(p, 0.25)) <= near.mean() / 2


def test_majority_vote_is_seeded():
    p = testtime.Difficulty(0.5, 2.0).sample(200, seed=0)
    first = testtime.majority_vote(p, [1, 10, 100], 0.3, seed=9)
    np.testing.assert_array_equal(first, testtime.majority_vote(p, [1, 10, 100], 0.3, seed=9))
    assert not np.array_equal(first, testtime.majority_vote(p, [1, 10, 100], 0.3, seed=10))


def test_view_shows_coverage_rising_past_both_selection_rules():
    view = testtime.repeated_sampling_view(0.3, 0.0, 1000, 0.05)
    assert np.all(np.diff(view.coverage) > 0)
    assert view.coverage[-1] > view.verifier_plateau + 0.3 and view.coverage[-1] > view.majority_plateau + 0.3
    assert view.slope_end == pytest.approx(-0.3, abs=0.05)
    assert view.at_k == 1000 and view.coverage_at_k == pytest.approx(testtime.Difficulty(0.3, 2.0).coverage(1000))
    floored = testtime.repeated_sampling_view(0.3, 0.01, 1000, 0.05)
    assert floored.slope_end < -10
    again = testtime.repeated_sampling_view(0.3, 0.0, 1000, 0.05)
    np.testing.assert_array_equal(view.majority, again.majority)
