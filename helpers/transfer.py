"""Scaling laws for transfer (Hernandez et al. 2021): how much data pre-training is worth.  Introduced in 13.

A model pre-trained on one distribution and fine-tuned on D_F characters of another reaches the
loss that the same model trained from scratch would reach on D_F + D_T characters. D_T, the
*effective data transferred*, follows a power law in D_F and in the non-embedding parameter
count N (eq. 1.1 of the paper, fitted in the low-data regime):

    D_T = k * D_F**alpha * N**beta

Units: D_F, D_T in characters; N in non-embedding parameters.
"""
from dataclasses import dataclass

from helpers import datasets
from helpers._validate import as_positive_array, broadcastable, in_open_interval, positive_scalar

__all__ = ["TransferLaw", "transfer_laws", "TABLE"]

TABLE = "hernandez2021_transfer_table1"


@dataclass(frozen=True)
class TransferLaw:
    """D_T = k D_F**alpha N**beta: effective data transferred by pre-training.  Introduced in 13.

    k: scale (characters per characters**alpha parameters**beta, > 0). alpha: exponent of the
    fine-tuning data, in (0, 1). beta: exponent of the non-embedding parameters (> 0).
    name: what was pre-trained on and fine-tuned to (for printing).
    Every method takes D_F (characters) and N (parameters) as positive numbers or arrays that
    broadcast together, and returns an array of their broadcast shape.
    """
    k: float
    alpha: float
    beta: float
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "k", positive_scalar("k", self.k))
        object.__setattr__(self, "alpha", in_open_interval("alpha", self.alpha, 0.0, 1.0))
        object.__setattr__(self, "beta", positive_scalar("beta", self.beta))

    def _checked(self, D_F, N):
        return broadcastable(D_F=as_positive_array("D_F", D_F), N=as_positive_array("N", N))

    def transferred(self, D_F, N):
        """D_T (characters): the extra fine-tuning data a from-scratch model of size N would need."""
        D_F, N = self._checked(D_F, N)
        return self.k * D_F ** self.alpha * N ** self.beta

    def effective_data(self, D_F, N):
        """D_F + D_T (characters): the data a from-scratch model would need for the same loss."""
        D_F, N = self._checked(D_F, N)
        return D_F + self.transferred(D_F, N)

    def pretraining_fraction(self, D_F, N):
        """D_T / (D_F + D_T): the share of the effective data that pre-training supplies (0 to 1)."""
        D_F, N = self._checked(D_F, N)
        transferred = self.transferred(D_F, N)
        return transferred / (D_F + transferred)

    def multiplier(self, D_F, N):
        """(D_F + D_T) / D_F: how many times pre-training multiplies the fine-tuning data."""
        D_F, N = self._checked(D_F, N)
        return 1 + self.transferred(D_F, N) / D_F

    def break_even(self, N):
        """The fine-tuning data D_F (characters) at which D_T = D_F, i.e. pre-training supplies half.

        Solves k D_F**alpha N**beta = D_F: D_F = (k N**beta)**(1 / (1 - alpha)). Below it pre-training
        supplies most of the effective data; above it the fine-tuning data do.
        """
        N = as_positive_array("N", N)
        return (self.k * N ** self.beta) ** (1 / (1 - self.alpha))


def transfer_laws():
    """Hernandez et al. 2021 Table 1 as TransferLaws, keyed "<pre-training> -> <fine-tuning>".  Introduced in 13."""
    table = datasets.load(TABLE)
    laws = {}
    for pre, fine, k, alpha, beta in zip(table["pretraining"], table["fine_tuning"], table["k"], table["alpha"],
                                         table["beta"]):
        name = f"{pre} -> {fine}"
        laws[name] = TransferLaw(k=float(k), alpha=float(alpha), beta=float(beta), name=name)
    return laws
