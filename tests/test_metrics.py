"""Notebook 03's helpers: bounded metrics and the emergence toy model."""
import numpy as np
import pytest

from helpers import metrics


def test_exact_match_and_token_errors():
    np.testing.assert_allclose(metrics.exact_match([0.9, 0.5, 1.0], 10), [0.9 ** 10, 0.5 ** 10, 1.0])
    np.testing.assert_allclose(metrics.exact_match(0.9, [1, 2, 3]), [0.9, 0.81, 0.729])
    assert metrics.expected_token_errors(0.9, 10) == pytest.approx(1.0)
    assert metrics.token_probability(0.0) == 1.0
    assert metrics.token_probability(np.log(2)) == pytest.approx(0.5)


def test_sigmoid_in_log_is_bounded_and_centred():
    x = np.geomspace(1e10, 1e30, 50)
    y = metrics.sigmoid_in_log(x, midpoint=1e20, width=1.0, floor=0.25, ceiling=0.9)
    assert np.all((y > 0.25) & (y < 0.9)) and np.all(np.diff(y) > 0)
    assert metrics.sigmoid_in_log(1e20, 1e20, 1.0, 0.25, 0.9) == pytest.approx(0.575)
    # Its logit above the floor is linear in log10 x with slope 1/width.
    a = (y - 0.25) / 0.65
    slope = np.polyfit(np.log10(x), np.log(a / (1 - a)), 1)[0]
    assert slope == pytest.approx(1.0, rel=1e-9)


def test_exact_match_stays_flat_longer_for_longer_answers():
    flat = [metrics.emergence_view(length, "exact match").flat_decades for length in (1, 5, 10, 40)]
    assert all(a < b for a, b in zip(flat, flat[1:]))
    assert flat[-1] > 3 > flat[0] * 10
    # The per-token metrics do not depend on the answer length in when they start to move.
    for metric in ("per-token accuracy", "expected wrong tokens"):
        assert metrics.emergence_view(40, metric).flat_decades == pytest.approx(flat[0])


def test_emergence_view_values():
    view = metrics.emergence_view(10, "exact match")
    np.testing.assert_allclose(view.cross_entropy, (metrics.EMERGENCE_SCALE / view.N) ** metrics.EMERGENCE_EXPONENT)
    np.testing.assert_allclose(view.values, np.exp(-view.cross_entropy) ** 10)
    errors = metrics.emergence_view(10, "expected wrong tokens")
    np.testing.assert_allclose(errors.values, 10 * (1 - view.p))
