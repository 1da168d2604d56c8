"""Real-browser harness for the course's explorers: one JupyterLab server, one headless Chromium.

Shared by the browser tests (tests/browser) and the latency benchmark
(benchmarks/bench_explorer_latency.py).  It relies only on the explorers' DOM contract:

- an explorer's root carries the CSS class ``course-explorer``;
- its figure is an ``<img>`` with class ``course-explorer-figure`` (a text-only explorer has an
  element with class ``course-explorer-text`` instead);
- ``course-explorer-message`` holds a plain-words message when a setting is invalid, else nothing;
- a hidden label ``course-explorer-draws`` counts completed redraws ("0", "1", ...);
- the controls are standard ipywidgets (sliders, range sliders, dropdowns, toggle buttons, ...).

Every wait is bounded; every failure names the notebook, the explorer and the control.
"""
from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"
BUILD = REPO / "build" / "browser"

# Debian's Chromium, kept quiet and offline (Playwright must not download a browser).
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # No name resolution at all: only the literal 127.0.0.1 is reachable.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 16000  # Chromium's largest capture

# JupyterLab settings: nothing from the network, no autosave (the suite must never write a
# notebook), every cell kept in the DOM (no windowing), so every explorer can be found.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # As make install sets it for learners: a saved notebook keeps its widgets' state.
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
}
LAB_OFFLINE_FLAGS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
FORBIDDEN_TEXTS = ("Traceback", "Error displaying widget")


@dataclass
class Timeouts:
    """Upper bounds (seconds) for every wait: generous, never unbounded."""

    server_start: float = 60
    server_stop: float = 15
    page_load: float = 90
    kernel_idle: float = 90
    run_all: float = 300
    redraw: float = 30
    action: float = 10


TIMEOUTS = Timeouts()


class HarnessError(AssertionError):
    """A failure of the notebook or explorer under test, with a message that names it."""


# --------------------------------------------------------------------------------------------
# What is needed, and how to get it


def pinned_playwright():
    """The playwright version pinned in constraints.txt (None if it is not pinned there)."""
    match = re.search(r"^playwright==(\S+)", (REPO / "constraints.txt").read_text(), re.M)
    return match.group(1) if match else None


def chromium_path():
    return shutil.which("chromium")


def missing_requirements():
    """None when Chromium and Playwright for Python are both here; else what to install, and how."""
    missing = []
    if chromium_path() is None:
        missing.append("Debian's Chromium (no `chromium` on PATH): "
                       "apt-get update && apt-get install -y chromium   (or: bash .ci/install-chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append(f"Playwright for Python: {sys.executable} -m pip install "
                       f"playwright=={pinned_playwright() or '<pinned version>'} -c constraints.txt "
                       "(or: make install); never `playwright install`, it downloads a browser")
    if not missing:
        return None
    return "browser tests need " + "; and ".join(missing)


def course_notebooks():
    from tests.notebook_files import course_notebooks as listed  # the one rule for which files are notebooks

    return listed(NOTEBOOK_DIR)


def fixture_notebooks():
    return sorted(FIXTURE_DIR.glob("*.ipynb"))


