"""Interactive explorers for the notebooks.  Each has a pure function (tested directly) and a
small builder that wires it to ipywidgets sliders and a matplotlib figure.

Introduced in 01: ``power_law_fit_demo`` / ``power_law_explorer``.
Introduced in 02: ``henighan_curves`` / ``henighan_explorer``.
Introduced in 03: ``emergence_view`` / ``emergence_explorer``.
Introduced in 04: ``architecture_summary`` / ``architecture_explorer``.
Introduced in 05: ``kaplan_joint_view`` / ``kaplan_explorer``.
Introduced in 06: ``isoflop_bias_explorer`` (its pure function is approaches.isoflop_profile_fit).
Introduced in 07: ``bootstrap_view`` / ``bootstrap_explorer``.
Introduced in 08: ``reconcile_explorer`` (its pure function is reconcile.compare_frontiers).
"""
from dataclasses import dataclass

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import clear_output, display

from helpers import approaches, architecture, datasets, fitting, metrics, plots, reconcile
from helpers._validate import finite_scalar, in_open_interval, positive_int, positive_scalar, same_shape
from helpers.laws import EPOCH_REFIT, HOFFMANN_UNROUNDED, KAPLAN_2020, ChinchillaLaw, PowerLaw, SaturatingPowerLaw
from helpers.synthetic import noisy_power_law

__all__ = ["PowerLawFitDemo", "power_law_fit_demo", "power_law_explorer",
           "HenighanCurves", "henighan_domains", "henighan_curves", "henighan_explorer",
           "KaplanJointView", "kaplan_joint_view", "kaplan_explorer",
           "EMERGENCE_METRICS", "EmergenceView", "emergence_view", "emergence_explorer",
           "architecture_summary", "architecture_explorer", "isoflop_bias_explorer",
           "BootstrapView", "bootstrap_view", "bootstrap_explorer", "RECONCILE_LAWS", "reconcile_explorer"]

_X_START = 10.0          # first data point (arbitrary units of "data")
_N_POINTS = 16
_EXTRAPOLATE_DECADES = 2  # how far beyond the data the prediction is checked
_DEMO_SCALE = 5.0         # y at x = 1 for the demo's true law


@dataclass(frozen=True)
class PowerLawFitDemo:
    """One draw of noisy power-law data, its log- and linear-space fits, and their extrapolation.

    x, y: the data (N_POINTS,). grid: x values for the curves, up to x_target. truth, log_fit,
    linear_fit: curves on grid. x_target: where the extrapolation is judged.
    *_alpha: fitted exponents. *_error: relative prediction error at x_target (fraction).
    """
    x: np.ndarray
    y: np.ndarray
    grid: np.ndarray
    truth: np.ndarray
    log_fit: np.ndarray
    linear_fit: np.ndarray
    x_target: float
    log_alpha: float
    linear_alpha: float
    log_error: float
    linear_error: float


def power_law_fit_demo(alpha, noise, fit_decades, seed=0):
    """Draw data from y = 5 x**(-alpha) with log-normal noise and fit it two ways.  Introduced in 01.

    alpha: true exponent in (0, 2). noise: std of ln y (>= 0). fit_decades: decades of x
    covered by the data, in [0.5, 6]. seed: int. Returns PowerLawFitDemo.
    """
    alpha = in_open_interval("alpha", alpha, 0.0, 2.0)
    noise = positive_scalar("noise", noise, allow_zero=True)
    fit_decades = finite_scalar("fit_decades", fit_decades)
    if not 0.5 <= fit_decades <= 6:
        raise ValueError(f"fit_decades must lie in [0.5, 6], got {fit_decades}")
    seed = positive_int("seed", seed, minimum=0)
    truth = PowerLaw(a=_DEMO_SCALE, alpha=alpha)
    x = np.geomspace(_X_START, _X_START * 10 ** fit_decades, _N_POINTS)
    y = noisy_power_law(truth, x, noise, seed)
    log_fit = fitting.fit_power_law(x, y, space="log").law
    linear_fit = fitting.fit_power_law(x, y, space="linear").law
    x_target = x[-1] * 10 ** _EXTRAPOLATE_DECADES
    grid = np.geomspace(x[0], x_target, 200)
    true_target = truth(x_target)
    return PowerLawFitDemo(
        x=x, y=y, grid=grid, truth=truth(grid), log_fit=log_fit(grid), linear_fit=linear_fit(grid),
        x_target=float(x_target), log_alpha=log_fit.alpha, linear_alpha=linear_fit.alpha,
        log_error=float(log_fit(x_target) / true_target - 1),
        linear_error=float(linear_fit(x_target) / true_target - 1),
    )


