"""Notebook 10's explorer: the best split of a compute budget when unique data is limited."""
import ipywidgets as ipw
import numpy as np

from helpers import plots
from helpers.datalimits import MUENNIGHOFF_2023, data_limit_view
from helpers.explorers._wiring import Explorer, figure, log_limits, signed_percent, slider

__all__ = ["data_constrained_explorer", "EPOCH_AXIS", "FLOOR_GAP"]

EPOCH_AXIS = (0.1, 1e4)  # the right panel's epochs; an optimum outside is marked at the edge
LOSS_STEP = 0.05  # the loss axis snaps to multiples of this (nats/token), so most redraws keep it
FLOOR_GAP = 1e-4  # nats/token: a best loss this close to the floor is "at the floor"


def data_constrained_explorer(law=MUENNIGHOFF_2023):
    """Sliders for unique data U and compute C (both logarithmic); plots the IsoFLOP profile with
    U unique tokens and with unlimited data, the best split of each, and what the best split's
    repeated tokens are worth.  Introduced in 10.

    law: a DataConstrainedLaw (default Muennighoff et al.'s). Returns an Explorer.
    """
    controls = {
        "U": slider(ipw.FloatLogSlider, "unique tokens U", value=10 ** 10.4, base=10, min=8.0, max=13.0, step=0.1,
                    readout_format=".2g"),
        "C": slider(ipw.FloatLogSlider, "compute C (FLOP)", value=1e22, base=10, min=18.0, max=26.0, step=0.1,
                    readout_format=".2g"),
    }
    fig, (ax, ax_value) = figure(ncols=2, figsize=(11.0, 4.2))
    limited, = ax.plot([], [], color="#0072B2", label="with U unique tokens")
    unlimited, = ax.plot([], [], color="0.35", linestyle="--", label="with unlimited data")
    best_limited, = ax.plot([], [], "o", color="#0072B2", markersize=7, label="best split")
    best_unlimited, = ax.plot([], [], "s", color="0.35", markersize=6, markerfacecolor="none",
                              label="best split, unlimited")
    plots.log_scale(ax, y=False, mathtext=False)
    ax.set_xlabel("N (parameters) at fixed C")
    ax.set_ylabel("loss (nats/token)")
    ax.legend(loc="upper center", fontsize=8)

    epochs = np.geomspace(*EPOCH_AXIS, 200)
    ax_value.plot(epochs, law.effective_data(epochs, 1.0) / epochs, color="#009E73",
                  label="value of a token, repeated vs fresh")
    ax_value.axvline(4.0, color="0.6", linestyle=":", linewidth=1, label="4 epochs")
    marker, = ax_value.plot([], [], "o", color="#0072B2", markersize=8, label="the best split")
    plots.log_scale(ax_value, y=False, mathtext=False)
    ax_value.set_xlim(*EPOCH_AXIS)
    ax_value.set_ylim(0, 1.05)
    ax_value.set_xlabel("epochs D / U")
    ax_value.set_ylabel("effective data D' / D")
    ax_value.legend(loc="lower left", fontsize=8)

    def draw(U, C):
        view = data_limit_view(C, U, law)
        limited.set_data(view.sizes, view.loss_constrained)
        unlimited.set_data(view.sizes, view.loss_unlimited)
        best_limited.set_data([view.constrained.N], [view.constrained.loss])
        best_unlimited.set_data([view.unlimited.N], [view.unlimited.loss])
        ax.set_xlim(*log_limits(view.sizes, step=0.5, pad=1.0))
        shown = np.concatenate([view.loss_constrained, view.loss_unlimited])
        shown = shown[shown < 1.5 * shown.min()]
        ax.set_ylim(np.floor(shown.min() / LOSS_STEP) * LOSS_STEP, np.ceil(shown.max() / LOSS_STEP) * LOSS_STEP)
        best = view.constrained
        headline = (f"C = {C:.2g} FLOP, U = {U:.2g} tokens: best N = {best.N:.2g}, D = {best.D:.2g} "
                    f"({best.epochs:.3g} epochs); loss {best.loss:.3f} vs {view.unlimited.loss:.3f} with "
                    f"unlimited data ({signed_percent(view.relative_penalty, 1)})")
        shown_epochs = float(np.clip(best.epochs, *EPOCH_AXIS))
        marker.set_data([shown_epochs], [float(law.effective_data(best.D, U) / best.D)])
        edge = "" if shown_epochs == best.epochs else " (off the axis: marked at its edge)"
        floor = (f"at the floor {view.floor:.3f}: more compute buys nothing" if best.loss - view.floor < FLOOR_GAP
                 else f"no compute gets below loss {view.floor:.3f}")
        return (f"{headline}. The best split's tokens are worth "
                f"{float(law.effective_data(best.D, U) / best.D):.0%} of fresh ones{edge}; {floor}.")

    return Explorer("Compute and unique data", controls, draw, fig,
                    moving=[limited, unlimited, best_limited, best_unlimited, marker])
