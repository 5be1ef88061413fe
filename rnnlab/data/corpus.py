"""Text corpora from Python itself (their vocabulary: :meth:`rnnlab.data.vocab.Vocab.from_text`).

- :func:`load_python_docs` — English prose: the help topics of Python's own
  documentation (``pydoc_data.topics``, 465 kB), the text ``help("FORMATTING")`` shows.
- :func:`load_python_source` — Python code: a fixed list of standard-library modules.

Both come from a snapshot taken from Python 3.11.7 and shipped in ``rnnlab/data/snapshot/``
(about 190 kB compressed, under the PSF license beside it), not from the running
interpreter, whose texts change between versions: every Python the course supports
trains on the same characters and gets the stored outputs. Nothing is downloaded.
``tools/snapshot_python_texts.py`` wrote the snapshot.
"""
from __future__ import annotations

import functools
import hashlib
import json
import lzma
from pathlib import Path

from rnnlab.checks import check_number


#: The Python whose texts the snapshot holds (the stored outputs were made with it).
SNAPSHOT_PYTHON = "3.11.7"
SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshot"
#: kind -> file in SNAPSHOT_DIR: xz-compressed JSON, {name: text}.
SNAPSHOT_FILES = {"docs": "python-3.11.7-docs.json.xz", "source": "python-3.11.7-source.json.xz"}
#: sha256 of each file's uncompressed JSON, checked at every load.
SNAPSHOT_SHA256 = {
    "docs": "4717ccc51e2e7bd1eed2feddb0bcb5a7da19a1a923fd2f258cf81e4285e31683",
    "source": "c7fcd8f29e4c3cd6b75dac45135b2856929624e40f88be79c629e06d26658c3f",
}

# Standard-library modules whose source makes the code corpus, in this order.
SOURCE_MODULES = (
    "textwrap.py", "string.py", "fnmatch.py", "bisect.py", "heapq.py", "queue.py",
    "shlex.py", "difflib.py", "fractions.py", "statistics.py", "calendar.py",
    "collections/__init__.py", "json/decoder.py", "json/encoder.py", "argparse.py",
)


@functools.lru_cache(maxsize=None)
def _snapshot(kind: str) -> dict:
    """The snapshot's ``{name: text}`` of ``kind`` ("docs" or "source"), checked against its sha256."""
    path = SNAPSHOT_DIR / SNAPSHOT_FILES[kind]
    try:
        raw = lzma.decompress(path.read_bytes())
    except (OSError, lzma.LZMAError) as err:
        raise RuntimeError(f"the snapshot of Python's texts {path} could not be read ({err}); "
                           f"expected the file as committed (git checkout -- {path.name})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SNAPSHOT_SHA256[kind]:
        raise RuntimeError(f"the snapshot of Python's texts {path} has sha256 {digest}, expected "
                           f"{SNAPSHOT_SHA256[kind]}: the file changed; restore it (git checkout -- {path.name})")
    return json.loads(raw)


def load_python_docs() -> str:
    """Python 3.11.7's documentation topics as one string, topics in alphabetical order."""
    topics = _snapshot("docs")
    return "\n\n".join(topics[name].strip("\n") for name in sorted(topics))


def load_python_source(modules: tuple[str, ...] = SOURCE_MODULES) -> str:
    """The Python 3.11.7 source of ``modules`` (paths inside the standard library, from
    :data:`SOURCE_MODULES`), each after a ``# ---- name ----`` line, concatenated."""
    if isinstance(modules, str) or not all(isinstance(m, str) for m in modules):
        raise TypeError(f"load_python_source: expected a tuple of module paths such as ('textwrap.py',), "
                        f"got {modules!r}")
    sources = _snapshot("source")
    unknown = [name for name in modules if name not in sources]
    if unknown:
        raise ValueError(f"load_python_source: expected standard-library files from the snapshot "
                         f"({', '.join(SOURCE_MODULES)}), got {', '.join(map(repr, unknown))}")
    return "\n\n".join(f"# ---- {name} ----\n" + sources[name] for name in modules)


def split_text(text: str, valid: float = 0.05, test: float = 0.05) -> tuple[str, str, str]:
    """Split ``text`` into contiguous train / valid / test parts (in that order).

    Contiguous (not shuffled) so that held-out text is text the model never saw,
    not sentences interleaved with its training data.
    """
    if not isinstance(text, str):
        raise TypeError(f"split_text: expected a str, got {type(text).__name__}")
    valid, test = (check_number(name, share, fn="split_text", what="a share of the text, e.g. 0.05")
                   for name, share in (("valid", valid), ("test", test)))
    if not (0 <= valid < 1 and 0 <= test < 1 and valid + test < 1):
        raise ValueError(f"split_text: expected 0 <= valid, test and valid + test < 1, got valid={valid}, test={test}")
    n = len(text)
    n_valid, n_test = int(n * valid), int(n * test)
    n_train = n - n_valid - n_test
    if n_train == 0 or (valid > 0 and n_valid == 0) or (test > 0 and n_test == 0):
        raise ValueError(f"split_text: a text of {n} characters is too short to split with valid={valid}, test={test}")
    return text[:n_train], text[n_train:n_train + n_valid], text[n_train + n_valid:]
