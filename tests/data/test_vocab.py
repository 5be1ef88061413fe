"""The one vocabulary: special tokens first in a fixed order, padded batches, decoding, valid masks."""
import numpy as np
import pytest
import torch

from rnnlab.checks import LengthError
from rnnlab.data import load_python_docs
from rnnlab.data.vocab import BOS, EOS, IGNORE, PAD, Vocab, valid_mask


def test_characters_without_specials_take_ids_in_sorted_order():
    vocab = Vocab.from_text("hello world")
    assert vocab.itos == [" ", "d", "e", "h", "l", "o", "r", "w"] and vocab.specials == ()
    ids = vocab.encode("low")
    assert ids.dtype == np.int64 and ids.tolist() == [4, 5, 7]
    assert vocab.decode(ids) == "low"
    full = load_python_docs()
    v = Vocab.from_text(full)
    assert v.decode(v.encode(full[:5000])) == full[:5000]


@pytest.mark.parametrize("specials, ids", [
    ({}, {}),
    ({"pad": True}, {"<pad>": 0}),
    ({"pad": True, "unk": True}, {"<pad>": 0, "<unk>": 1}),
    ({"pad": True, "bos": True, "eos": True}, {"<pad>": PAD, "<bos>": BOS, "<eos>": EOS}),
    ({"pad": True, "bos": True, "eos": True, "unk": True}, {"<pad>": 0, "<bos>": 1, "<eos>": 2, "<unk>": 3}),
])
def test_specials_come_first_in_one_order(specials, ids):
    vocab = Vocab(["x", "y"], **specials)
    assert {t: vocab.stoi[t] for t in vocab.specials} == ids
    assert vocab.itos[len(ids):] == ["x", "y"] and len(vocab) == len(ids) + 2


def test_bos_and_eos_come_together_with_pad():
    for bad in ({"bos": True, "eos": True}, {"pad": True, "bos": True}, {"pad": True, "eos": True}):
        with pytest.raises(ValueError, match="bos and eos together and with pad"):
            Vocab(["a"], **bad)


def test_tokens_must_be_distinct_and_ordinary(raises_naming):
    with raises_naming(ValueError, "distinct", "['a']"):
        Vocab(["a", "b", "a"])
    with pytest.raises(ValueError, match=r"special tokens \['<pad>'\]"):
        Vocab(["<pad>", "a"], pad=True)


def test_from_counts_orders_by_count_and_caps_the_size():
    lines = [["b", "a", "c"], ["a", "c"], ["a"], ["d"]]
    vocab = Vocab.from_counts(lines, max_size=4, min_count=1, pad=True, unk=True)
    assert vocab.itos == ["<pad>", "<unk>", "a", "c"]                    # a: 3, c: 2, then b and d (1 each)
    assert vocab.encode(["a", "zzz"]).tolist() == [2, vocab.unk_id]      # unknown -> <unk>
    assert Vocab.from_counts(lines, min_count=2).itos == ["a", "c"]
    with pytest.raises(ValueError, match="at least one sequence"):
        Vocab.from_counts([])


def test_encode_batch_pads_with_PAD_and_adds_bos_eos():
    vocab = Vocab("abc", pad=True, bos=True, eos=True)
    ids, lengths = vocab.encode_batch(["ab", "cabc"], bos=True, eos=True)
    assert ids.dtype == torch.int64 and lengths.tolist() == [4, 6]
    assert ids.tolist() == [[BOS, 3, 4, EOS, PAD, PAD], [BOS, 5, 3, 4, 5, EOS]]
    assert vocab.decode(ids[0]) == "ab" and vocab.decode(ids[1]) == "cabc"    # stops at EOS, skips BOS/PAD
    plain, plain_lengths = vocab.encode_batch("ca")                          # a str is one sequence
    assert plain.tolist() == [[5, 3]] and plain_lengths.tolist() == [2]
    words = Vocab(["to", "be"], pad=True)
    w, wl = words.encode_batch([["to", "be"], ["be"]])
    assert w.tolist() == [[1, 2], [2, PAD]] and wl.tolist() == [2, 1] and words.decode(w[0], sep=" ") == "to be"


def test_encode_errors_name_the_sequence_and_the_unknown_tokens(raises_naming):
    vocab = Vocab.from_text("abc", pad=True)
    with raises_naming(ValueError, "1 character(s)", "vocabulary of 4", "'z'"):
        vocab.encode("abz")
    with raises_naming(ValueError, "demo", "sequence 1", "'zy'", "2 character(s)", "'y', 'z'"):
        vocab.encode_batch(["ab", "zy"], what="demo")
    with raises_naming(ValueError, "'ab', 'ba'", "encode_batch"):
        vocab.encode(["ab", "ba"])                                    # texts given to encode: a hint
    with pytest.raises(ValueError, match=r"non-empty.*index 1"):
        vocab.encode_batch(["ab", ""])
    with pytest.raises(ValueError, match="at least one sequence"):
        vocab.encode_batch([])
    with pytest.raises(ValueError, match="no <bos> token"):
        vocab.encode_batch(["ab"], bos=True)
    with pytest.raises(ValueError, match="no <pad> token"):
        Vocab.from_text("abc").encode_batch(["ab"])


def test_decode_and_from_text_errors():
    vocab = Vocab.from_text("abc")
    with pytest.raises(ValueError, match=r"expected ids in \[0, 2\], got 3"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match=r"expected ids in \[0, 2\], got -1"):
        vocab.decode(torch.tensor([-1]))
    with pytest.raises(ValueError, match="the text is empty"):
        Vocab.from_text("")
    with pytest.raises(TypeError, match="expected a str, got list"):
        Vocab.from_text(["a"])


def test_valid_mask_is_true_at_real_positions():
    valid = valid_mask(torch.tensor([2, 4, 1]))
    assert valid.dtype == torch.bool and valid.tolist() == [[1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]]
    assert valid_mask(torch.tensor([2]), T=3).tolist() == [[True, True, False]]
    with pytest.raises(LengthError, match=r"1\.\.3.*\[1, 4\]"):
        valid_mask(torch.tensor([1, 4]), T=3)
    with pytest.raises(LengthError, match=r"1\.\.2.*\[0, 2\]"):
        valid_mask(torch.tensor([0, 2]))
    with pytest.raises(LengthError, match=r"non-empty 1-D.*\(1, 2\)"):
        valid_mask(torch.tensor([[1, 2]]))
    with pytest.raises(TypeError, match="integer lengths"):
        valid_mask(torch.tensor([1.0, 2.0]))


def test_ignore_is_cross_entropys_default():
    assert IGNORE == torch.nn.CrossEntropyLoss().ignore_index
