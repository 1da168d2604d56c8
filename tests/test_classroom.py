"""Classroom versions: the student notebooks (make student), each exercise's stub, self-check and
solution run three ways, the Colab block of every setup cell, and the repository as Binder reads it."""
import contextlib
import functools
import io
import json
import numbers
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
import types
import zipfile
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from scripts import load_script
from test_notebooks import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "classroom.py"
classroom = load_script(SCRIPT, "classroom")
PASS, FAIL, TODO = "✓", "✗", "○"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def run_tool(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], cwd=cwd, capture_output=True, text=True)


# --- every exercise three ways: the stub, the solution, a wrong answer ------------------------------

def wrong(value):
    """A wrong answer made from a right one: every number x becomes 10 x + 1 (a function's results too)."""
    if isinstance(value, (bool, np.bool_)):
        return not value
    if callable(value) and not isinstance(value, type):
        return functools.wraps(value)(lambda *args, **kwargs: wrong(value(*args, **kwargs)))
    if isinstance(value, (tuple, list)):
        return type(value)(wrong(v) for v in value)
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.number):
        return value * 10 + 1
    if isinstance(value, numbers.Number):
        return value * 10 + 1
    return object()  # not a number at all


def run_cell(code, namespace, name):
    """Run one cell's code; returns (what it printed, the NotImplementedError it raised or None)."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, name, "exec"), namespace)
    except NotImplementedError as exc:
        return printed.getvalue(), exc
    return printed.getvalue(), None


@contextlib.contextmanager
def offline_and_headless(monkeypatch, folder):
    """No network (a connection attempt raises), figures closed instead of shown, ``folder`` the working directory."""
    def refuse(*args, **kwargs):
        raise OSError("a notebook tried to use the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.chdir(folder)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    monkeypatch.setattr(plt, "show", lambda *a, **k: plt.close("all"))
    try:
        yield
    finally:
        plt.close("all")


def audit_exercises(nb, label):
    """Run a notebook's code top to bottom as a student's "Run All" would, every exercise unanswered; at
    each self-check, also run it with the solution and with a wrong answer. Returns the problems found
    (empty: every exercise is sound)."""
    exercises = classroom.find_exercises(nb, label)
    stub_of = {e.stub: e for e in exercises}
    check_of = {i: e for e in exercises for i in e.checks}
    namespace, problems, defs = {"__name__": "__notebook__"}, [], {}
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        code, here = classroom.source(cell), classroom.where(label, nb, i)
        if i in stub_of:
            exercise = stub_of[i]
            _, raised = run_cell(code, namespace, here)
            names = exercise.answer_names(nb)
            defs[exercise.stub] = {"names": names, "raised": raised is not None,
                                   "stub": {n: namespace[n] for n in names if n in namespace}}
            continue
        if i not in check_of:
            printed, raised = run_cell(code, namespace, here)
            if raised:
                problems.append(f"{here}: raised NotImplementedError outside an exercise, so Run All stops "
                                f"here in the student version: {raised}")
            continue
        exercise = check_of[i]
        state = defs[exercise.stub]
        namespace.update(state["stub"])
        with_stub, raised = run_cell(code, namespace, here)
        if not (state["raised"] or raised or TODO in with_stub):
            problems.append(f"{here}: the stub of cell {exercise.stub + 1} does not raise NotImplementedError "
                            f"(the check printed {with_stub.strip()!r})")
        if PASS in with_stub:
            problems.append(f"{here}: the check accepts the unfinished stub: {with_stub.strip()!r}")
        if "solution" not in state:
            for name in state["names"]:
                namespace.pop(name, None)
            run_cell(exercise.solution_code, namespace, f"{label}, solution of cell {exercise.stub + 1}")
            missing = [n for n in state["names"] if n not in namespace]
            if missing:
                problems.append(f"{here}: the solution does not define {missing}, which the stub does")
                namespace.update(state["stub"])
                continue
            state["solution"] = {n: namespace[n] for n in state["names"]}
        namespace.update(state["solution"])
        with_solution, raised = run_cell(code, namespace, here)
        if raised or PASS not in with_solution or FAIL in with_solution or TODO in with_solution:
            problems.append(f"{here}: the check does not accept the solution: {with_solution.strip()!r}")
        namespace.update({n: wrong(v) for n, v in state["solution"].items()})
        try:
            with_wrong, raised = run_cell(code, namespace, here)
        except Exception as exc:  # a check must print its verdict, never stop on a wrong answer
            problems.append(f"{here}: the check raised {type(exc).__name__} on a wrong answer: {exc}")
            with_wrong = ""
        if FAIL not in with_wrong or with_wrong.count(PASS) >= with_solution.count(PASS):
            problems.append(f"{here}: the check accepts a wrong answer (each number x of the solution's "
                            f"answer made 10 x + 1): {with_wrong.strip()!r}")
        namespace.update(state["stub"])  # the rest runs as in a student's "Run All": unanswered
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stub_raises_and_every_check_rejects_a_wrong_answer_and_accepts_the_solution(
        path, monkeypatch, tmp_path):
    """The whole notebook runs offline from another folder (as a student copy would); each check
    rejects the stub and a wrong answer and accepts the solution."""
    nb = load(path)
    assert classroom.find_exercises(nb, path.name), "every notebook has at least one exercise"
    with offline_and_headless(monkeypatch, tmp_path):
        problems = audit_exercises(nb, path.name)
    assert not problems, "\n".join(problems)


def tiny_notebook(stub, check, solution):
    """A notebook of one exercise, in the course's shape, for testing the audit itself."""
    def cell(kind, text):
        extra = {"outputs": [], "execution_count": None} if kind == "code" else {}
        return {"cell_type": kind, "metadata": {}, "source": text, **extra}
    return {"cells": [cell("markdown", "# 99 · Tiny\n\n## Exercises"),
                      cell("code", "# Setup: nothing\nfrom helpers import check\n"),
                      cell("code", stub), cell("code", check),
                      cell("markdown", f"<details><summary>Solution</summary>\n\n```python\n{solution}```\n"
                                       "</details>")],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


STUB_F = 'def f(x):\n    raise NotImplementedError("Exercise: write f")\n'
SOLUTION_F = "def f(x):\n    return 2 * x\n"


@pytest.mark.parametrize("check, solution, expected", [
    ("check.function(f, [((1.0,), 2.0), ((3.0,), 6.0)])", SOLUTION_F, None),
    ("check.close(2.0, 2.0)", SOLUTION_F, "accepts the unfinished stub"),
    ("check.function(f, [((1.0,), 2.0)], rtol=1e9)", SOLUTION_F, "accepts a wrong answer"),
    ("check.function(f, [((1.0,), 3.0)])", SOLUTION_F, "does not accept the solution"),
    ("check.function(f, [((1.0,), 2.0)])", "def g(x):\n    return 2 * x\n", "does not define ['f']"),
], ids=["sound", "accepts-anything", "tolerance-too-loose", "rejects-solution", "solution-misnamed"])
def test_the_audit_catches_a_check_that_accepts_anything(check, solution, expected, monkeypatch, tmp_path):
    with offline_and_headless(monkeypatch, tmp_path):
        problems = audit_exercises(tiny_notebook(STUB_F, check, solution), "99-tiny.ipynb")
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_the_audit_catches_a_stub_that_does_not_raise(monkeypatch, tmp_path):
    stub = 'def f(x):\n    return 0.0  # raise NotImplementedError("Exercise: write f")\n'
    with offline_and_headless(monkeypatch, tmp_path):
        problems = audit_exercises(tiny_notebook(stub, "check.function(f, [((1.0,), 2.0)])", SOLUTION_F), "99.ipynb")
    assert any("does not raise NotImplementedError" in p for p in problems), problems


def test_the_audit_catches_a_later_cell_that_needs_the_answer(monkeypatch, tmp_path):
    nb = tiny_notebook(STUB_F, "check.function(f, [((1.0,), 2.0)])", SOLUTION_F)
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "print(f(1.0))\n", "outputs": [],
                        "execution_count": None})
    with offline_and_headless(monkeypatch, tmp_path):
        problems = audit_exercises(nb, "99.ipynb")
    assert any("Run All stops" in p for p in problems), problems


