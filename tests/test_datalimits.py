"""helpers.datalimits: Muennighoff et al.'s data-constrained law, its README's numbers, and the optimisers."""
import numpy as np
import pytest

from helpers import datalimits, datasets, laws
from helpers.datalimits import MUENNIGHOFF_2023 as LAW

EXAMPLES = datasets.load("muennighoff2023_worked_examples")


def example(name):
    return EXAMPLES.row("name", name)


def readme_law_by_hand(N, D, U):
    """The README's formula typed out from its text, independent of the module's code paths."""
    constants = datasets.load("muennighoff2023_constants")
    v = dict(zip(constants["name"], constants["value"]))
    A, B, E = np.exp(v["log_A"]), np.exp(v["log_B"]), np.exp(v["log_E"])
    alpha, beta, rd, rn = v["alpha"], v["beta"], v["R_D_star"], v["R_N_star"]
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    RD = max(D / U - 1, 0)
    UN = min(N, (U * G) ** (beta / alpha) * G)
    RN = max(N / UN - 1, 0)
    return E + A / (UN + UN * rn * (1 - np.exp(-RN / rn))) ** alpha + B / (U + U * rd * (1 - np.exp(-RD / rd))) ** beta


def test_constants_are_exp_of_the_published_logs():
    assert LAW.E == pytest.approx(np.exp(0.6254804), rel=1e-15)
    assert LAW.A == pytest.approx(np.exp(6.255414), rel=1e-15)
    assert LAW.B == pytest.approx(np.exp(7.3049974), rel=1e-15)
    assert (LAW.alpha, LAW.beta, LAW.R_D_star, LAW.R_N_star) == (0.3526596, 0.3526596, 15.387756, 5.309743)
    # The table's rounded rows agree with the exponentials to their printed digits.
    constants = datasets.load("muennighoff2023_constants")
    rounded = dict(zip(constants["name"], constants["value"]))
    for name in ("E", "A", "B"):
        assert getattr(LAW, name) == pytest.approx(rounded[name], rel=1e-3)


@pytest.mark.parametrize("name", ["loss_fig1_right_6b34", "loss_fig1_right_8b67"])
def test_readme_losses_to_1e_9(name):
    row = example(name)
    value = LAW.loss(row["N"], row["D"], row["U"])
    assert value == pytest.approx(row["value"], rel=1e-9, abs=0)
    assert readme_law_by_hand(row["N"], row["D"], row["U"]) == pytest.approx(row["value"], rel=1e-9, abs=0)


def test_the_figure_1_model_with_more_epochs_is_better():
    fewer_params = LAW.loss(6.34e9, 242e9, 25e9)
    more_params = LAW.loss(8.67e9, 178e9, 25e9)
    assert fewer_params < more_params


def test_loss_broadcasts_and_matches_scalar_calls():
    N = np.array([1e8, 1e9, 1e10])[:, None]
    D = np.array([1e9, 1e10, 1e11, 1e12])[None, :]
    grid = LAW.loss(N, D, 5e10)
    assert grid.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            assert grid[i, j] == readme_law_by_hand(float(N[i, 0]), float(D[0, j]), min(5e10, float(D[0, j])))


def test_with_unique_data_and_no_excess_parameters_it_is_the_chinchilla_law():
    D = np.geomspace(1e8, 1e13, 9)
    N = 0.5 * LAW.params_for_data(D)  # below the compute-optimal size for D tokens
    np.testing.assert_allclose(LAW.loss(N, D, D), LAW.chinchilla.loss(N, D), rtol=1e-15)
    np.testing.assert_allclose(LAW.loss(N, D, 1e30), LAW.chinchilla.loss(N, D), rtol=1e-15)  # U > D: D unique seen


def test_parameters_beyond_what_the_data_can_use_lose_value_even_in_one_epoch():
    # The README's U_N = min(N, D_to_N(U)): a model larger than compute-optimal for its unique
    # tokens has excess parameters, repeated or not.
    D = 1e11
    N = 3 * float(LAW.params_for_data(D))
    assert float(LAW.loss(N, D, D)) > float(LAW.chinchilla.loss(N, D))


