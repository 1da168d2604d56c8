"""Notebook 05's Kaplan et al. 2020 helpers: the batch-size trade-off and the cost of a suboptimal size."""
import numpy as np
import pytest
from scipy.optimize import brentq

from helpers import kaplan


def test_eq_5_1_steps_and_tokens_at_the_critical_batch():
    steps, tokens = kaplan.batch_tradeoff([1e5, 1e6, 1e7], 1e6)
    np.testing.assert_allclose(steps, [11.0, 2.0, 1.1])
    np.testing.assert_allclose(tokens, [1.1, 2.0, 11.0])
    # Every run lies on the hyperbola (S/S_min - 1)(E/E_min - 1) = 1.
    np.testing.assert_allclose((steps - 1) * (tokens - 1), 1.0)


def test_eq_b_16_and_b_17_reproduce_the_papers_sentences():
    k = kaplan.KAPLAN_2020
    assert k.excess_compute(1.0) == pytest.approx(1.0)
    assert k.excess_steps(1.0) == pytest.approx(1.0)
    # "Models between 0.6x and 2.2x the optimal size can be used with only a 20% increase in compute."
    low = brentq(lambda r: k.excess_compute(r) - 1.2, 0.3, 1.0)
    high = brentq(lambda r: k.excess_compute(r) - 1.2, 1.0, 5.0)
    assert low == pytest.approx(0.6, abs=0.03) and high == pytest.approx(2.2, abs=0.03)
    # "A 2.2x larger model requires 45% fewer steps at a cost of 20% more training compute."
    assert 1 - k.excess_steps(2.2) == pytest.approx(0.45, abs=0.01)
    # A model so small that it cannot reach the loss at all costs infinite compute.
    assert np.isinf(k.excess_compute(0.1))


def test_eq_b_5_the_efficient_loss_sits_alpha_N_over_alpha_S_above_convergence():
    k = kaplan.KAPLAN_2020
    frontier = k.derived_frontier(np.geomspace(1e-6, 1e2, 5))
    overshoot = frontier.loss / k.loss_vs_params(frontier.N) - 1
    np.testing.assert_allclose(overshoot, k.alpha_N / k.alpha_S, rtol=1e-6)


@pytest.mark.parametrize("call,match", [
    (lambda: kaplan.batch_tradeoff(0.0, 1e6), "batch must be positive"),
    (lambda: kaplan.batch_tradeoff(1e6, -1.0), "critical_batch must be positive"),
    (lambda: kaplan.batch_tradeoff([1.0, 2.0], [1.0, 2.0, 3.0]), "shapes do not broadcast"),
    (lambda: kaplan.KAPLAN_2020.excess_compute(0.0), "size_ratio must be positive"),
    (lambda: kaplan.KAPLAN_2020.excess_steps(np.nan), "size_ratio must be finite"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
