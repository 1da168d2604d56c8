"""Notebook 11's explorer: the lifetime cost of a model at a fixed loss, as inference demand grows."""
import ipywidgets as ipw
import numpy as np
from matplotlib import ticker

from helpers import plots
from helpers.explorers._wiring import Explorer, figure, log_limits, slider
from helpers.inference import DEMAND_RANGE, FIGURE1_LAW, demand_view
from helpers.laws import EPOCH_REFIT, HOFFMANN_ROUNDED, HOFFMANN_UNROUNDED

__all__ = ["inference_explorer", "EXPLORER_LAWS", "REFERENCE_SIZES"]

EXPLORER_LAWS = {
    "Figure 1 constants (0.336, 0.283)": FIGURE1_LAW,
    "Hoffmann et al. 2022 (rounded)": HOFFMANN_ROUNDED,
    "Hoffmann et al. 2022 (unrounded)": HOFFMANN_UNROUNDED,
    "Epoch AI refit": EPOCH_REFIT,
}


def _short(count):
    """1.3e10 -> '13B', 2e12 -> '2T' (three significant digits at most); 1e15 and up as 1e+15."""
    if count >= 1e15:
        return f"{count:.2g}"
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if count >= size:
            return f"{count / size:.3g}{unit}"
    return f"{count:.3g}"


def _size_label(count, mantissas):
    """_short(count) if count's leading digit is one of mantissas, else no label."""
    leading = count / 10 ** np.floor(np.log10(count) + 1e-9)
    return _short(count) if any(abs(leading - m) < 1e-6 for m in mantissas) else ""


# Sardana et al. 2024 (abstract): quality kept improving up to 10,000 tokens per parameter.
TESTED_TOKENS_PER_PARAMETER = 1e4
# Reference models from 100M to 1T parameters, 1-1.3-2-3-5-7 per decade (13B is Figure 1's).
REFERENCE_SIZES = [float(f"{m}e{e}") for e in range(8, 12) for m in (1, 1.3, 2, 3, 5, 7)] + [1e12]


def inference_explorer():
    """A law, a reference model (the compute-optimal model whose loss is the target) and an
    inference demand; plots training, inference and total FLOP against model size at that loss
    with the cheapest model and the Chinchilla one marked, and the best tokens per parameter as
    demand grows.  Introduced in 11.

    Returns an Explorer.
    """
    controls = {
        "law_name": ipw.Dropdown(options=list(EXPLORER_LAWS), description="law", layout=ipw.Layout(width="24em")),
        "reference_params": slider(ipw.SelectionSlider, "reference model N", value=13e9,
                                   options=[(_short(n), n) for n in REFERENCE_SIZES]),
        "inference_tokens": slider(ipw.FloatLogSlider, "inference tokens", value=10 ** 12.3, base=10, min=8.0,
                                   max=17.0, step=0.1, readout_format=".2g"),
    }
    fig, (ax_cost, ax_ratio) = figure(ncols=2, figsize=(10.5, 4.4))
    train, = ax_cost.plot([], [], color="#0072B2", linestyle="--", label="training 6 N D")
    serve, = ax_cost.plot([], [], color="#D55E00", linestyle=":", label="inference 2 N D_inf")
    total, = ax_cost.plot([], [], color="0.2", label="total")
    best, = ax_cost.plot([], [], "o", color="#009E73", markersize=8, label="cheapest model")
    chinchilla, = ax_cost.plot([], [], "s", color="#CC79A7", markersize=7, label="Chinchilla model")
    plots.loglog(ax_cost, "N (parameters) trained to the target loss", "FLOP over the model's life", mathtext=False)
    # Sizes as 2B, 5B, 10B: the axis spans under two decades, where powers of ten label too little.
    ax_cost.xaxis.set_major_formatter(ticker.FuncFormatter(lambda n, _: _size_label(n, (1,))))
    ax_cost.xaxis.set_minor_formatter(ticker.FuncFormatter(lambda n, _: _size_label(n, (2, 5))))
    ax_cost.legend(loc="upper right", fontsize=8)
    path, = ax_ratio.plot([], [], color="0.2", label="cheapest model")
    here, = ax_ratio.plot([], [], "o", color="#009E73", markersize=8, label="this demand")
    rule = ax_ratio.axhline(1.0, color="#CC79A7", linestyle="-.", linewidth=1.5, label="Chinchilla model")
    plots.loglog(ax_ratio, "inference tokens over the model's life", "training tokens per parameter", mathtext=False)
    ax_ratio.axhline(TESTED_TOKENS_PER_PARAMETER, color="0.6", linestyle=":", linewidth=1.5,
                     label="Sardana et al. trained up to this")
    ax_ratio.set_xlim(*DEMAND_RANGE)
    ax_ratio.legend(loc="upper left", fontsize=8)

    def draw(law_name, reference_params, inference_tokens):
        view = demand_view(EXPLORER_LAWS[law_name], reference_params, inference_tokens)
        optimum = view.optimum
        cost = view.train_flops + view.inference_flops
        train.set_data(view.sizes, view.train_flops)
        serve.set_data(view.sizes, view.inference_flops)
        total.set_data(view.sizes, cost)
        best.set_data([optimum.N], [optimum.total_flops])
        chinchilla.set_data([optimum.chinchilla.N], [optimum.chinchilla.total_flops])
        ax_cost.set_xlim(view.sizes[0], view.sizes[-1])
        # From a tenth of the Chinchilla model's training FLOP (a small demand's inference line may
        # run below it) to 30x the cheapest total, snapped to decades: few changes of the axes.
        low = 0.1 * optimum.chinchilla.train_flops
        ax_cost.set_ylim(*log_limits([low, 30 * optimum.total_flops], step=1.0, pad=1.0))
        path.set_data(view.demands, view.best_tokens_per_parameter)
        here.set_data([optimum.inference_tokens], [optimum.tokens_per_parameter])
        rule.set_ydata([optimum.chinchilla.tokens_per_parameter] * 2)
        ax_ratio.set_ylim(*log_limits(np.append(view.best_tokens_per_parameter, TESTED_TOKENS_PER_PARAMETER),
                                      step=0.5))
        return (
            f"target loss {optimum.target_loss:.3f} (the compute-optimal {_short(optimum.chinchilla.N)} model): "
            f"cheapest {_short(optimum.N)} on {_short(optimum.D_train)} tokens "
            f"({optimum.tokens_per_parameter:.3g} per parameter) saves {optimum.flops_saved:.2g} FLOP "
            f"({optimum.fraction_saved:.1%})"
            + ("; beyond the 10,000 tokens per parameter Sardana et al. trained: an extrapolation"
               if optimum.tokens_per_parameter > TESTED_TOKENS_PER_PARAMETER else ""))

    rows = [ipw.HBox([controls["law_name"], controls["reference_params"]]), controls["inference_tokens"]]
    moving = [train, serve, total, best, chinchilla, path, here, rule]
    return Explorer("Inference-aware scaling", controls, draw, fig, rows, moving=moving)
