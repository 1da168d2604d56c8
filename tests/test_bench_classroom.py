"""The classroom measurement (benchmarks/bench_classroom.py): it binds 127.0.0.1 only, checks its
arguments, and ends every process it started and removes its folder, also when a step fails or it
is interrupted.  These tests use a stand-in hub (a small HTTP server that leaves a stubborn child
behind, as a stuck single-user server would) and need neither jupyterhub nor npm.

The run with a real hub and one learner is slower and needs `make classroom-install`: it runs in
`make test-classroom` (COURSE_CLASSROOM_TEST=1), not in `make test`.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from scripts import load_script

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "bench_classroom.py"
bench = load_script(SCRIPT, "bench_classroom")
from classroom import hub as hub_module  # noqa: E402 (benchmarks/classroom, on sys.path through the script)
from classroom import learner as learner_module  # noqa: E402
from classroom import processes  # noqa: E402

# A stand-in for jupyterhub: serves 200 on every GET at the bind_url's port (on FAKE_HUB_HOST, or
# 127.0.0.1), after starting a "single-user server" in its own session that ignores SIGTERM.
FAKE_HUB = textwrap.dedent("""\
    import http.server, os, re, subprocess, sys, time
    config = open(sys.argv[2]).read()
    port = int(re.search(r':(\\d+)/"', config).group(1))
    subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                      "time.sleep(600)", sys.argv[0]], start_new_session=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/hub/login"):
                time.sleep(float(os.environ.get("FAKE_LOGIN_DELAY", "0")))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    http.server.HTTPServer((os.environ.get("FAKE_HUB_HOST", "127.0.0.1"), port), Handler).serve_forever()
""")


@pytest.fixture
def fake_tools(tmp_path):
    """(venv, proxy) paths of a stand-in jupyterhub install."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    hub = bin_dir / "jupyterhub"
    hub.write_text(f"#!{sys.executable}\n{FAKE_HUB}")
    hub.chmod(0o755)
    (bin_dir / "jupyterhub-singleuser").write_text("")
    proxy = tmp_path / "configurable-http-proxy"
    proxy.write_text("")
    return tmp_path / "venv", proxy


def run_folders():
    return {p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("classroom-*") if p.is_dir()}


