"""Notebook hygiene (what nbval does not check): names, Restart & Run All, clean outputs, the course skeleton.

That every exercise's solution passes its check (and a wrong answer does not) is tested by
tests/test_classroom.py, which runs each notebook as a student would.
"""
import json
import re

import pytest
from notebook_files import NOTEBOOK_DIR, NOTEBOOK_NAME, course_notebooks

NOTEBOOKS = course_notebooks()
EMBEDDED_IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks_and_no_stray_ones():
    assert NOTEBOOKS, "no course notebooks found"
    every = {p.name for p in NOTEBOOK_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    assert every == {p.name for p in NOTEBOOKS}, "notebooks must be named NN-topic.ipynb (or NNb-topic.ipynb)"
    numbers = {NOTEBOOK_NAME.fullmatch(p.name)["number"] for p in NOTEBOOKS
               if not NOTEBOOK_NAME.fullmatch(p.name)["part"]}
    for path in NOTEBOOKS:
        name = NOTEBOOK_NAME.fullmatch(path.name)
        assert not name["part"] or name["number"] in numbers, f"{path.name} follows no {name['number']}-*.ipynb"


@pytest.mark.parametrize("name, is_course_notebook", [
    ("09-lab-measure-your-own-scaling-law.ipynb", True), ("09b-lab-budget-challenge.ipynb", True),
    ("Untitled.ipynb", False), ("09-lab_v2.ipynb", False), ("9-lab.ipynb", False), ("09B-lab.ipynb", False),
    ("09bb-lab.ipynb", False), ("09b-Lab.ipynb", False), ("09b-.ipynb", False), ("09-lab-.ipynb", False),
])
def test_notebook_names(name, is_course_notebook):
    assert bool(NOTEBOOK_NAME.fullmatch(name)) is is_course_notebook


def test_a_lettered_notebook_sorts_after_its_number_and_before_the_next(tmp_path):
    names = ["10-next.ipynb", "09b-challenge.ipynb", "09-lab.ipynb", "08-before.ipynb", "notes.ipynb"]
    for name in names:
        (tmp_path / name).write_text("{}")
    assert [p.name for p in course_notebooks(tmp_path)] == \
        ["08-before.ipynb", "09-lab.ipynb", "09b-challenge.ipynb", "10-next.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_restart_and_run_all_was_used(path):
    counts = [c["execution_count"] for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_clean(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(code_cells(nb)):
        assert "execution" not in cell["metadata"], f"cell {i}: timing metadata"
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"cell {i}: stored traceback"
            data = out.get("data", {})
            assert "image/svg+xml" not in data, f"cell {i}: SVG output (use PNG)"
            text = json.dumps({k: v for k, v in data.items() if not k.startswith("image/")}) + \
                "".join(out.get("text", ""))
            text = EMBEDDED_IMAGE.sub("data:image", text)  # an explorer's static copy embeds its PNG
            assert not re.search(r"0x[0-9a-fA-F]{6,}", text), f"cell {i}: memory address"
            assert not re.search(r"(/home/|/Users/|/root/|/tmp/|/work/|[A-Z]:\\\\)", text), \
                f"cell {i}: absolute path"
            if out.get("name") == "stderr":
                pytest.fail(f"cell {i}: stderr output (a warning?): {''.join(out['text'])[:200]}")
            if "application/vnd.jupyter.widget-view+json" in data:
                assert "nbval-ignore-output" in cell["metadata"].get("tags", []), \
                    f"cell {i}: widget cell without the nbval-ignore-output tag"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_follows_the_course_skeleton(path):
    nb = load(path)
    first = "".join(nb["cells"][0]["source"])
    number = path.name[:2]
    assert first.startswith(f"# {number} · "), "title must be '# NN · Topic'"
    assert "**Estimated time:**" in first and "**You will learn to**" in first
    setup = "".join(code_cells(nb)[0]["source"])
    assert setup.startswith("# Setup:") and "plots.use_course_style()" in setup
    assert "from helpers import" in setup
    headings = [line for c in nb["cells"] if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if line.startswith("## ")]
    assert "## Summary" in headings and "## Further reading" in headings
    assert any(h.startswith("## Exercises") for h in headings)
    numbered = [h for h in headings if re.match(r"## \d+\. ", h)]
    assert [int(h.split()[1][:-1]) for h in numbered] == list(range(1, len(numbered) + 1))
    for i, cell in enumerate(code_cells(nb)):
        assert "sys.path" not in "".join(cell["source"]), f"cell {i}: sys.path trick"


def test_readme_lists_every_notebook_with_its_title():
    readme = (NOTEBOOK_DIR.parent / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        title = "".join(load(path)["cells"][0]["source"]).splitlines()[0].split(" · ", 1)[1]
        number = "".join(NOTEBOOK_NAME.fullmatch(path.name).group("number", "part"))  # 09, or 09b after it
        assert f"| {number} | [{title}](notebooks/{path.name}) |" in readme, path.name