def test_the_audit_runs_offline(monkeypatch, tmp_path):
    with offline_and_headless(monkeypatch, tmp_path), pytest.raises(OSError, match="network"):
        socket.create_connection(("127.0.0.1", 9))


# --- the student versions -----------------------------------------------------------------------------

def text_of(nb):
    """Every source and every text output of a notebook, one string."""
    parts = []
    for cell in nb["cells"]:
        parts.append(classroom.source(cell))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            parts += ["".join(v) if isinstance(v, list) else str(v)
                      for k, v in out.get("data", {}).items() if not k.startswith("image/")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    """The student versions as `make student` writes them (into a temporary folder)."""
    out = tmp_path_factory.mktemp("student")
    result = run_tool("student", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_make_student_writes_one_version_per_notebook_the_same_bytes_every_time(student_dir, tmp_path):
    assert sorted(p.name for p in student_dir.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    again = run_tool("student", "--out", tmp_path / "again")
    assert again.returncode == 0, again.stderr
    for path in student_dir.glob("*.ipynb"):
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name
    assert run_tool("student", "--out", student_dir, "--check").returncode == 0


def test_make_student_check_names_what_is_out_of_date_and_a_rerun_fixes_it(tmp_path):
    out = tmp_path / "student"
    assert run_tool("student", "--out", out).returncode == 0
    edited = out / NOTEBOOKS[0].name
    edited.write_text(edited.read_text(encoding="utf-8").replace("Exercise", "Exercize"), encoding="utf-8")
    (out / "00-renamed-long-ago.ipynb").write_text("{}", encoding="utf-8")
    stale = run_tool("student", "--out", out, "--check")
    assert stale.returncode == 1
    assert f"{NOTEBOOKS[0].name} (out of date)" in stale.stderr and "00-renamed-long-ago.ipynb" in stale.stderr
    assert run_tool("student", "--out", out).returncode == 0
    assert run_tool("student", "--out", out, "--check").returncode == 0
    assert not (out / "00-renamed-long-ago.ipynb").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_keeps_stubs_and_checks_clears_their_outputs_and_leaks_no_solution(path, student_dir):
    source, student = load(path), load(student_dir / path.name)
    exercises = classroom.find_exercises(source, path.name)
    student_text = text_of(student)
    assert "<details><summary>Solution" not in student_text
    # Every line of every solution (code and prose) that the notebook does not also show elsewhere.
    blocks = [m.group(0) for e in exercises
              for m in classroom.SOLUTION_BLOCK.finditer(classroom.source(source["cells"][e.solution]))]
    rest = classroom.SOLUTION_BLOCK.sub("", text_of(source))
    own = {line.strip() for block in blocks for line in block.splitlines()
           if len(line.strip()) >= 12 and line.strip() not in rest}
    assert own, "the solutions hold text of their own"
    leaked = sorted(line for line in own if line in student_text)
    assert not leaked, f"solution text in the student version: {leaked[:3]}"
    # Stubs and checks, unchanged and in order; the code cells, all of them, in order.
    kept = [classroom.source(source["cells"][i]) for e in exercises for i in (e.stub, *e.checks)]
    student_code = [c for c in student["cells"] if c["cell_type"] == "code"]
    assert [classroom.source(c) for c in student_code] == \
        [classroom.source(c) for c in source["cells"] if c["cell_type"] == "code"]
    assert [classroom.source(c) for c in student_code if classroom.source(c) in kept] == kept
    # Outputs: cleared in the exercises, kept everywhere else.
    cleared = classroom.exercise_code_cells(source, exercises)
    assert {e.stub for e in exercises} | {i for e in exercises for i in e.checks} <= cleared
    source_code = [(i, c) for i, c in enumerate(source["cells"]) if c["cell_type"] == "code"]
    for (i, original), copy in zip(source_code, student_code):
        if i in cleared:
            assert copy["outputs"] == [] and copy["execution_count"] is None, f"cell {i + 1}"
        else:
            assert copy["outputs"] == original["outputs"], f"cell {i + 1}"
            assert copy["execution_count"] == original["execution_count"], f"cell {i + 1}"
    nbformat.validate(nbformat.reads(json.dumps(student), as_version=nbformat.NO_CONVERT))
    assert classroom.STUDENT_NOTE in classroom.source(student["cells"][0])
    assert student["metadata"] == source["metadata"]


def broken_copy(tmp_path, edit):
    """notebooks/ with the first notebook edited by ``edit(cells, exercise)``; returns (folder, its name)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    path = NOTEBOOKS[0]
    nb = load(path)
    exercise = classroom.find_exercises(nb, path.name)[0]
    edit(nb["cells"], exercise)
    (folder / path.name).write_text(classroom.dumps(nb), encoding="utf-8")
    return folder, exercise


def drop_solution(cells, exercise):
    cell = cells[exercise.solution]
    cell["source"] = classroom.SOLUTION_BLOCK.sub("", classroom.source(cell)) or "Try it."


def drop_checks(cells, exercise):
    for i in sorted(exercise.checks, reverse=True):
        cells[i]["source"] = "# (the self-check went missing)\n"


def unclosed_solution(cells, exercise):
    cell = cells[exercise.solution]
    cell["source"] = classroom.source(cell).replace("</details>", "", 1)


@pytest.mark.parametrize("edit, message", [
    (drop_solution, "exercise stub without a folded solution"),
    (drop_checks, "exercise stub without a self-check"),
    (unclosed_solution, "not closed with </details>"),
], ids=["no-solution", "no-check", "unclosed-solution"])
def test_make_student_fails_naming_the_notebook_and_the_cell(tmp_path, edit, message):
    folder, exercise = broken_copy(tmp_path, edit)
    cell = exercise.solution if edit is unclosed_solution else exercise.stub
    result = run_tool("student", "--notebooks", folder, "--out", tmp_path / "student")
    assert result.returncode == 1
    assert f"notebooks/{NOTEBOOKS[0].name}, cell {cell + 1} of " in result.stderr, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_make_student_fails_on_a_solution_without_a_stub(tmp_path):
    def drop_stub(cells, exercise):
        cells[exercise.stub]["source"] = "# (the stub went missing)\n"
    folder, exercise = broken_copy(tmp_path, drop_stub)
    result = run_tool("student", "--notebooks", folder, "--out", tmp_path / "student")
    assert result.returncode == 1
    assert f"{NOTEBOOKS[0].name}, cell {exercise.solution + 1} of " in result.stderr, result.stderr
    assert "solution" in result.stderr


# --- Colab ----------------------------------------------------------------------------------------------

def setup_source(nb):
    return classroom.source(next(c for c in nb["cells"] if c["cell_type"] == "code"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_setup_cell_starts_with_the_colab_block_for_the_course_url(path):
    url = classroom.course_url()
    setup = setup_source(load(path))
    assert classroom.with_colab_block(setup, url) == setup, "run `make colab-cell`"
    first, _, rest = setup.partition("\n")
    assert first.startswith(classroom.SETUP_PREFIX)
    assert rest.startswith(classroom.COLAB_BLOCK.format(url=url))


def test_the_course_url_is_read_from_pyproject():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert classroom.course_url() == urls["Repository"]


@pytest.mark.parametrize("urls", ["", '[project.urls]\nHomepage = "https://example.org"\n',
                                  '[project.urls]\nRepository = "git@example.org:course.git"\n'])
def test_a_missing_or_unusable_course_url_is_refused_by_name(tmp_path, urls):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n' + urls, encoding="utf-8")
    with pytest.raises(classroom.NotebookError, match=r"\[project.urls\] Repository"):
        classroom.course_url(pyproject)


def test_the_colab_block_is_inserted_once_and_updated_in_place():
    setup = "# Setup: the helpers.\nimport numpy as np\n\nfrom helpers import plots\n"
    once = classroom.with_colab_block(setup, "https://example.org/a")
    assert once.startswith("# Setup: the helpers.\nimport sys\n")
    assert once.endswith("\nimport numpy as np\n\nfrom helpers import plots\n")
    assert classroom.with_colab_block(once, "https://example.org/a") == once
    moved = classroom.with_colab_block(once, "https://example.org/b")
    assert moved == classroom.with_colab_block(setup, "https://example.org/b")
    assert "example.org/a" not in moved
    with pytest.raises(ValueError, match="# Setup:"):
        classroom.with_colab_block("import numpy\n", "https://example.org/a")


def test_make_colab_cell_updates_every_notebook_and_a_second_run_changes_nothing(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS[:2]:
        nb = load(path)
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
        first, _, rest = classroom.source(cell).partition("\n")
        cell["source"] = first + "\n" + classroom.COLAB_BLOCK_FOUND.sub("", rest)  # as a new notebook has it
        (folder / path.name).write_text(classroom.dumps(nb), encoding="utf-8")
    assert run_tool("colab-cell", "--notebooks", folder, "--check").returncode == 1
    assert run_tool("colab-cell", "--notebooks", folder).returncode == 0
    for path in NOTEBOOKS[:2]:
        assert (folder / path.name).read_bytes() == path.read_bytes(), path.name
    assert run_tool("colab-cell", "--notebooks", folder, "--check").returncode == 0


def test_the_colab_block_does_nothing_elsewhere_and_installs_the_course_on_colab(monkeypatch):
    block = classroom.COLAB_BLOCK.format(url="https://example.org/course")
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(block, {})
    assert calls == []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(block, {})
    assert calls == [(([sys.executable, "-m", "pip", "install", "--quiet", "git+https://example.org/course"],),
                      {"check": True})]


# --- Binder: the repository as repo2docker reads it ---------------------------------------------------

def requirement_lines():
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def is_local_reference(line):
    """repo2docker's rule: -r/-c, or a path starting with '.', or file://, makes it copy the whole
    repository before running pip in its root."""
    if line.startswith(("-r", "-c", "--requirement", "--constraint")):
        return True
    if line.startswith("-"):
        parts = line.split(None, 1)
        line = parts[1] if len(parts) > 1 else ""
    return "file://" in line or line.split("://", 1)[-1].startswith(".")


def test_binder_reads_the_root_files_and_runs_the_tested_python():
    # A binder/ or .binder/ folder would make repo2docker ignore the root files.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    runtime = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), "repo2docker reads runtime.txt as python-X.Y"
    version = runtime.removeprefix("python-")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f"Programming Language :: Python :: {version}" in project["classifiers"], "a tested Python"
    minimum = re.fullmatch(r">=\s*3\.(\d+)", project["requires-python"])
    assert minimum and int(version.split(".")[1]) >= int(minimum.group(1))
    assert f"(Python {version})" in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()[0], \
        "Binder runs the Python the stored outputs were made with"


def test_requirements_are_what_repo2docker_installs_from_the_repository_root():
    lines = requirement_lines()
    local = [line for line in lines if is_local_reference(line)]
    assert local == ["-e ."], "the one local reference: the helpers package, from the repository root"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "build-system" in pyproject and "project" in pyproject  # repo2docker then also runs `pip install .`
    from importlib.metadata import PackageNotFoundError, version
    for line in lines:
        if line in local:
            continue
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", line), f"{line!r}: a plain project name"
        try:
            version(line)
        except PackageNotFoundError:
            pytest.fail(f"{line} is in requirements.txt but not installed here: run make install")


NETWORK_TROUBLE = ("NewConnectionError", "Network is unreachable", "Temporary failure in name resolution",
                   "Could not fetch URL", "ProxyError", "ConnectTimeout", "Max retries exceeded")


def tracked_copy(target):
    """The repository's tracked files (what repo2docker receives from a clone), copied to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot tell which files a clone would hold")
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def test_a_clone_builds_the_package_and_it_runs_offline(tmp_path):
    """What repo2docker's `pip install .` builds from a clone carries every table, the corpus and the
    style, and needs no network to use (the wheel is built with pip's own isolated build)."""
    repo, wheels, site = tmp_path / "repo", tmp_path / "wheels", tmp_path / "site"
    tracked_copy(repo)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(repo)],
                           capture_output=True, text=True)
    if built.returncode != 0 and not IN_CI and any(m in built.stderr for m in NETWORK_TROUBLE):
        pytest.skip("the package index is out of reach (building needs setuptools from it): "
                    + built.stderr.strip().splitlines()[-1])
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"helpers/tables/{p.name}" for p in (ROOT / "datasets").iterdir()
                if p.suffix in (".csv", ".json", ".txt")} | {"helpers/course.mplstyle"}
    assert expected <= names, sorted(expected - names)
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                                "--target", str(site), str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    use = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network')\n"
        "socket.socket.connect = refuse; socket.getaddrinfo = refuse\n"
        "import helpers, matplotlib\n"
        "matplotlib.use('Agg')\n"
        "from helpers import corpus, datasets, plots\n"
        f"assert helpers.__file__.startswith({str(site)!r}), helpers.__file__\n"
        "plots.use_course_style()\n"
        "tables = [datasets.load(name) for name in datasets.names()]\n"
        "text = corpus.load_corpus()\n"
        "print(len(tables), text.train.size)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    ran = subprocess.run([sys.executable, "-c", use], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    resources = json.loads((ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    n_tables = sum(r["format"] == "csv" for r in resources)
    assert ran.stdout.split()[0] == str(n_tables)


# --- the instructor guide ---------------------------------------------------------------------------

def test_the_instructor_guide_lists_every_notebook_with_its_estimate():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        first = classroom.source(load(path)["cells"][0])
        title = first.splitlines()[0].split(" · ", 1)[1]
        number = path.name.split("-", 1)[0]  # 09b for the notebook after 09
        minutes = re.search(r"\*\*Estimated time:\*\*\s+(\d+) minutes", first)
        assert minutes, f"{path.name}: no '**Estimated time:** N minutes' in its first cell"
        row = f"| {number} | {title} | {minutes.group(1)} min |"
        assert row in guide, f"docs/instructor-guide.md: the lecture plan needs the row {row!r}, and a place in a plan"


def test_the_instructor_guide_shows_the_colab_block_the_notebooks_have():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    block = classroom.COLAB_BLOCK.format(url=classroom.course_url()).strip()
    assert f"```python\n{block}\n```" in guide
