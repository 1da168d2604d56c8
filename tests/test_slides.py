"""The slide decks (make slides): marked once in the notebooks, built offline, nothing remote.

The decks' HTML is built here without the reveal.js and MathJax files (those come from npm; the
real-browser test in tests/browser/test_slides_in_browser.py opens the full decks with the network
blocked).  Fast: one exporter, every notebook.
"""
import copy
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docs.slides import build_slides, mark_slides

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = mark_slides.course_notebooks()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SOLUTION_CODE = re.compile(r"<details><summary>Solution.*?```python\n(.*?)```", re.S)
# Elements whose attribute the browser fetches by itself (a link <a href> is only followed on a click).
FETCHED = {("script", "src"), ("link", "href"), ("img", "src"), ("source", "src"), ("source", "srcset"),
           ("iframe", "src"), ("embed", "src"), ("object", "data"), ("video", "src"), ("video", "poster"),
           ("audio", "src"), ("track", "src"), ("input", "src"), ("image", "href")}
CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")]+)""")


class References(HTMLParser):
    """Every URL an HTML page fetches by itself: attributes of FETCHED elements, CSS url()/@import."""

    def __init__(self):
        super().__init__()
        self.urls, self._in_style = [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in FETCHED and value:
                self.urls.append((f"<{tag} {name}>", value))
            if name == "style" and value:
                self.urls += [("style attribute", url) for url in css_urls(value)]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += [("<style>", url) for url in css_urls(data)]


def css_urls(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # comments hold URLs nobody fetches
    return [a or b for a, b in CSS_URL.findall(text)]


def references(text):
    parser = References()
    parser.feed(text)
    return parser.urls


def is_remote(url):
    return bool(re.match(r"^\s*(https?:)?//", url, re.I)) or url.lower().startswith(("ftp:", "ws:", "wss:"))


def slide_type(cell):
    return cell["metadata"].get("slideshow", {}).get("slide_type", "-")


def shown_code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and slide_type(c) != "skip"]


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """{notebook path: deck HTML}, every notebook built once (HTML only, no assets)."""
    out = tmp_path_factory.mktemp("slides")
    written = build_slides.build(NOTEBOOKS, out, assets=False, log=lambda message: None)
    return {nb: deck.read_text(encoding="utf-8") for nb, deck in zip(NOTEBOOKS, written)}


# --------------------------------------------------------------------------------------------
# Marked once, in the notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_is_marked_for_the_slides(path):
    cells = mark_slides.load(path)["cells"]
    assert not mark_slides.bad_marks(cells), f"{path.name}: unknown slide types {mark_slides.bad_marks(cells)}"
    todo = mark_slides.unmarked(cells)
    assert not todo, (f"{path.name}: cells {todo} have no slide type; record the default with "
                      f"python -m docs.slides.mark_slides notebooks/{path.name} (then adjust by hand if you like)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_default_marking_follows_the_course_skeleton(path):
    cells = mark_slides.load(path)["cells"]
    proposal = mark_slides.propose(cells)
    assert proposal[0] == "slide", "the title opens the deck"
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    assert mark_slides.source(cells[first_code]).startswith("# Setup:") and proposal[first_code] == "skip"
    for i, (cell, kind) in enumerate(zip(cells, proposal)):
        text = mark_slides.source(cell)
        if mark_slides.headings(cell, 2):
            assert kind == "slide", f"cell {i}: a '## ' section must open a slide"
        if mark_slides.is_solution_only(cell):
            assert kind == "skip", f"cell {i}: a solution must not be shown"
        if cell["cell_type"] == "code" and mark_slides.STUB in text:
            assert kind == "-", f"cell {i}: an exercise's stub states the task and stays on its slide"
    assert proposal.count("slide") >= 5 and proposal.count("subslide") >= 1


def test_marking_is_idempotent_and_keeps_choices_made_by_hand():
    nb = mark_slides.load(NOTEBOOKS[0])
    assert mark_slides.mark(copy.deepcopy(nb)) == {}, "a marked notebook must not change"
    bare = copy.deepcopy(nb)
    for cell in bare["cells"]:
        cell["metadata"].pop("slideshow", None)
    bare["cells"][4]["metadata"]["slideshow"] = {"slide_type": "notes"}  # choices made by hand
    bare["cells"][3]["metadata"]["slideshow"] = {"slide_type": ""}  # JupyterLab's "-"
    written = mark_slides.mark(bare)
    assert 3 not in written and slide_type(bare["cells"][3]) == ""
    assert 4 not in written and slide_type(bare["cells"][4]) == "notes"
    assert len(written) == len(bare["cells"]) - 2 and not mark_slides.bad_marks(bare["cells"])
    proposal = mark_slides.propose(bare["cells"])
    assert all(slide_type(bare["cells"][i]) == proposal[i] for i in written)
    assert mark_slides.mark(bare) == {}


def test_marking_changes_metadata_only():
    """nbval compares outputs, the hygiene tests sources and counts: marking must leave them alone."""
    nb = mark_slides.load(NOTEBOOKS[0])
    bare = copy.deepcopy(nb)
    for cell in bare["cells"]:
        cell["metadata"].pop("slideshow", None)
    marked = copy.deepcopy(bare)
    mark_slides.mark(marked)
    for before, after in zip(bare["cells"], marked["cells"]):
        assert {**after, "metadata": None} == {**before, "metadata": None}
        assert {k: v for k, v in after["metadata"].items() if k != "slideshow"} == before["metadata"]
        assert list(after["metadata"]) == sorted(after["metadata"]), "keys sorted, as nbformat writes them"


def test_saved_notebooks_are_in_the_course_format():
    for path in NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        assert json.dumps(json.loads(text), indent=1, ensure_ascii=False, sort_keys=True) + "\n" == text, path.name


# --------------------------------------------------------------------------------------------
# What a deck shows


def test_cells_are_split_at_their_headings():
    parts = build_slides.split_at_headings("end of 3.\n\n## 4. Next\ntext\n```python\n## not a heading\n```\n"
                                           "### Sub\nmore\n")
    assert [level for level, _ in parts] == [None, 2, 3]
    assert parts[0][1] == "end of 3.\n\n" and "## not a heading" in parts[1][1]
    assert build_slides.split_at_headings("## Only\ntext\n") == [(2, "## Only\ntext\n")]


def test_a_split_cell_keeps_its_mark_on_its_first_heading():
    cell = {"cell_type": "markdown", "id": "x", "metadata": {"slideshow": {"slide_type": "subslide"}},
            "source": "closing words\n### Exercise 2\ntask\n## Summary\npoints\n"}
    kinds = [slide_type(c) for c in build_slides.split_cell(cell)]
    assert kinds == ["-", "subslide", "slide"]
    cell["metadata"]["slideshow"]["slide_type"] = "-"  # not a slide start: left whole
    assert build_slides.split_cell(cell) == [cell]


def test_building_leaves_the_notebook_unchanged():
    import nbformat

    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    before = copy.deepcopy(nb)
    shown, unmarked = build_slides.deck_notebook(nb, NOTEBOOKS[0].name)
    assert nb == before and unmarked == []
    assert "widgets" not in shown["metadata"]
    assert len({c["id"] for c in shown["cells"]}) == len(shown["cells"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_deck_fetches_nothing_remote(decks, path):
    remote = [(where, url) for where, url in references(decks[path]) if is_remote(url)]
    assert not remote, f"{path.name}: remote scripts, styles, fonts or images: {remote}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_deck_uses_only_the_shipped_assets(decks, path):
    """Every file a deck loads is one build_slides copies beside it (or embedded as data:)."""
    shipped = {destination for _, destination in build_slides.ASSETS} | {build_slides.NOTEBOOK_CSS}
    local = {url for _, url in references(decks[path]) if not url.startswith("data:")}
    assert local, "a deck loads reveal.js and MathJax"
    assert local <= shipped, f"{path.name}: loads files that are not shipped: {sorted(local - shipped)}"
    assert f'src="{build_slides.MATHJAX_SCRIPT}"' in decks[path]
    assert "reveal.js/dist/reveal.js" in local and "reveal.js/dist/reveal.css" in local


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_deck_embeds_every_figure_it_shows(decks, path):
    nb = mark_slides.load(path)
    expected = sum("image/png" in out.get("data", {}) for cell in shown_code_cells(nb) for out in cell["outputs"])
    assert expected >= 1
    images = [url for where, url in references(decks[path]) if where == "<img src>"]
    assert len(images) == expected and all(url.startswith("data:image/png;base64,") for url in images)
    assert decks[path].count("<section") > 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_explorers_are_stills_with_a_note(decks, path):
    nb = mark_slides.load(path)
    explorers = sum(mark_slides.is_explorer(out) for cell in shown_code_cells(nb) for out in cell["outputs"])
    deck = decks[path]
    assert deck.count('class="course-slides-note"') == explorers
    assert f"open {path.name} and run the cell" in deck or explorers == 0
    assert "application/vnd.jupyter.widget" not in deck, "no widget view or state (their manager is on a CDN)"
    assert "Interactive explorer: run this cell" not in deck, "a slide has no cell to run"
    for cell in shown_code_cells(nb):
        for out in cell["outputs"]:
            if WIDGET_VIEW in out.get("data", {}) and not mark_slides.is_explorer(out):  # e.g. a progress bar
                assert html.escape("".join(out["data"]["text/plain"]), quote=False) not in deck


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_deck_gives_no_solution_away(decks, path):
    deck = decks[path]
    assert "<summary>Solution" not in deck
    text = "".join("".join(c["source"]) for c in mark_slides.load(path)["cells"] if c["cell_type"] == "markdown")
    solutions = SOLUTION_CODE.findall(text)
    assert solutions, "every notebook has solutions (this test must see them)"
    for code in solutions:
        last = [line.strip() for line in code.splitlines() if line.strip()][-1]
        assert html.escape(last, quote=False) not in deck, f"{path.name}: solution line {last!r} in the deck"


def test_the_shared_notebook_style_sheet_fetches_nothing_remote(tmp_path):
    build_slides.write_notebook_css(tmp_path, build_slides.exporter())
    sheet = (tmp_path / build_slides.NOTEBOOK_CSS).read_text(encoding="utf-8")
    assert "--jp-content-font-size1: 20px" in sheet and ".jp-OutputArea" in sheet
    assert not [url for url in css_urls(sheet) if is_remote(url)]


def test_shipped_styles_fetch_nothing_remote():
    """The copied style sheets (reveal.js, its theme and fonts) load nothing from the network."""
    if build_slides.missing_assets():
        pytest.skip("reveal.js is not installed in docs/slides/node_modules (make slides installs it); "
                    "the browser test checks the full decks")
    sheets = [build_slides.NODE_MODULES / source for source, _ in build_slides.ASSETS if source.endswith(".css")]
    sheets += list((build_slides.NODE_MODULES / "reveal.js/dist/theme/fonts/source-sans-pro").glob("*.css"))
    for sheet in sheets:
        remote = [url for url in css_urls(sheet.read_text(encoding="utf-8")) if is_remote(url)]
        assert not remote, f"{sheet.name}: {remote}"


# --------------------------------------------------------------------------------------------
# Bad input: the notebook, the cell and the fix named


def test_a_missing_notebook_is_named(tmp_path):
    with pytest.raises(build_slides.SlidesError, match="no such file: .*nope.ipynb"):
        build_slides.build([tmp_path / "nope.ipynb"], tmp_path, assets=False)


def test_an_unknown_slide_type_names_notebook_and_cell(tmp_path):
    nb = mark_slides.load(NOTEBOOKS[0])
    nb["cells"][3]["metadata"]["slideshow"]["slide_type"] = "sldie"
    path = tmp_path / "01-typo.ipynb"
    mark_slides.save(nb, path)
    with pytest.raises(build_slides.SlidesError, match=r"01-typo.ipynb: .*\(3, 'sldie'\)"):
        build_slides.build([path], tmp_path / "out", assets=False)
    assert mark_slides.main(["--check", str(path)]) == 1


def test_missing_assets_say_how_to_install_them(tmp_path):
    with pytest.raises(build_slides.SlidesError, match=r"npm ci"):
        build_slides.copy_assets(tmp_path / "out", node_modules=tmp_path)


def test_mark_script_names_a_missing_notebook(tmp_path, capsys):
    with pytest.raises(SystemExit):
        mark_slides.main([str(tmp_path / "nope.ipynb")])
    assert "nope.ipynb" in capsys.readouterr().err


def test_an_unmarked_notebook_still_builds_and_says_how_to_record(tmp_path):
    nb = mark_slides.load(NOTEBOOKS[0])
    for cell in nb["cells"]:
        cell["metadata"].pop("slideshow", None)
    path = tmp_path / "01-unmarked.ipynb"
    mark_slides.save(nb, path)
    said = []
    (deck,) = build_slides.build([path], tmp_path / "out", assets=False, log=said.append)
    assert deck.read_text(encoding="utf-8").count("<section") > 1
    assert len(said) == 1 and "python -m docs.slides.mark_slides" in said[0]
    assert mark_slides.load(path) == nb, "building never writes to a notebook"
