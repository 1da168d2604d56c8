"""Scaling with a limited supply of unique data (Muennighoff et al. 2023).  Introduced in 10.

The law is the Chinchilla form with *effective* data and parameters in place of D and N:

    L(N, D, U) = E + A / N'**alpha + B / D'**beta
    D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*)),   R_D = max(D / U_D - 1, 0)
    N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*)),   R_N = max(N / U_N - 1, 0),  U_N = min(N, D_to_N(U_D))

as in the authors' repository README ("Parametric Fit"): U_D unique tokens, R_D the epochs
beyond the first, D_to_N(U) the compute-optimal model size for U tokens of the underlying
Chinchilla law. A repeated epoch is worth less than a fresh one, and less the more epochs came
before it; parameters beyond what U tokens can use lose value the same way.

Units: N in parameters, D and U in tokens, C in FLOP (C = 6 N D), losses in nats per token.
U may exceed D: only min(U, D) unique tokens are seen (the README's grid search does the same).
"""
import functools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from helpers import datasets
from helpers._validate import as_positive_array, broadcastable, positive_int, positive_scalar
from helpers.laws import ChinchillaLaw, _store

__all__ = ["DataConstrainedLaw", "Allocation", "MUENNIGHOFF_2023", "published_law", "optimal_allocation_grid",
           "optimal_allocation", "loss_floor", "DataLimitView", "data_limit_view", "GRID_MULTIPLIERS"]

# The README's grid: 500 multipliers from 1.0001 to 3, each applied in both directions.
GRID_MULTIPLIERS = np.linspace(1.0001, 3.0, 500)


@dataclass(frozen=True)
class DataConstrainedLaw:
    """Muennighoff et al.'s data-constrained law.  Introduced in 10.

    E, A, B, alpha, beta: the Chinchilla-form constants (nats/token). R_D_star: decay constant of
    repeated data, in epochs. R_N_star: decay constant of excess parameters, in multiples of U_N.
    Every method broadcasts its array arguments with numpy's rules.
    """
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    R_D_star: float
    R_N_star: float

    def __post_init__(self):
        _store(self, **{name: positive_scalar(name, getattr(self, name))
                        for name in ("E", "A", "B", "alpha", "beta", "R_D_star", "R_N_star")})

    @functools.cached_property  # made once per law: loss() and params_for_data() use it on every call
    def chinchilla(self):
        """The same law with unlimited unique data: a laws.ChinchillaLaw (E, A, B, alpha, beta)."""
        return ChinchillaLaw(E=self.E, A=self.A, B=self.B, alpha=self.alpha, beta=self.beta)

    def params_for_data(self, U):
        """The README's D_to_N: the compute-optimal model size (parameters) for U tokens, G (G U)**(beta/alpha)."""
        U = as_positive_array("U", U)
        G = self.chinchilla.G
        return (U * G) ** (self.beta / self.alpha) * G

    def effective_data(self, D, U):
        """D' (tokens): what D training tokens drawn from U unique ones are worth as fresh tokens.

        D, U: positive arrays that broadcast (tokens). Equals D up to one epoch; tends to
        U (1 + R_D*) as the epochs grow.
        """
        D, U = broadcastable(D=as_positive_array("D", D), U=as_positive_array("U", U))
        return self._effective_data(D, np.minimum(U, D))

    def effective_params(self, N, U):
        """N' (parameters): what N parameters are worth when trained on U unique tokens.

        N, U: positive arrays that broadcast. Equals N up to U_N = params_for_data(U); beyond it,
        tends to U_N (1 + R_N*).
        """
        N, U = broadcastable(N=as_positive_array("N", N), U=as_positive_array("U", U))
        return self._effective_params(N, U)

    def loss(self, N, D, U):
        """Loss (nats/token) of N parameters trained on D tokens drawn from U unique tokens.

        N (parameters), D (tokens), U (unique tokens): positive arrays that broadcast.
        """
        N, D, U = broadcastable(N=as_positive_array("N", N), D=as_positive_array("D", D),
                                U=as_positive_array("U", U))
        return self._loss(N, D, U)

    def _loss(self, N, D, U):
        seen = np.minimum(U, D)
        return (self.E + self.A / self._effective_params(N, seen) ** self.alpha
                + self.B / self._effective_data(D, seen) ** self.beta)

    def _effective_data(self, D, seen):
        repeats = np.maximum(D / seen - 1, 0)
        return seen + seen * self.R_D_star * (1 - np.exp(-1 * repeats / self.R_D_star))

    def _effective_params(self, N, U):
        G = self.chinchilla.G
        usable = np.minimum(N, (U * G) ** (self.beta / self.alpha) * G)
        excess = np.maximum(N / usable - 1, 0)
        return usable + usable * self.R_N_star * (1 - np.exp(-1 * excess / self.R_N_star))