def test_effective_data_is_linear_to_one_epoch_then_saturates():
    U = 1e9
    np.testing.assert_allclose(LAW.effective_data([1e8, 1e9], U), [1e8, 1e9], rtol=1e-15)
    epochs = np.array([2.0, 4.0, 10.0, 100.0])
    value = LAW.effective_data(epochs * U, U) / U
    assert np.all(np.diff(value) > 0) and np.all(value < 1 + LAW.R_D_star)
    assert float(LAW.effective_data(1e4 * U, U)) / U == pytest.approx(1 + LAW.R_D_star, rel=1e-15)
    # Up to 4 epochs, repeated data is worth over 90% of fresh data; at 40 epochs under 40%.
    assert value[1] / 4 > 0.9 and LAW.effective_data(40 * U, U) / (40 * U) < 0.4
    # The k-th repeated epoch's marginal value is exp(-R/R*): half at R = R* ln 2.
    r_half = LAW.R_D_star * np.log(2)
    above, below = (LAW.effective_data((1 + r_half + h) * U, U) for h in (1e-6, -1e-6))
    slope = (above - below) / (2e-6 * U)
    assert slope == pytest.approx(0.5, rel=1e-6)


def test_effective_params_saturate_beyond_what_the_data_can_use():
    U = 25e9
    usable = float(LAW.params_for_data(U))
    assert float(LAW.effective_params(usable / 2, U)) == pytest.approx(usable / 2, rel=1e-15)
    assert float(LAW.effective_params(usable * 1e4, U)) == pytest.approx(usable * (1 + LAW.R_N_star), rel=1e-6)


def test_params_for_data_inverts_the_chinchilla_frontier():
    C = np.geomspace(1e18, 1e26, 5)
    n_opt, d_opt = LAW.chinchilla.compute_optimal(C)
    np.testing.assert_allclose(LAW.params_for_data(d_opt), n_opt, rtol=1e-12)


def test_readme_grid_search_reproduces_its_earlier_printed_example():
    base_n, base_d, U = 8.67e9, 178e9, 25e9
    result = datalimits.optimal_allocation_grid(LAW, 6 * base_n * base_d, U, around=(base_n, base_d))
    # The README before September 2024 (commit 0c76502) started its grid at (8.67e9, 178e9) and
    # printed "227B tokens, 9.1 epochs, 6.8B parameters": to those digits.
    assert round(result.D / 1e9) == example("readme_grid_tokens")["value"] / 1e9
    assert round(result.epochs, 1) == example("readme_grid_epochs")["value"]
    assert round(result.N / 1e8) / 10 == example("readme_grid_params")["value"] / 1e9


def test_grid_search_at_1e22_reproduces_the_readme_to_its_printed_digits():
    # The current README prints optimal_allocation(10**22, 25e9) to 16 or 17 significant digits;
    # 1e-13 relative leaves room only for a few units in the last place between machines.
    result = datalimits.optimal_allocation_grid(LAW, 1e22, 25e9)
    assert result.D == pytest.approx(example("grid_1e22_tokens")["value"], rel=1e-13)
    assert result.N == pytest.approx(example("grid_1e22_params")["value"], rel=1e-13)
    assert result.epochs == pytest.approx(example("grid_1e22_epochs")["value"], rel=1e-13)
    assert 6 * result.N * result.D == pytest.approx(1e22, rel=1e-12)


def test_exact_optimum_at_1e22_is_a_stationary_point_and_beats_the_grid():
    exact = datalimits.optimal_allocation(LAW, 1e22, 25e9)
    grid = datalimits.optimal_allocation_grid(LAW, 1e22, 25e9)
    assert exact.loss <= grid.loss
    assert 6 * exact.N * exact.D == pytest.approx(1e22, rel=1e-12)
    for factor in (1 - 1e-4, 1 + 1e-4):  # neighbours on the IsoFLOP line are worse
        n = exact.N * factor
        assert LAW.loss(n, 1e22 / (6 * n), 25e9) > exact.loss


def _slopes_either_side(log_n, C, U, step=1e-5):
    """d loss / d ln N just left and just right of ln N = log_n, along 6 N D = C (one-sided differences)."""
    def loss(x):
        return float(LAW.loss(np.exp(x), C / (6 * np.exp(x)), U))
    return (loss(log_n) - loss(log_n - step)) / step, (loss(log_n + step) - loss(log_n)) / step


def test_branch_points_of_the_isoflop_loss():
    # C = 1e22, U = 25e9: N = params_for_data(U) lies where D > U; the slope is continuous there.
    left, right = _slopes_either_side(np.log(float(LAW.params_for_data(25e9))), 1e22, 25e9)
    assert right == pytest.approx(left, abs=1e-4)
    # At D = U the model (6.7e10) is far larger than params_for_data(U): the slope jumps.
    left, right = _slopes_either_side(np.log(1e22 / (6 * 25e9)), 1e22, 25e9)
    assert right - left > 0.03
    # U = 1e12: the unlimited-data optimum uses 0.18 epochs, so it is a branch point. The slope
    # is continuous (zero) there, and the curvature jumps.
    centre = np.log(float(LAW.chinchilla.compute_optimal(1e22)[0]))
    left, right = _slopes_either_side(centre, 1e22, 1e12)
    assert abs(left) < 1e-5 and abs(right) < 1e-5
    (l1, _), (_, r1) = _slopes_either_side(centre - 1e-3, 1e22, 1e12), _slopes_either_side(centre + 1e-3, 1e22, 1e12)
    assert r1 / 1e-3 > 1.5 * (-l1 / 1e-3)  # curvature right of the optimum is about twice that on its left


