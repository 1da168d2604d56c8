"""Classroom versions of the course notebooks, made from the notebooks in notebooks/ (the one source).

  student     writes a student version of every notebook into student/ (`make student`): each
              exercise's folded solution is removed, its stub (raising NotImplementedError) and its
              self-check are kept, and the outputs of the exercises' code cells are cleared. The same
              notebooks give the same bytes. --check compares an existing folder instead of writing.
  colab-cell  puts the Colab install block at the top of every notebook's setup cell, or updates it
              (`make colab-cell`): on Colab it pip-installs the course from the repository named in
              pyproject.toml's [project.urls] Repository; anywhere else it does nothing. Applying it
              twice changes nothing, so it can be re-run whenever a notebook is added. --check
              reports the notebooks whose block is missing or out of date instead of writing.

An exercise, as tests/test_notebooks.py finds it: a code cell raising NotImplementedError("Exercise...")
(the stub), then, before the next stub, a code cell calling a self-check from helpers.check and a
markdown cell holding the folded solution, <details><summary>Solution ... ```python ... ``` ... </details>.
A stub without a solution or a check, or a solution without a stub, stops the run with the notebook
and the cell named.

Usage: python .ci/classroom.py student [--notebooks DIR] [--out DIR] [--check]
       python .ci/classroom.py colab-cell [--notebooks DIR] [--check]
Standard library only, so any Python 3.11+ runs it without the course installed.
"""
import argparse
import ast
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
STUDENT_DIR = ROOT / "student"
PYPROJECT = ROOT / "pyproject.toml"

STUB = 'raise NotImplementedError("Exercise'
SOLUTION = re.compile(r"<details><summary>Solution.*?```python\n(.*?)```", re.S)
# The whole folded block (code and prose) with the blank lines after it.
SOLUTION_BLOCK = re.compile(r"<details><summary>Solution.*?</details>[ \t]*\n*", re.S)
CHECK_CALL = re.compile(r"\bcheck\.\w+\(")
EXERCISES_HEADING = re.compile(r"^## Exercises", re.M)
LEVEL2_HEADING = re.compile(r"^## ", re.M)
STUDENT_NOTE = ("*Student version: the solutions are left out. Each exercise's self-check says ✓ when "
                "your answer is right, and what is off when it is not.*")

SETUP_PREFIX = "# Setup:"
COLAB_BLOCK = '''import sys

if "google.colab" in sys.modules:  # on Colab only: install the course first (elsewhere nothing happens)
    import subprocess
    course = "git+{url}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", course], check=True)

'''
# The block as COLAB_BLOCK writes it, with any URL (so an old block is found and replaced).
COLAB_BLOCK_FOUND = re.compile(re.escape(COLAB_BLOCK).replace(re.escape("{url}"), r"[^\"\n]*"))


class NotebookError(ValueError):
    """A notebook the tool cannot process; the message names the notebook and the cell."""


