"""Notebook 14's explorer: every rule's (N, D) for one budget, demand and supply of unique data."""
import ipywidgets as ipw

from helpers import plots
from helpers.explorers._wiring import Explorer, figure, log_limits, slider
from helpers.plan import RULES, plan_view

__all__ = ["plan_explorer", "RULE_STYLES"]

# Marker, colour, size and fill per rule (Okabe-Ito colours, shapes that read in grey). Hollow
# markers are drawn above filled ones, and filled ones differ in size, so where two rules nearly
# agree both stay visible.
RULE_STYLES = {
    "kaplan": ("v", "#999999", 10, False),
    "hoffmann_rounded": ("^", "#56B4E9", 10, False),
    "hoffmann_unrounded": ("<", "#0072B2", 10, False),
    "epoch": ("s", "#000000", 10, True),
    "data_constrained": ("D", "#E69F00", 6, True),
    "inference_aware": ("o", "#009E73", 8, True),
}


def plan_explorer():
    """Log sliders for the training budget, the inference demand and the unique data; plots each
    rule's recommended (N, D) on one log-log chart with the iso-compute line D = C / (6 N), one
    and four epochs of the unique data, and the box the rules span. The caption is the
    recommendation.  Introduced in 14.

    Returns an Explorer.
    """
    controls = {
        "flops": slider(ipw.FloatLogSlider, "training budget (FLOP)", value=1e23, base=10, min=18.0, max=27.0,
                        step=0.1, readout_format=".2g"),
        "inference_tokens": slider(ipw.FloatLogSlider, "inference tokens", value=10 ** 12.3, base=10, min=8.0, max=16.0,
                                   step=0.1, readout_format=".2g"),
        "unique_tokens": slider(ipw.FloatLogSlider, "unique tokens", value=10 ** 12.7, base=10, min=9.0, max=14.0,
                                step=0.1, readout_format=".2g"),
    }
    fig, ax = figure(figsize=(8.0, 5.0))
    iso, = ax.plot([], [], color="0.55", linewidth=1.5, label="D = C / (6 N): spends the budget")
    one_epoch = ax.axhline(1.0, color="#CC79A7", linestyle="--", linewidth=1.2, label="one epoch of the unique data")
    four_epochs = ax.axhline(1.0, color="#CC79A7", linestyle=":", linewidth=1.2, label="four epochs")
    box, = ax.plot([], [], color="#D55E00", linestyle="-.", linewidth=1.2, label="the range the rules span")
    markers = {}
    for rule, (shape, colour, size, filled) in RULE_STYLES.items():
        markers[rule], = ax.plot([], [], shape, color=colour, markersize=size, markeredgewidth=1.6,
                                 markerfacecolor=colour if filled else "none", linestyle="none", label=RULES[rule])
    chosen, = ax.plot([], [], "o", markersize=17, markerfacecolor="none", markeredgecolor="#D55E00",
                      markeredgewidth=2, linestyle="none", label="recommended")
    plots.log_scale(ax, mathtext=False)
    ax.set_xlabel("N (parameters)")
    ax.set_ylabel("D (training tokens)")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
    fig.subplots_adjust(right=0.62)

    def draw(flops, inference_tokens, unique_tokens):
        view = plan_view(flops, inference_tokens, unique_tokens)
        result = view.plan
        iso.set_data(view.sizes, view.iso_tokens)
        one_epoch.set_ydata([view.one_epoch] * 2)
        four_epochs.set_ydata([view.nearly_free] * 2)
        (n_low, n_high), (d_low, d_high) = result.N_range, result.D_range
        box.set_data([n_low, n_high, n_high, n_low, n_low], [d_low, d_low, d_high, d_high, d_low])
        for row in result.rows:
            markers[row.rule].set_data([row.N], [row.D])
        recommended = result.row(result.recommended)
        chosen.set_data([recommended.N], [recommended.D])
        ax.set_xlim(*log_limits(view.sizes, step=0.5, pad=1.0))
        ax.set_ylim(*log_limits([*view.iso_tokens, d_low, d_high, view.one_epoch, view.nearly_free], step=0.5))
        return view.caption

    # Drawn in this order (the explorer redraws moving artists in list order, not by zorder):
    # the ring under the markers, filled markers under hollow ones.
    by_fill = sorted(RULE_STYLES, key=lambda rule: RULE_STYLES[rule][3], reverse=True)
    moving = [iso, one_epoch, four_epochs, box, chosen, *(markers[rule] for rule in by_fill)]
    return Explorer("Plan a training run", controls, draw, fig, moving=moving)