def published_law():
    """Muennighoff et al.'s constants from datasets/muennighoff2023_constants.csv.  Introduced in 10.

    E, A, B are exp of the published log constants (log_E, log_A, log_B), as the README computes
    them; the table's rounded E, A, B rows are for reading only.
    """
    table = datasets.load("muennighoff2023_constants")
    value = dict(zip(table["name"], table["value"]))
    return DataConstrainedLaw(E=np.exp(value["log_E"]), A=np.exp(value["log_A"]), B=np.exp(value["log_B"]),
                              alpha=value["alpha"], beta=value["beta"], R_D_star=value["R_D_star"],
                              R_N_star=value["R_N_star"])


MUENNIGHOFF_2023 = published_law()


@dataclass(frozen=True)
class Allocation:
    """A split of compute C = 6 N D between parameters and tokens, with unique data U.  Introduced in 10.

    N (parameters), D (tokens), U (unique tokens available), C (FLOP), loss (nats/token).
    """
    N: float
    D: float
    U: float
    C: float
    loss: float

    @property
    def epochs(self):
        """D / U: passes over the unique data (below 1 when not all of it is used)."""
        return self.D / self.U

    @property
    def tokens_per_parameter(self):
        return self.D / self.N


def _check_law(law):
    if not isinstance(law, DataConstrainedLaw):
        raise TypeError(f"law must be a DataConstrainedLaw, got {type(law).__name__}")


def _allocation(law, N, C, U):
    D = C / (6.0 * N)
    return Allocation(N=float(N), D=float(D), U=U, C=C, loss=float(law._loss(N, D, U)))


def optimal_allocation_grid(law, C, U, around=None):
    """The README's grid search for the best split of C FLOP with U unique tokens.  Introduced in 10.

    Starting from a base (N, D) with 6 N D = C, tries N / m with D * m and N * m with D / m for the
    500 multipliers m in GRID_MULTIPLIERS (1.0001 to 3), and keeps the lowest loss (the first one
    found among equals, in the README's order). The base is the compute-optimal (N, D) of the law
    with unlimited data, or ``around`` = (N, D), which must spend C.
    C (FLOP), U (tokens): positive numbers. Returns an Allocation.
    """
    _check_law(law)
    C, U = positive_scalar("C", C), positive_scalar("U", U)
    if around is None:
        n_base, d_base = (float(v) for v in law.chinchilla.compute_optimal(C))
    else:
        if np.ndim(around) != 1 or len(around) != 2:
            raise ValueError(f"around must be a pair (N, D), got {around!r}")
        n_base, d_base = positive_scalar("around[0]", around[0]), positive_scalar("around[1]", around[1])
        if not np.isclose(6 * n_base * d_base, C, rtol=1e-9, atol=0):
            raise ValueError(f"around must spend C: 6 N D = {6 * n_base * d_base:.6g}, C = {C:.6g}")
    # Interleaved as in the README: (fewer params, more data), (more params, less data) for each m.
    N = np.column_stack([n_base / GRID_MULTIPLIERS, n_base * GRID_MULTIPLIERS]).ravel()
    D = np.column_stack([d_base * GRID_MULTIPLIERS, d_base / GRID_MULTIPLIERS]).ravel()
    losses = law._loss(N, D, np.full_like(D, U))
    best = int(np.argmin(losses))  # the first minimum, like the README's strict "<"
    return Allocation(N=float(N[best]), D=float(D[best]), U=U, C=C, loss=float(losses[best]))


_POINTS_PER_DECADE = 200
_SEARCH_DECADES = 4.0