def course_notebooks(folder=NOTEBOOK_DIR):
    """Every notebook in ``folder`` (tests/test_notebooks.py checks they are all course notebooks), sorted."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if p.is_file())


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def dumps(nb):
    """The course's notebook format: one-space indent, UTF-8 as is, a final newline."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def as_lines(text):
    """Text as nbformat stores it: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)


def where(label, nb, index):
    """'<notebook>, cell <n> of <total> ("first line")', the cell counted from 1 as the notebook shows it."""
    first = next((line.strip() for line in source(nb["cells"][index]).splitlines() if line.strip()), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    return f'{label}, cell {index + 1} of {len(nb["cells"])} ("{first}")'


@dataclass
class Exercise:
    """One exercise of a notebook, by cell index."""
    stub: int
    checks: list = field(default_factory=list)
    solution: int = -1
    solution_code: str = ""

    def answer_names(self, nb):
        """Names the stub defines at top level: what the learner writes and the check reads."""
        names = []
        for node in ast.parse(source(nb["cells"][self.stub])).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        return names


def find_exercises(nb, label):
    """The notebook's exercises in order; NotebookError if one lacks its solution or check."""
    cells = nb["cells"]
    stubs = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and STUB in source(c)]
    solutions = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and SOLUTION.search(source(c))]
    for i in solutions:
        if len(SOLUTION.findall(source(cells[i]))) > 1:
            raise NotebookError(f"{where(label, nb, i)}: two folded solutions in one cell; give each exercise its own")
    before_first = [i for i in solutions if not stubs or i < stubs[0]]
    if before_first:
        raise NotebookError(f"{where(label, nb, before_first[0])}: a folded solution with no exercise stub "
                            f"({STUB}...\")) before it")
    exercises = []
    for k, stub in enumerate(stubs):
        end = stubs[k + 1] if k + 1 < len(stubs) else len(cells)
        exercise = Exercise(stub)
        exercise.checks = [i for i in range(stub + 1, end)
                           if cells[i]["cell_type"] == "code" and CHECK_CALL.search(source(cells[i]))]
        found = [i for i in solutions if stub < i < end]
        if not found:
            raise NotebookError(f"{where(label, nb, stub)}: exercise stub without a folded solution "
                                "(<details><summary>Solution ... ```python ... ```) before the next exercise")
        if len(found) > 1:
            raise NotebookError(f"{where(label, nb, found[1])}: a second folded solution for the exercise "
                                f"of cell {stub + 1}; each exercise needs its own stub")
        if not exercise.checks:
            raise NotebookError(f"{where(label, nb, stub)}: exercise stub without a self-check (a code cell "
                                "calling check.close or check.function) before the next exercise")
        if not SOLUTION_BLOCK.search(source(cells[found[0]])):
            raise NotebookError(f"{where(label, nb, found[0])}: the folded solution is not closed with </details>")
        exercise.solution = found[0]
        exercise.solution_code = SOLUTION.search(source(cells[exercise.solution])).group(1)
        exercises.append(exercise)
    return exercises


def exercise_code_cells(nb, exercises):
    """Indices of the code cells whose outputs the student version clears: every code cell of the
    "## Exercises" section (data printed for an exercise, results printed after a solution) and
    every stub and check, wherever they are."""
    cells, inside, chosen = nb["cells"], False, set()
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for heading in LEVEL2_HEADING.finditer(source(cell)):
                inside = bool(EXERCISES_HEADING.match(source(cell), heading.start()))
        elif inside:
            chosen.add(i)
    for exercise in exercises:
        chosen.update([exercise.stub, *exercise.checks])
    return chosen


def student_version(nb, label):
    """The student version of one notebook (a new dict; ``nb`` is left as it is)."""
    exercises = find_exercises(nb, label)
    cleared = exercise_code_cells(nb, exercises)
    solution_cells = {e.solution for e in exercises}
    cells = []
    for i, cell in enumerate(nb["cells"]):
        cell = json.loads(json.dumps(cell))
        if i in solution_cells:
            text = SOLUTION_BLOCK.sub("", source(cell)).strip("\n")
            if not text.strip():
                continue  # the cell held only the solution
            cell["source"] = as_lines(text)
        if i in cleared:
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    title = cells[0]
    title["source"] = as_lines(source(title).rstrip("\n") + "\n\n" + STUDENT_NOTE)
    return {**nb, "cells": cells}


def student_files(notebook_dir=NOTEBOOK_DIR):
    """{file name: student notebook text} for every course notebook."""
    files = {}
    for path in course_notebooks(notebook_dir):
        label = f"{path.parent.name}/{path.name}"
        try:
            files[path.name] = dumps(student_version(load(path), label))
        except json.JSONDecodeError as exc:
            raise NotebookError(f"{label}: not a valid notebook (JSON error: {exc})") from None
    return files


