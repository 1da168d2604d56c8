"""Notebook 08: a Chinchilla-form law seen in Kaplan's variables (after Pearce & Song 2024)."""
import numpy as np
import pytest

from helpers import laws, reconcile

KAPLAN_RANGE = (768, 1.5e9)


def test_embeddings_grow_like_the_cube_root():
    small, large = reconcile.embedding_params([1e6, 1e9])
    assert large / small == pytest.approx(10.0, rel=1e-12)
    d_model = (64 * 1e9 / 12) ** (1 / 3)
    assert reconcile.embedding_params(1e9) == pytest.approx((50257 + 1024) * d_model)


@pytest.mark.parametrize("law", [laws.HOFFMANN_UNROUNDED, laws.EPOCH_REFIT])
def test_range_exponent_over_kaplans_range_is_kaplan_like(law):
    # Measured: 0.76-0.78 (Hoffmann's law) and 0.79-0.82 (Epoch refit) for aspect ratios 16-128,
    # against the laws' own 0.457 and 0.513.
    for aspect in (16.0, 64.0, 128.0):
        local = reconcile.compare_frontiers(law, *KAPLAN_RANGE, aspect_ratio=aspect).range_exponent
        assert 0.74 <= local <= 0.83, (aspect, local)


@pytest.mark.parametrize("law", [laws.HOFFMANN_UNROUNDED, laws.EPOCH_REFIT])
def test_asymptotic_exponent_is_the_laws_own(law):
    comparison = reconcile.compare_frontiers(law, 1e12, 1e15)
    assert comparison.range_exponent == pytest.approx(law.frontier_exponents[0], abs=0.005)
    assert comparison.asymptotic_exponent == law.frontier_exponents[0]


def test_without_embeddings_the_frontier_is_the_laws():
    law = laws.EPOCH_REFIT
    budgets = np.geomspace(1e15, 1e25, 6)
    tiny = reconcile.nonembedding_frontier(law, budgets, vocab_size=1, n_ctx=1, aspect_ratio=1e-6)
    np.testing.assert_allclose(tiny, law.compute_optimal(budgets)[0], rtol=1e-3)
