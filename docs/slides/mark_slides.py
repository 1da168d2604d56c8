"""Mark which cells of the course notebooks become slides: a default, written only where none is set.

The slide decks (make slides) read one thing from each notebook: every cell's
``metadata.slideshow.slide_type``, the field JupyterLab's property inspector edits ("Slide Type").
This script proposes that field for every cell that has none yet and writes it into the notebook;
a cell that already has one (a choice made by hand, or an earlier run) is never changed, so running
it again changes nothing.  Metadata is not output: nbval and the stored outputs are unaffected.

The default, for a notebook built on the course skeleton (title, setup, "## 1. ..." sections,
"## Exercises", "## Summary"):

- the title cell and every markdown cell with a "## " heading start a slide;
- a markdown cell with a "### " heading, and a code cell that shows a figure (a PNG, or an
  explorer's static copy), start a sub-slide (below the slide, reached with the down arrow);
- the code cells before the first section (setup, versions) are skipped;
- in the exercises, a cell holding only a folded solution, and every code cell but the stubs
  (self-checks, their set-up) are skipped: a slide shows the task and the stub's signature;
- every other cell continues the slide above it ("-").

Usage:
    python -m docs.slides.mark_slides               mark every notebook in notebooks/
    python -m docs.slides.mark_slides NB.ipynb ...  mark these
    python -m docs.slides.mark_slides --check       write nothing; fail, naming them, if cells are unmarked
"""
import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
COURSE_NOTEBOOK = re.compile(r"\d\d[a-z]?-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb")
# "" is what JupyterLab's property inspector writes for "-" (continue the slide above).
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-", "")
STUB = 'raise NotImplementedError("Exercise'
SOLUTION_START = "<details><summary>Solution"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def course_notebooks():
    # NN-topic.ipynb, and NNb-topic.ipynb for a notebook that follows NN (09b after 09)
    return sorted(p for p in NOTEBOOK_DIR.glob("*.ipynb") if COURSE_NOTEBOOK.fullmatch(p.name))


def source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def headings(cell, level):
    """The cell's markdown headings of exactly this level ("## " for 2), in order."""
    if cell["cell_type"] != "markdown":
        return []
    prefix = "#" * level + " "
    return [line[len(prefix):].strip() for line in source(cell).splitlines() if line.startswith(prefix)]


def is_explorer(output):
    """An explorer's output: a widget with a static copy (its figure or text) beside it.  Another
    widget (a progress bar, say) has nothing to show without a kernel."""
    data = output.get("data", {})
    return WIDGET_VIEW in data and ("image/png" in data or "text/html" in data)


def shows_figure(cell):
    """True for a code cell whose stored outputs include a PNG or an explorer."""
    return any("image/png" in out.get("data", {}) or is_explorer(out) for out in cell.get("outputs", []))


def is_solution_only(cell):
    """A markdown cell that is a folded solution and nothing else."""
    text = source(cell).strip()
    return cell["cell_type"] == "markdown" and text.startswith(SOLUTION_START) and text.endswith("</details>")


def propose(cells):
    """The default slide type of every cell (a list, one per cell), as the module docstring says."""
    proposed, section = [], "preamble"
    for index, cell in enumerate(cells):
        sections = headings(cell, 2)
        if sections:
            section = "exercises" if sections[-1].startswith("Exercises") else "body"
        if index == 0 or sections:
            kind = "slide"
        elif headings(cell, 3):
            kind = "subslide"
        elif cell["cell_type"] == "code" and section == "preamble":
            kind = "skip"
        elif section == "exercises" and (is_solution_only(cell)
                                         or cell["cell_type"] == "code" and STUB not in source(cell)):
            kind = "skip"
        elif cell["cell_type"] == "code" and shows_figure(cell):
            kind = "subslide"
        else:
            kind = "-"
        proposed.append(kind)
    return proposed


def unmarked(cells):
    """Indices of the cells without a slide type."""
    return [i for i, cell in enumerate(cells) if "slide_type" not in cell["metadata"].get("slideshow", {})]


def mark(nb):
    """Write the proposal into every unmarked cell of ``nb`` (in place); returns {index: slide type}."""
    cells = nb["cells"]
    proposal = propose(cells)
    written = {}
    for i in unmarked(cells):
        slideshow = {**cells[i]["metadata"].get("slideshow", {}), "slide_type": proposal[i]}
        cells[i]["metadata"] = dict(sorted({**cells[i]["metadata"], "slideshow": slideshow}.items()))
        written[i] = proposal[i]
    return written


def bad_marks(cells):
    """(index, value) of the cells whose slide type nbconvert would not understand."""
    return [(i, cell["metadata"]["slideshow"]["slide_type"]) for i, cell in enumerate(cells)
            if cell["metadata"].get("slideshow", {}).get("slide_type", "-") not in SLIDE_TYPES]


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def save(nb, path):
    # The course's notebook format: one-space indent, UTF-8 kept, keys sorted as nbformat writes them.
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN-*.ipynb")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a cell is unmarked")
    args = parser.parse_args(argv)
    paths = args.notebooks or course_notebooks()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"notebooks: no such file: {', '.join(missing)}")
    problems = []
    for path in paths:
        nb = load(path)
        invalid = bad_marks(nb["cells"])
        if invalid:
            problems.append(f"{path.name}: slide types nbconvert does not know (cell index, value): {invalid}; "
                            f"use one of {', '.join(SLIDE_TYPES)}")
        if args.check:
            todo = unmarked(nb["cells"])
            if todo:
                problems.append(f"{path.name}: cells {todo} (indices) have no slide type; record the default "
                                f"with: python -m docs.slides.mark_slides {path}")
            continue
        written = mark(nb)
        if written:
            save(nb, path)
        counts = {kind: list(written.values()).count(kind) for kind in SLIDE_TYPES if kind in written.values()}
        print(f"{path.name}: {len(written)} cells marked {counts or ''}, "
              f"{len(nb['cells']) - len(written)} already marked (kept)")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
