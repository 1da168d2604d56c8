"""Broken power laws: the formula, its slopes, the one-break fit and the explorer's view."""
import warnings

import numpy as np
import pytest

from helpers import broken, fitting

TRUTH = broken.BrokenPowerLaw(a=0.2, b=5.0, c0=0.05, c=(0.6,), d=(3e4,), f=(0.3,))
X = np.geomspace(1e2, 1e7, 17)


def written_out(x, a, b, c0, breaks):
    """Caballero et al.'s formula typed out directly."""
    y = b * x ** (-c0)
    for c, d, f in breaks:
        y = y * (1 + (x / d) ** (1 / f)) ** (-c * f)
    return a + y


@pytest.mark.parametrize("breaks", [(), ((0.6, 3e4, 0.3),), ((0.6, 3e4, 0.3), (-0.4, 1e6, 1.5))])
def test_the_law_is_caballeros_formula(breaks):
    c, d, f = (tuple(v) for v in zip(*breaks)) if breaks else ((), (), ())
    law = broken.BrokenPowerLaw(a=0.2, b=5.0, c0=0.05, c=c, d=d, f=f)
    np.testing.assert_allclose(law(X), written_out(X, 0.2, 5.0, 0.05, breaks), rtol=1e-12)
    np.testing.assert_allclose(law.reducible(X), law(X) - 0.2, rtol=1e-12)
    assert law.n_breaks == len(breaks)


def test_a_sharp_break_neither_overflows_nor_warns():
    law = broken.BrokenPowerLaw(a=0.0, b=1.0, c0=0.1, c=(0.5,), d=(10.0,), f=(0.001,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = law(np.array([1.0, 10.0, 1e6]))
    assert np.all(np.isfinite(y))
    # Sharp: the slope jumps from c0 to c0 + c1 at d.
    np.testing.assert_allclose(law.local_exponent([1.0, 1e6]), [0.1, 0.6])
    np.testing.assert_allclose(y[2], 1e6 ** -0.1 * (1e6 / 10) ** -0.5, rtol=1e-9)


def test_local_exponent_is_the_log_log_slope_and_segments_add_up():
    law = broken.BrokenPowerLaw(a=0.0, b=3.0, c0=0.05, c=(0.6, -0.4), d=(1e3, 1e6), f=(0.3, 0.5))
    h = 1e-6
    numeric = -(np.log(law.reducible(X * np.exp(h))) - np.log(law.reducible(X * np.exp(-h)))) / (2 * h)
    np.testing.assert_allclose(law.local_exponent(X), numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(law.segment_exponents, (0.05, 0.65, 0.25))
    np.testing.assert_allclose(law.local_exponent([1e-3, 1e4 * 3, 1e12]), law.segment_exponents, atol=2e-3)


@pytest.mark.parametrize("objective", broken.OBJECTIVES)
def test_the_fit_recovers_a_noiseless_law(objective):
    fit = broken.fit_broken_power_law(X, TRUTH(X), objective=objective)
    assert fit.converged and fit.at_bound == ()
    assert fit.rmse < 1e-8
    expected = dict(a=0.2, log_b=np.log(5.0), c0=0.05, c1=0.6, log_d1=np.log(3e4), log_f1=np.log(0.3))
    for name, value in expected.items():
        assert fit.params[name] == pytest.approx(value, rel=1e-5, abs=1e-6), name


def test_the_fit_on_noisy_data_lands_within_its_errors_and_reports_its_residuals():
    rng = np.random.default_rng(3)
    y = TRUTH(X) * np.exp(0.01 * rng.standard_normal(X.size))
    fit = broken.fit_broken_power_law(X, y)
    np.testing.assert_allclose(fit.residuals, np.log(fit.law(X)) - np.log(y), atol=1e-12)
    assert fit.rmse == pytest.approx(np.sqrt(np.mean(fit.residuals ** 2)))
    assert 0.005 < fit.rmse < 0.015  # about the 1% noise, not far below it
    truth = dict(c0=0.05, c1=0.6, log_d1=np.log(3e4), log_f1=np.log(0.3))
    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.standard_errors[name], name
    # The single power law cannot follow the break: its residuals are many times the noise.
    assert fitting.fit_log_log_line(X, y).rmse > 20 * fit.rmse


def test_log1p_objective_fits_ln_y_plus_one():
    fit = broken.fit_broken_power_law(X, TRUTH(X) * 1.01 ** np.sin(np.arange(X.size)), objective="log1p")
    y = TRUTH(X) * 1.01 ** np.sin(np.arange(X.size))
    np.testing.assert_allclose(fit.residuals, np.log1p(fit.law(X)) - np.log1p(y), atol=1e-12)


def test_a_break_beyond_the_data_is_invisible():
    # Truths with breaks a decade or more beyond the data agree with a single power law on the data
    # to well under 1% noise, and disagree by a factor of two or more a further two decades on.
    x = np.geomspace(1e2, 1e5, 12)
    line = broken.BrokenPowerLaw(a=0.2, b=5.0, c0=0.05)
    for d in (1e6, 3e6):
        truth = broken.BrokenPowerLaw(a=0.2, b=5.0, c0=0.05, c=(0.6,), d=(d,), f=(0.3,))
        assert broken.rmsle(truth(x), line(x)) < 1e-3
        assert line(1e7) / truth(1e7) > 1.8


def test_rmsle_and_first_miss():
    assert broken.rmsle([1.0, np.e], [np.e, 1.0]) == pytest.approx(1.0)
    assert broken.rmsle([2.0], [2.0]) == 0.0
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert broken.first_miss(x, [1.0, 1.04, 1.2, 1.0], np.ones(4), 0.05) == 3.0
    assert broken.first_miss(x, np.ones(4), np.ones(4), 0.05) is None


@pytest.mark.parametrize("value,error,text", [(0.6023, 0.027, "0.60 ± 0.03"), (0.0481, 0.0023, "0.048 ± 0.002"),
                                              (123.4, 12.0, "120 ± 10"), (0.2, np.inf, "0.2 (not determined)")])
def test_estimates_print_the_digits_the_error_allows(value, error, text):
    assert broken.estimate_text(value, error) == text


def test_factor_text():
    assert broken.factor_text(np.log(2.9e4), 0.04) == "2.9e+04 ×/÷ 1.04"


def test_the_explorer_view_scores_held_out_points_like_caballero():
    # The break a decade and a half inside the fitted points: the fit has seen the slope after it.
    view = broken.break_fit_view(3.5, 0.3, 16)
    law_rmsle = broken.rmsle(view.fit.law(view.x[16:]), view.y[16:])
    assert view.held_out_rmsle["broken"] == pytest.approx(law_rmsle)
    assert view.held_out_rmsle["broken"] < 0.05 < 4 * view.held_out_rmsle["broken"] < view.held_out_rmsle["power law"]
    assert view.first_miss["broken"] is None and view.first_miss["power law"] < 1e7
    every = broken.break_fit_view(3.5, 0.3, 24)
    assert every.held_out_rmsle == {"broken": None, "power law": None}
