"""Notebook 05's explorer: Kaplan et al. 2020's L(N, D) along model size and along data."""
import ipywidgets as ipw
import numpy as np

from helpers import plots
from helpers.explorers._wiring import Explorer, figure, log_limits, slider
from helpers.kaplan import kaplan_joint_view

__all__ = ["kaplan_explorer"]


def kaplan_explorer():
    """Sliders for model size and data; plots Kaplan's L(N, D) along each, with the limits and
    eq. 4.4's data requirement, and gives the overfitting penalty.  Introduced in 05.

    Returns an Explorer.
    """
    controls = {
        "log10_N": slider(ipw.FloatSlider, "log10 N", value=9.0, min=5.0, max=12.0, step=0.25),
        "log10_D": slider(ipw.FloatSlider, "log10 D", value=10.0, min=7.0, max=13.0, step=0.25),
    }
    fig, (ax_d, ax_n) = figure(ncols=2, figsize=(10, 4.4))
    curve_d, = ax_d.plot([], [], label="L(N, D) at this N")
    limit_d = ax_d.axhline(1.0, color="0.4", linestyle=":", linewidth=1.5, label="L(N, infinite D)")
    needed = ax_d.axvline(1.0, color="#009E73", linestyle="-.", linewidth=1.5, label="5e3 N^0.74 (eq. 4.4)")
    point_d, = ax_d.plot([], [], "o", color="0.2")
    curve_n, = ax_n.plot([], [], color="#D55E00", linestyle="--", label="L(N, D) at this D")
    limit_n = ax_n.axhline(1.0, color="0.4", linestyle=":", linewidth=1.5, label="L(infinite N, D)")
    point_n, = ax_n.plot([], [], "o", color="0.2")
    plots.loglog(ax_d, "D (tokens)", "loss (nats/token)", mathtext=False)
    plots.loglog(ax_n, "N (non-embedding parameters)", "loss (nats/token)", mathtext=False)
    # Legends below the axes: the moving eq. 4.4 line never runs through them.
    for ax in (ax_d, ax_n):
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=9)

    # Fixed axes over every setting the sliders allow, so a change moves the curves, not the axes.
    corners = [kaplan_joint_view(n, d) for n in (controls["log10_N"].min, controls["log10_N"].max)
               for d in (controls["log10_D"].min, controls["log10_D"].max)]
    for ax, x, curves, limits in ((ax_d, corners[0].D_grid, [v.loss_vs_D for v in corners],
                                   [v.loss_no_data_limit for v in corners]),
                                  (ax_n, corners[0].N_grid, [v.loss_vs_N for v in corners],
                                   [v.loss_no_size_limit for v in corners])):
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(*log_limits(np.concatenate([*curves, limits])))

    def draw(log10_N, log10_D):
        view = kaplan_joint_view(log10_N, log10_D)
        curve_d.set_data(view.D_grid, view.loss_vs_D)
        limit_d.set_ydata([view.loss_no_data_limit] * 2)
        needed.set_xdata([view.data_needed] * 2)
        point_d.set_data([view.D], [view.loss])
        curve_n.set_data(view.N_grid, view.loss_vs_N)
        limit_n.set_ydata([view.loss_no_size_limit] * 2)
        point_n.set_data([view.N], [view.loss])
        return f"L = {view.loss:.3f} nats/token; {view.penalty:.1%} above the infinite-data loss for this N"

    moving = [curve_d, limit_d, needed, point_d, curve_n, limit_n, point_n]
    return Explorer("Kaplan et al. 2020's L(N, D)", controls, draw, fig, moving=moving)
