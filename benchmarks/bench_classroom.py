"""A class on one server, measured: N simulated learners on a local JupyterHub.

Starts a JupyterHub on 127.0.0.1 (benchmarks/classroom/hub.py), signs in N learners with the
class's shared password, and has each start a server and Run All on notebooks 01 and 09 through
the hub's REST and kernel-websocket APIs (benchmarks/classroom/learner.py), all at once or
staggered.  Records, per learner: memory (RSS and PSS of the single-user server and its kernels,
peak and at the end), CPU seconds, time to first figure, time to run each notebook, failures.
Prints a summary, saves everything to build/classroom/class-N.json (and the hub's log beside it).
Every process it started is ended and its temporary folder removed, also on an error or Ctrl-C.

    make classroom N=10
    .venv-classroom/bin/python benchmarks/bench_classroom.py 30 --start together --max-load 2.5

Needs `make classroom-install` (.venv-classroom with jupyterhub; configurable-http-proxy via npm ci).
"""
from __future__ import annotations

import argparse
import atexit
import datetime
import json
import math
import os
import platform
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from classroom import hub as hub_module  # noqa: E402 (benchmarks/classroom)
from classroom import learner as learner_module  # noqa: E402
from classroom import processes  # noqa: E402

REPO = HERE.parent
BUILD = REPO / "build" / "classroom"
DEFAULT_NOTEBOOKS = ("notebooks/01-power-laws.ipynb", "notebooks/09-lab-measure-your-own-scaling-law.ipynb")
STARTS = ("together", "staggered")


# --------------------------------------------------------------------------------------------
# Arguments


