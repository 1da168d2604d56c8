"""Run every notebook under nbval again under other CPU code paths and other Pythons.

The stored outputs of the notebooks must hold on any learner's machine. `make test` checks them
with this machine's native code paths on the default Python; this script re-runs the notebooks
(only the notebooks: the unit tests do not store outputs) under each other setting:

  cpu-no-avx512   numpy's SIMD dispatch without AVX-512, OpenBLAS's Haswell kernels
  cpu-no-avx2     numpy without AVX2 or AVX-512, OpenBLAS's Sandybridge kernels (AVX only)
  python3.12 ...  every tested Python but the default one, native code paths, each in its own
                  venv (.venv-3.12, ...) with the same constraints and a non-editable install
                  of the helpers package (so a plain `pip install .` is exercised too)

Each setting is checked before it is trusted: numpy.show_runtime() is printed and read back,
and a setting that did not take effect fails. A setting this machine cannot run (a Python that
is not installed, a CPU without AVX-512, a BLAS that is not OpenBLAS) is reported with the
reason; that fails the run only in CI (CI=true), where every setting is expected.

Usage: python .ci/portability.py [--only NAME ...] [--jobs N] [--list]
Standard library only, so any Python 3.11+ can run it; `make test-portable` is the usual way.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "build" / "portability"
MAIN_VENV = ROOT / ".venv"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# What these venvs leave out of requirements.txt: the editable install (helpers is installed
# regular instead) and what nbval does not need (the Jupyter front ends, the linter, the browser
# driver); everything they install is pinned by the same constraints.txt.
NOT_FOR_NBVAL = {"-e .", "jupyterlab", "notebook", "ruff", "playwright"}
BUILD_LOCK = threading.Lock()  # `pip install .` builds in the source tree: one at a time

# What the child prints about itself: numpy's own report, then the same facts as JSON.
PROBE = r"""
import contextlib, io, json, sys
import numpy
report = io.StringIO()
with contextlib.redirect_stdout(report):
    numpy.show_runtime()
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
blas = []
try:
    import threadpoolctl
    blas = [{"api": i.get("internal_api"), "core": i.get("architecture")}
            for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
except ImportError:
    pass
print(report.getvalue())
print("PROBE " + json.dumps({
    "python": "%d.%d.%d" % sys.version_info[:3],
    "numpy": numpy.__version__,
    "dispatched": list(__cpu_dispatch__),
    "running": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
    "blas": blas,
}))
"""


class Unavailable(Exception):
    """This machine cannot run a setting; the message says why."""


@dataclass
class Setting:
    name: str
    summary: str
    python: str = None            # "3.12": a Python of its own; None: the main venv
    drop: tuple = ()              # substrings of numpy's dispatch targets to switch off
    coretype: str = None          # OPENBLAS_CORETYPE to ask for
    env: dict = field(default_factory=dict)


def tested_pythons():
    """The Python versions pyproject.toml's classifiers name, e.g. ['3.11', '3.12', '3.13']."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    prefix = "Programming Language :: Python :: "
    versions = [c[len(prefix):] for c in project.get("classifiers", [])
                if c.startswith(prefix) and re.fullmatch(r"3\.\d+", c[len(prefix):])]
    if not versions:
        sys.exit("pyproject.toml names no tested Python in its classifiers "
                 "('Programming Language :: Python :: 3.NN')")
    return versions


def all_settings():
    default = "{}.{}".format(*sys.version_info[:2])
    settings = [
        Setting("cpu-no-avx512", "numpy without AVX-512, OpenBLAS Haswell kernels",
                drop=("AVX512", "X86_V4"), coretype="Haswell"),
        Setting("cpu-no-avx2", "numpy without AVX2 or AVX-512, OpenBLAS Sandybridge kernels",
                drop=("AVX512", "X86_V4", "AVX2", "FMA3", "X86_V3"), coretype="Sandybridge"),
    ]
    for version in tested_pythons():
        if version != default:
            settings.append(Setting(f"python{version}", f"Python {version}, native code paths",
                                    python=version))
    return settings


def run(command, *, env=None, log=None, cwd=ROOT):
    """Run a command; its output goes to the log file (or is returned). Returns (code, text)."""
    result = subprocess.run(command, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    if log is not None:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"$ {' '.join(map(str, command))}\n{result.stdout}\n")
    return result.returncode, result.stdout


def version_of(executable):
    try:
        code, text = run([executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
    except OSError:
        return None
    return text.strip() if code == 0 else None


def find_python(version):
    """An interpreter for ``version`` ("3.12"): on PATH, else in pyenv's versions folder."""
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    installed = sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}"),
                       key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.parent.name)])
    candidates += [str(p) for p in reversed(installed)]
    for candidate in candidates:
        if candidate and version_of(candidate) == version:
            return candidate
    raise Unavailable(f"Python {version} is not installed (looked for python{version} on PATH and "
                      f"in {pyenv_root}/versions); install it, e.g. `pyenv install {version}`, to "
                      "check it")


