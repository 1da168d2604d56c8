"""Notebook 09's explorer: your fitted law at a budget you choose, beside your runs."""
import ipywidgets as ipw
import numpy as np

from helpers import plots
from helpers.approaches import budget_view
from helpers.explorers._wiring import Explorer, figure, log_limits, slider

__all__ = ["lab_explorer"]


def lab_explorer(law, N, D, loss, max_tokens):
    """A compute-budget slider; plots the fitted law's loss against model size at that budget
    (an IsoFLOP profile), its compute-optimal size, and the measured runs whose compute is within
    30% of the budget; the caption gives the predicted loss and the split.  Introduced in 09.

    law: the ChinchillaLaw fitted to the runs. N (params), D (bytes), loss (nats/byte): the runs.
    max_tokens: training bytes in one epoch of the corpus (longer runs would repeat text).
    Returns an Explorer.
    """
    N, D, loss = (np.asarray(v, dtype=float) for v in (N, D, loss))
    C = 6 * N * D
    low, high = np.floor(np.log10(C.min()) * 10) / 10, np.ceil(np.log10(C.max()) * 10) / 10 + 1
    controls = {"log10_budget": slider(ipw.FloatSlider, "log10 C (FLOP)", value=11.0, min=low, max=high,
                                       step=0.1, readout_format=".1f")}
    fig, ax = figure()
    profile, = ax.plot([], [], color="#0072B2", label="fitted law at this budget")
    beyond, = ax.plot([], [], color="#0072B2", linestyle=":", label="needs more than one epoch")
    runs, = ax.plot([], [], "o", color="#D55E00", label="your runs within 30% of it")
    optimum = ax.axvline(1.0, color="0.3", linestyle="--", linewidth=1, label="compute-optimal size")
    plots.loglog(ax, "N (parameters)", "held-out loss (nats/byte)", mathtext=False)
    ax.set_xlim(N.min() / 3, N.max() * 3)
    ax.legend(loc="upper right", fontsize=9)

    def draw(log10_budget):
        view = budget_view(law, 10 ** log10_budget, N, D, max_tokens=max_tokens)
        profile.set_data(view.sizes[view.usable], view.profile[view.usable])
        beyond.set_data(view.sizes[~view.usable], view.profile[~view.usable])
        runs.set_data(N[view.near], loss[view.near])
        optimum.set_xdata([view.N_opt, view.N_opt])
        shown = np.concatenate([view.profile, loss[view.near]])
        ax.set_ylim(*log_limits(shown[shown < 3 * shown.min()]))
        where = "" if view.inside_runs else " (beyond your runs: an extrapolation)"
        epoch = "" if view.within_data else "; D_opt exceeds one epoch of the corpus"
        return (f"C = {view.budget:.1e} FLOP{where}: N_opt = {view.N_opt:,.0f}, D_opt = {view.D_opt:,.0f} "
                f"({view.tokens_per_parameter:.1f} bytes/parameter), loss {view.loss_opt:.3f}{epoch}")

    return Explorer("Your law at a budget", controls, draw, fig, moving=[profile, beyond, runs, optimum])
