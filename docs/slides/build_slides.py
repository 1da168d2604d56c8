"""Build a reveal.js slide deck from each course notebook, for a classroom without a network.

Usage (``make slides`` runs it after ``npm ci`` in slides/):
    python -m docs.slides.build_slides                      every notebooks/NN-*.ipynb into build/slides/
    python -m docs.slides.build_slides --out DIR NB.ipynb   these notebooks into DIR

The output folder is self-contained: NN-topic.slides.html per notebook, index.html listing them,
and beside them the pinned reveal.js and MathJax files (from docs/slides/node_modules, with their
licences). Zip it and open index.html from any folder: nothing is fetched from the network, and
the decks need no kernel and no server.

What a deck shows, from the notebook as it is stored (nothing is run):
- the cells as ``metadata.slideshow.slide_type`` marks them (python -m docs.slides.mark_slides writes the
  default; JupyterLab's property inspector edits it). A cell not marked yet gets the default here
  too, and the build says so.
- A markdown cell marked "slide" or "subslide" whose first heading is not its first line is split
  there: the text above the heading stays on the slide before, the heading opens the new one; a
  later "## " heading in the same cell opens another slide, a later "### " another sub-slide.
- Folded solutions (<details><summary>Solution ...</details>) are removed: a deck shown or handed
  out in class never gives the answers away.
- Code is folded under a "Code" line that opens with a click (an exercise's stub stays open: it
  states the task); printed results show as stored.
- Figures are the stored PNGs, embedded. An explorer shows its stored static copy (caption and
  figure) with a note that the live version needs the notebook; another widget (a progress bar)
  is left out, and so is the widget state.
- Equations are typeset by MathJax 3 (SVG output: one script file, no web fonts).
"""
import argparse
import copy
import html
import logging
import re
import shutil
import sys
import time
from pathlib import Path

from docs.slides import mark_slides

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"
TEMPLATES = HERE / "templates"
TEMPLATE_NAME = "course-slides"
DEFAULT_OUT = REPO / "build" / "slides"

# Deck size in reveal.js's own pixels (scaled to the screen), and the look.
WIDTH, HEIGHT = 1280, 800
REVEAL_PREFIX = "reveal.js"
MATHJAX_SCRIPT = "mathjax/tex-svg-full.js"

# What is copied from docs/slides/node_modules into the output: (source, destination), both relative.
# Only what the decks load, and the licences that must travel with it.
ASSETS = [
    ("reveal.js/dist/reveal.js", "reveal.js/dist/reveal.js"),
    ("reveal.js/dist/reveal.css", "reveal.js/dist/reveal.css"),
    ("reveal.js/dist/theme/white.css", "reveal.js/dist/theme/white.css"),
    ("reveal.js/dist/theme/fonts/source-sans-pro", "reveal.js/dist/theme/fonts/source-sans-pro"),
    ("reveal.js/plugin/notes/notes.js", "reveal.js/plugin/notes/notes.js"),
    ("reveal.js/LICENSE", "reveal.js/LICENSE"),
    ("mathjax/es5/tex-svg-full.js", MATHJAX_SCRIPT),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
]

# JupyterLab's light theme and nbconvert's slide adjustments: nbconvert inlines these (265 kB) in
# every deck; the decks here share one copy, written beside them.
NOTEBOOK_CSS = "notebook.css"
NOTEBOOK_CSS_PARTS = ("static/index.css", "static/theme-light.css", "static/custom_reveal.css")
REVEAL_NOTEBOOK_CSS = """
/* nbconvert's reveal template, inline there */
a.anchor-link { display: none; }
.highlight { margin: 0.4em; }
.jp-Notebook { padding: 0; }
:root {
  --jp-ui-font-size1: 20px;
  --jp-content-font-size1: 20px;
  --jp-code-font-size: 19px;
  --jp-cell-prompt-width: 110px;
}
@media print { body { margin: 0; } }
"""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SOLUTION_BLOCK = re.compile(r"<details><summary>Solution.*?</details>\s*", re.S)
EXPLORER_RUN_NOTE = re.compile(r"<p><i>Interactive explorer:.*?</i></p>", re.S)
HEADING = re.compile(r"^(##|###) ")


class SlidesError(RuntimeError):
    """A deck cannot be built (what is missing, and how to get it)."""