def power_law_explorer():
    """Sliders for the true exponent, the noise, the decades of data and the seed; the plot shows
    the data, the truth, both fits and their errors two decades beyond the data.  Introduced in 01.

    Returns an ipywidgets VBox (display it, or make it the cell's last expression).
    """
    sliders = {
        "alpha": ipw.FloatSlider(value=0.3, min=0.05, max=1.0, step=0.05, description="true α"),
        "noise": ipw.FloatSlider(value=0.1, min=0.0, max=0.4, step=0.02, description="noise"),
        "fit_decades": ipw.FloatSlider(value=2.0, min=0.5, max=4.0, step=0.5, description="decades"),
        "seed": ipw.IntSlider(value=0, min=0, max=20, description="seed"),
    }
    for slider in sliders.values():
        slider.continuous_update = False
    fig, ax = plt.subplots()
    plt.close(fig)  # shown through the Output widget only
    points, = ax.plot([], [], "o", color="0.3", label="data")
    truth_line, = ax.plot([], [], color="0.3", linestyle="-", linewidth=1, label="truth")
    log_line, = ax.plot([], [], label="fit in log space")
    linear_line, = ax.plot([], [], label="fit in linear space")
    target = ax.axvline(1.0, color="0.5", linestyle=":", linewidth=1)
    plots.loglog(ax, "x (e.g. training tokens)", "y (e.g. test error)")
    ax.legend(loc="lower left")
    output = ipw.Output()

    def redraw(**values):
        demo = power_law_fit_demo(**values)
        points.set_data(demo.x, demo.y)
        truth_line.set_data(demo.grid, demo.truth)
        log_line.set_data(demo.grid, demo.log_fit)
        linear_line.set_data(demo.grid, demo.linear_fit)
        target.set_xdata([demo.x_target, demo.x_target])
        curves = np.concatenate([demo.y, demo.truth, demo.log_fit, demo.linear_fit])
        ax.set_xlim(demo.grid[0] / 1.5, demo.grid[-1] * 1.5)
        ax.set_ylim(curves.min() / 1.5, curves.max() * 1.5)
        ax.set_title(f"at the dotted line: log fit {demo.log_error:+.0%} (α={demo.log_alpha:.3f}), "
                     f"linear fit {demo.linear_error:+.0%} (α={demo.linear_alpha:.3f})", fontsize=10)
        _show(fig, output)

    rows = [ipw.HBox([ipw.VBox([sliders["alpha"], sliders["noise"]]),
                      ipw.VBox([sliders["fit_decades"], sliders["seed"]])])]
    return _explorer_box(redraw, sliders, rows, output, fig)


def _explorer_box(redraw, controls, rows, display, figure=None):
    """Wire ``redraw`` to the ``controls`` (dict name -> widget) and lay them out above ``display``.

    Returns a VBox with .controls (the dict) and .figure (for tests and for saving snapshots).
    """
    widget_values = ipw.interactive_output(redraw, controls)
    box = ipw.VBox([*rows, display, widget_values])
    box.controls = controls
    box.figure = figure
    return box


def _show(fig, output):
    """Replace what ``output`` shows with the current state of ``fig``."""
    with output:
        clear_output(wait=True)
        display(fig)


# Plotting ranges for the Henighan explorer (chosen for display; not the paper's model ranges).
HENIGHAN_N_RANGE = (1e4, 1e11)         # non-embedding parameters
HENIGHAN_C_RANGE = (1e-6, 1e4)         # PF-days


