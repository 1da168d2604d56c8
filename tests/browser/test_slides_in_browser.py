"""The slide decks (make slides) in headless Chromium, opened as files with the network blocked.

Each deck must render as a classroom would see it from an unzipped folder: reveal.js ready with more
than one slide, every figure loaded, every equation typeset without a TeX error, each explorer a
still with its note, no console error, and every request a file inside the deck's folder.
`make test-browser` builds the decks first (make slides); a deck missing here, or older than its
notebook or the slide tooling, is built again.  Screenshots: build/browser/slides/.
"""
import harness
import pytest

from docs.slides import build_slides, mark_slides

DECKS = harness.REPO / "build" / "slides"
ARTIFACTS = harness.BUILD / "slides"
NOTEBOOKS = harness.course_notebooks()
TOOLING_SUFFIXES = (".py", ".j2", ".json")

# After reveal.js is ready: wait for MathJax's typesetting and every image's decoding, then report.
STATE_JS = """async () => {
  await window.MathJax.startup.promise;
  const images = [...document.querySelectorAll('.reveal .slides img')];
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const errors = [...document.querySelectorAll('[data-mjx-error], [data-mml-node="merror"]')];
  return {
    slides: Reveal.getTotalSlides(),
    horizontal: Reveal.getHorizontalSlides().length,
    images: images.length,
    broken: images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80)),
    equations: document.querySelectorAll('mjx-container').length,
    texErrors: errors.map(e => e.getAttribute('data-mjx-error') || e.textContent).slice(0, 5),
    notes: document.querySelectorAll('.course-slides-note').length,
  };
}"""

# Go to the first slide that shows a figure; its image's size on screen.
SHOW_FIGURE_JS = """async () => {
  const img = document.querySelector('.reveal .slides section img');
  const where = Reveal.getIndices(img.closest('section'));
  Reveal.configure({transition: 'none'});
  Reveal.slide(where.h, where.v);
  await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const box = img.getBoundingClientRect();
  return {where, width: box.width, height: box.height, current: Reveal.getCurrentSlide().contains(img)};
}"""


def deck_of(notebook):
    return DECKS / f"{notebook.stem}.slides.html"


def tooling_mtime():
    files = [p for p in (harness.REPO / "docs" / "slides").rglob("*")
             if p.suffix in TOOLING_SUFFIXES and "node_modules" not in p.parts]
    return max(p.stat().st_mtime for p in files)


@pytest.fixture(scope="module")
def decks():
    """build/slides/ with a current deck for every notebook (and the assets beside them)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    newest_tool = tooling_mtime()
    stale = [nb for nb in NOTEBOOKS
             if not deck_of(nb).exists() or deck_of(nb).stat().st_mtime < max(nb.stat().st_mtime, newest_tool)]
    assets_missing = any(not (DECKS / destination).exists() for _, destination in build_slides.ASSETS)
    if stale or assets_missing:
        build_slides.build(stale, DECKS)  # raises, saying how to install reveal.js, if it is missing
    return DECKS


def shown_cells(path):
    return [c for c in mark_slides.load(path)["cells"]
            if c["metadata"].get("slideshow", {}).get("slide_type", "-") != "skip"]


def test_index_links_every_deck(decks, browser):
    page = browser.new_page()
    try:
        page.goto((decks / "index.html").as_uri())
        links = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    finally:
        page.close()
    assert sorted(links) == sorted(deck_of(nb).name for nb in NOTEBOOKS)
    assert all((decks / link).is_file() for link in links)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_deck_renders_offline(decks, browser, notebook):
    deck = deck_of(notebook)
    requests, errors = [], []
    blocked_before = len(browser.blocked)
    page = browser.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(f"console {message.type}: {message.text[:300]}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"page error: {str(error)[:300]}"))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url[:150]} ({request.failure})"))
    try:
        page.goto(deck.as_uri(), timeout=harness.TIMEOUTS.page_load * 1000)
        page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.MathJax && MathJax.startup",
                               timeout=harness.TIMEOUTS.page_load * 1000)
        state = page.evaluate(STATE_JS)
        page.screenshot(path=str(ARTIFACTS / f"{notebook.stem}-title.png"))
        figure = page.evaluate(SHOW_FIGURE_JS)
        page.screenshot(path=str(ARTIFACTS / f"{notebook.stem}-figure.png"))
    finally:
        page.close()

    cells = shown_cells(notebook)
    outputs = [out for c in cells if c["cell_type"] == "code" for out in c["outputs"]]
    figures = sum("image/png" in out.get("data", {}) for out in outputs)
    explorers = sum(mark_slides.is_explorer(out) for out in outputs)
    has_math = any("$" in mark_slides.source(c) for c in cells if c["cell_type"] == "markdown")
    problems = []
    if state["slides"] < 2 or state["horizontal"] < 2:
        problems.append(f"reveal.js shows {state['slides']} slides ({state['horizontal']} across)")
    if state["images"] != figures or state["broken"]:
        problems.append(f"{state['images']} images for {figures} stored figures; not loaded: {state['broken']}")
    if has_math and state["equations"] == 0:
        problems.append("no equation typeset (MathJax did not run?)")
    if state["texErrors"]:
        problems.append(f"TeX errors: {state['texErrors']}")
    if state["notes"] != explorers:
        problems.append(f"{state['notes']} explorer notes for {explorers} explorers")
    if not (figure["current"] and figure["width"] > 100 and figure["height"] > 50):
        problems.append(f"the first figure does not show on its slide: {figure}")
    outside = [url for url in requests if not (url.startswith(decks.as_uri() + "/") or url.startswith("data:"))]
    if outside:
        problems.append(f"requests outside the deck's folder: {outside}")
    if len(browser.blocked) > blocked_before:
        problems.append(f"network requests (blocked): {browser.blocked[blocked_before:]}")
    problems += errors
    if problems:
        pytest.fail(f"{deck.name}:\n  " + "\n  ".join(problems), pytrace=False)
