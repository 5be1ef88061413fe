import numpy as np
import pytest

from rnnlab.data import CharVocab, load_python_docs, load_python_source, split_text


def test_python_docs_is_real_english_of_the_expected_size():
    text = load_python_docs()
    assert 300_000 < len(text) < 1_000_000
    assert "The " in text and " the " in text
    assert text == load_python_docs()  # deterministic


def test_python_source_is_python_code():
    text = load_python_source()
    assert "def " in text and "class " in text and "# ---- argparse.py ----" in text
    with pytest.raises(FileNotFoundError, match="expected the standard-library file nope.py"):
        load_python_source(("nope.py",))


def test_vocab_roundtrip_and_order():
    vocab = CharVocab.from_text("hello world")
    assert vocab.chars == [" ", "d", "e", "h", "l", "o", "r", "w"]
    ids = vocab.encode("low")
    assert ids.dtype == np.int64 and ids.tolist() == [4, 5, 7]
    assert vocab.decode(ids) == "low"
    full = load_python_docs()
    v = CharVocab.from_text(full)
    assert v.decode(v.encode(full[:5000])) == full[:5000]


def test_vocab_errors_name_what_is_wrong():
    vocab = CharVocab.from_text("abc")
    with pytest.raises(ValueError, match=r"1 character\(s\) not in the vocabulary of 3: 'z'"):
        vocab.encode("abz")
    with pytest.raises(ValueError, match=r"expected ids in \[0, 2\], got values in \[0, 3\]"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match="the text is empty"):
        CharVocab.from_text("")
    with pytest.raises(TypeError, match="expected a str, got list"):
        CharVocab.from_text(["a"])


def test_split_is_contiguous_and_complete():
    text = "".join(chr(97 + i % 26) for i in range(1000))
    train, valid, test = split_text(text, valid=0.1, test=0.2)
    assert (len(train), len(valid), len(test)) == (700, 100, 200)
    assert train + valid + test == text


@pytest.mark.parametrize("kwargs,match", [
    ({"valid": 0.6, "test": 0.5}, "valid \\+ test < 1, got valid=0.6, test=0.5"),
    ({"valid": -0.1}, "got valid=-0.1"),
])
def test_split_rejects_bad_fractions(kwargs, match):
    with pytest.raises(ValueError, match=match):
        split_text("abcdefghij" * 10, **kwargs)


def test_split_rejects_text_too_short():
    with pytest.raises(ValueError, match="a text of 5 characters is too short"):
        split_text("abcde", valid=0.1, test=0.1)
