"""The explorers (helpers.explorers): every reachable setting draws or says why in plain words.

Each explorer's science is tested in its topic module's tests; here: the wiring (redraws, the
message line, the static fallback of a stored output) and sweeps of every explorer's controls,
the whole grid where it is small and a seeded sample of 2,000 settings where it is huge.
"""
import base64
import io
import itertools

import ipywidgets as ipw
import numpy as np
import pytest

from helpers import (
    approaches,
    broken,
    datalimits,
    datasets,
    explorers,
    fitting,
    henighan,
    inference,
    kaplan,
    laws,
    metrics,
    plan,
    reconcile,
    synthetic,
    testtime,
)
from helpers.explorers import _wiring
from helpers.explorers.reconcile import DEFAULT_RANGE

SAMPLE = 2000        # settings drawn from a grid larger than this
RENDER_EVERY = 97    # of the swept settings, render this fraction fully to PNG as well


def _lab_arguments():
    runs = datasets.load("lab_tinylm_runs")
    N, D, loss = runs["params"], runs["tokens"], runs["held_out_loss"]
    return fitting.fit_chinchilla(N, D, loss).law, N, D, loss, 419_646


def _simulated_runs(every=1):
    runs = datasets.load("simulated_chinchilla_runs")
    return runs["params"][::every], runs["tokens"][::every], runs["loss"][::every]


BUILDERS = {
    "01": lambda: explorers.power_law_explorer(),
    "02": lambda: explorers.henighan_explorer(),
    "03": lambda: explorers.emergence_explorer(),
    "04": lambda: explorers.architecture_explorer(),
    "05": lambda: explorers.kaplan_explorer(),
    "06": lambda: explorers.isoflop_bias_explorer(),
    "07": lambda: explorers.bootstrap_explorer(*_simulated_runs()),
    "08": lambda: explorers.reconcile_explorer(),
    "09": lambda: explorers.lab_explorer(*_lab_arguments()),
    "10": lambda: explorers.data_constrained_explorer(),
    "11": lambda: explorers.inference_explorer(),
    "12": lambda: explorers.sampling_explorer(),
    "13": lambda: explorers.broken_explorer(),
    "14": lambda: explorers.plan_explorer(),
}

# Settings an explorer deliberately refuses, with the words it must use.
EXPECTED_MESSAGES = {"08": ("widen it to more than one decade", "move it toward the middle of the slider")}


# For the sweep, 07's explorer on every fourth run: its whole grid (2 x 10 settings) instead of
# 8 x 10 bootstraps of up to 1,000 refits each; the same code, a smaller run table.
SWEPT = {**BUILDERS, "07": lambda: explorers.bootstrap_explorer(*_simulated_runs(every=4))}


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def built(request):
    return request.param, BUILDERS[request.param]()


@pytest.fixture(scope="module", params=sorted(SWEPT))
def swept(request):
    return request.param, SWEPT[request.param]()


def _choices(control):
    """Every value a learner can reach with this control."""
    if isinstance(control, (ipw.Dropdown, ipw.SelectionSlider)):
        return [option[1] if isinstance(option, tuple) else option for option in control.options]
    if isinstance(control, ipw.FloatLogSlider):
        exponents = np.arange(control.min, control.max + control.step / 2, control.step)
        return [float(control.base ** e) for e in exponents]
    if isinstance(control, (ipw.FloatRangeSlider, ipw.IntRangeSlider)):
        ends = np.round(np.arange(control.min, control.max + control.step / 2, control.step), 10)
        return [(float(low), float(high)) for low, high in itertools.combinations_with_replacement(ends, 2)]
    if isinstance(control, ipw.IntSlider):
        return list(range(control.min, control.max + 1, control.step))
    if isinstance(control, ipw.FloatSlider):
        return [float(v) for v in np.round(np.arange(control.min, control.max + control.step / 2, control.step), 10)]
    raise TypeError(f"no sweep for {type(control).__name__}")


def _settings(explorer, seed=0):
    names = list(explorer.controls)
    choices = [_choices(explorer.controls[name]) for name in names]
    size = int(np.prod([len(c) for c in choices]))
    if size <= SAMPLE:
        return [dict(zip(names, combo)) for combo in itertools.product(*choices)], size
    rng = np.random.default_rng(seed)
    return [{name: c[rng.integers(len(c))] for name, c in zip(names, choices)} for _ in range(SAMPLE)], size


