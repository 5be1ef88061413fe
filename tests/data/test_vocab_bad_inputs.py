"""The vocabulary and the batchers walked with the ids and tokens a student gets wrong.

Every bad id is named with its position and the vocabulary size, never dropped or wrapped; every
input of the wrong kind (a str for ids, floats, bools, nested lists) gets a message saying what to pass.
"""
import numpy as np
import pytest
import torch

from rnnlab.checks import TokenIdError
from rnnlab.data.char_batches import StatefulBatches
from rnnlab.data.vocab import Vocab

V = Vocab("abc", pad=True, bos=True, eos=True)          # <pad>=0 <bos>=1 <eos>=2 a=3 b=4 c=5: 6 ids


@pytest.mark.parametrize("ids, error, parts", [
    ([3, -1, 4], TokenIdError, ("got -1", "position 1", "6 tokens", "[0, 5]")),      # negative: an error, not dropped
    (torch.tensor([3, 4, 9]), TokenIdError, ("got 9", "position 2", "6 tokens")),
    (np.array([[3, 6]]), TokenIdError, ("got 6", "position 1")),                      # (1, L): one sequence
    (torch.tensor([3, -100]), TokenIdError, ("-100", "position 1", "leave those positions out")),
    ("abc", TypeError, ("ids", "str", "encode")),
    ([3.7, 4.2], TypeError, ("ids", "float64", "floats are not ids")),
    (torch.tensor([3.0, 4.0]), TypeError, ("ids", "float32", "floats are not ids")),
    (np.array([True, False]), TypeError, ("ids", "bool")),
    (None, TypeError, ("ids", "None")),
    (["a", "b"], TypeError, ("ids", "tokens are not ids")),
    ([[3, 4], [5]], ValueError, ("ids", "unequal lengths")),
    (torch.tensor([[3, 4], [5, 3]]), ValueError, ("one sequence", "(2, 2)", "row by row")),
])
def test_decode_bad_ids(raises_naming, ids, error, parts):
    with raises_naming(error, *parts):
        V.decode(ids)


def test_decode_errors_are_value_errors_where_they_were():
    """Ids out of range raised ValueError before; TokenIdError is one. Floats now raise, and are ValueErrors too."""
    for ids in ([0, 9], [-1], [1.5]):
        with pytest.raises(ValueError):
            V.decode(ids)


@pytest.mark.parametrize("ids, text", [
    ([3, 4, 5], "abc"), (np.array([1, 3, 2, 4]), "a"), (torch.tensor([[3, 0, 0]]), "a"), (np.int64(4), "b"),
    (torch.tensor([], dtype=torch.int64), ""), (np.array([3, 4], dtype=np.uint8), "ab"),
])
def test_decode_good_ids(ids, text):
    assert V.decode(ids) == text


def test_decode_sep_must_be_a_str(raises_naming):
    with raises_naming(TypeError, "sep", "int"):
        V.decode([3, 4], sep=0)


@pytest.mark.parametrize("call, error, parts", [
    (lambda: V.encode(None), TypeError, ("tokens", "None")),
    (lambda: V.encode(5), TypeError, ("tokens", "int")),
    (lambda: V.encode([["a"], ["b"]]), TypeError, ("list", "position 0", "encode_batch")),
    (lambda: V.encode_batch(None), TypeError, ("sequences", "None")),
    (lambda: V.encode_batch(["ab", 5]), TypeError, ("index 1", "int")),
    (lambda: V.encode_batch([[["a"], ["b"]], [["c"]]]), TypeError, ("sequence 0", "list", "position 0")),
    (lambda: V.encode_batch([[3, 4], [5]]), ValueError, ("sequence 0", "3, 4", "look like ids", "decode")),
    (lambda: V.encode_batch(["ab"], bos="yes"), TypeError, ("bos", "'yes'")),
    (lambda: V.encode_batch(["ab"], eos=1), TypeError, ("eos", "1")),
    (lambda: Vocab(None), TypeError, ("tokens", "None")),
    (lambda: Vocab([["a"], ["b"]]), TypeError, ("list", "position 0")),
    (lambda: Vocab.from_counts(5), TypeError, ("from_counts", "int")),
    (lambda: Vocab.from_counts([["a"]], max_size=-1), ValueError, ("max_size", "-1")),
    (lambda: Vocab.from_counts([["a"]], max_size=2.5), TypeError, ("max_size", "2.5")),
    (lambda: Vocab.from_counts([["a"]], min_count=0), ValueError, ("min_count", "got 0")),
    (lambda: Vocab.from_counts([["a"]], min_count=True), TypeError, ("min_count", "True")),
])
def test_encode_bad_inputs(raises_naming, call, error, parts):
    with raises_naming(error, *parts):
        call()