def write_student_versions(notebook_dir=NOTEBOOK_DIR, out_dir=STUDENT_DIR):
    """Write every student version into ``out_dir`` and remove notebooks there with no source. Returns the names."""
    files = student_files(notebook_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in set(p.name for p in out_dir.glob("*.ipynb")) - set(files):
        (out_dir / stale).unlink()
    for name, text in files.items():
        target = out_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return sorted(files)


def stale_student_versions(notebook_dir=NOTEBOOK_DIR, out_dir=STUDENT_DIR):
    """Names in ``out_dir`` that are missing, out of date or without a source notebook (empty: up to date)."""
    files, out_dir = student_files(notebook_dir), Path(out_dir)
    present = {p.name for p in out_dir.glob("*.ipynb")} if out_dir.is_dir() else set()
    stale = [f"{name} (missing)" for name in sorted(set(files) - present)]
    stale += [f"{name} (out of date)" for name in sorted(set(files) & present)
              if (out_dir / name).read_text(encoding="utf-8") != files[name]]
    stale += [f"{name} (no source notebook)" for name in sorted(present - set(files))]
    return stale


def course_url(pyproject=PYPROJECT):
    """The course's public repository: pyproject.toml's [project.urls] Repository."""
    import tomllib

    urls = tomllib.loads(Path(pyproject).read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    url = urls.get("Repository", "")
    if not re.fullmatch(r"https://[^\s\"']+", url):
        raise NotebookError(f"{pyproject}: [project.urls] Repository must be the https URL of the course's "
                            f"public git repository, got {url!r}")
    return url


def with_colab_block(setup, url):
    """The setup cell's text with the Colab block right under its first line (replacing an old one)."""
    if not setup.startswith(SETUP_PREFIX):
        raise ValueError(f"setup must start with {SETUP_PREFIX!r}")
    first, _, rest = setup.partition("\n")
    rest = COLAB_BLOCK_FOUND.sub("", rest, count=1)
    return first + "\n" + COLAB_BLOCK.format(url=url) + rest


def setup_cell(nb, label):
    code = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    if not code or not source(nb["cells"][code[0]]).startswith(SETUP_PREFIX):
        index = code[0] if code else 0
        raise NotebookError(f"{where(label, nb, index)}: the first code cell must be the setup cell, "
                            f"starting {SETUP_PREFIX!r}")
    return nb["cells"][code[0]]


def apply_colab_block(notebook_dir=NOTEBOOK_DIR, url=None, write=True):
    """Put the Colab block into every notebook's setup cell. Returns the names that changed (or would)."""
    url = url or course_url()
    changed = []
    for path in course_notebooks(notebook_dir):
        nb = load(path)
        cell = setup_cell(nb, f"{path.parent.name}/{path.name}")
        text = with_colab_block(source(cell), url)
        if text != source(cell):
            changed.append(path.name)
            cell["source"] = as_lines(text)
            if write:
                path.write_text(dumps(nb), encoding="utf-8")
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    student = commands.add_parser("student", help="write the student versions")
    student.add_argument("--notebooks", type=Path, default=NOTEBOOK_DIR, help="source notebooks (notebooks/)")
    student.add_argument("--out", type=Path, default=STUDENT_DIR, help="where to write them (student/)")
    student.add_argument("--check", action="store_true", help="only report versions that are not up to date")
    colab = commands.add_parser("colab-cell", help="put the Colab install block into every setup cell")
    colab.add_argument("--notebooks", type=Path, default=NOTEBOOK_DIR, help="notebooks to update (notebooks/)")
    colab.add_argument("--check", action="store_true", help="only report notebooks whose block is not up to date")
    args = parser.parse_args(argv)
    try:
        if args.command == "student" and args.check:
            stale = stale_student_versions(args.notebooks, args.out)
            if stale:
                sys.exit(f"{args.out}: not up to date, run `make student`: " + ", ".join(stale))
            print(f"{args.out}: every student version is up to date")
        elif args.command == "student":
            names = write_student_versions(args.notebooks, args.out)
            print(f"{len(names)} student versions in {args.out}")
        else:
            changed = apply_colab_block(args.notebooks, write=not args.check)
            if args.check and changed:
                sys.exit("Colab block missing or out of date, run `make colab-cell`: " + ", ".join(changed))
            print(f"Colab block {'needed' if args.check else 'written'} in {len(changed)} notebook(s)"
                  + (": " + ", ".join(changed) if changed else ""))
    except NotebookError as exc:
        sys.exit(f"{args.command}: {exc}")


if __name__ == "__main__":
    main()