def write_notebook_css(out_dir, export):
    """The one style sheet of the notebook cells, from nbconvert's own templates."""
    parts = []
    for name in NOTEBOOK_CSS_PARTS:
        found = next((Path(d) / name for d in export.template_paths if (Path(d) / name).is_file()), None)
        if found is None:
            raise SlidesError(f"nbconvert's {name} was not found in its templates ({export.template_paths[:4]}): "
                              "is nbconvert installed as constraints.txt pins it?")
        parts.append(f"/* nbconvert {name} */\n" + found.read_text(encoding="utf-8"))
    (out_dir / NOTEBOOK_CSS).write_text("\n".join([*parts, REVEAL_NOTEBOOK_CSS]), encoding="utf-8")


def missing_assets(node_modules=NODE_MODULES):
    return [source for source, _ in ASSETS if not (node_modules / source).exists()]


def copy_assets(out_dir, node_modules=NODE_MODULES):
    missing = missing_assets(node_modules)
    if missing:
        raise SlidesError(f"reveal.js and MathJax are not installed in {node_modules} (missing: {', '.join(missing)}); "
                          "run `make slides`, or `npm ci` in docs/slides/ (it needs the npm registry once)")
    for source, destination in ASSETS:
        src, dst = node_modules / source, out_dir / destination
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


# --------------------------------------------------------------------------------------------
# The notebook as the deck shows it


def split_at_headings(text):
    """Markdown ``text`` cut before each "## " or "### " heading line outside code fences:
    [(level or None, part), ...], where level is 2 or 3 for a part that starts with a heading."""
    parts, current, level, fenced = [], [], None, False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match and current:
            parts.append((level, "".join(current)))
            current = []
        if match and not current:
            level = len(match.group(1))
        current.append(line)
    if current:
        parts.append((level, "".join(current)))
    return [(lvl, part) for lvl, part in parts if part.strip()]


def split_cell(cell):
    """A marked markdown cell as one or more cells, each heading after the first opening a slide."""
    kind = cell["metadata"]["slideshow"]["slide_type"]
    if cell["cell_type"] != "markdown" or kind not in ("slide", "subslide"):
        return [cell]
    parts = split_at_headings(mark_slides.source(cell))
    if len(parts) <= 1:
        return [cell]
    cells, first_heading = [], True
    for level, part in parts:
        if level is None:
            part_kind = "-"
        elif first_heading:
            part_kind, first_heading = kind, False
        else:
            part_kind = "slide" if level == 2 else "subslide"
        metadata = {**cell["metadata"], "slideshow": {**cell["metadata"]["slideshow"], "slide_type": part_kind}}
        cells.append({**cell, "metadata": metadata, "source": part.rstrip("\n") + "\n", "id": None})
    return cells


def static_explorer(output, notebook_name):
    """An explorer's output with only its static copy, and a note on where the live one is."""
    data = {key: value for key, value in output["data"].items() if key != WIDGET_VIEW}
    note = (f'<p class="course-slides-note"><i>A still of an interactive explorer: to move its controls, '
            f'open {html.escape(notebook_name)} and run the cell.</i></p>')
    if "text/html" in data:
        shown = EXPLORER_RUN_NOTE.sub("", "".join(data["text/html"]))
        data["text/html"] = shown + note
    else:
        data["text/html"] = f'<img src="data:image/png;base64,{data["image/png"]}" alt="explorer">' + note
    return {**output, "data": data}


def deck_notebook(nb, notebook_name):
    """(the notebook as the deck shows it, indices of cells that had no slide type) — ``nb`` is
    left unchanged."""
    nb = copy.deepcopy(nb)
    unmarked = mark_slides.unmarked(nb["cells"])
    mark_slides.mark(nb)
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = SOLUTION_BLOCK.sub("", mark_slides.source(cell))
            if not text.strip():
                continue
            cell = {**cell, "source": text}
        if cell["cell_type"] == "code":
            outputs = [static_explorer(out, notebook_name) if mark_slides.is_explorer(out) else out
                       for out in cell.get("outputs", []) if mark_slides.is_explorer(out)
                       or WIDGET_VIEW not in out.get("data", {})]  # another widget has nothing to show
            fold = mark_slides.STUB not in mark_slides.source(cell)  # a stub states the task: open
            cell = {**cell, "metadata": {**cell["metadata"], "course_slides_fold": fold}, "outputs": outputs}
        cells.extend(split_cell(cell))
    for i, cell in enumerate(cells):  # cell ids must be unique: number the pieces
        cell["id"] = f"slide-cell-{i}"
    nb["cells"] = cells
    nb["metadata"].pop("widgets", None)
    return nb, unmarked


