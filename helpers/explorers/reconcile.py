"""Notebook 08's explorer: a Chinchilla-form law's frontier in Kaplan's variables, and its slope over a range."""
import ipywidgets as ipw

from helpers import plots
from helpers.explorers._wiring import Explorer, figure, log_limits, slider
from helpers.reconcile import DEFAULT_ASPECT_RATIO, PUBLISHED_LAWS, compare_frontiers

__all__ = ["reconcile_explorer", "DEFAULT_RANGE"]

# Kaplan et al.'s model sizes, 768 to 1.5e9 non-embedding parameters, on the slider's 0.05 grid.
DEFAULT_RANGE = (2.9, 9.2)


def reconcile_explorer():
    """A choice of Chinchilla-form law, a range of model sizes and an aspect ratio; plots the
    frontier in Kaplan's variables and fits its slope over the range.  Introduced in 08.

    Returns an Explorer. A range narrower than a decade shows a message instead of a slope.
    """
    controls = {
        "law_name": ipw.Dropdown(options=list(PUBLISHED_LAWS), description="law",
                                 layout=ipw.Layout(width="24em")),
        "log10_range": slider(ipw.FloatRangeSlider, "log10 N_E range", value=DEFAULT_RANGE, min=2.0, max=14.0,
                              step=0.05, readout_format=".2f", layout=ipw.Layout(width="34em")),
        "aspect_ratio": slider(ipw.FloatLogSlider, "d_model / n_layer", value=DEFAULT_ASPECT_RATIO, base=2,
                               min=3, max=8, step=0.5, readout_format=".0f"),
    }
    fig, ax = figure(figsize=(6.8, 4.2))
    frontier, = ax.plot([], [], color="0.3", linewidth=1, label="N_E,opt (Kaplan's variables)")
    fitted, = ax.plot([], [], color="#D55E00", linestyle="--", linewidth=3, label="power law fitted over the range")
    plots.loglog(ax, "non-embedding compute C_E = 6 N_E D (FLOP)", "N_E,opt (non-embedding parameters)",
                 mathtext=False)
    ax.legend(loc="upper left", fontsize=9)

    def draw(law_name, log10_range, aspect_ratio):
        low, high = log10_range
        if high - low <= 1 + 1e-9:
            raise ValueError(f"the range spans {high - low:.2f} decades; widen it to more than one decade "
                             "to fit a slope")
        try:
            comparison = compare_frontiers(PUBLISHED_LAWS[law_name], 10 ** low, 10 ** high,
                                           aspect_ratio=aspect_ratio)
        except ValueError:
            raise ValueError("too few compute-optimal models between 1e11 and 1e30 FLOP fall in this range; "
                             "move it toward the middle of the slider") from None
        frontier.set_data(comparison.C, comparison.N_opt)
        inside = comparison.C[comparison.in_range]
        fitted.set_data(inside, comparison.range_line(inside))
        ax.set_xlim(comparison.C[0], comparison.C[-1])
        ax.set_ylim(*log_limits(comparison.N_opt, step=1.0, pad=2))
        return (f"N_E from {10 ** low:.2g} to {10 ** high:.2g}: slope {comparison.range_exponent:.3f}; "
                f"asymptotic {comparison.asymptotic_exponent:.3f}")

    rows = [ipw.HBox([controls["law_name"], controls["aspect_ratio"]]), controls["log10_range"]]
    return Explorer("Kaplan's frontier from a Chinchilla-form law", controls, draw, fig, rows,
                    moving=[frontier, fitted])