def optimal_allocation(law, C, U):
    """The best split of C FLOP with U unique tokens, to floating-point precision.  Introduced in 10.

    With C = 6 N D fixed the loss is a function of ln N alone, smooth except at up to three points
    where the formula changes branch: D = U (repetition starts); N = params_for_data(U) where
    D >= U (parameters beyond what the unique data can use); and, only where it uses less than one
    epoch (D < U), the unlimited-data optimum, since the law then counts parameters beyond
    params_for_data(D) as excess. At the last two the slope is continuous and the curvature jumps;
    at D = U the slope itself jumps when the model there is larger than params_for_data(U). This
    scans ln N on a fine grid (200 points per decade, from 4 decades below to 4 above the
    unlimited-data optimum, widened while the best point sits at an edge), adds those points,
    then polishes the best point with bounded Brent between its neighbours: a numerical optimum,
    to floating-point precision. The scan covers the README grid's range (a factor 3 either way),
    so the answer is never worse than optimal_allocation_grid's.

    Ties: where data is so scarce that the loss has reached its floor (loss_floor) to the last
    digit over a range of splits, every split in that range is optimal in floating point; the one
    nearest the unlimited-data optimum (the fewest epochs) is returned, as the README's grid does.
    C (FLOP), U (tokens): positive numbers. Returns an Allocation.
    """
    _check_law(law)
    C, U = positive_scalar("C", C), positive_scalar("U", U)
    centre = float(np.log(law.chinchilla.compute_optimal(C)[0]))
    kinks = np.log([C / (6.0 * U), float(law.params_for_data(U)), np.exp(centre)])  # the branch points
    low, high = centre - _SEARCH_DECADES * np.log(10), centre + _SEARCH_DECADES * np.log(10)
    while True:
        n_points = int(round((high - low) / np.log(10) * _POINTS_PER_DECADE)) + 1
        log_n = np.union1d(np.linspace(low, high, n_points), kinks[(kinks > low) & (kinks < high)])
        losses = law._loss(np.exp(log_n), C / (6.0 * np.exp(log_n)), U)
        ties = np.flatnonzero(losses == losses.min())
        best = int(ties[np.argmin(np.abs(log_n[ties] - centre))])
        if 0 < best < log_n.size - 1:
            break
        width = high - low  # the best point sits at an edge: widen the scan that way
        low, high = (low - width, high) if best == 0 else (low, high + width)
    result = minimize_scalar(lambda x: law._loss(np.exp(x), C / (6.0 * np.exp(x)), U),
                             bounds=(log_n[best - 1], log_n[best + 1]), method="bounded",
                             options={"xatol": 1e-12})
    candidates = [_allocation(law, np.exp(log_n[best]), C, U), _allocation(law, np.exp(result.x), C, U)]
    return min(candidates, key=lambda a: (a.loss, abs(np.log(a.N) - centre)))


def loss_floor(law, U):
    """The lowest loss any compute reaches with U unique tokens (nats/token).  Introduced in 10.

    As C grows, D' tends to U (1 + R_D*) and N' to params_for_data(U) (1 + R_N*), so the loss
    tends to E + A / N'**alpha + B / D'**beta: more compute buys nothing beyond it.
    U (tokens): positive array.
    """
    _check_law(law)
    U = as_positive_array("U", U)
    return (law.E + law.A / (law.params_for_data(U) * (1 + law.R_N_star)) ** law.alpha
            + law.B / (U * (1 + law.R_D_star)) ** law.beta)


@dataclass(frozen=True)
class DataLimitView:
    """What the data-limits explorer shows for one (C, U).  Introduced in 10.

    constrained: the best Allocation with U unique tokens. unlimited: the best with unlimited
    data (Chinchilla's optimum of the same law; its U is inf). sizes (parameters): the IsoFLOP
    grid; loss_constrained, loss_unlimited: the law's loss along it with U and with every token
    unique (nats/token; the latter still counts parameters beyond what D tokens can use as
    excess, as the law does). floor: loss_floor(U).
    """
    C: float
    U: float
    constrained: Allocation
    unlimited: Allocation
    sizes: np.ndarray
    loss_constrained: np.ndarray
    loss_unlimited: np.ndarray
    floor: float

    @property
    def penalty(self):
        """Extra loss (nats/token) of having only U unique tokens, at the best split of C."""
        return self.constrained.loss - self.unlimited.loss

    @property
    def relative_penalty(self):
        return self.penalty / self.unlimited.loss


def data_limit_view(C, U, law=None, points=120, span=30.0):
    """The best split of C FLOP with U unique tokens, against unlimited data.  Introduced in 10.

    C (FLOP), U (tokens): positive numbers. law: a DataConstrainedLaw (default MUENNIGHOFF_2023).
    The IsoFLOP grid spans ``span`` times either side of both optima (``points`` sizes).
    Returns a DataLimitView.
    """
    law = MUENNIGHOFF_2023 if law is None else law
    _check_law(law)
    C, U = positive_scalar("C", C), positive_scalar("U", U)
    span, points = positive_scalar("span", span), positive_int("points", points, minimum=2)
    if span <= 1:
        raise ValueError(f"span must exceed 1, got {span}")
    constrained = optimal_allocation(law, C, U)
    n_opt, d_opt = (float(v) for v in law.chinchilla.compute_optimal(C))
    unlimited = Allocation(N=n_opt, D=d_opt, U=np.inf, C=C, loss=float(law._loss(n_opt, d_opt, d_opt)))
    low, high = min(constrained.N, n_opt) / span, max(constrained.N, n_opt) * span
    sizes = np.geomspace(low, high, points)
    tokens = C / (6.0 * sizes)
    return DataLimitView(C=C, U=U, constrained=constrained, unlimited=unlimited, sizes=sizes,
                         loss_constrained=law._loss(sizes, tokens, U), loss_unlimited=law._loss(sizes, tokens, tokens),
                         floor=float(loss_floor(law, U)))
