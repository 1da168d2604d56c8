"""Latency of every explorer control in a real browser: JupyterLab from .venv, Debian's Chromium.

For each notebook: open it, Run All, then change each control of each explorer at least
--changes times (a slider: one step right, one back, again and again; a dropdown: every option in
turn, back to the first); the latency of a change runs from the key press, click or selection to
the explorer's redraw counter going up with its figure loaded.  Prints median and max per control
and saves every latency to build/browser/benchmark-latency.json.

    make benchmark-browser
    .venv/bin/python benchmarks/bench_explorer_latency.py notebooks/01-power-laws.ipynb --changes 10
    .venv/bin/python benchmarks/bench_explorer_latency.py --fixture   # the harness's own contract notebook

Needs Chromium and Playwright, as the browser tests do (bash .ci/install-chromium; make install).
The machinery (server, browser, explorer driver) is tests/browser/harness.py, shared with the tests.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests" / "browser"), str(REPO)]  # the harness, and tests.notebook_files it uses

import harness  # noqa: E402 (lives with the browser tests)

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

MIN_CHANGES = 5
DEFAULT_JSON = harness.BUILD / "benchmark-latency.json"


def measure(lab, path, changes, explorers=None):
    """Open ``path`` in ``lab``, Run All, and change every control of each explorer (all, or the
    numbers in ``explorers``) at least ``changes`` times.  Returns (rows, failures)."""
    notebook = lab.open(path)
    notebook.run_all()
    notebook.wait_explorers_ready()
    failures = notebook.check_explorers_present()
    rows = []
    for number in range(1, notebook.explorers().count() + 1):
        if explorers and number not in explorers:
            continue
        records, problems = notebook.exercise_explorer(number, steps=1, min_changes=changes, screenshots=False)
        failures += problems
        for record in records:
            latencies = [c["latency_s"] for c in record.changes if c["latency_s"] is not None]
            rows.append({
                "notebook": notebook.name, "explorer": number, "control": record.index, "kind": record.kind,
                "label": record.label, "note": record.note, "changes": len(latencies),
                "median_s": round(statistics.median(latencies), 4) if latencies else None,
                "max_s": round(max(latencies), 4) if latencies else None,
                "latencies_s": latencies,
            })
    return rows, failures


def table(rows):
    """The rows as a fixed-width text table, one line per control."""
    header = f"{'notebook':34} {'expl':>4} {'control':34} {'changes':>7} {'median s':>9} {'max s':>7}"
    lines = [header, "-" * len(header)]
    for row in rows:
        control = f"{row['control']} {row['kind']} {row['label']}"[:34]
        median = "-" if row["median_s"] is None else f"{row['median_s']:.3f}"
        largest = "-" if row["max_s"] is None else f"{row['max_s']:.3f}"
        lines.append(f"{row['notebook'][:34]:34} {row['explorer']:>4} {control:34} {row['changes']:>7} "
                     f"{median:>9} {largest:>7}" + (f"  ({row['note']})" if row["note"] else ""))
    every = [x for row in rows for x in row["latencies_s"]]
    if every:
        lines.append(f"all {len(every)} changes: median {statistics.median(every):.3f} s, max {max(every):.3f} s")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: every course notebook)")
    parser.add_argument("--fixture", action="store_true", help="the harness's contract notebook(s) too")
    parser.add_argument("--changes", type=int, default=6, help=f"changes per control (at least {MIN_CHANGES})")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to save every latency")
    args = parser.parse_args(argv)
    if args.changes < MIN_CHANGES:
        parser.error(f"--changes must be at least {MIN_CHANGES}")
    missing = harness.missing_requirements()
    if missing:
        print(f"bench_explorer_latency: {missing}", file=sys.stderr)
        return 2
    notebooks = [p.resolve() for p in args.notebooks] or harness.course_notebooks()
    if args.fixture:
        notebooks = harness.fixture_notebooks() + notebooks
    rows, failures, started = [], [], time.monotonic()
    with harness.LabServer(log_path=harness.BUILD / "benchmark-server.log") as server, harness.Browser() as browser:
        lab = harness.Lab(browser, server)
        try:
            for path in notebooks:
                try:
                    found, problems = measure(lab, path, args.changes)
                except harness.HarnessError as error:
                    found, problems = [], [str(error)]
                rows += found
                failures += problems
                print(f"{path.stem}: {len(found)} controls, {sum(r['changes'] for r in found)} changes", flush=True)
        finally:
            lab.close()
        version = browser.version()
    print()
    print(table(rows))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "what": "seconds from a control's change (key, click, select) to the redraw counter's increase "
                "with the figure loaded",
        "changes_per_control": args.changes, "wall_s": round(time.monotonic() - started, 1),
        "chromium": version, "playwright": metadata.version("playwright"),
        "jupyterlab": metadata.version("jupyterlab"), "python": platform.python_version(), "cpus": os.cpu_count(),
        "controls": rows, "failures": failures,
    }, indent=1) + "\n", encoding="utf-8")
    print(f"saved {args.json}")
    if failures:
        print("\nFAILURES:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
