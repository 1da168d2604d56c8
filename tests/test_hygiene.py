"""Notebook hygiene beyond tests/test_notebooks.py, over every course notebook (new ones included):
valid nbformat, a Python 3 kernel, nothing machine-specific in sources or saved widget state, no
traceback anywhere, exercises saved unanswered, widget cells tagged."""
import json
import re
from pathlib import Path

import nbformat
import pytest
from scripts import load_script
from test_notebooks import EMBEDDED_IMAGE, NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
classroom = load_script(ROOT / ".ci" / "classroom.py", "classroom")
ABSOLUTE_PATH = re.compile(r"(/home/|/Users/|/root/|/tmp/|/work/|[A-Z]:\\\\)")
MEMORY_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|\x1b\[0;31m-{10,}")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MAKES_WIDGETS = re.compile(r"\bexplorers\.\w+\(|\bipw\.\w+\(|\bwidgets\.\w+\(|\binteract(_manual)?\(")
IGNORED = "nbval-ignore-output"


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def output_text(out):
    """An output's text and non-image data, embedded PNGs shortened (an explorer's static copy holds one)."""
    data = {k: v for k, v in out.get("data", {}).items() if not k.startswith("image/")}
    text = json.dumps(data, ensure_ascii=False) + "".join(out.get("text", "")) + "".join(out.get("traceback", []))
    return EMBEDDED_IMAGE.sub("data:image", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_is_a_valid_python3_notebook(path):
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), "cells need ids (nbformat 4.5)"
    kernel = nb.metadata["kernelspec"]
    assert kernel["name"] == "python3" and kernel.get("language") == "python", f"kernelspec {dict(kernel)}"
    assert nb.metadata["language_info"]["name"] == "python", "language_info: not Python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_sources_and_saved_widget_state_hold_nothing_machine_specific(path):
    nb = load(path)
    for i, cell in enumerate(nb["cells"]):
        text = classroom.source(cell)
        assert not ABSOLUTE_PATH.search(text), f"cell {i + 1}: an absolute path in the source"
        assert not MEMORY_ADDRESS.search(text), f"cell {i + 1}: a memory address in the source"
        if cell["cell_type"] == "code":
            assert text.strip(), f"cell {i + 1}: an empty code cell"
    # The saved widget state (what an explorer shows without a kernel): its pictures left aside.
    state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model_id, model in state.items():
        values = {k: v for k, v in model.get("state", {}).items()
                  if not (model.get("model_name") == "ImageModel" and k == "value")}
        text = EMBEDDED_IMAGE.sub("data:image", json.dumps(values, ensure_ascii=False))
        where = f"widget state {model.get('model_name')} {model_id[:8]}"
        assert not ABSOLUTE_PATH.search(text), f"{where}: an absolute path"
        assert not MEMORY_ADDRESS.search(text), f"{where}: a memory address"
        assert not TRACEBACK.search(text) and '"output_type": "error"' not in text, f"{where}: a traceback"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_traceback_in_any_output_and_results_carry_their_cells_count(path):
    for i, cell in enumerate(load(path)["cells"]):
        for out in cell.get("outputs", []):
            assert not TRACEBACK.search(output_text(out)), f"cell {i + 1}: a traceback in an output"
            if out["output_type"] == "execute_result":
                assert out["execution_count"] == cell["execution_count"], f"cell {i + 1}: a result from another run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_are_saved_unanswered(path):
    """Each self-check's saved verdict is ○ (not attempted): a ✓ would mean a solution was left in a
    stub, a ✗ that the stub raised something other than NotImplementedError."""
    nb = load(path)
    for exercise in classroom.find_exercises(nb, path.name):
        for i in exercise.checks:
            verdicts = "".join(output_text(out) for out in nb["cells"][i]["outputs"])
            assert "○" in verdicts and "✓" not in verdicts and "✗" not in verdicts, f"cell {i + 1}: {verdicts[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_that_makes_widgets_is_tagged(path):
    """A widget cell's saved output is a view of a live model, different on every run: nbval must skip
    it, whether or not the notebook was saved with the view."""
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "code":
            continue
        shows_widget = any(WIDGET_VIEW in out.get("data", {}) for out in cell["outputs"])
        if shows_widget or MAKES_WIDGETS.search(classroom.source(cell)):
            assert IGNORED in cell["metadata"].get("tags", []), f"cell {i + 1}: widgets without the {IGNORED} tag"
