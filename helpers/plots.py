"""Course figure style and small plotting helpers.  Introduced in 01.

Every notebook starts with ``plots.use_course_style()``; the style file ships inside the
package (helpers/course.mplstyle), so no figure depends on the network.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker

from helpers._validate import as_positive_array, positive_int, positive_scalar

__all__ = ["STYLE_FILE", "MARKERS", "use_course_style", "log_scale", "log_ticks", "loglog", "decorate", "log_grid"]

STYLE_FILE = Path(__file__).resolve().parent / "course.mplstyle"
# Marker shapes to pair with the colour cycle when plotting data points.
MARKERS = ("o", "s", "^", "D", "v", "P")


def use_course_style():
    """Apply the course's matplotlib style (colours paired with line styles, light grid).  Introduced in 01."""
    plt.style.use(STYLE_FILE)


class _PlainLogFormatter(ticker.LogFormatterSciNotation):
    """Log-axis labels as plain numbers (2.5, 0.03) on axes spanning under two decades, where
    powers of ten would label only one or two ticks; powers of ten on wider axes and for values
    too large or small to read plainly."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        low, high = sorted(abs(v) for v in self.axis.get_view_interval())
        if label and low > 0 and high / low < 100 and 1e-3 <= abs(x) < 1e5:
            return f"{x:g}"
        return label


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class _UnicodeLogFormatter(_PlainLogFormatter):
    """The same labels with powers of ten as Unicode superscripts (10⁴, 2×10⁴) instead of
    mathtext: an explorer redraws its figure on every change, and parsing mathtext labels
    takes most of a redraw's time."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        if not label.startswith("$"):
            return label
        exponent = int(np.floor(np.log10(abs(x)) + 1e-9))
        mantissa = x / 10.0 ** exponent
        power = "10" + str(exponent).translate(_SUPERSCRIPTS)
        return power if abs(mantissa - 1) < 1e-6 else f"{mantissa:g}×{power}"


def log_scale(ax, x=True, y=True, *, mathtext=True):
    """Put the chosen axes of ``ax`` on a log scale, labelled with plain numbers where short.  Introduced in 01.

    mathtext: False labels powers of ten with Unicode superscripts, several times faster to draw
    (used by the explorers, which redraw on every change). Returns ax.
    """
    formatter = _PlainLogFormatter if mathtext else _UnicodeLogFormatter
    for use, set_scale, axis in ((x, ax.set_xscale, ax.xaxis), (y, ax.set_yscale, ax.yaxis)):
        if use:
            set_scale("log")
            axis.set_major_formatter(formatter())
            axis.set_minor_formatter(formatter(labelOnlyBase=False, minor_thresholds=(1.2, 0.5)))
    return ax


def log_ticks(ax, x=None, y=None):
    """Label a log axis at the given values only (e.g. y=[2.5, 3, 4] on a short loss axis).  Introduced in 01.

    x, y: positive tick values for that axis, or None to leave it. Returns ax.
    """
    for name, values, axis in (("x", x, ax.xaxis), ("y", y, ax.yaxis)):
        if values is not None:
            values = as_positive_array(name, values, ndim=1)
            axis.set_ticks(values, [f"{v:g}" for v in values])
            axis.set_minor_formatter(ticker.NullFormatter())
    return ax


def loglog(ax, xlabel, ylabel, title=None, *, mathtext=True):
    """Put ``ax`` on log-log axes and label them; labels should carry units, e.g. "N (parameters)".  Introduced in 01.

    mathtext: as for log_scale. Returns ax.
    """
    for name, text in (("xlabel", xlabel), ("ylabel", ylabel)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name} must be a non-empty label (with units), got {text!r}")
    log_scale(ax, mathtext=mathtext)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return ax


def decorate(ax, legend=True, **options):
    """ax.set(**options) (e.g. xlabel, ylim, title), then a legend if any artist has a label.  Introduced in 01.

    Returns ax.
    """
    ax.set(**options)
    labelled = [h for h in ax.get_legend_handles_labels()[1] if not h.startswith("_")]
    if legend and labelled:
        ax.legend()
    return ax


def log_grid(x, *, points=200, extend=1.0):
    """Points evenly spaced on a log axis spanning x (positive), widened by ``extend`` on each side.  Introduced in 01.

    extend: factor >= 1 (e.g. 10 adds a decade at both ends). Returns a (points,) array.
    """
    x = as_positive_array("x", x)
    points = positive_int("points", points, minimum=2)
    extend = positive_scalar("extend", extend)
    if extend < 1:
        raise ValueError(f"extend must be at least 1, got {extend}")
    return np.geomspace(x.min() / extend, x.max() * extend, points)