def test_every_reachable_setting_draws_or_explains(swept):
    number, explorer = swept
    settings, size = _settings(explorer)
    expected = EXPECTED_MESSAGES.get(number)
    refused = 0
    for i, values in enumerate(settings):
        explorer.apply(render=(i % RENDER_EVERY == 0), **values)
        if explorer.error is not None:
            assert expected and any(words in explorer.error for words in expected), (values, explorer.error)
            assert any(words in explorer.message.value for words in expected)
            refused += 1
        else:
            assert explorer.message.value == ""
    assert explorer.draws >= len(settings)
    if expected is None:
        assert refused == 0
    assert len(settings) == min(size, SAMPLE)


def test_an_error_never_outlives_its_setting():
    explorer = explorers.reconcile_explorer()
    explorer.controls["log10_range"].value = (5.0, 5.5)
    assert "more than one decade" in explorer.error and "cannot be drawn" in explorer.message.value
    explorer.controls["log10_range"].value = (5.0, 9.0)
    assert explorer.error is None and explorer.message.value == ""


def test_controls_redraw_on_release_and_defaults_sit_on_their_grids(built):
    _, explorer = built
    for name, control in explorer.controls.items():
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False, name
        value = control.value
        assert value in _choices(control) or (isinstance(value, float) and np.isclose(
            value, min(_choices(control), key=lambda c: abs(c - value)))), (name, value)
    assert explorer.error is None


def test_a_stored_output_carries_a_static_copy(built):
    _, explorer = built
    data = explorer._repr_mimebundle_()
    bundle = data[0] if isinstance(data, tuple) else data
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "run this cell to use the controls" in bundle["text/plain"]
    if explorer.figure is None:
        assert explorer.view.value in bundle["text/html"]
    else:
        png = bundle["image/png"]
        assert base64.b64decode(png).startswith(b"\x89PNG")
        # Front ends that prefer HTML (JupyterLab, untrusted) show the caption and the same figure.
        assert f'<img src="data:image/png;base64,{png}"' in bundle["text/html"]
        assert explorer.caption.value in bundle["text/html"]


def test_png_encoder_round_trips_the_canvas():
    from PIL import Image  # matplotlib's own dependency; the explorers do not need it

    explorer = explorers.kaplan_explorer()
    canvas = explorer.figure.canvas
    decoded = np.asarray(Image.open(io.BytesIO(explorer.view.value)))
    np.testing.assert_array_equal(decoded, np.asarray(canvas.buffer_rgba())[:, :, :3])


def test_fast_redraws_match_full_ones():
    # After a change that keeps the axes, only the moving artists are redrawn over the saved
    # background: the PNG must equal a full redraw of the same setting.
    fast = explorers.kaplan_explorer()
    fast.controls["log10_N"].value = 7.5
    assert len(fast._backgrounds) == 1
    full = explorers.kaplan_explorer()
    full._backgrounds.clear()  # forget the background: the next redraw draws everything
    full.controls["log10_N"].value = 7.5
    assert fast.view.value == full.view.value
    fast.controls["log10_N"].value = 10.5
    assert fast.view.value != full.view.value


def test_a_revisited_setting_reuses_its_axes_and_draws_the_same():
    # 08's law drop-down changes the axes; every option's axes are saved when the explorer is
    # made, so choosing one draws only the curves, and the picture equals a full redraw.
    explorer = explorers.reconcile_explorer()
    names = list(explorer.controls["law_name"].options)
    assert len(explorer._backgrounds) == len(names)
    for name in [*names[1:], names[0]]:
        explorer.controls["law_name"].value = name
    assert len(explorer._backgrounds) == len(names)  # nothing new was drawn from scratch
    full = explorers.reconcile_explorer()
    full._backgrounds.clear()
    full.controls["law_name"].value = names[0]
    assert explorer.view.value == full.view.value


def test_saved_axes_are_bounded():
    explorer = explorers.power_law_explorer()
    for decades in np.arange(0.5, 4.01, 0.5):
        for alpha in (0.05, 0.5, 1.0):
            explorer.apply(fit_decades=decades, alpha=alpha)
    assert 1 < len(explorer._backgrounds) <= _wiring._BACKGROUNDS_KEPT


def test_apply_names_unknown_controls():
    explorer = explorers.emergence_explorer()
    with pytest.raises(ValueError, match="values must name controls of this explorer"):
        explorer.apply(size=3)


def test_signed_percent_never_prints_minus_zero():
    assert _wiring.signed_percent(-0.001) == "0%"
    assert _wiring.signed_percent(0.124) == "+12%"
    assert _wiring.signed_percent(-0.0004, decimals=1) == "0.0%"
    assert _wiring.signed_percent(-0.0126, decimals=1) == "-1.3%"


# What each explorer draws, against its pure function.

