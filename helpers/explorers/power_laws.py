"""Notebook 01's explorer: fit noisy power-law data in log and in linear space, then extrapolate."""
import ipywidgets as ipw
import numpy as np

from helpers import plots
from helpers.explorers._wiring import Explorer, figure, log_limits, signed_percent, slider
from helpers.synthetic import power_law_fit_demo

__all__ = ["power_law_explorer"]


def power_law_explorer():
    """Sliders for the true exponent, the noise, the decades of data and the seed; the figure shows
    the data, the truth, both fits and their errors two decades beyond the data.  Introduced in 01.

    Returns an Explorer (display it, or make it the cell's last expression).
    """
    controls = {
        "alpha": slider(ipw.FloatSlider, "true α", value=0.3, min=0.05, max=1.0, step=0.05),
        "noise": slider(ipw.FloatSlider, "noise", value=0.1, min=0.0, max=0.4, step=0.02),
        "fit_decades": slider(ipw.FloatSlider, "decades of data", value=2.0, min=0.5, max=4.0, step=0.5),
        "seed": slider(ipw.IntSlider, "seed", value=0, min=0, max=20),
    }
    fig, ax = figure()
    points, = ax.plot([], [], "o", color="0.3", label="data")
    truth_line, = ax.plot([], [], color="0.3", linestyle="-", linewidth=1, label="truth")
    log_line, = ax.plot([], [], label="fit in log space")
    linear_line, = ax.plot([], [], label="fit in linear space")
    target = ax.axvline(1.0, color="0.5", linestyle=":", linewidth=1)
    plots.loglog(ax, "x (e.g. training tokens)", "y (e.g. test error)", mathtext=False)
    ax.legend(loc="lower left")

    def draw(alpha, noise, fit_decades, seed):
        demo = power_law_fit_demo(alpha, noise, fit_decades, seed)
        points.set_data(demo.x, demo.y)
        truth_line.set_data(demo.grid, demo.truth)
        target.set_xdata([demo.x_target, demo.x_target])
        curves = [demo.y, demo.truth]
        caption = []
        for name, line, curve, error, fitted in (
                ("log", log_line, demo.log_fit, demo.log_error, demo.log_alpha),
                ("linear", linear_line, demo.linear_fit, demo.linear_error, demo.linear_alpha)):
            if curve is None:
                line.set_data([], [])
                caption.append(f"{name} fit: none (the data do not fall)")
            else:
                line.set_data(demo.grid, curve)
                curves.append(curve)
                caption.append(f"{name} fit {signed_percent(error)} (α={fitted:.3f})")
        ax.set_xlim(*log_limits(demo.grid, step=0.5, pad=1.5))
        ax.set_ylim(*log_limits(np.concatenate(curves), step=0.5, pad=1.5))
        return "at the dotted line: " + ", ".join(caption)

    rows = [ipw.HBox([ipw.VBox([controls["alpha"], controls["noise"]]),
                      ipw.VBox([controls["fit_decades"], controls["seed"]])])]
    moving = [points, truth_line, log_line, linear_line, target]
    return Explorer("Fitting a power law in log and linear space", controls, draw, fig, rows, moving)
