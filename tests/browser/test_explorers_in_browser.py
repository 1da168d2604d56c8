"""Every notebook in a real browser: its stored figures show before running, and after Run All every
control of every explorer redraws it, without tracebacks, within bounded time.

The contract notebook under fixtures/ runs first: it checks the harness itself on explorers with
every kind of control.  Screenshots: build/browser/NAME/; latencies: build/browser/latency.json.
"""
import shutil

import harness
import pytest

# Each slider handle moves this many steps one way, then as many back, each step one change.
# The fixture checks the harness itself: one step each way is enough there.
SLIDER_STEPS = 2
FIXTURE_SLIDER_STEPS = 1

NOTEBOOKS = [*harness.fixture_notebooks(), *harness.course_notebooks()]


def _id(path):
    return f"fixture-{path.stem}" if path.parent == harness.FIXTURE_DIR else path.stem


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=_id)
def notebook(request, lab):
    """The notebook freshly opened (untrusted, not run); the next one closes it and its kernel."""
    return lab.open(request.param)


def test_fresh_notebook_shows_stored_figures(notebook):
    """Opened without running, each explorer cell shows its stored static figure, not 'VBox(...)'."""
    if notebook.has_run:  # run by an earlier test: start again from the file
        notebook.open()
    failures = notebook.check_static_figures()
    blocked = notebook.blocked_requests()
    if blocked:
        failures.append(f"{notebook.name}: requests outside 127.0.0.1 attempted (blocked): {blocked}")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


def test_every_control_redraws_its_explorer(notebook, latency_log):
    """Run All, then change every control of every explorer; each change must redraw, cleanly."""
    notebook.run_all()
    notebook.wait_explorers_ready()
    failures = notebook.check_explorers_present()
    bad = notebook.forbidden_text()
    if bad:
        failures.append(f"{notebook.name} after Run All: {bad}")
    explorers = []
    for number in range(1, notebook.explorers().count() + 1):
        steps = FIXTURE_SLIDER_STEPS if notebook.path.parent == harness.FIXTURE_DIR else SLIDER_STEPS
        records, problems = notebook.exercise_explorer(number, steps=steps)
        failures += problems
        explorers.append({"explorer": number, "controls": [r.as_json() for r in records]})
    notebook.screenshot_notebook("notebook.jpg")
    latency_log[notebook.name] = {"run_all_s": round(notebook.run_seconds, 2), "explorers": explorers}
    blocked = notebook.blocked_requests()
    if blocked:
        failures.append(f"{notebook.name}: requests outside 127.0.0.1 attempted (blocked): {blocked}")
    if failures and notebook.page_errors:
        failures.append(f"(errors in the page, for context: {notebook.page_errors[:3]})")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
    if not explorers:
        pytest.skip(f"{notebook.name} has no explorer")


def test_a_saved_notebook_reopens_with_its_figures(lab):
    """A learner runs notebook 01, saves it and opens it again: every explorer shows its last figure
    (JupyterLab saves the widgets' state with the notebook), never 'Error displaying widget'."""
    source = harness.course_notebooks()[0]
    copy = harness.BUILD / "saved" / source.name  # under the served root, outside the course
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, copy)
    notebook = lab.open(copy)
    notebook.run_all()
    notebook.wait_explorers_ready()
    ran = notebook.explorers().count()
    notebook.save()
    notebook.open()  # closes it (nothing to discard) and opens the saved file
    failures = []
    shown = notebook.explorers()
    try:  # the views are made again from the saved state once the widget manager has read it
        notebook.page.wait_for_function(f"() => document.querySelectorAll('.course-explorer').length >= {ran}",
                                        timeout=notebook.timeouts.redraw * 1000)
    except Exception:  # noqa: BLE001
        failures.append(f"{ran} explorer(s) after Run All but {shown.count()} after saving and reopening")
    for i in range(shown.count()):
        try:
            notebook.page.wait_for_function(harness.FIGURE_READY_JS, arg=shown.nth(i).element_handle(),
                                            timeout=notebook.timeouts.redraw * 1000)
        except Exception:  # noqa: BLE001
            failures.append(f"explorer #{i + 1}: no figure after reopening")
    bad = notebook.forbidden_text()
    if bad:
        failures.append(f"after reopening: {bad}")
    notebook.screenshot_notebook("reopened.jpg")
    if failures:
        pytest.fail(f"{notebook.name} saved and reopened: " + "; ".join(failures), pytrace=False)


def test_notebook7_shows_stored_figures_before_running(lab):
    """The same stored outputs in Jupyter Notebook 7: a fresh notebook shows each explorer's figure."""
    notebook = harness.NotebookPage(lab, harness.course_notebooks()[0]).open_in_notebook7()
    try:
        failures = notebook.check_static_figures()
        bad = notebook.forbidden_text()
    finally:
        notebook.close_page()
    if bad:
        failures.append(f"Notebook 7: {bad}")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
