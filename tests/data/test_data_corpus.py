import hashlib
import json
import lzma
import platform
import shutil

import numpy as np
import pytest

from rnnlab.data import Vocab, corpus, load_python_docs, load_python_source, split_text
from rnnlab.tasks import tagging as tg


def test_python_docs_is_real_english_of_the_expected_size():
    text = load_python_docs()
    assert 300_000 < len(text) < 1_000_000
    assert "The " in text and " the " in text
    assert text == load_python_docs()  # deterministic


def test_python_source_is_python_code(raises_naming):
    text = load_python_source()
    assert "def " in text and "class " in text and "# ---- argparse.py ----" in text
    with raises_naming(ValueError, "standard-library", "textwrap.py", "got 'nope.py'"):
        load_python_source(("nope.py",))
    with raises_naming(TypeError, "tuple", "('textwrap.py',)", "got 'textwrap.py'"):
        load_python_source("textwrap.py")


# The corpora are the same characters on every Python: a snapshot of Python 3.11.7, not the running
# interpreter's own texts (which differ between versions). These numbers are what the stored outputs
# of notebooks 02, 05, 07, 11 and 12 were computed from; `make test-pythons` runs this on 3.11-3.13.
def test_corpora_are_the_snapshot_whatever_the_running_python():
    docs, source = load_python_docs(), load_python_source()
    assert (len(docs), len(Vocab.from_text(docs))) == (465_047, 103)
    assert hashlib.sha256(docs.encode()).hexdigest()[:16] == "d9dc35bce5ab1a24"
    assert len(source) == 453_637
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "5051a0890c77c71a"


def test_tagging_lines_are_the_same_on_every_python():
    """Notebook 05's data: the same tokens and tags on 3.11, 3.12 (whose tokenize splits f-strings) and 3.13."""
    train = tg.python_lines(load_python_source(corpus.SOURCE_MODULES[:12]), max_len=40)
    test = tg.python_lines(load_python_source(corpus.SOURCE_MODULES[12:]), max_len=40)
    assert (len(train), len(test), len(tg.tagging_vocabulary(train, max_size=2000))) == (4300, 1831, 1119)
    digest = hashlib.sha256(json.dumps([(l.tokens, l.tags) for l in train + test]).encode()).hexdigest()
    assert digest[:16] == "3572594ec2b3095a"


@pytest.mark.skipif(platform.python_version() != corpus.SNAPSHOT_PYTHON,
                    reason=f"the snapshot's source is Python {corpus.SNAPSHOT_PYTHON}; this is {platform.python_version()}")
def test_snapshot_equals_the_texts_of_the_python_it_was_taken_from():
    import sysconfig
    from pathlib import Path

    from pydoc_data.topics import topics

    assert corpus._snapshot("docs") == topics
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    assert corpus._snapshot("source") == {n: (stdlib / n).read_text(encoding="utf-8") for n in corpus.SOURCE_MODULES}


def test_snapshot_files_ship_with_their_license():
    for name in corpus.SNAPSHOT_FILES.values():
        assert (corpus.SNAPSHOT_DIR / name).stat().st_size < 200_000       # compressed, a few hundred kB in all
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in (corpus.SNAPSHOT_DIR / "LICENSE-PSF.txt").read_text()


@pytest.mark.parametrize("damage", ["truncate", "edit"])
def test_a_damaged_snapshot_is_a_clear_error(tmp_path, monkeypatch, damage):
    shutil.copytree(corpus.SNAPSHOT_DIR, tmp_path / "snapshot")
    path = tmp_path / "snapshot" / corpus.SNAPSHOT_FILES["docs"]
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
        expected = "could not be read"
    else:
        topics = json.loads(lzma.decompress(path.read_bytes()))
        topics["assert"] += "!"
        path.write_bytes(lzma.compress(json.dumps(topics).encode()))
        expected = "sha256 [0-9a-f]{64}.*expected [0-9a-f]{64}"
    monkeypatch.setattr(corpus, "SNAPSHOT_DIR", tmp_path / "snapshot")
    corpus._snapshot.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=expected):
            load_python_docs()
    finally:
        corpus._snapshot.cache_clear()


def test_split_is_contiguous_and_complete():
    text = "".join(chr(97 + i % 26) for i in range(1000))
    train, valid, test = split_text(text, valid=0.1, test=0.2)
    assert (len(train), len(valid), len(test)) == (700, 100, 200)
    assert train + valid + test == text


@pytest.mark.parametrize("kwargs,parts", [
    ({"valid": 0.6, "test": 0.5}, ("valid + test < 1", "valid=0.6", "test=0.5")),
    ({"valid": -0.1}, ("0 <= valid", "valid=-0.1")),
])
def test_split_rejects_bad_fractions(raises_naming, kwargs, parts):
    with raises_naming(ValueError, *parts):
        split_text("abcdefghij" * 10, **kwargs)


def test_split_rejects_text_too_short(raises_naming):
    with raises_naming(ValueError, "5 characters", "too short", "valid=0.1", "test=0.1"):
        split_text("abcde", valid=0.1, test=0.1)