@dataclass(frozen=True)
class HenighanCurves:
    """One modality of Henighan et al. 2020 Table 1 as curves.

    domain: row name. N, loss_N: parameters and L(N) (nats/token); C, loss_C: PF-days and L(C).
    law_N, law_C: SaturatingPowerLaw (E = irreducible loss; Language has E = 0).
    n_opt_exponent: exponent of N_opt(C), NaN where the table gives none.
    """
    domain: str
    N: np.ndarray
    loss_N: np.ndarray
    C: np.ndarray
    loss_C: np.ndarray
    law_N: SaturatingPowerLaw
    law_C: SaturatingPowerLaw
    n_opt_exponent: float


def henighan_domains():
    """Names of the modalities in Henighan et al. 2020 Table 1, in the table's order."""
    return list(datasets.load("henighan2020_table1")["domain"])


def henighan_curves(domain, points=200):
    """L(N) and L(C) for one modality of Henighan et al. 2020 Table 1.  Introduced in 02.

    domain: a name from henighan_domains(). points: samples per curve. Returns HenighanCurves.
    """
    table = datasets.load("henighan2020_table1")
    if domain not in set(table["domain"]):
        raise ValueError(f"domain must be one of {list(table['domain'])}, got {domain!r}")
    points = positive_int("points", points, minimum=2)
    row = table.row("domain", domain)
    # An empty floor means the published fit has none: a pure power law (E = 0).
    law_N = SaturatingPowerLaw(E=np.nan_to_num(row["loss_n_irreducible"]), x0=row["loss_n_scale"],
                               alpha=row["loss_n_exponent"])
    law_C = SaturatingPowerLaw(E=np.nan_to_num(row["loss_c_irreducible"]), x0=row["loss_c_scale_pf_days"],
                               alpha=row["loss_c_exponent"])
    N = np.geomspace(*HENIGHAN_N_RANGE, points)
    C = np.geomspace(*HENIGHAN_C_RANGE, points)
    return HenighanCurves(domain=domain, N=N, loss_N=law_N(N), C=C, loss_C=law_C(C),
                          law_N=law_N, law_C=law_C, n_opt_exponent=float(row["n_opt_c_exponent"]))


def henighan_explorer():
    """A drop-down over Henighan et al. 2020's modalities; plots L(N) and L(C) with their
    irreducible losses and prints the exponents side by side.  Introduced in 02.

    Returns an ipywidgets VBox.
    """
    domains = henighan_domains()
    chooser = ipw.Dropdown(options=domains, value=domains[1], description="modality")
    fig, (ax_n, ax_c) = plt.subplots(1, 2, figsize=(10, 3.8))
    plt.close(fig)
    line_n, = ax_n.plot([], [], label="L(N)")
    floor_n = ax_n.axhline(1.0, color="0.4", linestyle=":", linewidth=1.5, label="irreducible loss")
    line_c, = ax_c.plot([], [], label="L(C)")
    floor_c = ax_c.axhline(1.0, color="0.4", linestyle=":", linewidth=1.5, label="irreducible loss")
    plots.loglog(ax_n, "N (non-embedding parameters)", "loss (nats/token)")
    plots.loglog(ax_c, "C (PF-days)", "loss (nats/token)")
    for ax in (ax_n, ax_c):
        ax.legend(loc="upper right")
    output = ipw.Output()

    def redraw(domain):
        curves = henighan_curves(domain)
        for line, floor, ax, x, y, law in ((line_n, floor_n, ax_n, curves.N, curves.loss_N, curves.law_N),
                                           (line_c, floor_c, ax_c, curves.C, curves.loss_C, curves.law_C)):
            line.set_data(x, y)
            floor.set_ydata([law.E, law.E])
            floor.set_visible(law.E > 0)
            low = min(y.min(), law.E) if law.E > 0 else y.min()
            ax.set_xlim(x[0], x[-1])
            ax.set_ylim(low / 1.1, y.max() * 1.1)
        ax_n.set_title(f"alpha_N = {curves.law_N.alpha:g}, L_inf = {curves.law_N.E:g}", fontsize=10)
        ax_c.set_title(f"alpha_C = {curves.law_C.alpha:g}, L_inf = {curves.law_C.E:g}", fontsize=10)
        fig.suptitle(f"Henighan et al. 2020, Table 1: {domain}")
        _show(fig, output)

    return _explorer_box(redraw, {"domain": chooser}, [chooser], output, fig)