def install_fingerprint(python):
    text = "".join((ROOT / name).read_text(encoding="utf-8")
                   for name in ("requirements.txt", "constraints.txt", "pyproject.toml"))
    return hashlib.sha256((text + python).encode()).hexdigest()


def prepare_venv(version, log):
    """.venv-X.Y with the pinned packages and a fresh non-editable install of helpers."""
    python = find_python(version)
    venv = ROOT / f".venv-{version}"
    stamp = venv / ".installed"
    bin_python = venv / "bin" / "python"
    fingerprint = install_fingerprint(python)
    if not (stamp.exists() and stamp.read_text() == fingerprint and bin_python.exists()):
        shutil.rmtree(venv, ignore_errors=True)
        pip = [str(bin_python), "-m", "pip", "--disable-pip-version-check", "--quiet"]
        requirements = LOG_DIR / f"requirements-{version}.txt"
        requirements.write_text("".join(line + "\n" for line in
                                        (ROOT / "requirements.txt").read_text().splitlines()
                                        if line.strip() not in NOT_FOR_NBVAL))
        for command in ([python, "-m", "venv", str(venv)],
                        pip + ["install", "-r", str(requirements), "-c", "constraints.txt"]):
            code, _ = run(command, log=log)
            if code:
                raise RuntimeError(f"could not build {venv.name}: `{' '.join(command)}` failed "
                                   f"(see {log.relative_to(ROOT)})")
        stamp.write_text(fingerprint)
    # The helpers package itself is reinstalled every time, as a learner's `pip install .` would.
    command = [str(bin_python), "-m", "pip", "--disable-pip-version-check", "--quiet", "install",
               "--no-deps", "--force-reinstall", "-c", "constraints.txt", "."]
    with BUILD_LOCK:
        code, _ = run(command, log=log)
        for leftover in list(ROOT.glob("build/lib*")) + list(ROOT.glob("build/bdist.*")):
            shutil.rmtree(leftover, ignore_errors=True)
    if code:
        raise RuntimeError(f"`pip install .` failed in {venv.name} (see {log.relative_to(ROOT)})")
    return bin_python


def probe(python, env, log):
    code, text = run([str(python), "-c", PROBE], env=env, log=log)
    lines = [line for line in text.splitlines() if line.startswith("PROBE ")]
    if code or not lines:
        raise RuntimeError(f"numpy could not start under this setting:\n{text.strip()[-2000:]}")
    return json.loads(lines[-1][len("PROBE "):])


def base_environment():
    env = dict(os.environ)
    for name in THREAD_VARIABLES:
        env.setdefault(name, "1")
    env.pop("NPY_DISABLE_CPU_FEATURES", None)
    return env


def configure(setting, python, log):
    """The environment for a setting, checked to have taken effect. Returns (env, description)."""
    env = base_environment()
    native = probe(python, env, log)
    details = [f"Python {native['python']}, numpy {native['numpy']}"]
    if setting.drop:
        if platform.machine().lower() not in ("x86_64", "amd64"):
            raise Unavailable(f"x86 code paths cannot be limited on a {platform.machine()} CPU")
        drop = [f for f in native["dispatched"] if any(part in f for part in setting.drop)]
        present = [f for f in drop if f in native["running"]]
        if not present:
            raise Unavailable(f"this CPU does not run {', '.join(drop) or 'those paths'}, so the "
                              "native run (make test) already covers this setting")
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(drop)
    if setting.coretype:
        if "OPENBLAS_CORETYPE" in os.environ:
            details.append(f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} kept as this "
                           "machine sets it")
        elif not any(b["api"] == "openblas" for b in native["blas"]):
            raise Unavailable(f"numpy's BLAS here is {native['blas'] or 'unknown'}, not OpenBLAS "
                              "(or threadpoolctl is missing)")
        else:
            env["OPENBLAS_CORETYPE"] = setting.coretype
    seen = probe(python, env, log)
    if setting.drop:
        still = [f for f in seen["running"] if f in env["NPY_DISABLE_CPU_FEATURES"].split()]
        if still:
            raise RuntimeError(f"NPY_DISABLE_CPU_FEATURES did not take effect: {still} still run")
    cores = sorted({b["core"] for b in seen["blas"] if b["api"] == "openblas"})
    if "OPENBLAS_CORETYPE" in env and [c.lower() for c in cores] != [env["OPENBLAS_CORETYPE"].lower()]:
        raise RuntimeError(f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']} did not take effect: "
                           f"OpenBLAS runs {cores}")
    details.append(f"numpy SIMD paths running: {' '.join(seen['running']) or 'baseline only'}")
    details.append(f"OpenBLAS kernels: {', '.join(cores) or 'not OpenBLAS'}")
    return env, "; ".join(details)


