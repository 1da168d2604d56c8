"""Notebook 13's explorer: fit a curve with one break over more or fewer points, and see where extrapolation fails."""
import ipywidgets as ipw

from helpers import plots
from helpers.broken import EXPLORER_DISPLAY_END, EXPLORER_MISS, EXPLORER_X, break_fit_view
from helpers.explorers._wiring import Explorer, figure, slider

__all__ = ["broken_explorer"]

_Y_LIMITS = (0.1, 8.0)   # fixed, so a redraw keeps the axes: fits that leave the range leave the picture


def _where(x):
    return "never" if x is None else f"from x = {x:.2g}"


def broken_explorer():
    """Sliders over the true break's location and sharpness and the number of points fitted; plots
    the simulated data, the truth, a one-break fit and a single power law.  Introduced in 13.

    Returns an Explorer.
    """
    controls = {
        "log10_break": slider(ipw.FloatSlider, "log10 break location d1", value=4.5, min=2.5, max=7.5, step=0.5,
                              readout_format=".1f"),
        "sharpness": slider(ipw.FloatLogSlider, "sharpness f1", value=10 ** -0.5, base=10, min=-1.5, max=0.5,
                            step=0.5, readout_format=".2g"),
        "n_fitted": slider(ipw.IntSlider, "points fitted", value=16, min=8, max=EXPLORER_X.size, step=4),
    }
    fig, ax = figure(figsize=(7.4, 4.4))
    truth, = ax.plot([], [], color="0.3", linestyle="-", linewidth=1, label="truth (simulated)")
    fitted_curve, = ax.plot([], [], color="#0072B2", linestyle="-", linewidth=2, label="one-break fit")
    line_curve, = ax.plot([], [], color="#D55E00", linestyle="--", linewidth=2, label="single power law")
    fitted_points, = ax.plot([], [], "o", color="0.2", markersize=5, label="fitted points")
    held_points, = ax.plot([], [], "o", markerfacecolor="white", markeredgecolor="0.2", markersize=5,
                           label="held-out points")
    last_fitted = ax.axvline(1.0, color="0.5", linestyle=":", linewidth=1)
    misses = {"broken": ax.axvline(1.0, color="#0072B2", linestyle="-.", linewidth=1),
              "power law": ax.axvline(1.0, color="#D55E00", linestyle="-.", linewidth=1)}
    plots.loglog(ax, "x (e.g. training examples)", "y (e.g. test loss)", mathtext=False)
    ax.set_xlim(EXPLORER_X[0], EXPLORER_DISPLAY_END)
    ax.set_ylim(*_Y_LIMITS)
    ax.legend(loc="lower left", fontsize=8)

    def draw(log10_break, sharpness, n_fitted):
        view = break_fit_view(log10_break, sharpness, n_fitted)
        truth.set_data(view.grid, view.truth)
        fitted_curve.set_data(view.grid, view.broken_fit)
        line_curve.set_data(view.grid, view.power_law)
        fitted_points.set_data(view.x[:n_fitted], view.y[:n_fitted])
        held_points.set_data(view.x[n_fitted:], view.y[n_fitted:])
        last_fitted.set_xdata([view.x[n_fitted - 1]] * 2)
        for name, marker in misses.items():
            where = view.first_miss[name]
            marker.set_visible(where is not None)
            if where is not None:
                marker.set_xdata([where] * 2)
        if n_fitted == view.x.size:
            scores = "every point fitted, none held out"
        else:
            scores = (f"held-out RMSLE: one-break {view.held_out_rmsle['broken']:.3f}, "
                      f"power law {view.held_out_rmsle['power law']:.3f}")
        return (f"{scores}. 10% off the truth beyond the fitted points: one-break fit "
                f"{_where(view.first_miss['broken'])}, power law {_where(view.first_miss['power law'])}")

    rows = [ipw.HBox([controls["log10_break"], controls["sharpness"]]), controls["n_fitted"]]
    moving = [truth, fitted_curve, line_curve, fitted_points, held_points, last_fitted, *misses.values()]
    return Explorer(f"A broken power law fitted and extrapolated ({EXPLORER_MISS:.0%} misses marked)", controls,
                    draw, fig, rows, moving=moving)