@dataclass(frozen=True)
class KaplanJointView:
    """Kaplan et al. 2020's L(N, D) (eq. 1.5) around one point (N, D).

    D_grid, loss_vs_D: the curve over data at this N; N_grid, loss_vs_N: over size at this D.
    loss: L(N, D). loss_no_data_limit: L(N, infinite D). loss_no_size_limit: L(infinite N, D).
    penalty: loss / loss_no_data_limit - 1. data_needed: eq. 4.4's 5e3 * N**0.74 (tokens).
    """
    N: float
    D: float
    D_grid: np.ndarray
    loss_vs_D: np.ndarray
    N_grid: np.ndarray
    loss_vs_N: np.ndarray
    loss: float
    loss_no_data_limit: float
    loss_no_size_limit: float
    penalty: float
    data_needed: float


def kaplan_joint_view(log10_N, log10_D, points=200):
    """Eq. 1.5 around N = 10**log10_N parameters, D = 10**log10_D tokens.  Introduced in 05.

    log10_N in [3, 13], log10_D in [6, 14]. Returns KaplanJointView.
    """
    log10_N = finite_scalar("log10_N", log10_N)
    log10_D = finite_scalar("log10_D", log10_D)
    if not 3 <= log10_N <= 13:
        raise ValueError(f"log10_N must lie in [3, 13], got {log10_N}")
    if not 6 <= log10_D <= 14:
        raise ValueError(f"log10_D must lie in [6, 14], got {log10_D}")
    points = positive_int("points", points, minimum=2)
    k = KAPLAN_2020
    N, D = 10.0 ** log10_N, 10.0 ** log10_D
    D_grid = np.geomspace(1e6, 1e14, points)
    N_grid = np.geomspace(1e3, 1e13, points)
    loss = float(k.loss(N, D))
    penalty = float(k.overfitting_penalty(N, D))
    return KaplanJointView(
        N=N, D=D, D_grid=D_grid, loss_vs_D=k.loss(N, D_grid), N_grid=N_grid, loss_vs_N=k.loss(N_grid, D),
        loss=loss, loss_no_data_limit=loss / (1 + penalty),
        loss_no_size_limit=float((k.joint_D_c / D) ** k.joint_alpha_D),
        penalty=penalty, data_needed=float(k.data_to_avoid_overfitting(N)))


def kaplan_explorer():
    """Sliders for model size and data; plots Kaplan's L(N, D) along each, with the limits and
    eq. 4.4's data requirement, and prints the overfitting penalty.  Introduced in 05.

    Returns an ipywidgets VBox.
    """
    sliders = {
        "log10_N": ipw.FloatSlider(value=9.0, min=5.0, max=12.0, step=0.25, description="log10 N",
                                   continuous_update=False),
        "log10_D": ipw.FloatSlider(value=10.0, min=7.0, max=13.0, step=0.25, description="log10 D",
                                   continuous_update=False),
    }
    fig, (ax_d, ax_n) = plt.subplots(1, 2, figsize=(10, 3.8))
    plt.close(fig)
    curve_d, = ax_d.plot([], [], label="L(N, D) at this N")
    limit_d = ax_d.axhline(1.0, color="0.4", linestyle=":", linewidth=1.5, label="L(N, infinite D)")
    needed = ax_d.axvline(1.0, color="#009E73", linestyle="-.", linewidth=1.5, label="5e3 N^0.74 (eq. 4.4)")
    point_d, = ax_d.plot([], [], "o", color="0.2")
    curve_n, = ax_n.plot([], [], color="#D55E00", linestyle="--", label="L(N, D) at this D")
    limit_n = ax_n.axhline(1.0, color="0.4", linestyle=":", linewidth=1.5, label="L(infinite N, D)")
    point_n, = ax_n.plot([], [], "o", color="0.2")
    plots.loglog(ax_d, "D (tokens)", "loss (nats/token)")
    plots.loglog(ax_n, "N (non-embedding parameters)", "loss (nats/token)")
    for ax in (ax_d, ax_n):
        ax.legend(loc="upper right", fontsize=9)
    output = ipw.Output()

    def redraw(log10_N, log10_D):
        view = kaplan_joint_view(log10_N, log10_D)
        curve_d.set_data(view.D_grid, view.loss_vs_D)
        limit_d.set_ydata([view.loss_no_data_limit] * 2)
        needed.set_xdata([view.data_needed] * 2)
        point_d.set_data([view.D], [view.loss])
        curve_n.set_data(view.N_grid, view.loss_vs_N)
        limit_n.set_ydata([view.loss_no_size_limit] * 2)
        point_n.set_data([view.N], [view.loss])
        for ax, x, y in ((ax_d, view.D_grid, view.loss_vs_D), (ax_n, view.N_grid, view.loss_vs_N)):
            ax.set_xlim(x[0], x[-1])
            ax.set_ylim(y.min() / 1.1, y.max() * 1.1)
        fig.suptitle(f"L = {view.loss:.3f} nats/token; {view.penalty:.1%} above the infinite-data loss "
                     f"for this N", fontsize=11)
        _show(fig, output)

    return _explorer_box(redraw, sliders, [ipw.HBox(list(sliders.values()))], output, fig)


