"""Which files in notebooks/ are the course's notebooks, and in which order.

A course notebook is named NN-topic.ipynb, or NNx-topic.ipynb for a notebook that follows NN
(09b-lab-budget-challenge.ipynb comes right after 09-...): two digits, an optional lower-case
letter, a hyphen, then lower-case words joined by hyphens. Sorted by name, NN- comes before
NNb- ("-" sorts before any letter), and both before the next number.
"""
import re
from pathlib import Path

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK_NAME = re.compile(r"(?P<number>\d\d)(?P<part>[a-z]?)-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb")


def course_notebooks(directory=NOTEBOOK_DIR):
    """The course notebooks in ``directory`` (a pathlib.Path), in reading order."""
    return sorted(p for p in directory.glob("*.ipynb") if NOTEBOOK_NAME.fullmatch(p.name))
