"""Where an explorer's redraw goes in the kernel: its science and artist updates, then the picture.

For every explorer of the course (as the tests build them) and every control: move the control one
step and back, again and again, and time the two parts of each redraw apart: ``compute`` (the
explorer's draw function: its pure science function plus moving the artists) and ``render`` (the
moving artists over a saved picture of the axes, or the whole figure when the axes change, then
the PNG). A new setting of 07's bootstrap is computed once and kept, so its first visit and its
revisits are reported apart. The browser adds the round trip (make benchmark-browser).

    .venv/bin/python benchmarks/bench_explorer_redraw.py               # every explorer
    .venv/bin/python benchmarks/bench_explorer_redraw.py 05 07 --changes 20
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_explorers import BUILDERS, _choices  # noqa: E402 (the explorers exactly as the tests build them)

MIN_CHANGES = 4


class Stopwatch:
    """Wraps an explorer's draw and render so each call's seconds are recorded."""

    def __init__(self, explorer):
        self.compute, self.render = [], []
        draw, render = explorer._draw, explorer._render

        def timed(function, into):
            def wrapper(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    into.append(time.perf_counter() - start)
            return wrapper

        explorer._draw = timed(draw, self.compute)
        explorer._render = timed(render, self.render)

    def clear(self):
        self.compute.clear()
        self.render.clear()


def _neighbours(control):
    """The control's current value and its next value on its grid (or the previous one, at the end)."""
    choices = _choices(control)
    value = control.value
    index = min(range(len(choices)), key=lambda i: _distance(choices[i], value))
    other = index + 1 if index + 1 < len(choices) else index - 1
    return choices[index], choices[other]


def _distance(a, b):
    if isinstance(a, tuple):
        return sum(abs(x - y) for x, y in zip(a, b))
    if isinstance(a, str):
        return 0 if a == b else 1
    return abs(a - b)


def measure(number, changes):
    """Rows (dict per control) for explorer ``number`` ("01".."NN")."""
    explorer = BUILDERS[number]()
    watch = Stopwatch(explorer)
    rows = []
    for name, control in explorer.controls.items():
        start, step = _neighbours(control)
        watch.clear()
        first_visit = None
        for i in range(changes):
            value = step if i % 2 == 0 else start
            began = time.perf_counter()
            explorer.apply(**{name: value})
            if i == 0:
                first_visit = time.perf_counter() - began
        render = watch.render or [0.0] * len(watch.compute)  # a text explorer renders no picture
        total = [c + r for c, r in zip(watch.compute, render)]
        rows.append({"explorer": number, "control": name, "changes": changes,
                     "first_s": first_visit, "compute_s": statistics.median(watch.compute[1:]),
                     "render_s": statistics.median(render[1:]), "median_s": statistics.median(total[1:]),
                     "max_s": max(total[1:])})
        explorer.apply(**{name: start})
    return rows


def table(rows):
    header = (f"{'explorer':8} {'control':16} {'first visit':>11} {'compute':>9} {'render':>8} "
              f"{'median':>8} {'max':>8}   (ms; medians over revisits)")
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(f"{row['explorer']:8} {row['control'][:16]:16} {1e3 * row['first_s']:11.1f} "
                     f"{1e3 * row['compute_s']:9.1f} {1e3 * row['render_s']:8.1f} {1e3 * row['median_s']:8.1f} "
                     f"{1e3 * row['max_s']:8.1f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("explorers", nargs="*", help=f"notebook numbers (default: all of {', '.join(BUILDERS)})")
    parser.add_argument("--changes", type=int, default=12, help=f"changes per control (at least {MIN_CHANGES})")
    args = parser.parse_args(argv)
    if args.changes < MIN_CHANGES:
        parser.error(f"--changes must be at least {MIN_CHANGES}")
    unknown = sorted(set(args.explorers) - set(BUILDERS))
    if unknown:
        parser.error(f"explorers must be notebook numbers among {', '.join(BUILDERS)}; got {', '.join(unknown)}")
    rows = [row for number in (args.explorers or BUILDERS) for row in measure(number, args.changes)]
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
