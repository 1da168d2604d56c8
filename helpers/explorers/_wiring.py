"""What every explorer shares: controls above a figure, one redraw per change, errors in plain words.

An explorer is an ``Explorer`` (an ipywidgets VBox): its controls, then its figure (a PNG in an
``ipywidgets.Image``, or an ``ipywidgets.HTML`` for a text explorer), then a message line. A
change of any control calls the explorer's ``draw(**values)``, which moves the figure's artists
(it never re-plots); the figure is then rendered once to PNG and sent. A setting that cannot be
drawn shows a plain-words message in the message line, and the next setting that can be drawn
clears it, so no error outlives the setting that caused it. The stored output of an explorer
cell carries the current figure as a static PNG beside the live widget, so a notebook opened
without running shows the figure instead of a widget's text.

The CSS classes ``course-explorer``, ``course-explorer-figure``, ``course-explorer-text``,
``course-explorer-message`` and ``course-explorer-draws`` (a hidden counter of finished
redraws) are what the browser tests read.
"""
import base64
import html
import io

import ipywidgets as ipw
import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from helpers import plots
from helpers._validate import FitError

__all__ = ["Explorer", "figure", "slider", "signed_percent", "log_limits", "DPI"]

DPI = 90  # explorer figures: sharp enough on screen, small enough to send on every change
_RUN_NOTE = "run this cell to use the controls"


def figure(ncols=1, figsize=(6.4, 4.0)):
    """A matplotlib Figure (no pyplot, no automatic layout) in the course style, with its axes.

    Returns (fig, axes): one Axes for ncols=1, else an array of ncols Axes.
    """
    # Grid lines at the major ticks only: a log axis over many decades has hundreds of minor
    # ticks, and drawing a grid line at each of them would take most of a redraw.
    with matplotlib.rc_context(fname=plots.STYLE_FILE, rc={"axes.grid.which": "major"}):
        fig = Figure(figsize=figsize, dpi=DPI, layout="none", facecolor="white")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, ncols)
    return fig, axes


def signed_percent(fraction, decimals=0):
    """A relative error as a percentage with its sign: +12%, -3%, and 0% (never -0%)."""
    percent = round(100 * fraction, decimals)
    return f"{percent:+.{decimals}f}%" if percent else f"{0:.{decimals}f}%"


