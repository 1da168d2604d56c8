"""Real-browser tests of the explorers: one JupyterLab server and one headless Chromium per session.

Run with `make test-browser` (plain `make test` leaves this folder out: see pyproject.toml).
Skipped as a whole, with the install commands, where Chromium or Playwright is missing (in CI,
with CI=true, that is an error instead).
Artifacts (screenshots, latency.json, server.log) go to build/browser/.
"""
import datetime
import hashlib
import json
import os
import platform
from importlib import metadata

import harness
import pytest

# The contract notebook is the suite's own fixture, opened in the browser, not an nbval test.
collect_ignore = ["fixtures"]

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

MISSING = harness.missing_requirements()


def pytest_report_header(config):
    if MISSING:
        return f"browser tests: SKIPPED, {MISSING}"
    return f"browser tests: {harness.chromium_path()}, playwright {metadata.version('playwright')}"


def pytest_collection_modifyitems(config, items):
    if MISSING and os.environ.get("CI") == "true":  # as make test-portable: in CI, missing is failing
        raise pytest.UsageError(f"{MISSING} (CI=true: the browser tests may not be skipped)")
    if MISSING:
        skip = pytest.mark.skip(reason=MISSING)
        for item in items:
            if harness.REPO / "tests" / "browser" in item.path.parents:
                item.add_marker(skip)


def _digests():
    paths = [*harness.course_notebooks(), *harness.fixture_notebooks()]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="session")
def lab_server():
    """JupyterLab on 127.0.0.1 serving the repository; stopped with its kernels, also on failure."""
    digests = _digests()
    with harness.LabServer() as server:
        yield server
    changed = [name for name, digest in _digests().items() if digests.get(name) != digest]
    assert not changed, f"notebooks changed on disk during the browser tests: {changed}"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; every request not to 127.0.0.1 is aborted and recorded."""
    with harness.Browser() as chromium:
        yield chromium
    assert not chromium.blocked, f"requests outside 127.0.0.1 were attempted (and blocked): {chromium.blocked}"


@pytest.fixture(scope="session")
def lab(lab_server, browser):
    """One JupyterLab page for the session; each notebook is opened in it in turn."""
    session = harness.Lab(browser, lab_server)
    yield session
    session.close()


@pytest.fixture(scope="session")
def latency_log(browser):
    """Per notebook, explorer and control: every change's latency; written to build/browser/latency.json."""
    log = {}
    yield log
    if not log:
        return
    path = harness.BUILD / "latency.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "what": "seconds from a control's change (key, click, select) to the redraw counter's increase "
                "with the figure loaded",
        "chromium": browser.version(),
        "playwright": metadata.version("playwright"),
        "jupyterlab": metadata.version("jupyterlab"),
        "ipywidgets": metadata.version("ipywidgets"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "notebooks": log,
    }, indent=1) + "\n", encoding="utf-8")