# Illustrative per-token cross-entropy on the answer tokens, c(N) = (N0 / N)**alpha (not a fit),
# over N from 1e7 to 1e13: c falls from 0.7 to 0.011 nats, p = exp(-c) rises from 0.50 to 0.99.
EMERGENCE_SCALE = 3e6
EMERGENCE_EXPONENT = 0.3
EMERGENCE_N_RANGE = (1e7, 1e13)
EMERGENCE_METRICS = ("exact match", "per-token accuracy", "expected wrong tokens")


@dataclass(frozen=True)
class EmergenceView:
    """One metric of a toy model whose per-token loss falls smoothly with size N.

    N: parameters (points,). cross_entropy: per-token loss on the answer (nats). p: per-token
    probability of the right token. values: the chosen metric. metric, length: the choice.
    flat_decades: decades of N, from the smallest model, before the metric has moved 10% of its
    change over the plotted range; a metric that sits still that long and then rises looks
    like a sudden, "emergent" ability, though the loss improved all along.
    """
    N: np.ndarray
    cross_entropy: np.ndarray
    p: np.ndarray
    values: np.ndarray
    metric: str
    length: int
    flat_decades: float


def emergence_view(length, metric="exact match", points=400):
    """Schaeffer et al. 2023's argument on a toy model.  Introduced in 03.

    length: answer length in tokens (1 to 100). metric: one of EMERGENCE_METRICS.
    The per-token loss is c(N) = (3e6 / N)**0.3 nats (illustrative), p = exp(-c), for N from
    1e7 to 1e13.
    Returns EmergenceView.
    """
    length = positive_int("length", length, minimum=1)
    if length > 100:
        raise ValueError(f"length must be at most 100 tokens, got {length}")
    if metric not in EMERGENCE_METRICS:
        raise ValueError(f"metric must be one of {EMERGENCE_METRICS}, got {metric!r}")
    points = positive_int("points", points, minimum=10)
    N = np.geomspace(*EMERGENCE_N_RANGE, points)
    cross_entropy = (EMERGENCE_SCALE / N) ** EMERGENCE_EXPONENT
    p = metrics.token_probability(cross_entropy)
    if metric == "exact match":
        values = metrics.exact_match(p, length)
    elif metric == "per-token accuracy":
        values = p
    else:
        values = metrics.expected_token_errors(p, length)
    change = (values - values[0]) / (values[-1] - values[0])
    flat = float(np.log10(N[np.argmax(change >= 0.1)] / N[0]))
    return EmergenceView(N=N, cross_entropy=cross_entropy, p=p, values=values, metric=metric,
                         length=length, flat_decades=flat)


