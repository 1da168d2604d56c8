"""Notebook 07's explorer: the bootstrap distribution of the frontier exponent, by runs and resamples."""
import functools

import ipywidgets as ipw
import numpy as np

from helpers.chinchilla_fit import bootstrap_view
from helpers.explorers._wiring import Explorer, figure, slider

__all__ = ["bootstrap_explorer"]


def bootstrap_explorer(N, D, loss):
    """Sliders for how many runs are used and how many resamples are drawn; shows the bootstrap
    distribution of the frontier exponent a and its 80% interval.  Introduced in 07.

    N, D, loss: the full run table (at least 30 runs). Each setting's bootstrap (up to 1,000
    refits, about half a second) is computed once and kept, so returning to it is instant.
    Returns an Explorer.
    """
    n_total = int(np.size(N))
    if n_total < 30:
        raise ValueError(f"N must hold at least 30 runs for the explorer, got {n_total}")
    controls = {
        "n_runs": slider(ipw.IntSlider, "runs used", value=n_total - n_total % 30, min=30,
                         max=n_total - n_total % 30, step=30),
        "n_resamples": slider(ipw.IntSlider, "resamples", value=400, min=100, max=1000, step=100),
    }
    view_of = functools.lru_cache(maxsize=None)(lambda n_runs, n_resamples: bootstrap_view(
        N, D, loss, n_runs, n_resamples))
    fig, ax = figure()
    bars = ax.stairs([0.0], [0.0, 1.0], fill=True, color="#56B4E9", label="resamples")
    edges = [ax.axvline(0.0, color="#D55E00", linestyle="--") for _ in range(2)]
    edges[0].set_label("80% interval")
    ax.set_xlabel("frontier exponent a (N_opt ∝ C^a)")
    ax.set_ylabel("resamples")
    ax.legend(loc="upper right", fontsize=9)

    def draw(n_runs, n_resamples):
        view = view_of(n_runs, n_resamples)
        # Bins follow the samples, so any run table gets a readable histogram.
        counts, bin_edges = np.histogram(view.a_samples, bins=40)
        bars.set_data(counts, bin_edges)
        for line, value in zip(edges, view.intervals["a"]):
            line.set_xdata([value, value])
        # Limits snapped to 0.05 in a and to 50 resamples change only now and then, so most
        # changes redraw just the histogram and the eye can compare one setting with the next.
        ax.set_xlim(np.floor(bin_edges[0] / 0.05) * 0.05, np.ceil(bin_edges[-1] / 0.05) * 0.05)
        ax.set_ylim(0, np.ceil(counts.max() * 1.1 / 50) * 50)
        return f"{n_runs} runs, {n_resamples} resamples: the 80% interval of a is {view.widths['a']:.3f} wide"

    moving = [bars, *edges]
    return Explorer("Bootstrap intervals of the frontier exponent", controls, draw, fig, moving=moving)
