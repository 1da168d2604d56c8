"""Notebook 06's explorer: how the placement of an IsoFLOP grid biases the parabola's minimum."""
import ipywidgets as ipw
import numpy as np

from helpers import plots
from helpers._validate import positive_scalar
from helpers.approaches import isoflop_profile_fit
from helpers.explorers._wiring import Explorer, figure, signed_percent, slider
from helpers.laws import EPOCH_REFIT, ChinchillaLaw

__all__ = ["isoflop_bias_explorer"]


def isoflop_bias_explorer(law=EPOCH_REFIT, budget=1e21):
    """Sliders that move and widen an IsoFLOP grid; plots the true profile, the samples, the
    fitted parabola and both minima.  Introduced in 06.

    law: ChinchillaLaw used as the truth (default: Epoch AI refit). budget: FLOP.
    Returns an Explorer.
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    budget = positive_scalar("budget", budget)
    controls = {
        "offset_decades": slider(ipw.FloatSlider, "grid offset (decades)", value=0.0, min=-1.0, max=1.0, step=0.1),
        "width_decades": slider(ipw.FloatSlider, "grid width (decades)", value=1.0, min=0.4, max=3.0, step=0.2),
        "n_sizes": slider(ipw.IntSlider, "sizes", value=9, min=3, max=15),
    }
    n_true, _ = law.compute_optimal(budget)
    grid = float(n_true) * np.logspace(-2.7, 2.7, 300)  # wider than any grid the sliders allow
    true_losses = law.loss(grid, budget / (6 * grid))
    fig, ax = figure()
    ax.plot(grid, true_losses, color="0.3", linewidth=1, label="true IsoFLOP profile")
    parabola, = ax.plot([], [], label="fitted parabola")
    samples, = ax.plot([], [], "o", color="#D55E00", label="sampled sizes")
    ax.axvline(float(n_true), color="0.3", linestyle=":", label="true optimum")
    vertex = ax.axvline(float(n_true), color="#0072B2", linestyle="--", label="parabola's minimum")
    plots.log_scale(ax, y=False, mathtext=False)
    ax.set_xlabel("N (parameters)")
    ax.set_ylabel("loss (nats/token)")
    ax.set_xlim(grid[0], grid[-1])  # fixed: the curves, not the vertical lines, set the range
    ax.set_ylim(true_losses.min() - 0.02, true_losses.min() + 0.35)
    ax.legend(loc="upper center", fontsize=9)

    def draw(offset_decades, width_decades, n_sizes):
        fit = isoflop_profile_fit(law, budget, offset_decades, width_decades, n_sizes)
        parabola.set_data(grid, fit.parabola(grid))
        samples.set_data(fit.sizes, fit.losses)
        vertex.set_xdata([fit.N_vertex] * 2)
        error = signed_percent(10 ** fit.error_decades - 1, decimals=1)
        return f"C = {budget:.0e} FLOP: the parabola's minimum is {error} off the true optimum"

    return Explorer("IsoFLOP grid bias", controls, draw, fig, moving=[parabola, samples, vertex])
