"""A real-text corpus that ships with the course.  Introduced in 09.

The text is the Python reference manual's topic pages as Python 3.11.7's standard library ships
them (``pydoc_data.topics``, the pages ``help("assert")`` shows): real technical writing by many
authors, 466,273 bytes, under the Python Software Foundation's documentation licence. Each
Python version ships slightly different pages, so the course keeps its own copy
(``datasets/python_docs_topics.txt``, checked against the manifest's sha256): the lab trains on
the same bytes whichever Python runs it.

Tokens are bytes (0..255) of the UTF-8 text. The split is fixed: the last 10% of the bytes are
held out for evaluation, the first 90% are training data.
"""
from dataclasses import dataclass

import numpy as np

from helpers import datasets

__all__ = ["Corpus", "load_corpus", "HELD_OUT_FRACTION"]

HELD_OUT_FRACTION = 0.1


@dataclass(frozen=True)
class Corpus:
    """Byte tokens of the corpus. train, held_out: uint8 arrays. source: where the text came from."""
    train: np.ndarray
    held_out: np.ndarray
    source: str

    @property
    def size(self):
        return self.train.size + self.held_out.size


def load_corpus():
    """The Python documentation topics as bytes, split 90/10 into training and held-out text.  Introduced in 09."""
    data = np.frombuffer(datasets.read_bytes("python_docs_topics"), dtype=np.uint8)
    cut = int(round(data.size * (1 - HELD_OUT_FRACTION)))
    return Corpus(train=data[:cut].copy(), held_out=data[cut:].copy(),
                  source="Python documentation topics (pydoc_data.topics of Python 3.11.7), PSF licence")