def positive_int(name):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a positive integer, got {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{name} must be a positive integer, got {value}")
        return value
    return parse


def non_negative_float(name):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number >= 0, got {text!r}") from None
        if not math.isfinite(value) or value < 0:
            raise argparse.ArgumentTypeError(f"{name} must be a finite number >= 0, got {text!r}")
        return value
    return parse


def notebook_path(text):
    path = Path(text)
    if path.suffix != ".ipynb" or not (REPO / path).is_file() or path.is_absolute() or path.parts[0] != "notebooks":
        raise argparse.ArgumentTypeError(f"--notebooks: each must be a notebook under notebooks/ given relative to "
                                         f"the repository (e.g. {DEFAULT_NOTEBOOKS[0]}), got {text!r}")
    return path.as_posix()


def loopback_ip(text):
    try:
        return hub_module.checked_ip(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("learners", type=positive_int("learners (N)"), help="how many simulated learners")
    parser.add_argument("--start", choices=STARTS, default="together",
                        help="together: every learner signs in at once (a class starting on the teacher's word, "
                             "the worst case); staggered: one every --stagger seconds")
    parser.add_argument("--stagger", type=non_negative_float("--stagger"), default=5.0,
                        help="seconds between two learners' sign-ins with --start staggered (default 5)")
    parser.add_argument("--notebooks", nargs="+", type=notebook_path, default=list(DEFAULT_NOTEBOOKS),
                        help="notebooks each learner runs, in order (default: 01 and 09)")
    parser.add_argument("--ip", type=loopback_ip, default=hub_module.ALLOWED_IP,
                        help="address everything listens on; only 127.0.0.1 is accepted")
    parser.add_argument("--kernel-transport", choices=hub_module.KERNEL_TRANSPORTS, default="ipc",
                        help="how servers reach their kernels: ipc (Unix sockets, the default) or tcp (Jupyter's "
                             "default, ports on 127.0.0.1; races for ports when a class starts together)")
    parser.add_argument("--timeout", type=positive_int("--timeout"), default=3600,
                        help="seconds after which the whole run is stopped (default 3600)")
    parser.add_argument("--max-load", type=non_negative_float("--max-load"), default=None,
                        help="wait until the 1-minute load average is below this before starting")
    parser.add_argument("--load-wait", type=non_negative_float("--load-wait"), default=2400,
                        help="longest wait for --max-load, seconds (default 2400); then it starts anyway, noted")
    parser.add_argument("--output", type=Path, default=None,
                        help="JSON file for every measurement (default build/classroom/class-N.json)")
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = BUILD / f"class-{args.learners}.json"
    return args


# --------------------------------------------------------------------------------------------
# Measuring while the class runs


def wait_for_quiet_machine(max_load, longest_wait_s, poll_s=15, say=print):
    """Wait until os.getloadavg()[0] < max_load, at most longest_wait_s.  Returns
    {"waited_s", "load_at_start", "met"}."""
    started = time.monotonic()
    while True:
        load = os.getloadavg()[0]
        waited = time.monotonic() - started
        if load < max_load or waited >= longest_wait_s:
            return {"waited_s": round(waited), "load_at_start": load, "met": load < max_load}
        say(f"load average {load:.2f} >= {max_load}: waiting ({waited:.0f} s of at most {longest_wait_s:.0f} s)")
        time.sleep(min(poll_s, max(0.1, longest_wait_s - waited)))


class Sampler(threading.Thread):
    """Every ``interval_s``: memory (RSS, PSS) and CPU of each marked process, grouped by learner
    (hub and proxy apart), the machine's used memory and its 1-minute load average."""

    def __init__(self, run_id, interval_s=1.0):
        super().__init__(daemon=True)
        self.run_id, self.interval_s = run_id, interval_s
        self.stop_event = threading.Event()
        self.peak = {}  # group -> {"rss_kib", "pss_kib"}
        self.peak_by_process = {}  # pid -> {"user", "role", "command", "rss_kib", "pss_kib"}
        self.last = {}  # group -> {"rss_kib", "pss_kib", "cpu_s", "kernels"}
        self.loads = []
        self.machine_used_kib = []

    def sample(self):
        groups = {}
        for proc in processes.marked(self.run_id):
            group = proc.user or proc.role
            rss, pss = processes.memory_kib(proc.pid)
            cpu = processes.cpu_seconds(proc.pid)
            own = self.peak_by_process.setdefault(proc.pid, {"user": proc.user, "role": proc.role,
                                                             "command": proc.command, "rss_kib": 0, "pss_kib": 0})
            own["rss_kib"], own["pss_kib"] = max(own["rss_kib"], rss), max(own["pss_kib"], pss)
            own["cpu_s"] = max(own.get("cpu_s", 0.0), cpu)
            entry = groups.setdefault(group, {"rss_kib": 0, "pss_kib": 0, "cpu_s": 0.0, "kernels": 0})
            entry["rss_kib"] += rss
            entry["pss_kib"] += pss
            entry["cpu_s"] += cpu
            entry["kernels"] += proc.role == "kernel"
        for group, entry in groups.items():
            peak = self.peak.setdefault(group, {"rss_kib": 0, "pss_kib": 0})
            peak["rss_kib"] = max(peak["rss_kib"], entry["rss_kib"])
            peak["pss_kib"] = max(peak["pss_kib"], entry["pss_kib"])
        self.last.update(groups)
        self.loads.append(os.getloadavg()[0])
        self.machine_used_kib.append(processes.machine_memory_used_kib())

    def run(self):
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval_s)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=30)


# --------------------------------------------------------------------------------------------
# Summaries


def percentile(values, fraction):
    """Nearest-rank percentile of ``values`` (fraction in (0, 1]); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def spread(values):
    """{"median", "p90", "max", "count"} of the values (None entries left out)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "p90": None, "max": None, "count": 0}
    return {"median": statistics.median(values), "p90": percentile(values, 0.9), "max": max(values),
            "count": len(values)}


def kernel_peak(sampler, kernel_id):
    """The sampler's peak record of the kernel process started for ``kernel_id`` (its command line
    names its connection file, kernel-<id>.json), or None if it was never seen."""
    for record in sampler.peak_by_process.values():
        if record["role"] == "kernel" and f"kernel-{kernel_id}.json" in record["command"]:
            return record
    return None


