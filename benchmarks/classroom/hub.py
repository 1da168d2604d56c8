"""A local JupyterHub for a simulated class, on 127.0.0.1 only, that cleans up after itself.

- jupyterhub from .venv-classroom (benchmarks/classroom/requirements.txt, pinned by
  constraints.txt and benchmarks/classroom/constraints.txt);
- configurable-http-proxy from benchmarks/classroom/node_modules (package-lock.json, `npm ci`);
- SimpleLocalProcessSpawner: every learner's single-user server runs as this user, in its own
  home under the run's temporary folder, with its own working copy of notebooks/;
- SharedPasswordAuthenticator: any learner name, one shared password.

Everything listens on 127.0.0.1 and nothing else: another address is refused before anything
starts, and after start-up every listening socket of the run is checked.  ``ClassroomHub`` is a
context manager; leaving it (normally, on an error, on Ctrl-C) ends every process of the run and
removes its temporary folder.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import requests

from . import processes

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV = REPO / ".venv-classroom"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
ALLOWED_IP = "127.0.0.1"
INSTALL_HINT = "make classroom-install (creates .venv-classroom and runs npm ci in benchmarks/classroom)"


class ClassroomError(RuntimeError):
    """The classroom run cannot go on; the message says why and what to do."""


def checked_ip(ip):
    """``ip`` if it is 127.0.0.1; anything else (0.0.0.0, a LAN address, 'localhost', ::1) is refused:
    a class simulated on this machine must never be reachable from another one."""
    if ip != ALLOWED_IP:
        raise ValueError(f"--ip must be {ALLOWED_IP} (the hub, the proxy, the learners' servers and kernels "
                         f"listen on this machine's loopback only), got {ip!r}")
    return ip


def missing_tools(venv=VENV, proxy=PROXY):
    """None if jupyterhub, jupyterhub-singleuser and configurable-http-proxy are installed, else a
    sentence naming what is missing and how to install it."""
    missing = [str(path) for path in (venv / "bin" / "jupyterhub", venv / "bin" / "jupyterhub-singleuser", proxy)
               if not path.exists()]
    if not missing:
        return None
    return f"not installed: {', '.join(missing)}; run {INSTALL_HINT}"


def free_port(ip):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


CONFIG = """\
# Written by benchmarks/classroom/hub.py for one simulated class; removed with its folder.
import shutil
from pathlib import Path

IP = {ip!r}
assert IP == "127.0.0.1", "the classroom hub listens on 127.0.0.1 only"
RUN = Path({run_dir!r})
NOTEBOOKS = Path({notebooks!r})

