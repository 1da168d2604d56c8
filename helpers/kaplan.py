"""Kaplan et al. 2020's scaling laws and the compute-efficient frontier they imply.  Used in 01 and 05.

Units: N in non-embedding parameters, D in tokens, S in optimiser steps, B in tokens per
batch, C_min in PF-days, losses in nats per token. Equation numbers are the paper's.
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from helpers._validate import FitError, as_positive_array, broadcastable, finite_scalar, positive_int
from helpers.compute import FLOP_PER_PF_DAY

__all__ = ["KaplanLaws", "KaplanFrontier", "KAPLAN_2020", "KaplanJointView", "kaplan_joint_view",
           "batch_tradeoff"]


@dataclass(frozen=True)
class KaplanFrontier:
    """The compute-efficient allocation implied by eqs 1.4 to 1.6 and 5.4 to 5.5, per budget.

    C_min: PF-days (K,), the small-batch limit of compute. N: parameters (K,). S_min: the
    large-batch limit of optimiser steps (K,). B_crit: critical batch, tokens (K,).
    D: minimum tokens, B_crit * S_min = C_min / (6 N) with C_min in FLOP (K,). loss: nats/token (K,).
    """
    C_min: np.ndarray
    N: np.ndarray
    S_min: np.ndarray
    B_crit: np.ndarray
    D: np.ndarray
    loss: np.ndarray

    def exponents(self):
        """Log-log slopes of N, D, B_crit, S_min and loss against C_min over the budgets (dict)."""
        log_c = np.log(self.C_min)
        return {name: float(np.polyfit(log_c, np.log(values), 1)[0])
                for name, values in (("N", self.N), ("D", self.D), ("B_crit", self.B_crit),
                                     ("S_min", self.S_min), ("loss", self.loss))}


@dataclass(frozen=True)
class KaplanLaws:
    """Kaplan et al. 2020's fits (N: non-embedding params, D: tokens, C_min: PF-days).  Used in 05.

    Field names follow the paper's Tables 2, 5 and 6 (joint_* are the L(N, D) fit of Table 2).
    """
    alpha_N: float
    N_c: float
    alpha_D: float
    D_c: float
    alpha_C_min: float
    C_c_min: float
    alpha_S: float
    S_c: float
    alpha_B: float
    B_star: float
    joint_alpha_N: float
    joint_alpha_D: float
    joint_N_c: float
    joint_D_c: float
    p_N: float
    N_e: float
    p_D: float
    D_e: float
    overfit_coefficient: float
    overfit_exponent: float

    def loss_vs_params(self, N):
        """Eq. 1.1: L(N) = (N_c / N)**alpha_N, for models trained to convergence."""
        N = as_positive_array("N", N)
        return (self.N_c / N) ** self.alpha_N

    def loss_vs_data(self, D):
        """Eq. 1.2: L(D) = (D_c / D)**alpha_D, for large models with early stopping."""
        D = as_positive_array("D", D)
        return (self.D_c / D) ** self.alpha_D

    def loss_vs_compute(self, C_min_pf_days):
        """Eq. 1.3: L(C_min) = (C_c_min / C_min)**alpha_C_min, C_min in PF-days."""
        C = as_positive_array("C_min_pf_days", C_min_pf_days)
        return (self.C_c_min / C) ** self.alpha_C_min

    def loss(self, N, D):
        """Eq. 1.5: L(N, D) = [(N_c/N)**(alpha_N/alpha_D) + D_c/D]**alpha_D (Table 2 constants)."""
        N = as_positive_array("N", N)
        D = as_positive_array("D", D)
        N, D = broadcastable(N=N, D=D)
        ratio = self.joint_alpha_N / self.joint_alpha_D
        return ((self.joint_N_c / N) ** ratio + self.joint_D_c / D) ** self.joint_alpha_D

    def overfitting_penalty(self, N, D):
        """L(N, D) / L(N, infinite D) - 1: how much worse than unlimited data (eq. 1.5)."""
        N = as_positive_array("N", N)
        return self.loss(N, D) / ((self.joint_N_c / N) ** self.joint_alpha_N) - 1

    def data_to_avoid_overfitting(self, N):
        """Eq. 4.4: D >~ 5e3 * N**0.74 tokens keeps the overfitting penalty small."""
        N = as_positive_array("N", N)
        return self.overfit_coefficient * N ** self.overfit_exponent

    def critical_batch(self, loss):
        """Eq. 1.4: B_crit(L) = B_star / L**(1/alpha_B), tokens per batch."""
        loss = as_positive_array("loss", loss)
        return self.B_star / loss ** (1 / self.alpha_B)

    def loss_vs_steps(self, N, S_min):
        """Eq. 1.6: L(N, S_min) = (N_c/N)**alpha_N + (S_c/S_min)**alpha_S."""
        N = as_positive_array("N", N)
        S_min = as_positive_array("S_min", S_min)
        N, S_min = broadcastable(N=N, S_min=S_min)
        return (self.N_c / N) ** self.alpha_N + (self.S_c / S_min) ** self.alpha_S

    def optimal_params(self, C_min_pf_days):
        """Table 6 / eq. 6.1, the fitted frontier: N_opt = N_e * C_min**p_N, C_min in PF-days."""
        C = as_positive_array("C_min_pf_days", C_min_pf_days)
        return self.N_e * C ** self.p_N

    def optimal_data(self, C_min_pf_days):
        """Table 6, the fitted frontier: D_opt = D_e * C_min**p_D tokens, C_min in PF-days."""
        C = as_positive_array("C_min_pf_days", C_min_pf_days)
        return self.D_e * C ** self.p_D

    def excess_compute(self, size_ratio):
        """Eq. B.16: compute to reach a loss with N = size_ratio * N_eff, over the efficient N_eff's.  Used in 05.

        size_ratio: positive array, N / N_eff. Returns C(N) / C(N_eff) (1 at size_ratio 1);
        inf where a model that small can never reach the loss (the bracket of B.16 is not positive).
        """
        r = as_positive_array("size_ratio", size_ratio)
        bracket = 1 + (self.alpha_S / self.alpha_N) * (1 - r ** -self.alpha_N)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bracket > 0, r * np.abs(bracket) ** (-1 / self.alpha_S), np.inf)

    def excess_steps(self, size_ratio):
        """Eq. B.17: optimiser steps to reach a loss with N = size_ratio * N_eff, over N_eff's.  Used in 05.

        size_ratio: positive array, N / N_eff. Returns S(N) / S(N_eff); inf where the loss is out of reach.
        """
        r = as_positive_array("size_ratio", size_ratio)
        return self.excess_compute(r) / r

    def derived_frontier(self, C_min_pf_days):
        """The frontier implied by the paper's laws rather than fitted (Table 6).  Used in 05.

        Eqs 5.4 and 5.5 (S = S_min (1 + B_crit/B), C = C_min (1 + B/B_crit), C = 6 N B S) give
        C_min = 6 N B_crit(L) S_min for a run at any batch size. For each budget, choose N to
        minimise L(N, S_min) (eq. 1.6) subject to that; L and B_crit (eq. 1.4) depend on each
        other, so L is found by root-finding for every trial N.
        C_min_pf_days: 1-D positive array. Returns KaplanFrontier.
        """
        budgets = as_positive_array("C_min_pf_days", C_min_pf_days, ndim=1, min_size=2)
        rows = [self._optimum(c * FLOP_PER_PF_DAY) for c in budgets]
        N, S_min, B_crit, loss = (np.array(v) for v in zip(*rows))
        return KaplanFrontier(C_min=budgets, N=N, S_min=S_min, B_crit=B_crit, D=B_crit * S_min, loss=loss)

    def _loss_at(self, N, flops):
        def excess(L):
            S_min = flops / (6 * N * self.B_star / L ** (1 / self.alpha_B))
            return (self.N_c / N) ** self.alpha_N + (self.S_c / S_min) ** self.alpha_S - L
        return brentq(excess, 1e-3, 1e3, xtol=1e-14, rtol=1e-14)

    def _optimum(self, flops):
        result = minimize_scalar(lambda log_n: self._loss_at(np.exp(log_n), flops),
                                 bounds=(np.log(1.0), np.log(1e16)), method="bounded",
                                 options={"xatol": 1e-9})
        if not result.success or not np.log(1.0) + 1 < result.x < np.log(1e16) - 1:
            raise FitError(f"derived_frontier: no interior optimum for C_min = {flops:.3g} FLOP")
        N = float(np.exp(result.x))
        loss = float(result.fun)
        B_crit = self.B_star / loss ** (1 / self.alpha_B)
        return N, flops / (6 * N * B_crit), B_crit, loss


# Kaplan et al. 2020, Tables 2, 5 and 6 and eq. 4.4 (datasets/kaplan2020_constants.csv).
KAPLAN_2020 = KaplanLaws(
    alpha_N=0.076, N_c=8.8e13, alpha_D=0.095, D_c=5.4e13, alpha_C_min=0.050, C_c_min=3.1e8,
    alpha_S=0.76, S_c=2.1e3, alpha_B=0.21, B_star=2.1e8,
    joint_alpha_N=0.076, joint_alpha_D=0.103, joint_N_c=6.4e13, joint_D_c=1.8e13,
    p_N=0.73, N_e=1.3e9, p_D=0.27, D_e=2e10, overfit_coefficient=5e3, overfit_exponent=0.74,
)


def batch_tradeoff(batch, critical_batch):
    """Eq. 5.1 (McCandlish et al. 2018): steps and tokens to reach a fixed loss at batch size B.  Used in 05.

    (S/S_min - 1)(E/E_min - 1) = 1 with B_crit = E_min / S_min, so a run at batch B takes
    S/S_min = 1 + B_crit/B steps and processes E/E_min = 1 + B/B_crit tokens (both 2 at B = B_crit).
    batch, critical_batch: positive, in tokens, broadcastable. Returns (steps_ratio, tokens_ratio).
    """
    batch = as_positive_array("batch", batch)
    critical_batch = as_positive_array("critical_batch", critical_batch)
    batch, critical_batch = broadcastable(batch=batch, critical_batch=critical_batch)
    return 1 + critical_batch / batch, 1 + batch / critical_batch


@dataclass(frozen=True)
class KaplanJointView:
    """Kaplan et al. 2020's L(N, D) (eq. 1.5) around one point (N, D).

    D_grid, loss_vs_D: the curve over data at this N; N_grid, loss_vs_N: over size at this D.
    loss: L(N, D). loss_no_data_limit: L(N, infinite D). loss_no_size_limit: L(infinite N, D).
    penalty: loss / loss_no_data_limit - 1. data_needed: eq. 4.4's 5e3 * N**0.74 (tokens).
    """
    N: float
    D: float
    D_grid: np.ndarray
    loss_vs_D: np.ndarray
    N_grid: np.ndarray
    loss_vs_N: np.ndarray
    loss: float
    loss_no_data_limit: float
    loss_no_size_limit: float
    penalty: float
    data_needed: float


def kaplan_joint_view(log10_N, log10_D, points=200):
    """Eq. 1.5 around N = 10**log10_N parameters, D = 10**log10_D tokens.  Introduced in 05.

    log10_N in [3, 13], log10_D in [6, 14]. Returns KaplanJointView.
    """
    log10_N = finite_scalar("log10_N", log10_N)
    log10_D = finite_scalar("log10_D", log10_D)
    if not 3 <= log10_N <= 13:
        raise ValueError(f"log10_N must lie in [3, 13], got {log10_N}")
    if not 6 <= log10_D <= 14:
        raise ValueError(f"log10_D must lie in [6, 14], got {log10_D}")
    points = positive_int("points", points, minimum=2)
    k = KAPLAN_2020
    N, D = 10.0 ** log10_N, 10.0 ** log10_D
    D_grid = np.geomspace(1e6, 1e14, points)
    N_grid = np.geomspace(1e3, 1e13, points)
    loss = float(k.loss(N, D))
    penalty = float(k.overfitting_penalty(N, D))
    return KaplanJointView(
        N=N, D=D, D_grid=D_grid, loss_vs_D=k.loss(N, D_grid), N_grid=N_grid, loss_vs_N=k.loss(N_grid, D),
        loss=loss, loss_no_data_limit=loss / (1 + penalty),
        loss_no_size_limit=float((k.joint_D_c / D) ** k.joint_alpha_D),
        penalty=penalty, data_needed=float(k.data_to_avoid_overfitting(N)))