def left_behind(marker_text):
    """Live processes carrying a CLASSROOM_RUN mark whose command line contains ``marker_text``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if processes.MARK.encode() + b"=" in environ and marker_text in command and not processes._is_zombie(
                int(entry.name)):
            found.append((int(entry.name), command))
    return found


# ---- 127.0.0.1 and nothing else


@pytest.mark.parametrize("ip", ["0.0.0.0", "192.168.1.20", "10.0.0.1", "localhost", "::1", "127.0.0.2", "",
                                " 127.0.0.1"])
def test_any_address_but_127_0_0_1_is_refused(ip):
    with pytest.raises(ValueError, match=r"--ip must be 127\.0\.0\.1") as info:
        hub_module.checked_ip(ip)
    assert repr(ip) in str(info.value)
    with pytest.raises(ValueError, match="--ip"):
        hub_module.ClassroomHub(ip=ip)
    assert hub_module.checked_ip("127.0.0.1") == "127.0.0.1"


def test_the_command_line_refuses_another_address_before_starting_anything(capsys):
    before = run_folders()
    with pytest.raises(SystemExit) as info:
        bench.main(["2", "--ip", "0.0.0.0"], hub_factory=pytest.fail)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--ip must be 127.0.0.1" in err and "'0.0.0.0'" in err
    assert run_folders() == before


def test_every_address_the_hub_config_names_is_the_checked_one(tmp_path, fake_tools):
    hub = hub_module.ClassroomHub(venv=fake_tools[0], proxy=fake_tools[1])
    hub.run_dir, hub.port = tmp_path, 8000
    config = hub.write_config().read_text()
    assert 'IP = \'127.0.0.1\'\nassert IP == "127.0.0.1"' in config
    for setting in ("bind_url", "hub_ip", "api_url", "Spawner.ip"):
        line = next(line for line in config.splitlines() if setting in line)
        assert "IP" in line and "0.0.0.0" not in line, line


def test_listening_sockets_are_read_with_their_address():
    with socket.socket() as loopback, socket.socket() as other:
        loopback.bind(("127.0.0.1", 0))
        loopback.listen()
        other.bind(("127.0.0.2", 0))
        other.listen()
        found = processes.listening([os.getpid()])
        assert ("127.0.0.1", loopback.getsockname()[1], os.getpid()) in found
        assert ("127.0.0.2", other.getsockname()[1], os.getpid()) in found


def test_a_run_listening_beyond_127_0_0_1_is_stopped_and_cleaned(fake_tools, monkeypatch):
    monkeypatch.setenv("FAKE_HUB_HOST", "127.0.0.2")  # loopback range, but not the one allowed
    hub = hub_module.ClassroomHub(venv=fake_tools[0], proxy=fake_tools[1], stop_grace_s=1)
    hub.wait_until_up = lambda: time.sleep(1.5)  # the stand-in answers on 127.0.0.2, not on hub.url
    with pytest.raises(hub_module.ClassroomError, match=r"listen beyond 127\.0\.0\.1: \[\('127\.0\.0\.2'"):
        hub.__enter__()
    assert processes.marked(hub.run_id) == [] and not hub.run_dir.exists()


# ---- arguments


@pytest.mark.parametrize("argv, named", [
    (["0"], "learners (N) must be a positive integer, got 0"),
    (["-3"], "learners (N) must be a positive integer"),
    (["ten"], "learners (N) must be a positive integer, got 'ten'"),
    (["2.5"], "learners (N) must be a positive integer, got '2.5'"),
    ([], "learners"),
    (["3", "--stagger", "-1"], "--stagger must be a finite number >= 0, got '-1'"),
    (["3", "--stagger", "nan"], "--stagger must be a finite number >= 0"),
    (["3", "--timeout", "0"], "--timeout must be a positive integer, got 0"),
    (["3", "--max-load", "x"], "--max-load must be a number >= 0, got 'x'"),
    (["3", "--start", "whenever"], "--start: invalid choice: 'whenever'"),
    (["3", "--notebooks", "notebooks/99-none.ipynb"], "--notebooks: each must be a notebook under notebooks/"),
    (["3", "--notebooks", "README.md"], "--notebooks: each must be a notebook under notebooks/"),
    (["3", "--notebooks", str(REPO / "notebooks" / "01-power-laws.ipynb")], "relative to the repository"),
])
def test_bad_arguments_are_refused_naming_the_argument(argv, named, capsys):
    with pytest.raises(SystemExit) as info:
        bench.parse_args(argv)
    assert info.value.code == 2
    assert named in capsys.readouterr().err


def test_good_arguments_are_taken():
    args = bench.parse_args(["30", "--start", "staggered", "--stagger", "2", "--notebooks",
                             "notebooks/01-power-laws.ipynb"])
    assert (args.learners, args.start, args.stagger, args.notebooks) == (30, "staggered", 2.0,
                                                                         ["notebooks/01-power-laws.ipynb"])
    assert args.output == bench.BUILD / "class-30.json" and args.ip == "127.0.0.1"


# ---- cleanup


def test_a_failing_step_ends_every_process_and_removes_the_folder(fake_tools):
    before = run_folders()
    with pytest.raises(RuntimeError, match="a step failed"):
        with hub_module.ClassroomHub(venv=fake_tools[0], proxy=fake_tools[1], stop_grace_s=1) as hub:
            assert requests_ok(hub.url)
            deadline = time.monotonic() + 10
            while len(processes.marked(hub.run_id)) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            started = processes.marked(hub.run_id)
            assert len(started) == 2  # the hub and its stubborn "server", in another session
            raise RuntimeError("a step failed")
    assert processes.marked(hub.run_id) == []
    assert hub.killed, "the child ignoring SIGTERM had to be killed"
    assert not hub.run_dir.exists() and run_folders() == before


def requests_ok(url):
    import requests

    return requests.get(f"{url}/hub/api/", timeout=5).status_code == 200


def test_missing_tools_are_named_with_the_command_that_installs_them(tmp_path):
    problem = hub_module.missing_tools(tmp_path / "venv", tmp_path / "proxy")
    assert str(tmp_path / "venv" / "bin" / "jupyterhub") in problem and str(tmp_path / "proxy") in problem
    assert "make classroom-install" in problem
    with pytest.raises(hub_module.ClassroomError, match="make classroom-install"):
        hub_module.ClassroomHub(venv=tmp_path / "venv", proxy=tmp_path / "proxy").start()


def test_learners_failing_against_a_broken_hub_are_recorded_and_everything_ends(fake_tools, tmp_path, capsys):
    before = run_folders()

    def factory(**kwargs):
        return hub_module.ClassroomHub(venv=fake_tools[0], proxy=fake_tools[1], stop_grace_s=1, **kwargs)

    output = tmp_path / "class.json"
    result = bench.main(["2", "--output", str(output)], hub_factory=factory, say=lambda *a: None)
    assert len(result["summary"]["failures"]) == 2
    assert all("no log-in form" in failure for failure in result["summary"]["failures"])
    assert json.loads(output.read_text())["summary"]["learners"] == 2
    assert left_behind(str(fake_tools[0])) == [] and run_folders() == before


DRIVER = textwrap.dedent("""\
    import sys
    sys.path.insert(0, {tests!r})
    from scripts import load_script
    from pathlib import Path
    bench = load_script(Path({script!r}), "bench_classroom")
    from classroom import hub as hub_module

    def factory(**kwargs):
        return hub_module.ClassroomHub(venv=Path({venv!r}), proxy=Path({proxy!r}), stop_grace_s=1, **kwargs)

    bench.main(["1", "--output", {output!r}], hub_factory=factory, say=lambda *a: print(*a, flush=True))