def log_limits(values, step=0.1, pad=1.1):
    """Limits for a log axis showing every positive value, snapped outward to ``step`` decades.

    Snapped limits change only when the data cross a step, so most redraws keep the axes (and
    the fast path of Explorer) and the eye can compare one setting with the next.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    low = np.floor(np.log10(values.min() / pad) / step) * step
    high = np.ceil(np.log10(values.max() * pad) / step) * step
    return 10.0 ** low, 10.0 ** high


def slider(kind, description, **options):
    """An ipywidgets slider that redraws when released (continuous_update=False), with room for its label.

    kind: an ipywidgets slider class (ipw.FloatSlider, ipw.IntSlider, ...).
    """
    options.setdefault("continuous_update", False)
    options.setdefault("style", {"description_width": "initial"})
    return kind(description=description, **options)


class Explorer(ipw.VBox):
    """Controls wired to a figure.  Used by every explorer module.

    title: what the explorer shows (its text fallback says it). controls: dict name -> control
    widget; draw(**values) receives their values by name. For a figure explorer, draw moves the
    artists of ``fig`` and returns None; for a text explorer (fig=None) it returns HTML.
    draw raises ValueError or FitError (with a message for the learner) for a setting it cannot
    draw; any other exception is a bug and propagates.
    rows: the controls' layout (a list of widgets), default one row of all controls.
    moving: the artists draw changes (lines, markers, titles). While the axes' limits, labels and
    legends stay as they were, only these are redrawn over a saved background, several times
    faster than drawing the whole figure; draw may change nothing else.
    Attributes: controls, figure, error (the message of the current setting, or None), draws.
    """

    def __init__(self, title, controls, draw, fig=None, rows=None, moving=()):
        self.title = title
        self.controls = dict(controls)
        self.figure = fig
        self.error = None
        self.draws = 0
        self._draw = draw
        self._png = b""
        self._laid_out = False
        self._moving = list(moving)
        for artist in self._moving:
            artist.set_animated(True)
        self._background = None
        self._background_key = None
        self._holding = False
        if fig is None:
            self.view = ipw.HTML()
            self.view.add_class("course-explorer-text")
        else:
            self.view = ipw.Image(format="png", layout=ipw.Layout(max_width="100%", height="auto"))
            self.view.add_class("course-explorer-figure")
        self.message = ipw.HTML()
        self.message.add_class("course-explorer-message")
        self._counter = ipw.Label("0", layout=ipw.Layout(display="none"))
        self._counter.add_class("course-explorer-draws")
        rows = [ipw.HBox(list(self.controls.values()))] if rows is None else list(rows)
        super().__init__([*rows, self.view, self.message, self._counter])
        self.add_class("course-explorer")
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self.update()

    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _changed(self, _change):
        if not self._holding:
            self.update()

    def apply(self, render=True, **values):
        """Set several controls at once (by name), then redraw once; render=False skips the PNG."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"values must name controls of this explorer ({sorted(self.controls)}), "
                             f"got {sorted(unknown)}")
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.update(render=render)

    def update(self, render=True):
        """Redraw for the controls' current values; a setting that cannot be drawn shows its message.

        render=False moves the artists but makes no PNG (for tests that sweep many settings).
        """
        try:
            result = self._draw(**self.values())
            if self.figure is None:
                self.view.value = result
            elif render:
                self._png = self._render()
                self.view.value = self._png
        except (ValueError, FitError) as error:
            self.error = str(error)
            self.message.value = (f'<span style="color:#B00020">This setting cannot be drawn: '
                                  f"{html.escape(self.error)}</span>")
        else:
            self.error = None
            self.message.value = ""
        self.draws += 1
        self._counter.value = str(self.draws)

    def _static_key(self):
        """What the saved background shows: every axes' limits, scales, labels and legend."""
        key = []
        for ax in self.figure.axes:
            legend = ax.get_legend()
            key.append((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(),
                        ax.get_ylabel(), tuple(t.get_text() for t in legend.get_texts()) if legend else ()))
        return tuple(key)

    def _render(self):
        fig = self.figure
        canvas = fig.canvas
        if not self._laid_out:
            fig.tight_layout()
            self._laid_out = True
        key = self._static_key()
        if key != self._background_key:
            _thin_minor_ticks(fig)
            canvas.draw()  # everything but the moving artists
            self._background = canvas.copy_from_bbox(fig.bbox)
            self._background_key = key
        else:
            canvas.restore_region(self._background)
        for artist in self._moving:
            fig.draw_artist(artist)
        return _png_bytes(canvas)

    def _repr_mimebundle_(self, **kwargs):
        # Beside the live view, a static copy: a front end without the widget's model (a notebook
        # opened untrusted, without running) shows the figure or text instead of a widget repr.
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = f"{self.title}: an interactive explorer ({_RUN_NOTE})"
        if self.figure is None:
            data["text/html"] = f"{self.view.value}<p><i>Interactive explorer: {_RUN_NOTE}.</i></p>"
        else:
            data["image/png"] = base64.b64encode(self._png).decode("ascii")
        return bundle


_MINOR_TICKS_UP_TO_DECADES = 3


def _thin_minor_ticks(fig):
    """Minor ticks only on log axes spanning a few decades, and at most about 8 major ones: over
    many decades ticks are hundreds of short lines that take most of a redraw and help little
    (the grid marks every decade)."""
    for ax in fig.axes:
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            if scale != "log":
                continue
            low, high = sorted(axis.get_view_interval())
            wide = low > 0 and np.log10(high / low) > _MINOR_TICKS_UP_TO_DECADES
            axis.set_minor_locator(ticker.NullLocator() if wide else ticker.LogLocator(subs="auto"))
            axis.set_major_locator(ticker.LogLocator(numticks=8))


def _png_bytes(canvas):
    """What the Agg canvas holds, as PNG bytes (light compression: fast to make, small enough to send)."""
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()