def test_power_law_explorer_draws_the_demo():
    explorer = explorers.power_law_explorer()
    ax = explorer.figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    explorer.apply(alpha=0.8, seed=5)
    expected = synthetic.power_law_fit_demo(0.8, 0.1, 2.0, 5)
    np.testing.assert_allclose(lines["truth"].get_ydata(), expected.truth)
    np.testing.assert_allclose(lines["data"].get_ydata(), expected.y)
    assert "α=" in explorer.caption.value
    explorer.apply(alpha=0.3, noise=0.4, fit_decades=0.5, seed=8)  # no decaying fit exists here
    assert explorer.error is None and "the data do not fall" in explorer.caption.value
    assert len(lines["fit in log space"].get_xdata()) == 0


def test_henighan_explorer_lists_a_floor_only_where_there_is_one():
    explorer = explorers.henighan_explorer()
    ax_n, ax_c = explorer.figure.axes
    explorer.controls["domain"].value = "Video VQ 16x16x16"
    np.testing.assert_allclose(ax_n.get_lines()[0].get_ydata(), henighan.henighan_curves("Video VQ 16x16x16").loss_N)
    assert "alpha_N = 0.24" in explorer.caption.value and "L_inf = 1.01" in explorer.caption.value
    assert "irreducible loss" in [t.get_text() for t in ax_n.get_legend().get_texts()]
    explorer.controls["domain"].value = "Language"
    assert not ax_c.get_lines()[1].get_visible()  # Language's fit has no irreducible term
    assert [t.get_text() for t in ax_c.get_legend().get_texts()] == ["L(C)"]


def test_emergence_explorer_draws_the_view():
    explorer = explorers.emergence_explorer()
    ax_loss, ax_metric = explorer.figure.axes
    explorer.controls["length"].value = 40
    np.testing.assert_allclose(ax_metric.get_lines()[0].get_ydata(), metrics.emergence_view(40).values)
    assert "flat for the first 3.4 decades" in explorer.caption.value
    explorer.controls["metric"].value = "expected wrong tokens"
    assert ax_metric.get_ylabel() == "expected wrong tokens"


def test_architecture_explorer_reaches_every_vocabulary_and_back():
    explorer = explorers.architecture_explorer()
    explorer.apply(n_layer=80, d_model=8192)
    assert "64,424,509,440" in explorer.view.value
    explorer.controls["vocab_size"].value = 32000
    explorer.controls["vocab_size"].value = 50257
    assert "411,776" not in explorer.view.value and "50257" not in explorer.view.value
    assert f"{50257 * 8192:,}" in explorer.view.value


def test_kaplan_explorer_keeps_every_legend_entry_in_view():
    explorer = explorers.kaplan_explorer()
    explorer.controls["log10_D"].value = 8.0
    expected = kaplan.kaplan_joint_view(9.0, 8.0)
    ax_d, ax_n = explorer.figure.axes
    np.testing.assert_allclose(ax_n.get_lines()[0].get_ydata(), expected.loss_vs_N)
    assert f"{expected.penalty:.1%}" in explorer.caption.value
    for log10_N, log10_D in itertools.product((5.0, 12.0), (7.0, 13.0)):
        explorer.apply(log10_N=log10_N, log10_D=log10_D)
        view = kaplan.kaplan_joint_view(log10_N, log10_D)
        for ax, limit in ((ax_d, view.loss_no_data_limit), (ax_n, view.loss_no_size_limit)):
            low, high = ax.get_ylim()
            assert low < limit < high


def test_isoflop_explorer_axes_span_the_curves_not_the_markers():
    explorer = explorers.isoflop_bias_explorer()
    ax = explorer.figure.axes[0]
    explorer.controls["offset_decades"].value = 0.8
    expected = approaches.isoflop_profile_fit(laws.EPOCH_REFIT, 1e21, 0.8, 1.0, 9)
    assert f"{10 ** expected.error_decades - 1:+.1%}" in explorer.caption.value
    np.testing.assert_allclose(ax.get_lines()[2].get_xdata(), expected.sizes)
    n_true, _ = laws.EPOCH_REFIT.compute_optimal(1e21)
    low, high = ax.get_xlim()
    assert 1e-3 < low / n_true < 1e-2 and 1e2 < high / n_true < 1e3


