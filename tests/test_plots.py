"""The course figure style and the plotting helpers."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots


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
