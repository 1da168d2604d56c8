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


def test_sampled_exact_match_is_seeded_and_centred_on_the_toy_law():
    N = np.geomspace(1e8, 1e11, 6)
    first = metrics.sampled_exact_match(N, 40, 2000, seed=9)
    assert first.dtype.kind == "i" and first.shape == (6,)
    np.testing.assert_array_equal(first, metrics.sampled_exact_match(N, 40, 2000, seed=9))
    np.testing.assert_allclose(metrics.toy_answer_loss(N), (3e6 / N) ** 0.3)
    # Averaged over many questions the counts follow p**length with p = exp(-c(N)).
    many = metrics.sampled_exact_match(N, 40, 10 ** 7, seed=1) / 10 ** 7
    expected = np.exp(-40 * metrics.toy_answer_loss(N))
    np.testing.assert_allclose(many, expected, rtol=0.02, atol=2e-5)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(N=[1e9, -1.0], length=40, questions=100, seed=0), ValueError, "N must be positive"),
    (dict(N=1e9, length=40, questions=100, seed=0), ValueError, "N must be 1-dimensional"),
    (dict(N=[1e9], length=0, questions=100, seed=0), ValueError, "length must be at least 1"),
    (dict(N=[1e9], length=40, questions=2.5, seed=0), TypeError, "questions must be an integer"),
    (dict(N=[1e9], length=40, questions=100, seed=-1), ValueError, "seed must be at least 0"),
])
def test_sampled_exact_match_names_a_bad_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        metrics.sampled_exact_match(**kwargs)
