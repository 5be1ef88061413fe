"""Text corpora that ship with Python, and a character vocabulary for them.

- :func:`load_python_docs` — English prose: the help topics of Python's own
  documentation (``pydoc_data.topics``, about 465 kB on Python 3.11), the text
  ``help("FORMATTING")`` shows.
- :func:`load_python_source` — Python code: a fixed list of standard-library modules.

Both are read from the running Python's installation, so nothing is downloaded.
The text differs slightly between Python versions; the course's stored outputs
were made on Python 3.11.
"""
from __future__ import annotations

import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Standard-library modules whose source makes the code corpus, in this order.
SOURCE_MODULES = (
    "textwrap.py", "string.py", "fnmatch.py", "bisect.py", "heapq.py", "queue.py",
    "shlex.py", "difflib.py", "fractions.py", "statistics.py", "calendar.py",
    "collections/__init__.py", "json/decoder.py", "json/encoder.py", "argparse.py",
)


def load_python_docs() -> str:
    """Python's documentation topics as one string, topics in alphabetical order."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[name].strip("\n") for name in sorted(topics))


def load_python_source(modules: tuple[str, ...] = SOURCE_MODULES) -> str:
    """The source code of ``modules`` (paths inside the standard library), concatenated."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    parts = []
    for name in modules:
        path = stdlib / name
        if not path.is_file():
            raise FileNotFoundError(f"load_python_source: expected the standard-library file {name}, not found in {stdlib}")
        parts.append(f"# ---- {name} ----\n" + path.read_text(encoding="utf-8"))
    return "\n\n".join(parts)


def split_text(text: str, valid: float = 0.05, test: float = 0.05) -> tuple[str, str, str]:
    """Split ``text`` into contiguous train / valid / test parts (in that order).

    Contiguous (not shuffled) so that held-out text is text the model never saw,
    not sentences interleaved with its training data.
    """
    if not isinstance(text, str):
        raise TypeError(f"split_text: expected a str, got {type(text).__name__}")
    if not (0 <= valid < 1 and 0 <= test < 1 and valid + test < 1):
        raise ValueError(f"split_text: expected 0 <= valid, test and valid + test < 1, got valid={valid}, test={test}")
    n = len(text)
    n_valid, n_test = int(n * valid), int(n * test)
    n_train = n - n_valid - n_test
    if n_train == 0 or (valid > 0 and n_valid == 0) or (test > 0 and n_test == 0):
        raise ValueError(f"split_text: a text of {n} characters is too short to split with valid={valid}, test={test}")
    return text[:n_train], text[n_train:n_train + n_valid], text[n_train + n_valid:]


@dataclass
class CharVocab:
    """A character vocabulary: ``encode`` maps text to ids, ``decode`` maps ids back.

    Ids follow the sorted order of the characters, so the same text always gives
    the same vocabulary.
    """

    chars: list[str]
    stoi: dict = field(init=False, repr=False)

    def __post_init__(self):
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("CharVocab: expected distinct characters, got duplicates")
        self.stoi = {ch: i for i, ch in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> "CharVocab":
        """The vocabulary of every character that occurs in ``text``."""
        if not isinstance(text, str):
            raise TypeError(f"CharVocab.from_text: expected a str, got {type(text).__name__}")
        if not text:
            raise ValueError("CharVocab.from_text: the text is empty; expected at least one character")
        return cls(sorted(set(text)))

    def __len__(self) -> int:
        return len(self.chars)

    def check_known(self, text: str, what: str = "CharVocab.encode", vocabulary: str = "the vocabulary",
                    advice: str = "Build the vocabulary from text that contains them, or remove them.") -> None:
        """Raise ``ValueError`` naming every character of ``text`` that is not in the vocabulary.

        The one place rnnlab checks for unknown characters; callers name what they were
        given (``what``, e.g. ``"prompt"``) and what to do about it (``advice``).
        """
        unknown = sorted(set(text) - self.stoi.keys())
        if unknown:
            shown = ", ".join(repr(c) for c in unknown[:10])
            raise ValueError(
                f"{what}: {len(unknown)} character(s) not in {vocabulary} of {len(self)}: {shown}. {advice}"
            )

    def encode(self, text: str) -> np.ndarray:
        """Ids of ``text``'s characters, shape ``(len(text),)``, dtype int64."""
        self.check_known(text)
        return np.fromiter((self.stoi[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        """The text of ``ids`` (any integer sequence or array)."""
        ids = np.asarray(ids)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"CharVocab.decode: expected ids in [0, {len(self) - 1}], got values in [{ids.min()}, {ids.max()}]")
        return "".join(self.chars[i] for i in ids.ravel())