def _random_pairs(count, seed):
    rng = np.random.default_rng(seed)
    return 10 ** rng.uniform(18, 26, count), 10 ** rng.uniform(8, 13, count)


def test_exact_optimiser_never_worse_than_the_grid_on_200_random_pairs():
    C, U = _random_pairs(200, seed=10)
    gains = []
    for c, u in zip(C, U):
        exact = datalimits.optimal_allocation(LAW, c, u)
        grid = datalimits.optimal_allocation_grid(LAW, c, u)
        # Never worse, to the resolution of the comparison: where the loss has reached its floor
        # both searches land on the same number up to rounding, a few units in the last place
        # that can differ between CPUs' exp; 4 ulp of the loss (about 2e-15 nats) is allowed.
        assert exact.loss <= grid.loss + 4 * np.spacing(grid.loss), (c, u, exact, grid)
        gains.append(grid.loss - exact.loss)
    gains = np.array(gains)
    # Most pairs improve a little: the grid's 0.4% steps in N cost well under a micro-nat.
    assert np.count_nonzero(gains > 1e-14) >= 150
    assert gains.max() < 1e-6


def test_exact_optimiser_agrees_with_chinchilla_when_data_is_plentiful():
    for C in (1e19, 1e22, 1e25):
        n_opt, d_opt = LAW.chinchilla.compute_optimal(C)
        exact = datalimits.optimal_allocation(LAW, C, 1e3 * float(d_opt))
        assert exact.N == pytest.approx(float(n_opt), rel=1e-6)
        assert exact.loss == pytest.approx(float(LAW.chinchilla.optimal_loss(C)), rel=1e-14)


def test_optimal_loss_falls_towards_the_floor_and_compute_stops_paying():
    U = 25e9
    budgets = np.geomspace(1e20, 1e25, 11)
    best = np.array([datalimits.optimal_allocation(LAW, c, U).loss for c in budgets])
    floor = float(datalimits.loss_floor(LAW, U))
    assert np.all(np.diff(best) < 0) and np.all(best > floor)
    gains = -np.diff(best)  # loss bought by each 3.2x of compute
    assert np.all(np.diff(gains) < 0) and gains[-1] < 1e-6 * gains[0]
    assert best[-1] - floor < 1e-6
    # Far beyond, the loss equals the floor to the last digit: more compute buys nothing.
    assert datalimits.optimal_allocation(LAW, 1e28, U).loss == pytest.approx(floor, rel=1e-15)


def test_at_the_floor_ties_go_to_the_split_nearest_chinchillas():
    # 1e8 unique tokens and 1e24 FLOP: every split near Chinchilla's already sits at the floor.
    exact = datalimits.optimal_allocation(LAW, 1e24, 1e8)
    n_opt = float(LAW.chinchilla.compute_optimal(1e24)[0])
    assert exact.loss == pytest.approx(float(datalimits.loss_floor(LAW, 1e8)), rel=1e-15)
    assert exact.N == pytest.approx(n_opt, rel=1e-12)
    assert datalimits.optimal_allocation_grid(LAW, 1e24, 1e8).loss == exact.loss


def test_view_compares_with_unlimited_data():
    view = datalimits.data_limit_view(1e22, 25e9)
    assert view.constrained == datalimits.optimal_allocation(LAW, 1e22, 25e9)
    assert view.unlimited.loss == pytest.approx(float(LAW.chinchilla.optimal_loss(1e22)), rel=1e-14)
    assert view.penalty > 0 and view.relative_penalty == pytest.approx(view.penalty / view.unlimited.loss)
    assert view.sizes.min() < view.constrained.N < view.sizes.max()
    assert np.all(view.loss_constrained >= view.loss_unlimited - 1e-12)
    plentiful = datalimits.data_limit_view(1e20, 1e13)
    assert plentiful.penalty == pytest.approx(0, abs=1e-12)


def test_laws_module_is_reused_not_copied():
    assert isinstance(LAW.chinchilla, laws.ChinchillaLaw)
