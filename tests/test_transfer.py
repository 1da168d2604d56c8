"""Hernandez et al. 2021's transfer law: the published constants and what follows from them."""
import numpy as np
import pytest

from helpers import datasets, transfer

LAWS = transfer.transfer_laws()
TEXT = LAWS["text -> Python"]
MIXED = LAWS["50% text + 50% non-Python code -> Python"]


def test_table_1_is_the_papers():
    table = datasets.load(transfer.TABLE)
    assert table.status == "V2" and set(table["status"]) == {"V2"}
    assert (TEXT.k, TEXT.alpha, TEXT.beta) == (1.9e4, 0.18, 0.38)
    assert (MIXED.k, MIXED.alpha, MIXED.beta) == (2.1e5, 0.096, 0.38)


def test_the_worked_number_n_1e8_and_1e6_characters():
    # D item of the course's facts: N = 1e8, D_F = 1e6 characters -> D_T ≈ 2.5e8 characters (text -> Python),
    # printed to two significant figures: within half a unit of the last printed digit.
    D_T = float(TEXT.transferred(1e6, 1e8))
    assert abs(D_T - 2.5e8) < 0.05e8
    assert f"{D_T:.1e}" == "2.5e+08"


def test_effective_data_fraction_and_multiplier_agree():
    D_F, N = np.geomspace(1e4, 1e10, 7), 1e8
    D_T = TEXT.transferred(D_F, N)
    np.testing.assert_allclose(TEXT.effective_data(D_F, N), D_F + D_T)
    np.testing.assert_allclose(TEXT.pretraining_fraction(D_F, N), D_T / (D_F + D_T))
    np.testing.assert_allclose(TEXT.multiplier(D_F, N), (D_F + D_T) / D_F)


def test_the_value_of_pretraining_falls_with_fine_tuning_data_and_rises_with_size():
    D_F = np.geomspace(1e4, 1e12, 30)
    for law in LAWS.values():
        fraction = law.pretraining_fraction(D_F, 1e8)
        assert np.all(np.diff(fraction) < 0)
        assert np.all(np.diff(law.multiplier(D_F, 1e8)) < 0)
        assert np.all(np.diff(law.pretraining_fraction(1e6, np.geomspace(1e6, 1e10, 5))) > 0)


@pytest.mark.parametrize("N", [1e6, 1e8, 1e10])
def test_break_even_is_where_pretraining_supplies_half(N):
    for law in LAWS.values():
        D_F = law.break_even(N)
        assert law.transferred(D_F, N) == pytest.approx(D_F, rel=1e-10)
        assert law.pretraining_fraction(D_F, N) == pytest.approx(0.5)


def test_arrays_broadcast():
    assert TEXT.transferred(np.ones((3, 1)) * 1e6, np.array([1e7, 1e8])).shape == (3, 2)