def summarise(learners, sampler, notebooks):
    """The class's figures from the learners' results (dicts) and the sampler."""
    names = [r["name"] for r in learners]
    mib = 1024
    summary = {
        "learners": len(learners),
        "failures": [r["error"] for r in learners if r["error"]]
        + [f"{r['name']} {nb['path']}: {nb['error']}" for r in learners for nb in r["notebooks"] if nb["error"]],
        "peak_rss_mib": spread([sampler.peak.get(n, {}).get("rss_kib", 0) / mib for n in names]),
        "peak_pss_mib": spread([sampler.peak.get(n, {}).get("pss_kib", 0) / mib for n in names]),
        "end_rss_mib": spread([sampler.last.get(n, {}).get("rss_kib", 0) / mib for n in names]),
        "end_pss_mib": spread([sampler.last.get(n, {}).get("pss_kib", 0) / mib for n in names]),
        "cpu_s": spread([sampler.last.get(n, {}).get("cpu_s", 0.0) for n in names]),
        "server_ready_s": spread([r["server_ready_s"] for r in learners]),
        "server_peak_pss_mib": spread([p["pss_kib"] / mib for p in sampler.peak_by_process.values()
                                       if p["role"] == "server"]),
        "hub_and_proxy_peak_rss_mib": sum(sampler.peak.get(g, {}).get("rss_kib", 0) for g in ("hub", "proxy")) / mib,
        "notebooks": {},
    }
    for path in notebooks:
        runs = [nb for r in learners for nb in r["notebooks"] if nb["path"] == path]
        kernels = [kernel_peak(sampler, nb["kernel_id"]) for nb in runs if nb["kernel_id"]]
        summary["notebooks"][path] = {
            "kernel_peak_rss_mib": spread([k["rss_kib"] / mib for k in kernels if k]),
            "kernel_peak_pss_mib": spread([k["pss_kib"] / mib for k in kernels if k]),
            "kernel_cpu_s": spread([k["cpu_s"] for k in kernels if k]),
            "first_figure_s": spread([nb["first_figure_s"] for nb in runs]),
            "first_figure_after_open_s": spread([nb["first_figure_s"] - nb["opened_s"] for nb in runs
                                                 if nb["first_figure_s"] is not None and nb["opened_s"] is not None]),
            "run_s": spread([nb["run_s"] for nb in runs if not nb["error"]]),
            "finished_s": spread([nb["finished_s"] for nb in runs if not nb["error"]]),
            "completed": sum(1 for nb in runs if nb["finished_s"] is not None and not nb["error"]),
        }
    return summary


