"""One simulated learner: signs in to the hub, starts a server, opens notebooks and runs them.

What the learner does is what JupyterLab does for a person, through the same APIs:
log-in form (POST /hub/login) -> an API token (POST /hub/api/users/NAME/tokens) -> start the
server (POST /hub/api/users/NAME/server, then wait for it to be ready) -> for each notebook:
read it (GET .../api/contents/PATH), start its kernel (POST .../api/sessions), then Run All over
the kernel's websocket, one cell after the other, stopping at the first error as Run All does.
Every timing is counted from the moment the learner pressed "Sign in".
"""
from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from dataclasses import asdict, dataclass, field

import requests
import websocket

FIGURE = "image/png"


class LearnerError(RuntimeError):
    """A step of a learner failed; the message names the learner and the step."""


@dataclass
class NotebookRun:
    """What one learner saw running one notebook (seconds since the learner's sign-in)."""

    path: str
    kernel_id: str | None = None
    opened_s: float | None = None  # notebook read and its kernel ready
    first_figure_s: float | None = None  # first image/png output arrived
    finished_s: float | None = None  # last cell done
    run_s: float | None = None  # Run All, first cell sent to last cell done
    cells: int = 0
    figures: int = 0
    error: str | None = None


@dataclass
class LearnerResult:
    name: str
    started_at: float  # time.monotonic() at sign-in
    signed_in_s: float | None = None
    server_ready_s: float | None = None
    notebooks: list = field(default_factory=list)
    error: str | None = None

    def as_dict(self):
        return asdict(self)


def code_cells(notebook):
    """The source of every non-empty code cell of a notebook (nbformat 4 JSON as a dict), in order."""
    cells = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if source.strip():
                cells.append(source)
    return cells


class Learner:
    """A learner named ``name`` using the hub at ``hub_url`` with the class's shared ``password``."""

    def __init__(self, hub_url, name, password, server_timeout_s=600, cell_timeout_s=600):
        self.hub_url = hub_url.rstrip("/")
        self.name = name
        self.password = password
        self.server_timeout_s = server_timeout_s
        self.cell_timeout_s = cell_timeout_s
        self.http = requests.Session()
        self.token = None
        self.result = LearnerResult(name, time.monotonic())

    def since_start(self):
        return round(time.monotonic() - self.result.started_at, 3)

    def fail(self, step, detail):
        raise LearnerError(f"learner {self.name}: {step}: {detail}")

    # ---- the hub

    def sign_in(self):
        page = self.http.get(f"{self.hub_url}/hub/login", timeout=60)
        match = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        if page.status_code != 200 or not match:
            self.fail("sign in", f"no log-in form at /hub/login (HTTP {page.status_code})")
        reply = self.http.post(f"{self.hub_url}/hub/login", allow_redirects=False, timeout=60,
                               data={"username": self.name, "password": self.password, "_xsrf": match.group(1)})
        if reply.status_code != 302:
            self.fail("sign in", f"the hub refused the shared password (HTTP {reply.status_code})")
        # A token for the APIs, asked for with the signed-in cookie as JupyterLab's hub extension does.
        reply = self.http.post(f"{self.hub_url}/hub/api/users/{self.name}/tokens", timeout=60,
                               headers={"X-XSRFToken": self.http.cookies.get("_xsrf", path="/hub/")},
                               json={"note": "classroom measurement", "expires_in": 7200})
        if reply.status_code != 201:
            self.fail("API token", f"HTTP {reply.status_code}: {reply.text[:200]}")
        self.token = reply.json()["token"]
        self.http.headers["Authorization"] = f"token {self.token}"
        self.result.signed_in_s = self.since_start()

    def start_server(self):
        reply = self.http.post(f"{self.hub_url}/hub/api/users/{self.name}/server", timeout=120)
        if reply.status_code not in (201, 202):
            self.fail("start server", f"HTTP {reply.status_code}: {reply.text[:200]}")
        deadline = time.monotonic() + self.server_timeout_s
        while time.monotonic() < deadline:
            model = self.http.get(f"{self.hub_url}/hub/api/users/{self.name}", timeout=60).json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                self.result.server_ready_s = self.since_start()
                return
            if not server or (not server.get("pending") and not server.get("ready")):
                self.fail("start server", "the server stopped while starting (see the hub's log)")
            time.sleep(0.5)
        self.fail("start server", f"not ready within {self.server_timeout_s} s")

    # ---- the single-user server

    def server_api(self, path):
        return f"{self.hub_url}/user/{self.name}/api/{path}"

    def open_notebook(self, path):
        """Read the notebook and start its kernel; returns (code cells, kernel id, session id)."""
        reply = self.http.get(self.server_api(f"contents/{path}"), params={"content": 1}, timeout=120)
        if reply.status_code != 200:
            self.fail(f"open {path}", f"HTTP {reply.status_code}")
        cells = code_cells(reply.json()["content"])
        reply = self.http.post(self.server_api("sessions"), timeout=300, json={
            "path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook", "kernel": {"name": "python3"}})
        if reply.status_code != 201:
            self.fail(f"start the kernel of {path}", f"HTTP {reply.status_code}: {reply.text[:200]}")
        session = reply.json()
        return cells, session["kernel"]["id"], session["id"]

    def run_notebook(self, path):
        """Open ``path`` (relative to the learner's home) and Run All; returns a NotebookRun."""
        run = NotebookRun(path)
        self.result.notebooks.append(run)
        try:
            cells, kernel_id, _ = self.open_notebook(path)
            run.cells, run.kernel_id = len(cells), kernel_id
            url = self.server_api(f"kernels/{kernel_id}/channels").replace("http://", "ws://", 1)
            channel = websocket.create_connection(
                f"{url}?session_id={uuid.uuid4().hex}", timeout=self.cell_timeout_s,
                header=[f"Authorization: token {self.token}"])
            try:
                KernelChannel(channel, self.name).execute("pass", timeout_s=300)  # the kernel answers
                run.opened_s = self.since_start()
                started = time.monotonic()
                for index, source in enumerate(cells):
                    outcome = KernelChannel(channel, self.name).execute(source, timeout_s=self.cell_timeout_s)
                    run.figures += outcome["figures"]
                    if outcome["figures"] and run.first_figure_s is None:
                        run.first_figure_s = round(outcome["first_figure_at"] - self.result.started_at, 3)
                    if outcome["error"]:
                        run.error = f"code cell {index + 1}: {outcome['error']}"
                        break
                run.finished_s = self.since_start()
                run.run_s = round(time.monotonic() - started, 3)
            finally:
                channel.close()
        except (LearnerError, requests.RequestException, websocket.WebSocketException, OSError) as exc:
            run.error = run.error or f"{type(exc).__name__}: {exc}"
        return run

    def attend(self, notebooks):
        """Sign in, start the server, run each notebook in turn; never raises (failures are recorded)."""
        try:
            self.sign_in()
            self.start_server()
        except (LearnerError, requests.RequestException, ValueError, KeyError) as exc:
            self.result.error = str(exc)
            return self.result
        for path in notebooks:
            self.run_notebook(path)
        return self.result


