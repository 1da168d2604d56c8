"""Henighan et al. 2020's scaling laws across modalities (Table 1) as curves.  Introduced in 02."""
from dataclasses import dataclass

import numpy as np

from helpers import datasets
from helpers._validate import positive_int
from helpers.laws import SaturatingPowerLaw

__all__ = ["HENIGHAN_N_RANGE", "HENIGHAN_C_RANGE", "HenighanCurves", "henighan_domains", "henighan_curves"]

# Plotting ranges for the Henighan explorer (chosen for display; not the paper's model ranges).
HENIGHAN_N_RANGE = (1e4, 1e11)         # non-embedding parameters
HENIGHAN_C_RANGE = (1e-6, 1e4)         # PF-days


@dataclass(frozen=True)
class HenighanCurves:
    """One modality of Henighan et al. 2020 Table 1 as curves.

    domain: row name. N, loss_N: parameters and L(N) (nats/token); C, loss_C: PF-days and L(C).
    law_N, law_C: SaturatingPowerLaw (E = irreducible loss; Language has E = 0).
    n_opt_exponent: exponent of N_opt(C), NaN where the table gives none.
    """
    domain: str
    N: np.ndarray
    loss_N: np.ndarray
    C: np.ndarray
    loss_C: np.ndarray
    law_N: SaturatingPowerLaw
    law_C: SaturatingPowerLaw
    n_opt_exponent: float


def henighan_domains():
    """Names of the modalities in Henighan et al. 2020 Table 1, in the table's order."""
    return list(datasets.load("henighan2020_table1")["domain"])


def henighan_curves(domain, points=200):
    """L(N) and L(C) for one modality of Henighan et al. 2020 Table 1.  Introduced in 02.

    domain: a name from henighan_domains(). points: samples per curve. Returns HenighanCurves.
    """
    table = datasets.load("henighan2020_table1")
    if domain not in set(table["domain"]):
        raise ValueError(f"domain must be one of {list(table['domain'])}, got {domain!r}")
    points = positive_int("points", points, minimum=2)
    row = table.row("domain", domain)
    # An empty floor means the published fit has none: a pure power law (E = 0).
    law_N = SaturatingPowerLaw(E=np.nan_to_num(row["loss_n_irreducible"]), x0=row["loss_n_scale"],
                               alpha=row["loss_n_exponent"])
    law_C = SaturatingPowerLaw(E=np.nan_to_num(row["loss_c_irreducible"]), x0=row["loss_c_scale_pf_days"],
                               alpha=row["loss_c_exponent"])
    N = np.geomspace(*HENIGHAN_N_RANGE, points)
    C = np.geomspace(*HENIGHAN_C_RANGE, points)
    return HenighanCurves(domain=domain, N=N, loss_N=law_N(N), C=C, loss_C=law_C(C),
                          law_N=law_N, law_C=law_C, n_opt_exponent=float(row["n_opt_c_exponent"]))