def test_bootstrap_explorer_bins_follow_the_samples():
    N, D, loss = _simulated_runs()
    explorer = explorers.bootstrap_explorer(N, D, loss)
    ax = explorer.figure.axes[0]
    explorer.controls["n_runs"].value = 60
    expected = fitting.bootstrap_view(N, D, loss, 60, 400)
    assert f"{expected.widths['a']:.3f} wide" in explorer.caption.value
    low, high = ax.get_xlim()
    assert low <= expected.a_samples.min() and expected.a_samples.max() <= high
    # Another run table (the truth changed to Hoffmann's law) moves the histogram with it.
    shifted_loss = loss * laws.HOFFMANN_UNROUNDED.loss(N, D) / laws.EPOCH_REFIT.loss(N, D)
    shifted = explorers.bootstrap_explorer(N, D, shifted_loss)
    samples = fitting.bootstrap_view(N, D, shifted_loss, 240, 400).a_samples
    low, high = shifted.figure.axes[0].get_xlim()
    assert low <= samples.min() and samples.max() <= high


def test_reconcile_explorer_default_range_is_kaplans_on_the_grid():
    explorer = explorers.reconcile_explorer()
    low, high = explorer.controls["log10_range"].value
    assert (low, high) == DEFAULT_RANGE
    assert 10 ** low == pytest.approx(768, rel=0.07) and 10 ** high == pytest.approx(1.5e9, rel=0.07)
    explorer.controls["log10_range"].value = (11.0, 14.0)
    expected = reconcile.compare_frontiers(laws.HOFFMANN_UNROUNDED, 1e11, 1e14)
    assert f"slope {expected.range_exponent:.3f}" in explorer.caption.value


def test_lab_explorer_shows_the_law_and_the_runs_near_the_budget():
    law, N, D, loss, max_tokens = _lab_arguments()
    explorer = explorers.lab_explorer(law, N, D, loss, max_tokens)
    explorer.controls["log10_budget"].value = 11.0
    view = approaches.budget_view(law, 1e11, N, D, max_tokens=max_tokens)
    ax = explorer.figure.axes[0]
    runs = [line for line in ax.get_lines() if line.get_label().startswith("your runs")][0]
    np.testing.assert_allclose(runs.get_xdata(), N[view.near])
    assert f"loss {view.loss_opt:.3f}" in explorer.caption.value and "extrapolation" not in explorer.caption.value
    explorer.controls["log10_budget"].value = explorer.controls["log10_budget"].max
    assert "extrapolation" in explorer.caption.value


def test_inference_explorer_draws_the_demand_view_and_flags_extrapolation():
    explorer = explorers.inference_explorer()
    ax_cost, ax_ratio = explorer.figure.axes
    # The default setting is Sardana et al.'s Figure 1 example under the constants that reproduce it.
    assert explorer.controls["reference_params"].value == 13e9
    assert "cheapest 6.97B on 1.25T tokens" in explorer.caption.value and "(17.4%)" in explorer.caption.value
    explorer.apply(law_name="Epoch AI refit", reference_params=7e10, inference_tokens=1e14)
    view = inference.demand_view(laws.EPOCH_REFIT, 7e10, 1e14)
    lines = {line.get_label(): line for line in ax_cost.get_lines()}
    np.testing.assert_allclose(lines["total"].get_ydata(), view.train_flops + view.inference_flops)
    np.testing.assert_allclose(lines["cheapest model"].get_xdata(), [view.optimum.N])
    low, high = ax_cost.get_ylim()
    assert low < view.optimum.inference_flops and view.optimum.total_flops < high
    path = {line.get_label(): line for line in ax_ratio.get_lines()}["cheapest model"]
    np.testing.assert_allclose(path.get_ydata(), view.best_tokens_per_parameter)
    assert f"({view.optimum.fraction_saved:.1%})" in explorer.caption.value
    assert "extrapolation" not in explorer.caption.value
    explorer.apply(reference_params=1e8, inference_tokens=1e17)
    assert "extrapolation" in explorer.caption.value


def test_sampling_explorer_draws_the_view_and_its_plateaus():
    explorer = explorers.sampling_explorer()
    ax_acc, ax_log = explorer.figure.axes
    lines = {line.get_label(): line for line in ax_acc.get_lines()}
    explorer.apply(alpha=10 ** -0.5, k=1000.0, false_positive=0.1)
    expected = testtime.repeated_sampling_view(10 ** -0.5, 0.0, 1000, 0.1)
    np.testing.assert_allclose(lines["majority vote"].get_ydata(), expected.majority)
    np.testing.assert_allclose(lines["verifier selection"].get_ydata(), expected.verifier)
    assert f"coverage {expected.coverage_at_k:.2f}" in explorer.caption.value and "k = 1,000" in explorer.caption.value
    assert "(power law: -0.32)" in explorer.caption.value
    explorer.controls["floor"].value = 0.01  # no left tail: -log coverage plunges below the axes
    assert "below -10" in explorer.caption.value
    neg_log = ax_log.get_lines()[0].get_ydata()
    assert neg_log.min() >= ax_log.get_ylim()[0] and len(neg_log) < len(expected.k)


