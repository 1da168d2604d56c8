"""Notebook 12's explorer: coverage, majority vote and a verifier as the number of samples grows."""
import ipywidgets as ipw

from helpers import plots
from helpers.explorers._wiring import Explorer, figure, slider
from helpers.testtime import FALSE_NEGATIVE, SAMPLE_GRID, WRONG_SHARE, repeated_sampling_view

__all__ = ["sampling_explorer"]

FLOORS = (("none (heavy tail)", 0.0), ("1e-4", 1e-4), ("1e-3", 1e-3), ("0.01", 0.01), ("0.1", 0.1))
NEG_LOG_LIMITS = (1e-8, 10.0)


def sampling_explorer():
    """Sliders for the left tail of the difficulty distribution (alpha, and a floor below which no
    problem lies), the number of samples k and the verifier's false-positive rate; plots coverage,
    majority vote and verifier selection against k, and -log coverage on log-log axes with the
    power law of a heavy tail.  Introduced in 12.

    Returns an Explorer.
    """
    controls = {
        "alpha": slider(ipw.FloatLogSlider, "left-tail exponent alpha", value=10 ** -0.5, base=10, min=-1, max=0.5,
                        step=0.1, readout_format=".2f"),
        "floor": slider(ipw.SelectionSlider, "lowest p (floor)", options=FLOORS, value=0.0),
        "k": slider(ipw.FloatLogSlider, "samples k", value=100, base=10, min=0, max=4, step=0.25,
                    readout_format=".0f"),
        "false_positive": slider(ipw.FloatSlider, "verifier false-positive rate", value=0.05, min=0.0, max=0.3,
                                 step=0.05, readout_format=".2f"),
    }
    rows = [ipw.HBox([controls["alpha"], controls["floor"]]), ipw.HBox([controls["k"], controls["false_positive"]])]
    fig, (ax_acc, ax_log) = figure(ncols=2, figsize=(10, 4.0))
    k_range = (SAMPLE_GRID[0], SAMPLE_GRID[-1])

    coverage_line, = ax_acc.plot([], [], label="coverage (exact)")
    sampled_dots, = ax_acc.plot([], [], "o", markersize=3, color="0.3", label="coverage (sampled)")
    majority_line, = ax_acc.plot([], [], color="#D55E00", linestyle="--", label="majority vote")
    verifier_line, = ax_acc.plot([], [], color="#009E73", linestyle="-.", label="verifier selection")
    k_marker = ax_acc.axvline(100, color="0.5", linestyle=":", linewidth=1.2)
    plots.log_scale(ax_acc, y=False, mathtext=False)
    ax_acc.set_xlim(*k_range)
    ax_acc.set_ylim(0, 1)
    ax_acc.set_xlabel("samples per problem k")
    ax_acc.set_ylabel("fraction of problems solved")
    ax_acc.legend(loc="upper left", fontsize=8)

    neg_log_line, = ax_log.plot([], [], label="-log coverage (exact)")
    power_line, = ax_log.plot([], [], color="0.4", linestyle=":", label="power law k^-alpha (no floor)")
    plots.loglog(ax_log, "samples per problem k", "-log coverage", mathtext=False)
    ax_log.set_xlim(*k_range)
    ax_log.set_ylim(*NEG_LOG_LIMITS)
    ax_log.legend(loc="lower left", fontsize=8)

    def draw(alpha, floor, k, false_positive):
        view = repeated_sampling_view(alpha, floor, k, false_positive)
        coverage_line.set_data(view.k, view.coverage)
        sampled_dots.set_data(view.k, view.sampled_coverage)
        majority_line.set_data(view.k, view.majority)
        verifier_line.set_data(view.k, view.verifier)
        k_marker.set_xdata([view.at_k, view.at_k])
        shown = view.neg_log_coverage >= NEG_LOG_LIMITS[0]
        neg_log_line.set_data(view.k[shown], view.neg_log_coverage[shown])
        power_line.set_data(view.k, view.power_law)
        slope = f"{view.slope_end:.2f}" if view.slope_end > -10 else "below -10"
        return (f"k = {view.at_k:,}: coverage {view.coverage_at_k:.2f}, majority {view.majority_at_k:.2f}, "
                f"verifier {view.verifier_at_k:.2f}. pass@1 {view.difficulty.mean:.2f}; slope of -log coverage "
                f"at k = 10,000: {slope} (power law: {-alpha:.2f})")

    moving = [coverage_line, sampled_dots, majority_line, verifier_line, k_marker, neg_log_line, power_line]
    title = (f"Repeated sampling (majority vote: {WRONG_SHARE:.0%} of wrong samples agree; "
             f"verifier misses {FALSE_NEGATIVE:.0%} of right ones)")
    return Explorer(title, controls, draw, fig, rows=rows, moving=moving)
