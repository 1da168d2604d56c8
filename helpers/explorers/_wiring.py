"""What every explorer shares: controls above a figure, one redraw per change, errors in plain words.

An explorer is an ``Explorer`` (an ipywidgets VBox): its controls, a caption line (the numbers
of the current setting, as text), its figure (a PNG in an ``ipywidgets.Image``, or an
``ipywidgets.HTML`` for a text explorer), then a message line. A change of any control calls the
explorer's ``draw(**values)``, which moves the figure's artists (it never re-plots) and returns
the caption; the figure is then rendered once to PNG and sent. Only the moving artists are
drawn, over a saved picture of the rest (axes, ticks, labels, legends); a few such pictures are
kept, so going back to a setting whose axes were seen before is as fast as moving a curve, and
the options of every drop-down are drawn once when the explorer is made. The caption is text
beside the figure rather than a title inside it: drawing text is the slowest part of a redraw.
A setting that cannot be drawn shows a plain-words message in the message line, and the next
setting that can be drawn clears it, so no error outlives the setting that caused it. The
stored output of an explorer cell carries the current caption and figure as static HTML and
PNG beside the live widget, so a notebook opened without running shows them instead of a
widget's text.

The CSS classes ``course-explorer``, ``course-explorer-caption``, ``course-explorer-figure``,
``course-explorer-text``, ``course-explorer-message`` and ``course-explorer-draws`` (a hidden
counter of finished redraws) are what the browser tests read.
"""
import base64
import html
import struct
import zlib
from collections import OrderedDict

import ipywidgets as ipw
import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers import plots
from helpers._validate import FitError

__all__ = ["Explorer", "figure", "slider", "signed_percent", "log_limits", "DPI"]

DPI = 90  # explorer figures: sharp enough on screen, small enough to send on every change
_RUN_NOTE = "run this cell to use the controls"
_BACKGROUNDS_KEPT = 12  # saved pictures of the axes (about 1.4 MB each for a 10 x 4.4 inch figure)
_CHOICES = (ipw.Dropdown, ipw.ToggleButtons, ipw.RadioButtons)


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
    artists of ``fig`` and returns the caption (plain text, or None for none); for a text
    explorer (fig=None) it returns HTML.
    draw raises ValueError or FitError (with a message for the learner) for a setting it cannot
    draw; any other exception is a bug and propagates.
    rows: the controls' layout (a list of widgets), default one row of all controls.
    moving: the artists draw changes (lines, markers, titles). While the axes' limits, labels and
    legends stay as they were, only these are redrawn over a saved background, several times
    faster than drawing the whole figure; draw may change nothing else.
    Attributes: controls, figure, caption (an ipywidgets.HTML), error (the message of the current
    setting, or None), draws.
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
        self._backgrounds = OrderedDict()  # static key -> saved picture, most recent last
        self._holding = False
        if fig is None:
            self.view = ipw.HTML()
            self.view.add_class("course-explorer-text")
        else:
            self.view = ipw.Image(format="png", layout=ipw.Layout(max_width="100%", height="auto"))
            self.view.add_class("course-explorer-figure")
        self.caption = ipw.HTML()
        self.caption.add_class("course-explorer-caption")
        self.message = ipw.HTML()
        self.message.add_class("course-explorer-message")
        self._counter = ipw.Label("0", layout=ipw.Layout(display="none"))
        self._counter.add_class("course-explorer-draws")
        rows = [ipw.HBox(list(self.controls.values()))] if rows is None else list(rows)
        shown = [self.view] if fig is None else [self.caption, self.view]
        super().__init__([*rows, *shown, self.message, self._counter])
        self.add_class("course-explorer")
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        if fig is not None:
            self._draw_every_choice()
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
            else:
                if render:
                    self._png = self._render()
                    self.view.value = self._png
                self.caption.value = "" if result is None else html.escape(result)
        except (ValueError, FitError) as error:
            self.error = str(error)
            self.message.value = (f'<span style="color:#B00020">This setting cannot be drawn: '
                                  f"{html.escape(self.error)}</span>")
        else:
            self.error = None
            self.message.value = ""
        self.draws += 1
        self._counter.value = str(self.draws)

    def _draw_every_choice(self):
        """Draw each option of every drop-down (the other controls as they are) once, so its
        axes are among the saved pictures before anyone chooses it."""
        start = self.values()
        self._holding = True
        try:
            self._draw(**start)
            self._render()  # lays the figure out for the starting setting
            for control in self.controls.values():
                if not isinstance(control, _CHOICES):
                    continue
                for index in range(len(control.options)):
                    control.index = index
                    try:
                        self._draw(**self.values())
                        self._render()
                    except (ValueError, FitError):
                        pass  # update() will show its message if it is ever chosen
                for name, value in start.items():
                    self.controls[name].value = value
        finally:
            self._holding = False

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
        if key in self._backgrounds:
            self._backgrounds.move_to_end(key)
            canvas.restore_region(self._backgrounds[key])
        else:
            _thin_minor_ticks(fig)
            canvas.draw()  # everything but the moving artists
            self._backgrounds[key] = canvas.copy_from_bbox(fig.bbox)
            if len(self._backgrounds) > _BACKGROUNDS_KEPT:
                self._backgrounds.popitem(last=False)
        for artist in self._moving:
            fig.draw_artist(artist)
        return _png_bytes(canvas)

    def _repr_mimebundle_(self, **kwargs):
        # Beside the live view, a static copy: a front end without the widget's model (a notebook
        # opened untrusted, without running) shows the figure or text instead of a widget repr.
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = f"{self.title}: an interactive explorer ({_RUN_NOTE})"
        note = f"<p><i>Interactive explorer: {_RUN_NOTE}.</i></p>"
        if self.figure is None:
            data["text/html"] = f"{self.view.value}{note}"
        else:
            png = base64.b64encode(self._png).decode("ascii")
            caption = f"<p>{self.caption.value}</p>" if self.caption.value else ""
            data["text/html"] = (f'{caption}<img src="data:image/png;base64,{png}" alt="{html.escape(self.title)}" '
                                 f'style="max-width: 100%">{note}')
            data["image/png"] = png
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
    """What the Agg canvas holds, as PNG bytes: 8-bit RGB, no row filter, zlib level 1.

    A plain encoder: about half the time of Pillow's (which tries a filter per row) for
    PNGs within a few percent of the size, and the encoding is most of a fast redraw.
    """
    rgba = np.asarray(canvas.buffer_rgba())  # (height, width, 4) uint8
    height, width = rgba.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # each row: filter byte 0, then RGB
    rows[:, 1:].reshape(height, width, 3)[...] = rgba[:, :, :3]  # one copy, through a view of rows
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour, no interlace
    return b"".join([b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(rows, 1)), _png_chunk(b"IEND", b"")])


def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