def test_data_constrained_explorer_draws_the_view():
    explorer = explorers.data_constrained_explorer()
    ax, ax_value = explorer.figure.axes
    explorer.apply(U=10 ** 10.0, C=1e23)
    view = datalimits.data_limit_view(1e23, 1e10)
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["with U unique tokens"].get_ydata(), view.loss_constrained)
    np.testing.assert_allclose(lines["best split"].get_xdata(), [view.constrained.N])
    assert f"{view.constrained.epochs:.3g} epochs" in explorer.caption.value
    assert f"loss {view.constrained.loss:.3f} vs {view.unlimited.loss:.3f}" in explorer.caption.value
    assert f"below loss {view.floor:.3f}" in explorer.caption.value
    # Plenty of data: no penalty, and the best split uses less than one epoch.
    explorer.apply(U=1e13, C=1e20)
    assert "(0.0%)" in explorer.caption.value and "worth 100% of fresh ones" in explorer.caption.value
    # So little data that the loss sits at its floor, and the best split repeats it beyond the axis.
    explorer.apply(U=1e8, C=1e26)
    assert "off the axis" in explorer.caption.value and "more compute buys nothing" in explorer.caption.value
    assert explorer.error is None


def test_broken_explorer_marks_where_each_fit_leaves_the_truth():
    explorer = explorers.broken_explorer()
    ax = explorer.figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    explorer.apply(log10_break=4.5, sharpness=10 ** -0.5, n_fitted=16)
    view = broken.break_fit_view(4.5, 10 ** -0.5, 16)
    np.testing.assert_allclose(lines["one-break fit"].get_ydata(), view.broken_fit)
    np.testing.assert_allclose(lines["held-out points"].get_xdata(), view.x[16:])
    assert f"power law {view.held_out_rmsle['power law']:.3f}" in explorer.caption.value
    # A break beyond the fitted points: the one-break fit cannot see it and misses too.
    explorer.apply(log10_break=6.5, n_fitted=12)
    view = broken.break_fit_view(6.5, 10 ** -0.5, 12)
    assert view.first_miss["broken"] is not None and view.first_miss["broken"] < 10 ** 7
    assert f"one-break fit from x = {view.first_miss['broken']:.2g}" in explorer.caption.value
    explorer.apply(n_fitted=24)
    assert "every point fitted" in explorer.caption.value


def test_plan_explorer_draws_every_rule_and_the_range():
    explorer = explorers.plan_explorer()
    ax = explorer.figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    # The default setting is notebook 14's first worked case, on the sliders' grid (10**12.3 ~ 2e12).
    expected = plan.plan_view(1e23, 10 ** 12.3, 10 ** 12.7)
    assert explorer.caption.value == expected.caption and expected.plan.recommended == "inference_aware"
    explorer.apply(flops=10 ** 22.0, inference_tokens=1e10, unique_tokens=10 ** 10.5)
    view = plan.plan_view(1e22, 1e10, 10 ** 10.5)
    result = view.plan
    assert result.recommended == "data_constrained" and explorer.caption.value.startswith("data-limited")
    assert explorer.caption.value == view.caption
    for row in result.rows:
        np.testing.assert_allclose(lines[row.name].get_xydata(), [[row.N, row.D]])
        assert ax.get_xlim()[0] < row.N < ax.get_xlim()[1] and ax.get_ylim()[0] < row.D < ax.get_ylim()[1]
    recommended = result.row("data_constrained")
    np.testing.assert_allclose(lines["recommended"].get_xydata(), [[recommended.N, recommended.D]])
    np.testing.assert_allclose(lines["D = C / (6 N): spends the budget"].get_ydata(), view.iso_tokens)
    np.testing.assert_allclose(lines["one epoch of the unique data"].get_ydata(), [10 ** 10.5] * 2)
    np.testing.assert_allclose(lines["four epochs"].get_ydata(), [4 * 10 ** 10.5] * 2)
    box = lines["the range the rules span"].get_xydata()
    assert (box[:, 0].min(), box[:, 0].max()) == result.N_range and (box[:, 1].min(), box[:, 1].max()) == result.D_range
    # Heavy demand on a small budget: the recommended model trains beyond what was ever tested.
    explorer.apply(flops=1e18, inference_tokens=1e16, unique_tokens=1e14)
    assert explorer.error is None and "an extrapolation" in explorer.caption.value
