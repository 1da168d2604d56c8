"""The package's layers: formulas and fits never import a screen library, and imports point down.

layer 0  _validate, compute, datasets, check       (checks, units, data, self-checks)
layer 1  laws, kaplan, architecture, metrics, corpus, datalimits, transfer (closed forms and their optima)
layer 2  chinchilla_fit, fitting, synthetic, henighan, testtime, broken (fits, simulated data)
layer 3  approaches, reconcile, tinylm, inference, challenge, plan (studies built on fits and laws)
layer 4  plots                                       (figures)
layer 5  explorers.*                                 (screens)
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "helpers"
LAYERS = {
    "_validate": 0, "compute": 0, "datasets": 0, "check": 0,
    "laws": 1, "kaplan": 1, "architecture": 1, "metrics": 1, "corpus": 1, "datalimits": 1, "transfer": 1,
    "chinchilla_fit": 2, "fitting": 2, "synthetic": 2, "henighan": 2, "testtime": 2, "broken": 2,
    "approaches": 3, "reconcile": 3, "tinylm": 3, "inference": 3, "challenge": 3, "plan": 3,
    "plots": 4,
    "explorers": 5,
}
SCREEN_LIBRARIES = ("matplotlib", "ipywidgets", "IPython", "PIL")
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def _name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


def _imports(path):
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"helpers.{a.name}" for a in node.names} if node.module == "helpers" else {node.module}
    return found


def _layer(module):
    return LAYERS[module.split(".")[0]]


def test_every_module_has_a_layer():
    assert {_name(p).split(".")[0] for p in MODULES} == set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_imports_point_down_and_science_stays_off_screen(path):
    module = _name(path)
    for imported in _imports(path):
        if imported.startswith("helpers."):
            target = imported.removeprefix("helpers.")
            assert _layer(target) <= _layer(module), f"{module} (layer {_layer(module)}) imports {target}"
        elif _layer(module) < LAYERS["plots"]:
            assert not imported.startswith(SCREEN_LIBRARIES), f"{module} imports the screen library {imported}"


def test_no_import_cycles():
    graph = {_name(p): {i.removeprefix("helpers.") for i in _imports(p) if i.startswith("helpers.")}
             for p in MODULES}
    state = {}

    def visit(node, trail):
        if state.get(node) == "open":
            pytest.fail(f"import cycle: {' -> '.join(trail + [node])}")
        if state.get(node) == "done":
            return
        state[node] = "open"
        for nxt in graph.get(node, ()):
            visit(nxt, trail + [node])
        state[node] = "done"

    for node in graph:
        visit(node, [])