def test_encode_batch_pads_nested_lists_of_unequal_length():
    ids, lengths = V.encode_batch([["a", "b", "c"], ["a"], ["c", "c"]], eos=True)
    assert ids.tolist() == [[3, 4, 5, 2], [3, 2, 0, 0], [5, 5, 2, 0]] and lengths.tolist() == [4, 2, 3]
    assert [V.decode(row) for row in ids] == ["abc", "a", "cc"]


def test_from_counts_takes_numpy_sizes():
    lines = [["a", "b"], ["a"]]
    assert Vocab.from_counts(lines, max_size=np.int64(1)).itos == Vocab.from_counts(lines, max_size=1).itos == ["a"]


# ---- StatefulBatches -------------------------------------------------------------------------------
TEXT_IDS = np.arange(30) % 7


@pytest.mark.parametrize("ids, kwargs, error, parts", [
    (TEXT_IDS + 0.5, {}, TypeError, ("ids", "float64", "vocab.encode(text)")),
    (torch.rand(30), {}, TypeError, ("ids", "float32", "vocab.encode(text)")),
    (TEXT_IDS - 3, {}, TokenIdError, ("ids", "got -3", "position 0", "vocab.encode(text)")),
    ("hello world " * 5, {}, TypeError, ("ids", "str", "vocab.encode(text)")),
    (list("hello world " * 5), {}, TypeError, ("ids", "tokens are not ids", "vocab.encode(text)")),
    (np.ones(30, dtype=bool), {}, TypeError, ("ids", "bool")),
    (TEXT_IDS, {"vocab_size": 5}, TokenIdError, ("got 5", "position 5", "5 tokens")),
    (TEXT_IDS, {"batch_size": True}, TypeError, ("batch_size", "True")),
    (TEXT_IDS, {"seq_len": 2.0}, TypeError, ("seq_len", "2.0")),
    (TEXT_IDS, {"seq_len": 0}, ValueError, ("seq_len", "got 0")),
])
def test_stateful_batches_refuse_what_is_not_ids(raises_naming, ids, kwargs, error, parts):
    args = {"batch_size": 2, "seq_len": 4, **kwargs}
    with raises_naming(error, *parts):
        StatefulBatches(ids, **args)


def test_stateful_batches_take_numpy_sizes_and_every_int_dtype():
    want = StatefulBatches(TEXT_IDS, 2, 4)
    for ids in (TEXT_IDS.astype(np.int32), torch.from_numpy(TEXT_IDS), TEXT_IDS.tolist()):
        got = StatefulBatches(ids, np.int64(2), np.int64(4), vocab_size=7)
        assert len(got) == len(want) and all(torch.equal(a.x, b.x) and torch.equal(a.y, b.y) for a, b in zip(got, want))
        assert got[0].x.dtype == torch.int64


def test_encode_reads_a_generator_once():
    """The unknown-token check used to use up a generator, and encode then returned no ids at all."""
    assert V.encode(c for c in "cab").tolist() == V.encode("cab").tolist() == [5, 3, 4]
