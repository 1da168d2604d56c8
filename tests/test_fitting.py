"""Power-law fits recover the truth from seeded noisy data."""
import numpy as np
import pytest

from helpers import fitting, laws, synthetic

SEEDS = range(30)


def _random_power_law(seed):
    rng = np.random.default_rng(1000 + seed)
    return laws.PowerLaw(a=float(10 ** rng.uniform(-1, 3)), alpha=float(rng.uniform(0.05, 1.0)))


@pytest.mark.parametrize("seed", SEEDS)
def test_log_space_fit_recovers_random_power_laws(seed):
    truth = _random_power_law(seed)
    x = np.geomspace(1e2, 1e8, 25)
    y = synthetic.noisy_power_law(truth, x, 0.05, seed)
    fit = fitting.fit_power_law(x, y)
    # With 5% log-normal noise over 6 decades, the exponent's standard error is about 0.002.
    assert abs(fit.alpha - truth.alpha) < 0.01
    assert abs(fit.alpha - truth.alpha) < 5 * fit.alpha_se
    assert abs(np.log(fit.a / truth.a)) < 0.1


def test_noise_free_fits_are_exact_in_both_spaces():
    truth = laws.PowerLaw(a=3.0, alpha=0.4)
    x = np.geomspace(1, 1e5, 10)
    for space in ("log", "linear"):
        fit = fitting.fit_power_law(x, truth(x), space=space)
        assert fit.alpha == pytest.approx(0.4, rel=1e-8)
        assert fit.a == pytest.approx(3.0, rel=1e-7)


def test_log_space_standard_errors_cover_the_truth():
    truth = laws.PowerLaw(a=50.0, alpha=0.3)
    x = np.geomspace(10, 1e5, 12)
    inside = 0
    for seed in range(200):
        fit = fitting.fit_power_law(x, synthetic.noisy_power_law(truth, x, 0.1, seed))
        inside += abs(fit.alpha - truth.alpha) < 1.96 * fit.alpha_se
    # A 95% interval should cover the truth in about 190 of 200 draws (binomial sd ~3).
    assert 178 <= inside <= 200


def test_linear_space_fit_is_dominated_by_the_largest_values():
    # One outlier at small x (where y is large) drags the linear fit far more than the log fit.
    truth = laws.PowerLaw(a=100.0, alpha=0.5)
    x = np.geomspace(1, 1e4, 15)
    y = truth(x)
    y[0] *= 1.5
    log_fit = fitting.fit_power_law(x, y, space="log")
    linear_fit = fitting.fit_power_law(x, y, space="linear")
    assert abs(linear_fit.alpha - 0.5) > 3 * abs(log_fit.alpha - 0.5)


@pytest.mark.parametrize("seed", SEEDS)
def test_saturating_fit_recovers_random_truths(seed):
    rng = np.random.default_rng(2000 + seed)
    truth = laws.SaturatingPowerLaw(E=float(rng.uniform(0.5, 3.0)), x0=float(10 ** rng.uniform(2, 5)),
                                    alpha=float(rng.uniform(0.2, 0.6)))
    x = np.geomspace(truth.x0 / 100, truth.x0 * 1e4, 30)
    y = synthetic.noisy_power_law(truth, x, 0.003, seed)
    fit = fitting.fit_saturating_power_law(x, y)
    assert fit.law.E == pytest.approx(truth.E, rel=0.03)
    assert fit.law.alpha == pytest.approx(truth.alpha, rel=0.08)
    assert fit.law.x0 == pytest.approx(truth.x0, rel=0.3)
    assert fit.rmse < 0.006


def test_saturating_fit_beats_a_pure_power_law_on_saturating_data():
    truth = laws.SaturatingPowerLaw(E=1.7, x0=1e4, alpha=0.35)
    x = np.geomspace(1e2, 1e9, 20)
    y = truth(x)
    assert fitting.fit_saturating_power_law(x, y).rmse < 1e-6
    assert fitting.fit_power_law(x, y).rmse > 0.01


def test_fit_rejects_increasing_data():
    x = np.geomspace(1, 100, 6)
    with pytest.raises(fitting.FitError, match="does not fall"):
        fitting.fit_power_law(x, x ** 0.5)
    with pytest.raises(fitting.FitError, match="does not fall"):
        fitting.fit_saturating_power_law(x, 1 + x ** 0.5)
