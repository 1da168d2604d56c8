"""The notebook 01 explorer: its pure function, and the widget wired to it."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import laws, plots, widgets


def test_demo_without_noise_fits_exactly_and_extrapolates_exactly():
    demo = widgets.power_law_fit_demo(alpha=0.4, noise=0.0, fit_decades=2, seed=0)
    assert demo.log_alpha == pytest.approx(0.4, rel=1e-9)
    assert demo.linear_alpha == pytest.approx(0.4, rel=1e-6)
    assert abs(demo.log_error) < 1e-8 and abs(demo.linear_error) < 1e-6
    assert demo.x_target == pytest.approx(demo.x[-1] * 100)
    np.testing.assert_allclose(demo.truth, laws.PowerLaw(5.0, 0.4)(demo.grid))


def test_demo_is_seeded():
    first = widgets.power_law_fit_demo(0.3, 0.1, 2.0, seed=3)
    again = widgets.power_law_fit_demo(0.3, 0.1, 2.0, seed=3)
    other = widgets.power_law_fit_demo(0.3, 0.1, 2.0, seed=4)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.y, other.y)


def test_more_decades_of_data_extrapolate_better_on_average():
    def mean_abs_error(decades):
        return np.mean([abs(widgets.power_law_fit_demo(0.3, 0.2, decades, seed=s).log_error)
                        for s in range(40)])

    assert mean_abs_error(4.0) < 0.5 * mean_abs_error(1.0)


def test_explorer_redraws_when_a_slider_moves():
    box = widgets.power_law_explorer()
    ax = box.figure.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    before = np.array(lines["truth"].get_ydata())
    title_before = ax.get_title()
    box.controls["alpha"].value = 0.8
    after = np.array(lines["truth"].get_ydata())
    expected = widgets.power_law_fit_demo(0.8, box.controls["noise"].value,
                                          box.controls["fit_decades"].value, box.controls["seed"].value)
    np.testing.assert_allclose(after, expected.truth)
    assert not np.allclose(before, after)
    assert ax.get_title() != title_before and "α=" in ax.get_title()
    box.controls["seed"].value = 5
    np.testing.assert_allclose(lines["data"].get_ydata(), widgets.power_law_fit_demo(0.8, 0.1, 2.0, 5).y)
    plt.close(box.figure)


def test_sliders_update_only_on_release():
    box = widgets.power_law_explorer()
    assert all(not s.continuous_update for s in box.controls.values())
    plt.close(box.figure)


def test_course_style_pairs_colours_with_line_styles():
    with matplotlib.rc_context():
        plots.use_course_style()
        cycle = list(matplotlib.rcParams["axes.prop_cycle"])
        assert len(cycle) >= 4
        assert len({c["linestyle"] for c in cycle}) == len(cycle)
        assert len({c["color"] for c in cycle}) == len(cycle)


def test_loglog_and_decorate():
    fig, ax = plt.subplots()
    plots.loglog(ax, "N (parameters)", "loss (nats/token)", title="t")
    ax.plot([1, 10], [3, 2], label="fit")
    plots.decorate(ax, xlim=(1, 10))
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "loss (nats/token)"
    assert ax.get_legend() is not None and ax.get_xlim() == pytest.approx((1, 10))
    plt.close(fig)


def test_log_grid():
    grid = plots.log_grid([10.0, 1000.0], points=5, extend=10)
    np.testing.assert_allclose(grid, [1, 10, 100, 1e3, 1e4])


def test_log_axes_show_plain_numbers_where_short():
    fig, ax = plt.subplots()
    ax.plot([1e8, 1e10], [4.0, 2.0])
    plots.loglog(ax, "D (tokens)", "loss (nats/token)")
    fig.canvas.draw()
    y_labels = [t.get_text() for t in ax.get_yticklabels(minor=True) if t.get_text()]
    x_labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "3" in y_labels and "4" in y_labels
    assert any("10^{9}" in label for label in x_labels)
    plt.close(fig)


def test_log_ticks_labels_only_the_chosen_values():
    fig, ax = plt.subplots()
    ax.plot([1e8, 1e10], [4.0, 2.1])
    plots.loglog(ax, "D (tokens)", "loss (nats/token)")
    plots.log_ticks(ax, y=[2.25, 2.5, 3, 3.5, 4])
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() + ax.get_yticklabels(minor=True) if t.get_text()]
    assert labels == ["2.25", "2.5", "3", "3.5", "4"]
    with pytest.raises(ValueError, match="y must be positive"):
        plots.log_ticks(ax, y=[0, 1])
    plt.close(fig)


def test_kaplan_joint_view_matches_eq_1_5():
    view = widgets.kaplan_joint_view(9.0, 10.0)
    k = laws.KAPLAN_2020
    assert view.loss == pytest.approx(float(k.loss(1e9, 1e10)))
    assert view.penalty == pytest.approx(view.loss / float((6.4e13 / 1e9) ** 0.076) - 1)
    assert view.data_needed == pytest.approx(5e3 * 1e9 ** 0.74)
    np.testing.assert_allclose(view.loss_vs_D, k.loss(1e9, view.D_grid))
    assert np.all(view.loss_vs_D > view.loss_no_data_limit)
    assert np.all(view.loss_vs_N > view.loss_no_size_limit)
    # More data never hurts, and at eq. 4.4's data requirement the penalty is a few percent.
    assert np.all(np.diff(view.loss_vs_D) < 0)
    at_needed = widgets.kaplan_joint_view(9.0, np.log10(view.data_needed))
    assert 0.01 < at_needed.penalty < 0.1


def test_kaplan_explorer_redraws():
    box = widgets.kaplan_explorer()
    box.controls["log10_D"].value = 8.0
    expected = widgets.kaplan_joint_view(9.0, 8.0)
    ax_d, ax_n = box.figure.axes
    np.testing.assert_allclose(ax_n.get_lines()[0].get_ydata(), expected.loss_vs_N)
    assert f"{expected.penalty:.1%}" in box.figure._suptitle.get_text()
    plt.close(box.figure)
