"""A real-text corpus available offline on every Python install.  Introduced in 09.

The text is the Python reference manual's topic pages that ship inside the standard library
(``pydoc_data.topics``, the pages ``help("assert")`` shows): real technical writing by many
authors, about 0.47 MB in Python 3.11, under the Python Software Foundation's documentation
licence. Different Python versions ship slightly different pages, so results computed on one
version differ slightly on another.

Tokens are bytes (0..255) of the UTF-8 text. The split is fixed: the last 10% of the bytes are
held out for evaluation, the first 90% are training data.
"""
from dataclasses import dataclass

import numpy as np

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
    try:
        from pydoc_data.topics import topics
    except ImportError:  # pragma: no cover - a stripped Python without pydoc_data
        raise RuntimeError("the corpus needs the standard library's pydoc_data package, missing from this "
                           "Python install") from None
    text = "\n\n".join(topics[key] for key in sorted(topics))
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    cut = int(round(data.size * (1 - HELD_OUT_FRACTION)))
    return Corpus(train=data[:cut].copy(), held_out=data[cut:].copy(),
                  source="Python documentation topics (pydoc_data.topics), PSF licence")