c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://" + IP + ":{port}/"
c.JupyterHub.hub_ip = IP
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///" + str(RUN / "hub.sqlite")
c.JupyterHub.cookie_secret_file = str(RUN / "cookie_secret")
c.JupyterHub.pid_file = str(RUN / "hub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.log_level = "INFO"

c.ConfigurableHTTPProxy.command = [{proxy!r}, "--log-level", "warn"]
c.ConfigurableHTTPProxy.api_url = "http://" + IP + ":{api_port}"
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.ConfigurableHTTPProxy.pid_file = str(RUN / "proxy.pid")

c.JupyterHub.authenticator_class = "jupyterhub.authenticators.shared.SharedPasswordAuthenticator"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.SharedPasswordAuthenticator.allow_all = True

c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(RUN / "homes" / "{{username}}")
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {server_args!r}
c.Spawner.ip = IP
c.Spawner.start_timeout = {start_timeout}
c.Spawner.http_timeout = {start_timeout}
c.Spawner.default_url = "/lab"
c.Spawner.environment = {environment!r}
# Kernels' connection files (and, over ipc, their sockets) in a short folder of the learner's own:
# a Unix socket's path must be shorter than 108 bytes.
c.Spawner.environment["JUPYTER_RUNTIME_DIR"] = lambda spawner: str(RUN / "rt" / spawner.user.name)


def give_notebooks(spawner):
    \"\"\"Each learner's own working copy of the course's notebooks, as nbgitpuller would give it.\"\"\"
    home = Path(spawner.home_dir)
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "notebooks").exists():
        shutil.copytree(NOTEBOOKS, home / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


c.Spawner.pre_spawn_hook = give_notebooks
"""

# JupyterLab in each single-user server, kept off the network as `make lab` keeps it.
SERVER_ARGS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]


# How a server talks to its kernels. "tcp" (Jupyter's default) picks free ports on 127.0.0.1 and
# hands them to the kernel, which binds them a moment later: with many kernels starting at once,
# another process can take a port in between and the kernel dies ("Address already in use").
# "ipc" uses Unix sockets in the learner's runtime folder: no ports, no race, nothing listening.
KERNEL_TRANSPORTS = ("ipc", "tcp")
LONGEST_LEARNER_NAME = 12  # learner01 ... learner9999


class ClassroomHub:
    """One JupyterHub (and its proxy) for one simulated class.  ``with ClassroomHub(...) as hub:``
    starts it and waits until it answers; leaving the block ends every process of the run
    (hub, proxy, single-user servers, kernels) and removes the temporary folder."""

    def __init__(self, ip=ALLOWED_IP, log_path=None, start_timeout_s=600, venv=VENV, proxy=PROXY,
                 notebooks=REPO / "notebooks", stop_grace_s=10.0, kernel_transport="ipc"):
        self.ip = checked_ip(ip)
        if kernel_transport not in KERNEL_TRANSPORTS:
            raise ValueError(f"kernel_transport must be one of {KERNEL_TRANSPORTS}, got {kernel_transport!r}")
        self.kernel_transport = kernel_transport
        self.stop_grace_s = stop_grace_s
        self.log_path = Path(log_path) if log_path else None
        self.start_timeout_s = start_timeout_s
        self.venv, self.proxy, self.notebooks = Path(venv), Path(proxy), Path(notebooks)
        self.run_id = uuid.uuid4().hex
        self.password = secrets.token_urlsafe(12)
        self.run_dir = None
        self.process = None
        self.port = None
        self.killed = []
        self._log = None
        self._stopped = False

    @property
    def url(self):
        return f"http://{self.ip}:{self.port}"

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def environment(self):
        """What each single-user server (and so each kernel) gets: the run's mark, one BLAS thread,
        the classroom venv first on PATH."""
        return {
            processes.MARK: self.run_id,
            "PATH": f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        }

    def check_socket_paths(self, longest_name=LONGEST_LEARNER_NAME):
        """Over ipc, a kernel's socket is RUN/rt/<learner>/kernel-<36-character id>-ipc-<n>: refuse a
        temporary folder too long for that (Unix sockets: at most 107 bytes)."""
        longest = len(str(self.run_dir / "rt" / ("x" * longest_name) / f"kernel-{uuid.uuid4()}-ipc-9"))
        if self.kernel_transport == "ipc" and longest > 107:
            raise ClassroomError(f"the temporary folder {self.run_dir} is too long for kernels' Unix sockets "
                                 f"({longest} > 107 bytes): set TMPDIR to a shorter folder, "
                                 "or use --kernel-transport tcp")

    def write_config(self):
        server_args = list(SERVER_ARGS) + [f"--KernelManager.transport={self.kernel_transport}"]
        server_args += ["--allow-root"] if os.geteuid() == 0 else []
        text = CONFIG.format(
            ip=self.ip, run_dir=str(self.run_dir), notebooks=str(self.notebooks), port=self.port,
            hub_port=free_port(self.ip), api_port=free_port(self.ip), proxy=str(self.proxy),
            proxy_token=secrets.token_hex(24), password=self.password,
            singleuser=str(self.venv / "bin" / "jupyterhub-singleuser"), server_args=server_args,
            start_timeout=int(self.start_timeout_s), environment=self.environment())
        path = self.run_dir / "jupyterhub_config.py"
        path.write_text(text)
        return path

    def start(self):
        problem = missing_tools(self.venv, self.proxy)
        if problem:
            raise ClassroomError(problem)
        self.run_dir = Path(tempfile.mkdtemp(prefix="classroom-"))
        self.port = free_port(self.ip)
        self.check_socket_paths()
        config = self.write_config()
        env = dict(os.environ, **{processes.MARK: self.run_id})
        env["PATH"] = f"{self.venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(self.venv / "bin" / "jupyterhub"), "-f", str(config)], cwd=self.run_dir, env=env,
            stdin=subprocess.DEVNULL, stdout=self._log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group: Ctrl-C here reaches us, we end it
        self.wait_until_up()
        self.check_loopback_only()

    def wait_until_up(self, timeout_s=120):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ClassroomError(f"jupyterhub exited with code {self.process.returncode} while starting"
                                     + (f"; see {self.log_path}" if self.log_path else ""))
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise ClassroomError(f"jupyterhub did not answer on {self.url} within {timeout_s} s")

    def check_loopback_only(self):
        """Raise ClassroomError if any process of the run listens on an address other than 127.0.0.1."""
        pids = [proc.pid for proc in processes.marked(self.run_id)]
        wrong = [(host, port, pid) for host, port, pid in processes.listening(pids) if host != ALLOWED_IP]
        if wrong:
            raise ClassroomError(f"processes of the run listen beyond {ALLOWED_IP}: {wrong}; stopping")
        return pids

    def stop(self):
        """End every process of the run and remove its folder.  Safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        if self.process is not None and self.process.poll() is None:
            # The hub stops the learners' servers and the proxy itself on SIGTERM (cleanup_servers).
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self.killed = processes.end_all(self.run_id, grace_s=self.stop_grace_s)
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if self._log:
            self._log.close()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
