"""Seeded synthetic data, and notebook 01's fit-and-extrapolate demo."""
import numpy as np
import pytest

from helpers import laws, synthetic


def test_demo_without_noise_fits_exactly_and_extrapolates_exactly():
    demo = synthetic.power_law_fit_demo(alpha=0.4, noise=0.0, fit_decades=2, seed=0)
    assert demo.log_alpha == pytest.approx(0.4, rel=1e-9)
    assert demo.linear_alpha == pytest.approx(0.4, rel=1e-6)
    assert abs(demo.log_error) < 1e-8 and abs(demo.linear_error) < 1e-6
    assert demo.x_target == pytest.approx(demo.x[-1] * 100)
    np.testing.assert_allclose(demo.truth, laws.PowerLaw(5.0, 0.4)(demo.grid))


def test_demo_is_seeded():
    first = synthetic.power_law_fit_demo(0.3, 0.1, 2.0, seed=3)
    again = synthetic.power_law_fit_demo(0.3, 0.1, 2.0, seed=3)
    other = synthetic.power_law_fit_demo(0.3, 0.1, 2.0, seed=4)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.y, other.y)


def test_more_decades_of_data_extrapolate_better_on_average():
    def mean_abs_error(decades):
        return np.mean([abs(synthetic.power_law_fit_demo(0.3, 0.2, decades, seed=s).log_error)
                        for s in range(40)])

    assert mean_abs_error(4.0) < 0.5 * mean_abs_error(1.0)


def test_demo_reports_fits_that_fail_instead_of_raising():
    # Noisy data over half a decade need not fall with x at all: no decaying power law fits them.
    demo = synthetic.power_law_fit_demo(0.3, 0.4, 0.5, seed=8)
    assert set(demo.failures) == {"log", "linear"} and "do not fall" in demo.failures["log"]
    assert demo.log_fit is None and demo.log_alpha is None and demo.linear_error is None