# --------------------------------------------------------------------------------------------
# The JupyterLab server


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_python():
    """The repository's .venv Python if there is one, else the running interpreter."""
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def _children_by_parent():
    """{ppid: [pid, ...]} from /proc (Linux); empty elsewhere."""
    tree = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid):
    tree, found, todo = _children_by_parent(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is as good as gone
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class LabServer:
    """JupyterLab from the repository's .venv on 127.0.0.1, a free port and a random token,
    fully offline, serving ``root``; its log goes to ``log_path``.  Use as a context manager."""

    def __init__(self, root=REPO, log_path=BUILD / "server.log", python=None, timeouts=TIMEOUTS):
        self.root = Path(root)
        self.log_path = Path(log_path)
        self.python = python or venv_python()
        self.timeouts = timeouts
        self.port = None
        self.token = secrets.token_urlsafe(24)
        self.process = None
        self._tmp = None
        self._log = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path, **query):
        parts = [f"{key}={quote(str(value))}" for key, value in query.items()]
        return f"{self.base_url}/{path.lstrip('/')}?" + "&".join([*parts, f"token={self.token}"])

    def lab_url(self, notebook):
        """URL that opens ``notebook`` (a path) alone in a fresh workspace."""
        relative = Path(notebook).resolve().relative_to(self.root.resolve()).as_posix()
        return f"{self.base_url}/lab/tree/{quote(relative)}?reset&token={self.token}"

    def command(self):
        cmd = [
            self.python, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            *LAB_OFFLINE_FLAGS,
            f"--LabApp.app_settings_dir={self._tmp / 'app-settings'}",
            f"--LabApp.user_settings_dir={self._tmp / 'user-settings'}",
            f"--LabApp.workspaces_dir={self._tmp / 'workspaces'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def environment(self):
        env = dict(os.environ)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, "1")  # kernels inherit it: tiny matrices, 2 cores
        # Nothing from the user's Jupyter or IPython set-up (kernelspecs, config, startup files).
        for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
            env[name] = str(self._tmp / sub)
        env.pop("JUPYTER_PATH", None)
        return env

    def start(self):
        self._tmp = Path(tempfile.mkdtemp(prefix="course-browser-"))
        (self._tmp / "app-settings").mkdir()
        (self._tmp / "app-settings" / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=1))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.port = free_port()
        self._log.write("$ " + " ".join(self.command()).replace(self.token, "<token>") + "\n")
        self._log.flush()
        self.process = subprocess.Popen(self.command(), cwd=self.root, env=self.environment(),
                                        stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + self.timeouts.server_start
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode} while starting; "
                                   f"log {self.log_path}:\n{self.log_tail()}")
            if self.api("GET", "api/status", quiet=True) is not None:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {self.timeouts.server_start:.0f} s; "
                           f"log {self.log_path}:\n{self.log_tail()}")

    def api(self, method, path, quiet=False, timeout=10):
        """JSON answer of a REST call, or None (quiet) when the server does not answer."""
        request = urllib.request.Request(self.url(path), method=method,
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read()
        except (urllib.error.URLError, OSError):
            if quiet:
                return None
            raise
        return json.loads(body) if body else {}

    def kernel_ids(self):
        return [kernel["id"] for kernel in self.api("GET", "api/kernels", quiet=True) or []]

    def shutdown_kernels(self, kernel_ids=None):
        """End the given kernels (default: every kernel) and their sessions; frees memory."""
        kernel_ids = self.kernel_ids() if kernel_ids is None else kernel_ids
        for session in self.api("GET", "api/sessions", quiet=True) or []:
            if session.get("kernel", {}).get("id") in kernel_ids:
                self.api("DELETE", f"api/sessions/{session['id']}", quiet=True, timeout=30)
        for kernel_id in kernel_ids:
            if kernel_id in self.kernel_ids():
                self.api("DELETE", f"api/kernels/{kernel_id}", quiet=True, timeout=30)

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:]).replace(self.token, "<token>")

    def stop(self):
        """Stop the server and every process it started (kernels included); safe to call twice."""
        process, self.process = self.process, None
        if process is not None:
            children = descendants(process.pid)
            if process.poll() is None:
                self.api("POST", "api/shutdown", quiet=True, timeout=5)  # ends kernels cleanly
                try:
                    process.wait(timeout=self.timeouts.server_stop)
                except subprocess.TimeoutExpired:
                    pass
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if process.poll() is not None:
                    break
                try:
                    os.killpg(process.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            children += [pid for pid in descendants(process.pid) if pid not in children]
            for pid in children:
                if _alive(pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --------------------------------------------------------------------------------------------
# The browser


class Browser:
    """Debian's Chromium, headless, through Playwright; every request not to 127.0.0.1 (or to a
    local file: the slide decks) is aborted and recorded in ``blocked``.  Use as a context manager."""

    def __init__(self, executable=None, timeouts=TIMEOUTS):
        self.executable = executable or chromium_path()
        self.timeouts = timeouts
        self.blocked = []
        self.console_errors = []
        self._playwright = self.browser = self.context = None

    def start(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self.browser = self._playwright.chromium.launch(
                executable_path=self.executable, headless=True, args=LAUNCH_ARGS,
                timeout=self.timeouts.page_load * 1000)
            self.context = self.browser.new_context(viewport=VIEWPORT, service_workers="block")
            self.context.set_default_timeout(self.timeouts.action * 1000)
            self.context.route("**/*", self._route)
        except BaseException:
            self.stop()
            raise
        atexit.register(self.stop)
        return self

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        local_file = parts.scheme == "file" and not parts.hostname  # the slide decks
        if parts.scheme in ("data", "blob") or local_file or parts.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def version(self):
        return self.browser.version if self.browser is not None else None

    def new_page(self):
        page = self.context.new_page()
        page.on("websocket", self._check_websocket)
        return page

    def _check_websocket(self, websocket):
        if urlsplit(websocket.url).hostname != "127.0.0.1":
            self.blocked.append(websocket.url)

    def stop(self):
        for closer in (self.context, self.browser):
            if closer is not None:
                try:
                    closer.close()
                except Exception:  # noqa: BLE001 (already gone: nothing left to close)
                    pass
        self.context = self.browser = None
        if self._playwright is not None:
            try:
                self._playwright.stop()
            except Exception:  # noqa: BLE001
                pass
            self._playwright = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --------------------------------------------------------------------------------------------
# In-page helpers (JavaScript)

KERNEL_IDLE_JS = """() => (document.querySelector('#jp-main-statusbar')?.textContent || '').includes('| Idle')"""

# Run All is finished when no cell waits ([*]) and the kernel is idle, and either every code cell
# has an execution count or a cell's output shows an error (Run All stops there).
RUN_FINISHED_JS = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim());
  const idle = (document.querySelector('#jp-main-statusbar')?.textContent || '').includes('| Idle');
  if (!idle || prompts.some(p => p.includes('*'))) return false;
  if (prompts.every(p => /^\\[\\d+\\]:?$/.test(p))) return 'done';
  const failed = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .some(o => (o.textContent || '').includes('Traceback') || o.querySelector('.ansi-red-fg'));
  return failed ? 'error' : false;
}"""

CELLS_CLEARED_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
  .every(c => !c.querySelector('.jp-OutputArea-output'))"""

# Where a forbidden text shows, if anywhere on the page (text of <style>/<script> excluded).
FORBIDDEN_JS = """(needles) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('style, script')) continue;
    const text = node.textContent;
    const needle = needles.find(n => text.includes(n));
    if (!needle) continue;
    const cell = parent.closest('.jp-Cell');
    const where = cell ? `cell ${cells.indexOf(cell) + 1}` : (parent.closest('[id]')?.id || parent.tagName);
    const context = (parent.closest('.jp-OutputArea-output, .course-explorer') || parent).textContent;
    return {needle, where, context: context.trim().slice(0, 600)};
  }
  return null;
}"""

# Tag the explorers' controls (data-course-control) in document order and describe them.
DESCRIBE_CONTROLS_JS = r"""(root) => {
  const found = [];
  const words = text => (text || '').replace(/\s+/g, ' ').trim();
  const label = el => words(el.querySelector(':scope > .widget-label')?.textContent);
  const disabled = el => !!(el.querySelector('[disabled]') || el.hasAttribute('disabled'));
  const add = (el, kind, extra) => found.push({el, kind, label: label(el), disabled: disabled(el), ...extra});
  for (const el of root.querySelectorAll('.widget-slider')) {
    const handles = el.querySelectorAll('.noUi-handle').length;
    add(el, handles > 1 ? 'range slider' : 'slider', {handles});
  }
  for (const el of root.querySelectorAll('.widget-dropdown')) {
    add(el, 'dropdown', {options: [...el.querySelectorAll('option')].map(o => words(o.textContent))});
  }
  for (const el of root.querySelectorAll('.widget-toggle-buttons')) {
    add(el, 'toggle buttons', {options: [...el.querySelectorAll('button')].map(b => b.textContent.trim() || b.title)});
  }
  for (const el of root.querySelectorAll('.widget-radio')) {
    add(el, 'radio buttons', {options: [...el.querySelectorAll('input[type=radio]')].map(i => i.value)});
  }
  for (const el of root.querySelectorAll('.widget-checkbox')) add(el, 'checkbox', {});
  for (const el of root.querySelectorAll('button.widget-toggle-button')) {
    if (!el.closest('.widget-toggle-buttons')) add(el, 'toggle button', {label: el.textContent.trim()});
  }
  found.sort((a, b) => (a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1);
  found.forEach((c, i) => c.el.setAttribute('data-course-control', String(i + 1)));
  const claimed = e => e.closest('[data-course-control]');
  const unsupported = [...root.querySelectorAll(
      'input, select, textarea, button, [contenteditable="true"], [role="slider"]')]
    .filter(e => !claimed(e) && e.offsetParent !== null)
    .map(e => (e.closest('.jupyter-widgets') || e).className || e.tagName);
  return {controls: found.map(({el, ...rest}) => rest), unsupported: [...new Set(unsupported)]};
}"""

EXPLORER_STATE_JS = """(root) => {
  const draws = root.querySelector('.course-explorer-draws');
  const img = root.querySelector('img.course-explorer-figure, .course-explorer-figure img');
  const text = root.querySelector('.course-explorer-text');
  const message = root.querySelector('.course-explorer-message');
  return {
    draws: draws ? draws.textContent.trim() : null,
    figure: img ? {src: img.getAttribute('src') || '', complete: img.complete, width: img.naturalWidth} : null,
    text: text ? text.textContent.trim() : null,
    message: message ? message.textContent.trim() : null,
  };
}"""

# A slider handle's position, value and readout: any change of value changes one of them.
HANDLE_SIGNATURE_JS = """(handle) => {
  const origin = handle.closest('.noUi-origin');
  const readout = handle.closest('.widget-slider')?.querySelector('.widget-readout');
  return [origin?.style.transform, handle.getAttribute('aria-valuenow'), readout?.textContent].join(' | ');
}"""

# Before a change: the explorer's state, and the clock armed; the change's time is that of the
# first input event after arming (a key, a click, a select's change), in the page's own clock.
ARM_JS = """(root) => {
  if (!window.__courseListening) {
    window.__courseListening = true;
    const mark = () => {
      if (window.__courseArmed) { window.__courseArmed = false; window.__courseT0 = performance.now(); }
    };
    for (const type of ['keydown', 'pointerdown', 'mousedown', 'click', 'input', 'change']) {
      window.addEventListener(type, mark, true);
    }
  }
  window.__courseT0 = null;
  window.__courseT1 = null;
  window.__courseArmed = true;
  window.__courseArmedAt = performance.now();
  const draws = root.querySelector('.course-explorer-draws');
  const img = root.querySelector('img.course-explorer-figure, .course-explorer-figure img');
  // The moment the redraw is on screen, seen by the page itself (a DOM change or an image load),
  // so the driver's own round trip after the key press is not counted.
  const before = draws ? parseInt(draws.textContent.trim(), 10) : NaN;
  const seen = () => {
    if (window.__courseT1 !== null) return;
    const counter = root.querySelector('.course-explorer-draws');
    const figure = root.querySelector('img.course-explorer-figure, .course-explorer-figure img');
    const count = counter ? parseInt(counter.textContent.trim(), 10) : NaN;
    if (count > before && (!figure || (figure.complete && figure.naturalWidth > 0))) {
      window.__courseT1 = performance.now();
    }
  };
  if (window.__courseWatch) window.__courseWatch.stop();
  const observer = new MutationObserver(seen);
  observer.observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
  root.addEventListener('load', seen, true);  // an image's load does not bubble: catch it on the way down
  window.__courseWatch = {stop: () => { observer.disconnect(); root.removeEventListener('load', seen, true); }};
  return {draws: draws ? draws.textContent.trim() : null, figure: !!img};
}"""

# After a change: resolve once the draws counter passed `before` and the figure (if any) has
# loaded (t1: the latency's end), then once the kernel is idle again (nothing left in flight);
# with the explorer's state and any forbidden text on the page.  `handle` and `signature`: a
# slider's handle and its signature before the key press; unchanged means the key did nothing.
WAIT_REDRAW_JS = """(root, [before, timeoutMs, handle, signature, needles]) => new Promise(resolve => {
  const started = performance.now();
  const disarm = () => { window.__courseArmed = false; };
  if (handle && window.__courseSignature(handle) === signature) { disarm(); resolve({moved: false}); return; }
  let t1 = null;
  const finish = (ok, why) => {
    disarm();
    if (window.__courseWatch) { window.__courseWatch.stop(); window.__courseWatch = null; }
    const draws = root.querySelector('.course-explorer-draws');
    const img = root.querySelector('img.course-explorer-figure, .course-explorer-figure img');
    const message = root.querySelector('.course-explorer-message');
    resolve({moved: true, ok, why, t1, tEnd: performance.now(), t0: window.__courseT0 ?? window.__courseArmedAt,
             draws: draws ? draws.textContent.trim() : null,
             figure: img ? {src: img.getAttribute('src') || '', complete: img.complete, width: img.naturalWidth} : null,
             message: message ? message.textContent.trim() : null,
             forbidden: window.__courseForbidden(needles)});
  };
  const tick = () => {
    const now = performance.now();
    if (t1 === null) {
      const draws = root.querySelector('.course-explorer-draws');
      const img = root.querySelector('img.course-explorer-figure, .course-explorer-figure img');
      const count = draws ? parseInt(draws.textContent.trim(), 10) : NaN;
      if (count > before && (!img || (img.complete && img.naturalWidth > 0))) t1 = window.__courseT1 ?? now;
      else if (now - started > timeoutMs) return finish(false, count > before ? 'figure' : 'redraw');
    }
    if (t1 !== null) {
      const idle = (document.querySelector('#jp-main-statusbar')?.textContent || '').includes('| Idle');
      if (idle) return finish(true, null);
      if (now - t1 > timeoutMs) return finish(false, 'busy');
    }
    setTimeout(tick, 4);
  };
  tick();
})"""

FIGURE_READY_JS = """(root) => {
  const draws = root.querySelector('.course-explorer-draws');
  const img = root.querySelector('img.course-explorer-figure, .course-explorer-figure img');
  const text = root.querySelector('.course-explorer-text');
  if (!draws || !(img || text)) return false;
  return !img || (img.complete && img.naturalWidth > 0);
}"""


# --------------------------------------------------------------------------------------------
# A notebook in the browser


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "control"


@dataclass
class ControlRecord:
    """One control of an explorer and what changing it did."""

    index: int
    kind: str
    label: str
    changes: list = field(default_factory=list)  # {"action", "latency_s", "draws", "message"}
    note: str = ""

    @property
    def name(self):
        return f"control #{self.index} ({self.kind}{' ' + repr(self.label) if self.label else ''})"

    def as_json(self):
        latencies = [c["latency_s"] for c in self.changes if c["latency_s"] is not None]
        return {"index": self.index, "kind": self.kind, "label": self.label, "note": self.note,
                "latencies_s": latencies, "changes": self.changes}


class Lab:
    """JupyterLab in one browser page for the whole session; notebooks are opened one at a time
    (File > Open from Path), each closed without saving before the next.  The first notebook, and
    any after a close that did not go cleanly, is opened by loading a fresh (?reset) workspace."""

    def __init__(self, browser, server, timeouts=TIMEOUTS):
        self.browser = browser
        self.server = server
        self.timeouts = timeouts
        self.page = None
        self.page_errors = []
        self._shutdown = None
        self._closing_paths = set()

    def open(self, path, artifacts=BUILD):
        """The notebook at ``path``, freshly opened from disk (untrusted, not run), kernel idle."""
        return NotebookPage(self, path, artifacts).open()

    def _new_page(self, notebook):
        self.close()
        self.page = self.browser.new_page()
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)[:300]))
        self.page.add_init_script(f"window.__courseForbidden = {FORBIDDEN_JS};\n"
                                  f"window.__courseSignature = {HANDLE_SIGNATURE_JS};")
        self.page.goto(self.server.lab_url(notebook.path), timeout=self.timeouts.page_load * 1000)
        # Fold the file browser away: the notebook gets the whole width (and the screenshots).
        tab = self.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        tab.first.wait_for(timeout=self.timeouts.page_load * 1000)
        tab.first.click()

    def menu(self, menu, item):
        self.page.locator(f".lm-MenuBar-itemLabel:text-is('{menu}')").click()
        self.page.locator(f".lm-Menu-itemLabel:text-is('{item}')").click()

    def close_notebooks(self):
        """Close every tab without saving, then end every kernel; False if that did not go cleanly."""
        clean = False
        try:
            self.page.keyboard.press("Escape")
            self.menu("File", "Close All Tabs")
            deadline = time.monotonic() + self.timeouts.action
            while time.monotonic() < deadline:
                discard = self.page.locator(".jp-Dialog button", has_text="Discard")
                if discard.count():
                    discard.first.click()
                elif not self.page.locator(".jp-NotebookPanel").count():
                    clean = True
                    break
                self.page.wait_for_timeout(50)
        except Exception:  # noqa: BLE001 (anything unexpected: a fresh page is the way out)
            clean = False
        self._shutdown_kernels_in_background()
        return clean

    def _shutdown_kernels_in_background(self):
        """End the closed notebooks' kernels while the next one opens (a shutdown takes a while)."""
        self._wait_for_shutdown()
        sessions = self.server.api("GET", "api/sessions", quiet=True) or []
        self._closing_paths = {session.get("path") for session in sessions}
        self._shutdown = threading.Thread(target=self.server.shutdown_kernels, args=(self.server.kernel_ids(),),
                                          daemon=True)
        self._shutdown.start()

    def _wait_for_shutdown(self):
        if self._shutdown is not None:
            self._shutdown.join(timeout=self.timeouts.server_stop)
            self._shutdown = None
        self._closing_paths = set()

    def close(self):
        self._wait_for_shutdown()
        if self.page is not None:
            try:
                self.page.close()
            except Exception:  # noqa: BLE001 (browser already gone)
                pass
            self.page = None
            self.server.shutdown_kernels()