def emergence_explorer():
    """A slider for the answer length and a choice of metric; plots the metric against model
    size next to the smooth per-token loss.  Introduced in 03.

    Returns an ipywidgets VBox.
    """
    length = ipw.IntSlider(value=10, min=1, max=50, description="answer length", continuous_update=False,
                           style={"description_width": "initial"})
    metric = ipw.Dropdown(options=EMERGENCE_METRICS, value="exact match", description="metric")
    fig, (ax_loss, ax_metric) = plt.subplots(1, 2, figsize=(10, 3.8))
    plt.close(fig)
    loss_line, = ax_loss.plot([], [])
    plots.loglog(ax_loss, "N (parameters)", "per-token loss on the answer (nats)", title="smooth")
    metric_line, = ax_metric.plot([], [], color="#D55E00", linestyle="--")
    plots.log_scale(ax_metric, y=False)
    ax_metric.set_xlabel("N (parameters)")
    output = ipw.Output()

    def redraw(length, metric):
        view = emergence_view(length, metric)
        loss_line.set_data(view.N, view.cross_entropy)
        ax_loss.set_xlim(view.N[0], view.N[-1])
        ax_loss.set_ylim(view.cross_entropy.min() / 1.2, view.cross_entropy.max() * 1.2)
        metric_line.set_data(view.N, view.values)
        ax_metric.set_xlim(view.N[0], view.N[-1])
        top = max(1.0, view.values.max() * 1.05)
        ax_metric.set_ylim(-0.03 * top, top)
        ax_metric.set_ylabel(view.metric)
        ax_metric.set_title(f"{view.metric}, {view.length} tokens: flat for the first "
                            f"{view.flat_decades:.1f} decades", fontsize=10)
        _show(fig, output)

    return _explorer_box(redraw, {"length": length, "metric": metric}, [ipw.HBox([length, metric])], output, fig)


def architecture_summary(n_layer, d_model, n_ctx, vocab_size):
    """Lines of text describing a Transformer shape's parameters and FLOPs.  Introduced in 04.

    Arguments as for architecture.transformer_shape. Returns a list of strings.
    """
    shape = architecture.transformer_shape(n_layer, d_model, n_ctx=n_ctx, vocab_size=vocab_size)
    return [
        f"non-embedding parameters 12 n_layer d_model^2 = {shape.non_embedding:,}",
        f"embedding parameters vocab x d_model = {shape.embedding:,} "
        f"({shape.embedding_share:.1%} of all {shape.total:,})",
        f"training FLOP per token: 6N = {shape.six_n:.3g}; with attention over the context "
        f"{shape.training_flops_per_token:.3g}, of which the context term is {shape.context_share:.1%}",
    ]


def architecture_explorer():
    """Sliders for layers, width, context and vocabulary; prints what each parameter and FLOP
    count comes to.  Introduced in 04.

    Returns an ipywidgets VBox.
    """
    controls = {
        "n_layer": ipw.IntSlider(value=12, min=1, max=128, description="layers", continuous_update=False),
        "d_model": ipw.SelectionSlider(options=[2 ** k for k in range(7, 15)], value=1024,
                                       description="d_model", continuous_update=False),
        "n_ctx": ipw.SelectionSlider(options=[2 ** k for k in range(8, 16)], value=1024,
                                     description="context", continuous_update=False),
        "vocab_size": ipw.IntSlider(value=50257, min=1000, max=256000, step=1000, description="vocabulary",
                                    continuous_update=False),
    }
    text = ipw.HTML()

    def redraw(**values):
        text.value = "<br>".join(architecture_summary(**values))

    rows = [ipw.HBox([controls["n_layer"], controls["d_model"]]), ipw.HBox([controls["n_ctx"], controls["vocab_size"]])]
    box = _explorer_box(redraw, controls, rows, text)
    box.text = text
    return box


