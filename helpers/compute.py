"""Training compute: FLOPs, PF-days and tokens per parameter.  Introduced in 01, used in 04.

1 PF-day = 1e15 FLOP/s for one day = 8.64e19 FLOP (Kaplan et al. 2020, sec. 2.1).
"""
from helpers._validate import as_positive_array, broadcastable

__all__ = ["FLOP_PER_PF_DAY", "training_flops", "pf_days", "flops_from_pf_days", "tokens_per_parameter"]

FLOP_PER_PF_DAY = 8.64e19  # 1e15 FLOP/s for a day

def training_flops(N, D):
    """C = 6 N D: forward (2N) plus backward (4N) FLOP per token, times D tokens.  Introduced in 04.

    N (params), D (tokens): positive arrays that broadcast -> C (FLOP), their broadcast shape.
    """
    N, D = broadcastable(N=as_positive_array("N", N), D=as_positive_array("D", D))
    return 6.0 * N * D


def pf_days(flops):
    """FLOP -> PF-days.  Introduced in 04."""
    return as_positive_array("flops", flops) / FLOP_PER_PF_DAY


def flops_from_pf_days(days):
    """PF-days -> FLOP.  Introduced in 04."""
    return as_positive_array("days", days) * FLOP_PER_PF_DAY


def tokens_per_parameter(N, D):
    """D / N: training tokens per parameter (Chinchilla-optimal is about 20).  Introduced in 04."""
    N, D = broadcastable(N=as_positive_array("N", N), D=as_positive_array("D", D))
    return D / N
