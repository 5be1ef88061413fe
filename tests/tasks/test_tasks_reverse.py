"""The reversal task: strings, batches, vocabulary and errors."""
import pytest
import torch

from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.tasks.reverse import make_strings, reversal_batch, reversal_batches, reversal_vocabulary


def test_strings_have_the_asked_lengths_and_letters_and_are_seeded():
    strings = make_strings(500, 4, 9, n_symbols=5, seed=3)
    assert {len(s) for s in strings} == set(range(4, 10))
    assert set("".join(strings)) == set("abcde")
    assert strings == make_strings(500, 4, 9, n_symbols=5, seed=3)
    assert strings != make_strings(500, 4, 9, n_symbols=5, seed=4)


def test_batch_targets_are_the_reversed_sources():
    vocab = reversal_vocabulary(5)
    src, lengths, tgt = reversal_batch(["abc", "edcba"], vocab)
    assert src.shape == (2, 5) and lengths.tolist() == [3, 5] and tgt.shape == (2, 7)
    assert src[0].tolist() == [3, 4, 5, PAD, PAD]
    assert tgt[0].tolist() == [BOS, 5, 4, 3, EOS, PAD, PAD]
    assert vocab.decode(tgt[1]) == "abcde"


def test_batches_are_fresh_at_each_step_and_reproducible():
    vocab = reversal_vocabulary(8)
    a, b = reversal_batches(2, 6, vocab, batch_size=16, seed=1), reversal_batches(2, 6, vocab, batch_size=16, seed=1)
    assert torch.equal(a(0)[0], b(0)[0])
    assert not torch.equal(a(0)[2], a(1)[2])


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="n_symbols an int in 2..26, got 27"):
        reversal_vocabulary(27)
    with pytest.raises(ValueError, match="1 <= min_len <= max_len, got min_len=5, max_len=3"):
        make_strings(4, 5, 3)
    with pytest.raises(ValueError, match="n >= 1"):
        make_strings(0, 1, 3)
    with pytest.raises(ValueError, match="non-empty"):
        reversal_batch([""], reversal_vocabulary(4))