def isoflop_bias_explorer(law=EPOCH_REFIT, budget=1e21):
    """Sliders that move and widen an IsoFLOP grid; plots the true profile, the samples, the
    fitted parabola and both minima.  Introduced in 06.

    law: ChinchillaLaw used as the truth (default: Epoch AI refit). budget: FLOP.
    Returns an ipywidgets VBox.
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    budget = positive_scalar("budget", budget)
    sliders = {
        "offset_decades": ipw.FloatSlider(value=0.0, min=-1.0, max=1.0, step=0.1, description="grid offset",
                                          continuous_update=False, style={"description_width": "initial"}),
        "width_decades": ipw.FloatSlider(value=1.0, min=0.4, max=3.0, step=0.2, description="grid width",
                                         continuous_update=False, style={"description_width": "initial"}),
        "n_sizes": ipw.IntSlider(value=9, min=3, max=15, description="sizes", continuous_update=False),
    }
    n_true, _ = law.compute_optimal(budget)
    grid = float(n_true) * np.logspace(-2.7, 2.7, 300)  # wider than any grid the sliders allow
    true_losses = law.loss(grid, budget / (6 * grid))
    fig, ax = plt.subplots()
    plt.close(fig)
    ax.plot(grid, true_losses, color="0.3", linewidth=1, label="true IsoFLOP profile")
    parabola, = ax.plot([], [], label="fitted parabola")
    samples, = ax.plot([], [], "o", color="#D55E00", label="sampled sizes")
    ax.axvline(float(n_true), color="0.3", linestyle=":", label="true optimum")
    vertex = ax.axvline(1.0, color="#0072B2", linestyle="--", label="parabola's minimum")
    plots.log_scale(ax, y=False)
    ax.set_xlabel("N (parameters)")
    ax.set_ylabel("loss (nats/token)")
    ax.legend(loc="upper center", fontsize=9)
    output = ipw.Output()

    def redraw(offset_decades, width_decades, n_sizes):
        fit = approaches.isoflop_profile_fit(law, budget, offset_decades, width_decades, n_sizes)
        parabola.set_data(grid, fit.parabola(grid))
        samples.set_data(fit.sizes, fit.losses)
        vertex.set_xdata([fit.N_vertex] * 2)
        ax.set_ylim(true_losses.min() - 0.02, true_losses.min() + 0.35)
        ax.set_title(f"C = {budget:.0e} FLOP: the parabola's minimum is {10 ** fit.error_decades - 1:+.1%} "
                     f"off the true optimum", fontsize=10)
        _show(fig, output)

    return _explorer_box(redraw, sliders, [ipw.HBox(list(sliders.values()))], output, fig)


@dataclass(frozen=True)
class BootstrapView:
    """Bootstrap of a Chinchilla fit on a random subset of the runs.

    n_runs, n_resamples: the choice. a_samples: frontier exponent a per resample.
    widths: 80% interval width of alpha, beta and a (dict). intervals: those intervals (dict).
    """
    n_runs: int
    n_resamples: int
    a_samples: np.ndarray
    widths: dict
    intervals: dict


def bootstrap_view(N, D, loss, n_runs, n_resamples, seed=0):
    """80% bootstrap intervals from ``n_runs`` runs drawn (seeded) from (N, D, loss).  Introduced in 07.

    N, D, loss: the full table (1-D arrays). n_runs: runs kept, 20 to len(N).
    n_resamples: bootstrap resamples, >= 10. Returns BootstrapView.
    """
    N = np.asarray(N, dtype=float)
    D, loss = np.asarray(D, dtype=float), np.asarray(loss, dtype=float)
    same_shape(N=N, D=D, loss=loss)
    n_runs = positive_int("n_runs", n_runs, minimum=20)
    if n_runs > N.size:
        raise ValueError(f"n_runs must be at most the {N.size} runs available, got {n_runs}")
    n_resamples = positive_int("n_resamples", n_resamples, minimum=10)
    seed = positive_int("seed", seed, minimum=0)
    keep = np.sort(np.random.default_rng(seed).choice(N.size, n_runs, replace=False))
    result = fitting.bootstrap_chinchilla(N[keep], D[keep], loss[keep], n_resamples, seed)
    intervals = {name: result.interval(name, 0.8) for name in ("alpha", "beta", "a")}
    return BootstrapView(n_runs=n_runs, n_resamples=n_resamples, a_samples=result.samples["a"],
                         widths={name: high - low for name, (low, high) in intervals.items()},
                         intervals=intervals)


def bootstrap_explorer(N, D, loss):
    """Sliders for how many runs are used and how many resamples are drawn; shows the bootstrap
    distribution of the frontier exponent a and its 80% interval.  Introduced in 07.

    N, D, loss: the full run table. Returns an ipywidgets VBox.
    """
    n_total = int(np.size(N))
    if n_total < 30:
        raise ValueError(f"N must hold at least 30 runs for the explorer, got {n_total}")
    sliders = {
        "n_runs": ipw.IntSlider(value=n_total, min=30, max=n_total, step=30, description="runs used",
                                continuous_update=False, style={"description_width": "initial"}),
        "n_resamples": ipw.IntSlider(value=400, min=100, max=1000, step=100, description="resamples",
                                     continuous_update=False),
    }
    fig, ax = plt.subplots()
    plt.close(fig)
    output = ipw.Output()
    bins = np.linspace(0.4, 0.65, 61)

    def redraw(n_runs, n_resamples):
        view = bootstrap_view(N, D, loss, n_runs, n_resamples)
        ax.clear()
        ax.hist(view.a_samples, bins=bins, color="#56B4E9")
        for edge in view.intervals["a"]:
            ax.axvline(edge, color="#D55E00", linestyle="--")
        ax.set_xlabel("frontier exponent a (N_opt ∝ C^a)")
        ax.set_ylabel("resamples")
        ax.set_title(f"{n_runs} runs, {n_resamples} resamples: 80% interval of a is "
                     f"{view.widths['a']:.3f} wide", fontsize=10)
        _show(fig, output)

    return _explorer_box(redraw, sliders, [ipw.HBox(list(sliders.values()))], output, fig)


RECONCILE_LAWS = {"Hoffmann et al. 2022 (unrounded)": HOFFMANN_UNROUNDED, "Epoch AI refit": EPOCH_REFIT}


def reconcile_explorer():
    """A choice of Chinchilla-form law, a range of model sizes and an aspect ratio; plots the
    frontier in Kaplan's variables and fits its slope over the range.  Introduced in 08.

    Returns an ipywidgets VBox.
    """
    controls = {
        "law_name": ipw.Dropdown(options=list(RECONCILE_LAWS), description="law"),
        "log10_range": ipw.FloatRangeSlider(value=(np.log10(768), np.log10(1.5e9)), min=2.0, max=14.0, step=0.25,
                                            description="log10 N_E", continuous_update=False),
        "aspect_ratio": ipw.FloatLogSlider(value=reconcile.DEFAULT_ASPECT_RATIO, base=2, min=3, max=8, step=0.5,
                                           description="d_model/n_layer", continuous_update=False,
                                           style={"description_width": "initial"}),
    }
    fig, ax = plt.subplots()
    plt.close(fig)
    output = ipw.Output()

    def redraw(law_name, log10_range, aspect_ratio):
        comparison = reconcile.compare_frontiers(RECONCILE_LAWS[law_name], 10 ** log10_range[0], 10 ** log10_range[1],
                                                 aspect_ratio=aspect_ratio)
        ax.clear()
        ax.plot(comparison.C, comparison.N_opt, color="0.3", linewidth=1, label="N_E,opt (Kaplan's variables)")
        inside = comparison.C[comparison.in_range]
        ax.plot(inside, comparison.range_line(inside), color="#D55E00",
                linestyle="--", linewidth=3, label=f"slope fitted over the range: {comparison.range_exponent:.3f}")
        plots.loglog(ax, "non-embedding compute C_E = 6 N_E D (FLOP)", "N_E,opt (non-embedding parameters)")
        ax.set_title(f"slope over the range {comparison.range_exponent:.3f}; the law's asymptotic slope "
                     f"{comparison.asymptotic_exponent:.3f}", fontsize=10)
        ax.legend(loc="upper left")
        _show(fig, output)

    rows = [ipw.HBox([controls["law_name"], controls["aspect_ratio"]]), controls["log10_range"]]
    return _explorer_box(redraw, controls, rows, output, fig)