# --------------------------------------------------------------------------------------------
# Export


def exporter():
    from nbconvert.exporters import SlidesExporter

    return SlidesExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name=TEMPLATE_NAME,
        reveal_url_prefix=REVEAL_PREFIX,
        reveal_theme="white",
        reveal_transition="slide",
        reveal_number="c/t",
        reveal_width=str(WIDTH),
        reveal_height=str(HEIGHT),
        mathjax_url=MATHJAX_SCRIPT,
        exclude_anchor_links=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def title_of(nb):
    first = mark_slides.source(nb["cells"][0]).splitlines()
    return first[0].lstrip("# ").strip() if first else ""


def write_index(out_dir):
    """index.html: a link to every deck in ``out_dir``, with its title."""
    rows = []
    for deck in sorted(out_dir.glob("[0-9][0-9]*-*.slides.html")):
        found = re.search(r"<title>(.*?)</title>", deck.read_text(encoding="utf-8"), re.S)
        title = found.group(1).strip().removesuffix(" slides") if found else deck.stem
        rows.append(f'<li><a href="{html.escape(deck.name)}">{title}</a></li>')  # the title is escaped already
    rows = "\n".join(rows)
    (out_dir / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Scaling laws, hands-on: slides</title>
<style>body {{ font-family: sans-serif; max-width: 40em; margin: 2em auto; line-height: 1.5; }}</style>
</head>
<body>
<h1>Scaling laws, hands-on: slides</h1>
<p>One deck per notebook. Arrow keys move through a deck (down for a sub-slide), <kbd>Esc</kbd> shows the
overview, <kbd>S</kbd> the speaker view. Nothing here needs a network or a kernel; the explorers are shown
as still figures: to move their controls, open the notebook.</p>
<ol>
{rows}
</ol>
</body>
</html>
""", encoding="utf-8")


def build(notebooks, out_dir=DEFAULT_OUT, assets=True, node_modules=NODE_MODULES, log=print):
    """Write one deck per notebook (a path) into ``out_dir``, with the assets unless ``assets`` is
    False (the HTML alone, e.g. for tests). Returns the paths of the decks written."""
    import nbformat

    notebooks = [Path(p) for p in notebooks]
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        raise SlidesError(f"notebooks: no such file: {', '.join(missing)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if assets:
        copy_assets(out_dir, node_modules)
    export, written = exporter(), []
    # nbconvert warns, for every deck, that stored figures have no alternative text (it then gives
    # them a generic one); that is the notebooks' matter, not the build's.
    export.log.setLevel(logging.ERROR)
    if assets:
        write_notebook_css(out_dir, export)
    for path in notebooks:
        raw = nbformat.read(path, as_version=4)  # sources and outputs as strings
        invalid = mark_slides.bad_marks(raw["cells"])
        if invalid:
            raise SlidesError(f"{path.name}: slide types nbconvert does not know (cell index, value): {invalid}; "
                              f"use one of {', '.join(mark_slides.SLIDE_TYPES)}")
        shown, unmarked = deck_notebook(raw, path.name)
        if unmarked:
            log(f"{path.name}: {len(unmarked)} cells had no slide type; the default was used "
                f"(record it with: python -m docs.slides.mark_slides notebooks/{path.name})")
        body, _ = export.from_notebook_node(nbformat.from_dict(shown), resources={"metadata": {"name": title_of(raw)}})
        deck = out_dir / f"{path.stem}.slides.html"
        deck.write_text(body, encoding="utf-8")
        written.append(deck)
    if assets:
        write_index(out_dir)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN-*.ipynb")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT.relative_to(REPO)}")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        decks = build(args.notebooks or mark_slides.course_notebooks(), args.out)
    except SlidesError as error:
        print(f"build_slides: {error}", file=sys.stderr)
        return 1
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"{len(decks)} decks in {args.out} ({size / 1e6:.1f} MB with the assets) "
          f"in {time.perf_counter() - start:.1f} s; open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