@dataclass
class Outcome:
    setting: Setting
    status: str                   # "passed", "failed", "unavailable", "error"
    details: str = ""
    summary: str = ""
    failures: list = field(default_factory=list)
    seconds: float = 0.0


def check(setting):
    start = time.monotonic()
    log = LOG_DIR / f"{setting.name}.log"
    log.write_text("")
    try:
        python = prepare_venv(setting.python, log) if setting.python else MAIN_VENV / "bin" / "python"
        env, details = configure(setting, python, log)
        code, text = run([str(python), "-m", "pytest", "notebooks", "-q", "-rf", "--color=no"],
                         env=env, log=log)
    except Unavailable as why:
        return Outcome(setting, "unavailable", str(why), seconds=time.monotonic() - start)
    except (RuntimeError, OSError) as why:
        return Outcome(setting, "error", str(why), seconds=time.monotonic() - start)
    lines = text.strip().splitlines()
    failures = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    summary = lines[-1].strip("= ") if lines else "no output"
    status = "passed" if code == 0 else "failed"
    return Outcome(setting, status, details, summary, failures, time.monotonic() - start)


def report(outcome):
    name = outcome.setting.name
    print(f"[{name}] {outcome.setting.summary}", flush=True)
    if outcome.details:
        print(f"[{name}]   {outcome.details}")
    if outcome.status in ("passed", "failed"):
        print(f"[{name}]   {outcome.status.upper()}: {outcome.summary} ({outcome.seconds:.0f} s)")
    else:
        print(f"[{name}]   {outcome.status.upper()}")
    for line in outcome.failures:
        print(f"[{name}]   {line}")
    if outcome.status == "failed":
        print(f"[{name}]   full output: {(LOG_DIR / (name + '.log')).relative_to(ROOT)}")
    sys.stdout.flush()


def main(argv=None):
    settings = all_settings()
    names = [s.name for s in settings]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=names,
                        help=f"run only these settings (of {', '.join(names)})")
    parser.add_argument("--jobs", type=int, default=2, help="settings run at once (default 2)")
    parser.add_argument("--list", action="store_true", help="list the settings and exit")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.list:
        for setting in settings:
            print(f"{setting.name:<15} {setting.summary}")
        return 0
    if not (MAIN_VENV / "bin" / "python").exists():
        sys.exit("no .venv here: run `make install` (or `make test`) first")
    if args.only:
        settings = [s for s in settings if s.name in args.only]
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Notebooks under nbval in {len(settings)} settings, {args.jobs} at a time "
          f"(native code paths on Python {sys.version_info[0]}.{sys.version_info[1]}: "
          "`make test`)", flush=True)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = []
        for outcome in pool.map(check, settings):
            report(outcome)
            outcomes.append(outcome)
    print(f"\nPortability: {sum(o.status == 'passed' for o in outcomes)} settings passed, "
          f"{sum(o.status in ('failed', 'error') for o in outcomes)} failed, "
          f"{sum(o.status == 'unavailable' for o in outcomes)} unavailable "
          f"in {time.monotonic() - start:.0f} s")
    broken = [o.setting.name for o in outcomes if o.status in ("failed", "error")]
    missing = [o.setting.name for o in outcomes if o.status == "unavailable"]
    if broken:
        print(f"Failed under: {', '.join(broken)}")
        return 1
    if missing:
        if IN_CI:
            print(f"CI expects every setting; unavailable here: {', '.join(missing)}")
            return 1
        print(f"Not checked on this machine: {', '.join(missing)} (see the reasons above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