class NotebookPage:
    """One notebook, open in the session's JupyterLab page."""

    def __init__(self, lab, path, artifacts=BUILD):
        self.lab = lab
        self.page = lab.page
        self.server = lab.server
        self.timeouts = lab.timeouts
        self.path = Path(path)
        self.name = self.path.stem
        self.relative_path = self.path.resolve().relative_to(self.server.root.resolve()).as_posix()
        self.out_dir = Path(artifacts) / self.name
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.has_run = False
        self.run_seconds = None
        self._blocked_before = len(lab.browser.blocked)
        self._errors_before = len(lab.page_errors)

    def open(self):
        """Open (or open again) from disk: untrusted, not run; wait for its kernel to be idle."""
        lab = self.lab
        if lab.page is not None and lab.close_notebooks():
            if self.relative_path in lab._closing_paths:  # its old session must be gone first
                lab._wait_for_shutdown()
            lab.menu("File", "Open from Path…")
            dialog = lab.page.locator(".jp-Dialog")
            dialog.locator("input").fill(self.relative_path)
            dialog.locator("button", has_text="Open").click()
        else:
            try:
                lab._new_page(self)
            except Exception as error:
                raise HarnessError(f"{self.name}: JupyterLab did not load within {self.timeouts.page_load:.0f} s: "
                                   f"{str(error).splitlines()[0]}") from error
        self.page = lab.page
        self.has_run = False
        try:
            self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell",
                                        timeout=self.timeouts.page_load * 1000)
        except Exception as error:
            raise HarnessError(f"{self.name}: JupyterLab did not show the notebook within "
                               f"{self.timeouts.page_load:.0f} s: {error}") from error
        self.wait_idle("after opening it")
        return self

    def open_in_notebook7(self):
        """Open in Jupyter Notebook 7 (the same server, its own page), untrusted and not run; the
        page's cells are what check_static_figures reads.  Close it with close_page()."""
        self.page = self.lab.browser.new_page()
        self.page.add_init_script(f"window.__courseForbidden = {FORBIDDEN_JS};")
        self.page.goto(self.server.url(f"notebooks/{quote(self.relative_path)}"),
                       timeout=self.timeouts.page_load * 1000)
        try:
            self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=self.timeouts.page_load * 1000)
        except Exception as error:
            raise HarnessError(f"{self.name}: Notebook 7 did not show the notebook within "
                               f"{self.timeouts.page_load:.0f} s: {error}") from error
        return self

    def close_page(self):
        self.page.close()
        self.page = self.lab.page

    def wait_idle(self, when):
        try:
            self.page.wait_for_function(KERNEL_IDLE_JS, timeout=self.timeouts.kernel_idle * 1000)
        except Exception as error:
            status = self._status_bar()
            raise HarnessError(f"{self.name}: kernel not idle {when} within {self.timeouts.kernel_idle:.0f} s "
                               f"(status bar: {status!r})") from error

    def _status_bar(self):
        try:
            return self.page.locator("#jp-main-statusbar").text_content(timeout=2000)
        except Exception:  # noqa: BLE001
            return "?"

    def blocked_requests(self):
        return self.lab.browser.blocked[self._blocked_before:]

    @property
    def page_errors(self):
        return self.lab.page_errors[self._errors_before:]

    # -- the stored outputs, before running ----------------------------------------------------

    def explorer_cells(self):
        """[(cell number (1-based, all cells), stored output data)] for outputs that show an explorer.

        An explorer output is a widget view whose stored widget state carries the course-explorer
        class, or that stores an image/png beside it, or whose text repr is a VBox.
        """
        nb = json.loads(self.path.read_text(encoding="utf-8"))
        state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        found = []
        for number, cell in enumerate(nb["cells"], start=1):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW not in data:
                    continue
                model = state.get(data[WIDGET_VIEW].get("model_id"), {}).get("state", {})
                text = "".join(data.get("text/plain", ""))
                if ("course-explorer" in model.get("_dom_classes", []) or "image/png" in data
                        or text.startswith("VBox(")):
                    found.append((number, data))
        return found

    def check_static_figures(self):
        """Failures (list of str) if an explorer cell of the fresh, untrusted notebook does not show
        its stored static figure (an <img>), e.g. shows its text repr 'VBox(...)' instead."""
        failures = []
        cells = self.page.locator(".jp-Notebook .jp-Cell")
        for number, data in self.explorer_cells():
            where = f"{self.name} cell {number}"
            if "image/png" not in data and "text/html" not in data:
                failures.append(f"{where}: the stored explorer output has no static fallback (no image/png beside "
                                f"the widget view), so a fresh notebook shows only its text repr "
                                f"{''.join(data.get('text/plain', ''))[:60]!r}")
                continue
            output = cells.nth(number - 1).locator(".jp-OutputArea-output")
            try:
                output.first.wait_for(timeout=self.timeouts.action * 1000)
                if "image/png" in data:
                    img = output.locator("img").first
                    img.wait_for(timeout=self.timeouts.action * 1000)
                    self.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(),
                                                timeout=self.timeouts.action * 1000)
            except Exception as error:  # noqa: BLE001
                shown = output.first.text_content(timeout=2000) if output.count() else "(no output)"
                failures.append(f"{where}: no stored figure (<img>) shown in the fresh notebook; it shows "
                                f"{(shown or '').strip()[:80]!r} ({type(error).__name__})")
                continue
            shown = " ".join(output.all_text_contents())
            for bad in ("VBox(", "(children=", *FORBIDDEN_TEXTS):
                if bad in shown:
                    failures.append(f"{where}: the fresh notebook shows {bad!r} beside the static figure: "
                                    f"{shown.strip()[:80]!r}")
            try:
                cells.nth(number - 1).screenshot(path=str(self.out_dir / f"fresh-cell{number:02d}.png"),
                                                 timeout=self.timeouts.action * 1000)
            except Exception as error:  # noqa: BLE001
                failures.append(f"{where}: screenshot failed: {error}")
        return failures

    # -- running ---------------------------------------------------------------------------------

    def run_all(self):
        """Clear every output, Run All Cells, and wait until every cell ran (or one failed)."""
        self.page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})  # focus the notebook
        self.lab.menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function(CELLS_CLEARED_JS, timeout=self.timeouts.action * 1000)
        started = time.monotonic()
        self.lab.menu("Run", "Run All Cells")
        try:
            outcome = self.page.wait_for_function(RUN_FINISHED_JS, timeout=self.timeouts.run_all * 1000,
                                                  polling=100).json_value()
        except Exception as error:
            raise HarnessError(f"{self.name}: Run All Cells did not finish within {self.timeouts.run_all:.0f} s "
                               f"(status bar: {self._status_bar()!r})") from error
        self.run_seconds = time.monotonic() - started
        self.has_run = True
        if outcome == "error":
            where = self.forbidden_text()
            try:
                self.screenshot_notebook("notebook.jpg")
            except Exception:  # noqa: BLE001 (the failure below matters more)
                pass
            raise HarnessError(f"{self.name}: Run All Cells stopped at an error: "
                               f"{where or 'see ' + str(self.out_dir / 'notebook.jpg')}")

    def save(self):
        """File > Save Notebook; returns once the file on disk carries the widgets' state."""
        before = self.path.stat().st_mtime_ns
        self.lab.menu("File", "Save Notebook")
        deadline = time.monotonic() + self.timeouts.action
        while time.monotonic() < deadline:
            if self.path.stat().st_mtime_ns != before:
                try:
                    saved = json.loads(self.path.read_text(encoding="utf-8"))
                except ValueError:  # caught mid-write
                    saved = {}
                if saved.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state"):
                    return
            self.page.wait_for_timeout(100)
        raise HarnessError(f"{self.name}: File > Save Notebook did not write the widgets' state within "
                           f"{self.timeouts.action:.0f} s")

    def forbidden_text(self):
        """None, or where on the page 'Traceback' or 'Error displaying widget' shows."""
        hit = self.page.evaluate(FORBIDDEN_JS, list(FORBIDDEN_TEXTS))
        if hit is None:
            return None
        return f"{hit['needle']!r} in {hit['where']}: {hit['context'][:300]!r}"

    def screenshot_notebook(self, filename):
        """The whole notebook in one image: the viewport grown to the notebook's height for a moment."""
        height = self.page.evaluate("""() => {
          const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
          const inner = outer && outer.querySelector('.jp-WindowedPanel-viewport');
          if (!outer || !inner) return 0;
          outer.scrollTop = 0;
          return inner.getBoundingClientRect().height - outer.clientHeight + 40;
        }""")
        tall = min(VIEWPORT["height"] + max(int(height), 0), MAX_SCREENSHOT_HEIGHT)
        try:
            self.page.set_viewport_size({"width": VIEWPORT["width"], "height": tall})
            self.page.wait_for_timeout(100)  # let JupyterLab lay out the taller window
            self.page.screenshot(path=str(self.out_dir / filename), timeout=self.timeouts.action * 3000,
                                 **({"type": "jpeg", "quality": 70} if filename.endswith(".jpg") else {}))
        finally:
            self.page.set_viewport_size(VIEWPORT)

    # -- the explorers ---------------------------------------------------------------------------

    def explorers(self):
        return self.page.locator(".course-explorer")

    def wait_explorers_ready(self):
        """Wait until every explorer shows its figure (or text) and has its draws counter."""
        explorers = self.explorers()
        for i in range(explorers.count()):
            try:
                self.page.wait_for_function(FIGURE_READY_JS, arg=explorers.nth(i).element_handle(),
                                            timeout=self.timeouts.redraw * 1000)
            except Exception:  # noqa: BLE001 (reported per explorer by exercise_explorer)
                pass

    def check_explorers_present(self):
        """Failures if the page has fewer explorers after Run All than the stored notebook shows."""
        count = self.explorers().count()
        stored = self.explorer_cells()
        if count < len(stored):
            cells = ", ".join(str(number) for number, _ in stored)
            return [f"{self.name}: the stored notebook shows {len(stored)} explorer(s) (cell(s) {cells}) but the page "
                    f"has {count} .course-explorer after Run All (does each follow the DOM contract?)"]
        return []

    def exercise_explorer(self, number, steps=2, min_changes=0, screenshots=True):
        """Change every control of explorer ``number`` (1-based), each through whole cycles that
        return it to its starting value, until each has at least ``min_changes`` changes.

        Returns (list of ControlRecord, list of failure messages).
        """
        root = self.explorers().nth(number - 1)
        where = f"{self.name} explorer #{number}"
        failures = []
        root.scroll_into_view_if_needed(timeout=self.timeouts.action * 1000)
        try:
            self.page.wait_for_function(FIGURE_READY_JS, arg=root.element_handle(),
                                        timeout=self.timeouts.redraw * 1000)
        except Exception:  # noqa: BLE001
            state = root.evaluate(EXPLORER_STATE_JS)
            missing = [name for name, value in (("course-explorer-draws", state["draws"]),
                                                ("course-explorer-figure or course-explorer-text",
                                                 state["figure"] or state["text"])) if value is None]
            problem = f"missing {' and '.join(missing)}" if missing else f"figure never loaded: {state['figure']}"
            return [], [f"{where}: not ready within {self.timeouts.redraw:.0f} s ({problem})"]
        state = root.evaluate(EXPLORER_STATE_JS)
        if state["message"] is None:
            failures.append(f"{where}: no .course-explorer-message element")
        elif state["message"]:
            failures.append(f"{where}: shows a message before any change: {state['message'][:200]!r}")
        described = root.evaluate(DESCRIBE_CONTROLS_JS)
        if described["unsupported"]:
            failures.append(f"{where}: controls the harness cannot operate: {described['unsupported']}")
        if not described["controls"]:
            failures.append(f"{where}: no controls found")
        records = []
        for info in described["controls"]:
            record = ControlRecord(index=len(records) + 1, kind=info["kind"], label=info["label"])
            records.append(record)
            control = root.locator(f"[data-course-control='{record.index}']")
            label = f"{where} {record.name}"
            if info["disabled"]:
                record.note = "disabled: not changed"
                continue
            try:
                control.scroll_into_view_if_needed(timeout=self.timeouts.action * 1000)
                self._exercise_control(root, control, info, record, label, steps, min_changes, failures)
            except HarnessError as error:
                failures.append(str(error))
            except Exception as error:  # noqa: BLE001 (a Playwright timeout or a vanished element)
                failures.append(f"{label}: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
            if screenshots:
                try:
                    root.screenshot(path=str(self.out_dir / f"explorer{number}-control{record.index:02d}-"
                                                            f"{slug(record.kind + ' ' + record.label)}.png"),
                                    timeout=self.timeouts.action * 1000)
                except Exception as error:  # noqa: BLE001
                    failures.append(f"{label}: screenshot failed: {error}")
        return records, failures

    # Each control kind: one "cycle" of changes that ends where it started.

    def _exercise_control(self, root, control, info, record, label, steps, min_changes, failures):
        kind = info["kind"]
        if kind in ("slider", "range slider"):
            for handle in range(info.get("handles", 1)):
                self._cycles(lambda h=handle: self._slider_cycle(root, control, h, steps, record, label),
                             record, min_changes)
        elif kind in ("dropdown", "toggle buttons", "radio buttons"):
            if len(info["options"]) < 2:
                record.note = "a single option: nothing to change"
                return
            self._cycles(lambda: self._options_cycle(root, control, kind, info["options"], record, label),
                         record, min_changes)
        elif kind in ("checkbox", "toggle button"):
            target = control.locator("input[type=checkbox]") if kind == "checkbox" else control
            self._cycles(lambda: [self._change(root, record, label, f"click {n}", lambda: target.click() or True)
                                  for n in (1, 2)], record, min_changes)
        else:  # pragma: no cover (describe() names only the kinds above)
            raise HarnessError(f"{label}: unknown control kind")
        message = root.evaluate(EXPLORER_STATE_JS)["message"]
        if message:
            failures.append(f"{label}: the message stays after returning to the starting (valid) setting: "
                            f"{message[:200]!r}")

    def _cycles(self, cycle, record, min_changes):
        """Run ``cycle`` once, and again until it made at least ``min_changes`` changes."""
        start = len(record.changes)
        while True:
            before = len(record.changes)
            cycle()
            if len(record.changes) - start >= min_changes or len(record.changes) == before:
                return

    def _slider_cycle(self, root, control, handle, steps, record, label):
        """``steps`` key presses one way (the other at the end of the range), as many back; if the
        start was off the slider's step grid, type the start value back into the readout."""
        knob = control.locator(".noUi-handle").nth(handle)
        readout = control.locator(".widget-readout")
        which = ("lower handle", "upper handle")[handle] if control.locator(".noUi-handle").count() > 1 else "handle"
        start = knob.evaluate(HANDLE_SIGNATURE_JS)
        start_text = readout.text_content() if readout.count() else None

        def press(key):
            return lambda: knob.press(key)

        done = []
        for key in ("ArrowRight", "ArrowLeft"):
            for _ in range(max(steps, 1)):
                if not self._change(root, record, label, f"{which} {key}", press(key), knob):
                    break
                done.append(key)
            if done:
                break
        if not done:
            raise HarnessError(f"{label}: neither ArrowRight nor ArrowLeft on the focused {which} changed it "
                               f"({start})")
        back = "ArrowLeft" if done[0] == "ArrowRight" else "ArrowRight"
        for _ in done:
            if not self._change(root, record, label, f"{which} {back}", press(back), knob):
                raise HarnessError(f"{label}: {back} on the {which} did not move it back")
        if start_text is not None and readout.text_content() != start_text:
            # The start was off the step grid (e.g. 50257 with step 1000): type it back.
            def prepare():
                readout.click()
                self.page.keyboard.press("Control+A")
                self.page.keyboard.type(start_text)

            self._change(root, record, label, f"type {start_text!r} into the readout",
                         lambda: readout.press("Enter"), prepare=prepare)
        end = knob.evaluate(HANDLE_SIGNATURE_JS)
        if start_text is not None and readout.text_content() != start_text:
            raise HarnessError(f"{label}: the {which} did not return to its start ({start} -> {end})")

    def _options_cycle(self, root, control, kind, options, record, label):
        if kind == "dropdown":
            select = control.locator("select")
            current = select.evaluate("s => s.selectedIndex")

            def choose(i):
                return lambda: select.select_option(index=i)
        else:
            items = control.locator("button" if kind == "toggle buttons" else "input[type=radio]")
            current = items.evaluate_all(
                "els => els.findIndex(e => e.classList.contains('mod-active') || e.checked)")

            def choose(i):
                return lambda: items.nth(i).click()
        order = [i for i in range(len(options)) if i != current] + [current]
        for i in order:
            self._change(root, record, label, f"choose {options[i]!r}", choose(i))

    def _change(self, root, record, label, action, act, handle=None, prepare=None):
        """Prepare (untimed), arm the clock, act, wait for the redraw and check it.  With a slider
        ``handle``: False, and nothing recorded, when the action did not move it (end of its range)."""
        if prepare is not None:
            prepare()
        before = root.evaluate(ARM_JS)
        try:
            count = int(before["draws"])
        except (TypeError, ValueError) as error:
            raise HarnessError(f"{label}: draws counter unreadable: {before['draws']!r}") from error
        signature = handle.evaluate(HANDLE_SIGNATURE_JS) if handle is not None else None
        act()
        result = root.evaluate(WAIT_REDRAW_JS, [count, self.timeouts.redraw * 1000,
                                                handle.element_handle() if handle is not None else None,
                                                signature, list(FORBIDDEN_TEXTS)])
        if not result["moved"]:
            return False
        entry = {"action": action, "latency_s": None, "draws": result["draws"], "message": result["message"] or ""}
        record.changes.append(entry)
        problem = {"redraw": f"no redraw within {self.timeouts.redraw:.0f} s (draws counter stayed at "
                             f"{result['draws']!r}; message {result['message']!r})",
                   "figure": f"the figure did not load within {self.timeouts.redraw:.0f} s after the redraw "
                             f"({result['figure']})",
                   "busy": f"the kernel was still busy {self.timeouts.redraw:.0f} s after the redraw"}
        if not result["ok"]:
            raise HarnessError(f"{label}, {action}: {problem[result['why']]}")
        entry["latency_s"] = round((result["t1"] - result["t0"]) / 1000, 4)
        figure = result["figure"]
        if before["figure"] and figure is None:
            raise HarnessError(f"{label}, {action}: the figure disappeared")
        if figure is not None and not (figure["src"] and figure["complete"] and figure["width"] > 0):
            raise HarnessError(f"{label}, {action}: the figure is not a valid image after the redraw ({figure})")
        hit = result["forbidden"]
        if hit:
            raise HarnessError(f"{label}, {action}: {hit['needle']!r} in {hit['where']}: {hit['context'][:300]!r}")
        return True