class KernelChannel:
    """Execute one cell over a kernel's websocket (the JSON protocol JupyterLab speaks) and collect
    what comes back for it."""

    def __init__(self, socket, username):
        self.socket = socket
        self.username = username
        self.session = uuid.uuid4().hex

    def message(self, msg_type, content):
        return {
            "header": {"msg_id": uuid.uuid4().hex, "username": self.username, "session": self.session,
                       "msg_type": msg_type, "version": "5.3",
                       "date": datetime.datetime.now(datetime.UTC).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": [],
        }

    def execute(self, code, timeout_s):
        """Run ``code``; returns {"figures": count of image/png outputs, "first_figure_at": monotonic
        time of the first, "error": "Name: value" or None}.  Waits for the reply and for the
        kernel to go idle, at most ``timeout_s`` seconds."""
        request = self.message("execute_request", {"code": code, "silent": False, "store_history": True,
                                                   "user_expressions": {}, "allow_stdin": False,
                                                   "stop_on_error": True})
        msg_id = request["header"]["msg_id"]
        self.socket.send(json.dumps(request))
        outcome = {"figures": 0, "first_figure_at": None, "error": None}
        replied = idle = False
        deadline = time.monotonic() + timeout_s
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise LearnerError(f"learner {self.username}: a cell ran longer than {timeout_s} s")
            raw = self.socket.recv()
            if not isinstance(raw, str):
                continue  # binary frames: widget buffers, not needed here
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg.get("content", {})
            if kind in ("display_data", "execute_result", "update_display_data") and FIGURE in content.get("data", {}):
                outcome["figures"] += 1
                outcome["first_figure_at"] = outcome["first_figure_at"] or time.monotonic()
            elif kind == "error":
                outcome["error"] = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "execute_reply":
                replied = True
                if content.get("status") == "error" and not outcome["error"]:
                    outcome["error"] = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
        return outcome