""")


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, None), (signal.SIGTERM, 128 + signal.SIGTERM)])
def test_an_interrupted_run_ends_every_process_and_removes_the_folder(fake_tools, tmp_path, sig, code):
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(tests=str(REPO / "tests"), script=str(SCRIPT), venv=str(fake_tools[0]),
                                    proxy=str(fake_tools[1]), output=str(tmp_path / "class.json")))
    env = dict(os.environ, FAKE_LOGIN_DELAY="60")  # the learner waits at the log-in page
    child = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env, start_new_session=True)
    try:
        first = child.stdout.readline()
        assert first.startswith("hub up at"), first + child.stderr.read()
        run_folder = Path(first.split("(run folder ")[1].split(")")[0])
        assert run_folder.exists() and len(left_behind(str(fake_tools[0]))) == 2
        time.sleep(0.5)
        child.send_signal(sig)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    if code is not None:
        assert child.returncode == code
    else:
        assert child.returncode != 0 and "KeyboardInterrupt" in child.stderr.read()
    assert left_behind(str(fake_tools[0])) == []
    assert not run_folder.exists() and not (tmp_path / "class.json").exists()


# ---- what is measured


def test_percentiles_and_spreads():
    assert bench.percentile(range(1, 11), 0.9) == 9 and bench.percentile([5.0], 0.9) == 5.0
    assert bench.percentile([], 0.5) is None
    assert bench.spread([3, None, 1, 2]) == {"median": 2, "p90": 3, "max": 3, "count": 3}
    assert bench.spread([None])["count"] == 0


def test_a_learner_runs_every_non_empty_code_cell_in_order():
    notebook = json.loads((REPO / "notebooks" / "01-power-laws.ipynb").read_text())
    cells = learner_module.code_cells(notebook)
    sources = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    expected = [source for source in sources if source.strip()]
    assert cells == expected and cells[0].startswith("# Setup:")
    assert learner_module.code_cells({"cells": [{"cell_type": "code", "source": "  \n"},
                                                {"cell_type": "markdown", "source": "x = 1"}]}) == []


def test_the_load_gate_waits_then_gives_up_with_a_note(monkeypatch):
    loads = iter([5.0, 4.0, 1.0])
    monkeypatch.setattr(bench.os, "getloadavg", lambda: (next(loads), 0, 0))
    said = []
    gate = bench.wait_for_quiet_machine(2.5, 60, poll_s=0.01, say=said.append)
    assert gate["met"] and gate["load_at_start"] == 1.0 and len(said) == 2
    monkeypatch.setattr(bench.os, "getloadavg", lambda: (9.0, 0, 0))
    gate = bench.wait_for_quiet_machine(2.5, 0.05, poll_s=0.01, say=said.append)
    assert gate["met"] is False and gate["load_at_start"] == 9.0


# ---- one real learner on a real hub (make test-classroom)


@pytest.mark.skipif(not os.environ.get("COURSE_CLASSROOM_TEST"), reason="starts a real hub: make test-classroom")
def test_one_learner_on_a_real_hub(tmp_path):
    problem = hub_module.missing_tools()
    assert problem is None, problem
    before = run_folders()
    output = tmp_path / "class-1.json"
    result = bench.main(["1", "--notebooks", "notebooks/01-power-laws.ipynb", "--output", str(output),
                         "--timeout", "300"], say=lambda *a: None)
    learner = result["learners"][0]
    assert result["summary"]["failures"] == []
    run = learner["notebooks"][0]
    assert run["cells"] > 10 and run["figures"] >= 5
    assert 0 < learner["signed_in_s"] < learner["server_ready_s"] < run["opened_s"] < run["first_figure_s"] \
        < run["finished_s"]
    peak = result["summary"]["peak_rss_mib"]["max"]
    assert 100 < peak < 4096, peak  # a server and a kernel: hundreds of MiB, not nothing, not gigabytes
    assert result["summary"]["cpu_s"]["max"] > 1
    assert run_folders() == before and result["killed_at_stop"] == []


def test_the_processes_of_a_run_are_told_apart():
    assert processes.Proc(1, "ann", "/v/bin/python3 -m ipykernel_launcher -f k.json").role == "kernel"
    assert processes.Proc(1, "ann", "/v/bin/python3 /v/bin/jupyterhub-singleuser --allow-root").role == "server"
    assert processes.Proc(1, "ann", "/usr/bin/node /v/jupyter_builder/yarn.js config --json").role == "helper"
    assert processes.Proc(1, "", "node /c/node_modules/.bin/configurable-http-proxy --ip 127.0.0.1").role == "proxy"
    assert processes.Proc(1, "", "/v/bin/python3 /v/bin/jupyterhub -f c.py").role == "hub"


def test_kernel_transport_is_checked_and_reaches_the_servers(tmp_path, fake_tools, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(["3", "--kernel-transport", "udp"])
    assert "--kernel-transport: invalid choice: 'udp'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="kernel_transport must be one of"):
        hub_module.ClassroomHub(kernel_transport="udp")
    for transport in hub_module.KERNEL_TRANSPORTS:
        hub = hub_module.ClassroomHub(venv=fake_tools[0], proxy=fake_tools[1], kernel_transport=transport)
        hub.run_dir, hub.port = tmp_path, 8000
        assert f"'--KernelManager.transport={transport}'" in hub.write_config().read_text()


def test_a_temporary_folder_too_long_for_unix_sockets_is_refused(tmp_path, fake_tools):
    hub = hub_module.ClassroomHub(venv=fake_tools[0], proxy=fake_tools[1])
    hub.run_dir = Path("/tmp/classroom-abcdefgh")
    hub.check_socket_paths()  # the usual length passes
    hub.run_dir = tmp_path / ("x" * 40)
    with pytest.raises(hub_module.ClassroomError, match="set TMPDIR to a shorter folder"):
        hub.check_socket_paths()
    hub.kernel_transport = "tcp"
    hub.check_socket_paths()  # no sockets on disk over tcp
