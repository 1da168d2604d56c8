"""Notebook 03's explorer: a smooth per-token loss seen through bounded metrics."""
import ipywidgets as ipw

from helpers import plots
from helpers.explorers._wiring import Explorer, figure, slider
from helpers.metrics import EMERGENCE_METRICS, emergence_view

__all__ = ["emergence_explorer"]


def emergence_explorer():
    """A slider for the answer length and a choice of metric; plots the metric against model
    size next to the smooth per-token loss.  Introduced in 03.

    Returns an Explorer.
    """
    controls = {
        "length": slider(ipw.IntSlider, "answer length (tokens)", value=10, min=1, max=50),
        "metric": ipw.Dropdown(options=EMERGENCE_METRICS, value="exact match", description="metric",
                               layout=ipw.Layout(width="20em")),
    }
    fig, (ax_loss, ax_metric) = figure(ncols=2, figsize=(10, 3.8))
    loss_line, = ax_loss.plot([], [])
    plots.loglog(ax_loss, "N (parameters)", "per-token loss on the answer (nats)", title="smooth",
                 mathtext=False)
    metric_line, = ax_metric.plot([], [], color="#D55E00", linestyle="--")
    plots.log_scale(ax_metric, y=False, mathtext=False)
    ax_metric.set_xlabel("N (parameters)")

    def draw(length, metric):
        view = emergence_view(length, metric)
        loss_line.set_data(view.N, view.cross_entropy)
        ax_loss.set_xlim(view.N[0], view.N[-1])
        ax_loss.set_ylim(view.cross_entropy.min() / 1.2, view.cross_entropy.max() * 1.2)
        metric_line.set_data(view.N, view.values)
        ax_metric.set_xlim(view.N[0], view.N[-1])
        top = max(1.0, view.values.max() * 1.05)
        ax_metric.set_ylim(-0.03 * top, top)
        ax_metric.set_ylabel(view.metric)
        return f"{view.metric}, {view.length} tokens: flat for the first {view.flat_decades:.1f} decades"

    moving = [loss_line, metric_line]
    return Explorer("Emergence from a smooth loss", controls, draw, fig, moving=moving)
