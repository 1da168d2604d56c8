"""Scaling laws as small immutable objects: evaluate them, and read off optima.

Units throughout: N in parameters, D in tokens, C in FLOP (unless a name says PF-days),
losses in nats per token.
"""
from dataclasses import dataclass

from helpers._validate import as_positive_array, broadcastable, positive_scalar

__all__ = [
    "PowerLaw", "SaturatingPowerLaw", "LearningCurve", "ChinchillaLaw",
    "HOFFMANN_ROUNDED", "HOFFMANN_UNROUNDED", "EPOCH_REFIT",
]


def _store(law, **values):
    """Set validated fields on a frozen law as plain floats (so reprs read E=1.69, not np.float64)."""
    for name, value in values.items():
        object.__setattr__(law, name, value)


@dataclass(frozen=True)
class PowerLaw:
    """y = a * x**(-alpha).  Introduced in 01.

    a: value at x = 1 (y's units). alpha: exponent (> 0 means y falls as x grows).
    """
    a: float
    alpha: float

    def __post_init__(self):
        _store(self, a=positive_scalar("a", self.a), alpha=positive_scalar("alpha", self.alpha))

    def __call__(self, x):
        """x: array of positive floats -> y, same shape."""
        x = as_positive_array("x", x)
        return self.a * x ** (-self.alpha)


@dataclass(frozen=True)
class SaturatingPowerLaw:
    """y = E + (x0 / x)**alpha: a power law that levels off at E.  Introduced in 01, used in 02.

    E: irreducible value (y's units, >= 0). x0: scale (x's units). alpha: exponent.
    """
    E: float
    x0: float
    alpha: float

    def __post_init__(self):
        _store(self, E=positive_scalar("E", self.E, allow_zero=True), x0=positive_scalar("x0", self.x0),
               alpha=positive_scalar("alpha", self.alpha))

    def __call__(self, x):
        """x: array of positive floats -> y, same shape."""
        x = as_positive_array("x", x)
        return self.E + (self.x0 / x) ** self.alpha

    def reducible(self, x):
        """y - E: the part of y a larger x can still remove; a pure power law in x."""
        x = as_positive_array("x", x)
        return (self.x0 / x) ** self.alpha

    def local_exponent(self, x):
        """-d ln y / d ln x: the slope a log-log plot shows at x.  Used in 02.

        Equals alpha * (y - E) / y, so it falls from alpha towards 0 as y approaches E.
        """
        x = as_positive_array("x", x)
        reducible = (self.x0 / x) ** self.alpha
        return self.alpha * reducible / (self.E + reducible)


@dataclass(frozen=True)
class LearningCurve:
    """Hestness et al. 2017's three regimes on one smooth curve.  Introduced in 02.

    y = E + (G - E) * (1 + x / x_t)**(-alpha): near the best-guess error G for x << x_t
    (small-data region), a power law with exponent alpha beyond x_t (power-law region), and
    levelling off at the irreducible error E (irreducible region). Requires G > E >= 0.
    """
    G: float
    E: float
    x_t: float
    alpha: float

    def __post_init__(self):
        _store(self, G=positive_scalar("G", self.G), E=positive_scalar("E", self.E, allow_zero=True),
               x_t=positive_scalar("x_t", self.x_t), alpha=positive_scalar("alpha", self.alpha))
        if self.G <= self.E:
            raise ValueError(f"G must exceed E (the best guess is worse than the floor), got G={self.G}, E={self.E}")

    def __call__(self, x):
        """x: positive array (training-set size) -> error, same shape."""
        x = as_positive_array("x", x)
        return self.E + (self.G - self.E) * (1 + x / self.x_t) ** (-self.alpha)

    def local_exponent(self, x):
        """-d ln y / d ln x at x: near 0 in the small-data and irreducible regions, up to alpha between."""
        x = as_positive_array("x", x)
        reducible = (self.G - self.E) * (1 + x / self.x_t) ** (-self.alpha)
        return self.alpha * (x / (x + self.x_t)) * reducible / (self.E + reducible)


@dataclass(frozen=True)
class ChinchillaLaw:
    """L(N, D) = E + A / N**alpha + B / D**beta (Hoffmann et al. 2022, eq. 2).  Introduced in 01, used in 06.

    E: irreducible loss (nats/token). A, B: scales. alpha, beta: exponents for
    parameters N and training tokens D.
    """
    E: float
    A: float
    B: float
    alpha: float
    beta: float

    def __post_init__(self):
        _store(self, **{name: positive_scalar(name, getattr(self, name))
                        for name in ("E", "A", "B", "alpha", "beta")})

    def loss(self, N, D):
        """N (params), D (tokens): positive arrays that broadcast -> loss (nats/token)."""
        N = as_positive_array("N", N)
        D = as_positive_array("D", D)
        N, D = broadcastable(N=N, D=D)
        return self.E + self.A * N ** (-self.alpha) + self.B * D ** (-self.beta)

    @property
    def frontier_exponents(self):
        """(a, b) with N_opt ∝ C**a and D_opt ∝ C**b; a + b = 1."""
        total = self.alpha + self.beta
        return self.beta / total, self.alpha / total

    @property
    def G(self):
        """The frontier's scale G = (alpha A / (beta B))**(1 / (alpha + beta))."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    def compute_optimal(self, C):
        """C (FLOP, positive array) -> (N_opt, D_opt) minimising loss subject to C = 6 N D.

        Closed form: N_opt = G (C/6)**a, D_opt = (C/6) / N_opt.
        """
        C = as_positive_array("C", C)
        a, _ = self.frontier_exponents
        n_opt = self.G * (C / 6.0) ** a
        return n_opt, (C / 6.0) / n_opt

    def tokens_per_parameter(self, C):
        """C (FLOP) -> D_opt / N_opt at the compute-optimal allocation."""
        n_opt, d_opt = self.compute_optimal(C)
        return d_opt / n_opt

    def optimal_loss(self, C):
        """C (FLOP) -> the lowest loss reachable with C = 6 N D."""
        return self.loss(*self.compute_optimal(C))


# Hoffmann et al. 2022, App. D.2 (rounded as printed).
HOFFMANN_ROUNDED = ChinchillaLaw(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
# The same fit unrounded, from the paper's TeX source (as used by Besiroglu et al. 2024).
HOFFMANN_UNROUNDED = ChinchillaLaw(E=1.6934, A=406.40, B=410.72, alpha=0.33917084, beta=0.2849083)
# Besiroglu et al. 2024 (Epoch AI) replication, Table 1 point estimates.
EPOCH_REFIT = ChinchillaLaw(E=1.817, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)