def fmt(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def report(result):
    """The summary as plain text lines."""
    s = result["summary"]
    lines = [f"{s['learners']} learners, start {result['start']}, kernels over {result['kernel_transport']}, "
             f"wall time {result['wall_s']:.0f} s, "
             f"load average at start {result['load']['at_start']:.2f}, during: mean {fmt(result['load']['mean'], 2)} "
             f"max {fmt(result['load']['max'], 2)}, after {result['load']['after']:.2f}",
             f"failures: {len(s['failures'])}" + "".join(f"\n  {f}" for f in s["failures"][:20])]
    for key, label in (("peak_rss_mib", "peak RSS per learner, MiB"), ("peak_pss_mib", "peak PSS per learner, MiB"),
                       ("end_pss_mib", "PSS at the end per learner, MiB"), ("cpu_s", "CPU seconds per learner"),
                       ("server_peak_pss_mib", "single-user server peak PSS, MiB"),
                       ("server_ready_s", "sign-in to server ready, s")):
        v = s[key]
        lines.append(f"{label:36} median {fmt(v['median'])}  p90 {fmt(v['p90'])}  max {fmt(v['max'])}")
    lines.append(f"CPU: the class used {result['class_cpu_s']:.0f} s, the whole machine was busy "
                 f"{result['machine_busy_cpu_s']:.0f} s, of {result['machine']['cores'] * result['wall_s']:.0f} "
                 f"core-seconds in the wall time")
    memory = result["machine_memory_mib"]
    lines.append(f"hub + proxy peak RSS: {s['hub_and_proxy_peak_rss_mib']:.0f} MiB; machine memory in use: "
                 f"{memory['before']:.0f} MiB before, peak {memory['peak']:.0f} MiB")
    for path, nb in s["notebooks"].items():
        ff, after_open, run = nb["first_figure_s"], nb["first_figure_after_open_s"], nb["run_s"]
        kernel = nb["kernel_peak_pss_mib"]
        lines.append(f"{Path(path).name}: its kernel's peak PSS median {fmt(kernel['median'])} "
                     f"max {fmt(kernel['max'])} MiB (RSS max {fmt(nb['kernel_peak_rss_mib']['max'])}); its CPU "
                     f"seconds median {fmt(nb['kernel_cpu_s']['median'])} max {fmt(nb['kernel_cpu_s']['max'])}")
        lines.append(f"{Path(path).name}: completed {nb['completed']}/{s['learners']}; first figure (s since sign-in) "
                     f"median {fmt(ff['median'])} p90 {fmt(ff['p90'])} max {fmt(ff['max'])}; since its kernel "
                     f"answered: median {fmt(after_open['median'])} max {fmt(after_open['max'])}; Run All median "
                     f"{fmt(run['median'])} p90 {fmt(run['p90'])} max {fmt(run['max'])} s")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The run


def run_class(args, hub, say=print):
    """Sign in args.learners learners on ``hub`` (started), let them work, return their results."""
    sampler = Sampler(hub.run_id)
    sampler.start()
    memory_before = processes.machine_memory_used_kib()
    busy_before, started = processes.machine_busy_seconds(), time.monotonic()
    learners = [learner_module.Learner(hub.url, f"learner{i + 1:02d}", hub.password)
                for i in range(args.learners)]
    threads = []
    for i, learner in enumerate(learners):
        if args.start == "staggered" and i:
            time.sleep(args.stagger)
        learner.result.started_at = time.monotonic()
        thread = threading.Thread(target=learner.attend, args=(args.notebooks,), daemon=True)
        thread.start()
        threads.append(thread)
    deadline = started + args.timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    timed_out = [learner.name for learner, thread in zip(learners, threads) if thread.is_alive()]
    if timed_out:
        say(f"--timeout {args.timeout} s reached; still working: {', '.join(timed_out)}")
    sampler.sample()  # the last state, every kernel still up
    sampler.stop()
    wall_s = time.monotonic() - started
    ours_cpu_s = sum(entry["cpu_s"] for entry in sampler.last.values())
    results = [learner.result.as_dict() for learner in learners]
    for result in results:
        if result["name"] in timed_out and not result["error"]:
            result["error"] = f"learner {result['name']}: not finished within --timeout {args.timeout} s"
    return {
        "learners": results,
        "summary": summarise(results, sampler, args.notebooks),
        "wall_s": wall_s,
        "machine_busy_cpu_s": processes.machine_busy_seconds() - busy_before,
        "class_cpu_s": ours_cpu_s,
        "machine_memory_mib": {"before": memory_before / 1024, "peak": max(sampler.machine_used_kib) / 1024},
        "load_samples": sampler.loads,
        "processes": list(sampler.peak_by_process.values()),
    }


def main(argv=None, hub_factory=hub_module.ClassroomHub, say=print):
    args = parse_args(argv)
    problem = hub_module.missing_tools() if hub_factory is hub_module.ClassroomHub else None
    if problem:
        raise SystemExit(f"bench_classroom: {problem}")
    gate = {"waited_s": 0, "load_at_start": os.getloadavg()[0], "met": None}
    if args.max_load is not None:
        gate = wait_for_quiet_machine(args.max_load, args.load_wait, say=say)
        if not gate["met"]:
            say(f"load average still {gate['load_at_start']:.2f} after {gate['waited_s']} s: starting anyway (noted)")
    BUILD.mkdir(parents=True, exist_ok=True)
    hub = hub_factory(ip=args.ip, log_path=args.output.with_suffix(".hub.log"), kernel_transport=args.kernel_transport)
    atexit.register(hub.stop)
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        with hub:
            say(f"hub up at {hub.url} (run folder {hub.run_dir}); {args.learners} learners, start {args.start}")
            result = run_class(args, hub, say=say)
    finally:
        signal.signal(signal.SIGTERM, previous)
    loads = result["load_samples"]
    result.update({
        "start": args.start, "kernel_transport": args.kernel_transport,
        "stagger_s": args.stagger if args.start == "staggered" else None,
        "notebooks": args.notebooks, "killed_at_stop": hub.killed,
        "load": {"at_start": gate["load_at_start"], "waited_s": gate["waited_s"], "gate_met": gate["met"],
                 "max_load": args.max_load, "mean": statistics.fmean(loads) if loads else None,
                 "max": max(loads, default=None), "after": os.getloadavg()[0]},
        "machine": {"cores": os.cpu_count(),
                    "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * processes.PAGE / 2**30, 1),
                    "python": platform.python_version(),
                    "when": datetime.datetime.now().isoformat(timespec="seconds")},
    })
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    say(report(result))
    say(f"saved {args.output}")
    return result


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through `with hub:`, which ends every process


if __name__ == "__main__":
    main()
