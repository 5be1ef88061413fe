import pytest
import torch
from torch import nn

from rnnlab.models.attention_decoders import BahdanauDecoder
from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.models.seq2seq import Memory, Seq2Seq
from rnnlab.tasks.sorting_tokens import (OFFSET, number_batch, one_hot_numbers, seq2seq_sorting_accuracy,
                                         seq2seq_sorting_batch)


def test_number_batch():
    values, order = number_batch(32, 9, 40, generator=torch.Generator().manual_seed(0))
    assert values.shape == order.shape == (32, 9) and values.dtype == order.dtype == torch.int64
    assert values.min() >= 0 and values.max() <= 39
    assert all(len(set(row)) == 9 for row in values.tolist())          # distinct within a row
    ordered = torch.gather(values, 1, order)
    assert (ordered[:, 1:] > ordered[:, :-1]).all()                      # order = argsort: the pointer targets
    v2, o2 = number_batch(32, 9, 40, generator=torch.Generator().manual_seed(0))
    assert torch.equal(values, v2) and torch.equal(order, o2)
    assert number_batch(4, 5, 5)[0].sort(1).values.tolist() == [list(range(5))] * 4   # all of them


def test_number_batch_bad_inputs(raises_naming):
    with pytest.raises(ValueError, match="batch_size"):
        number_batch(0, 5)
    with pytest.raises(ValueError, match="n to be an int >= 2"):
        number_batch(4, 1)
    with raises_naming(ValueError, "n_values", ">= 12", "got 10"):
        number_batch(4, 12, n_values=10)


def test_one_hot_numbers(raises_naming):
    values = torch.tensor([[3, 0, 7], [1, 2, 9]])
    x = one_hot_numbers(values, 10)
    assert x.shape == (2, 3, 10) and x.dtype == torch.float32
    assert torch.equal(x.argmax(-1), values) and (x.sum(-1) == 1).all()
    with raises_naming(ValueError, "0..9", "[0, 10]"):
        one_hot_numbers(torch.tensor([[10, 0]]), 10)
    with pytest.raises(ValueError, match=r"\[-1, 0\]"):
        one_hot_numbers(torch.tensor([[-1, 0]]), 10)
    with pytest.raises(ValueError, match="integer values"):
        one_hot_numbers(torch.rand(2, 3), 10)
    with pytest.raises(ValueError, match=r"shape \(B, n\)"):
        one_hot_numbers(torch.tensor([1, 2]), 10)
    with pytest.raises(ValueError, match="empty"):
        one_hot_numbers(torch.zeros(0, 3, dtype=torch.int64), 10)
    with pytest.raises(ValueError, match="n_values"):
        one_hot_numbers(values, 0)


def test_seq2seq_sorting_batch():
    values = torch.tensor([[5, 1, 3], [0, 9, 2]])
    src, lengths, tgt = seq2seq_sorting_batch(values)
    assert torch.equal(src, values + OFFSET) and lengths.tolist() == [3, 3]
    assert tgt.tolist() == [[BOS, 1 + OFFSET, 3 + OFFSET, 5 + OFFSET, EOS],
                            [BOS, 0 + OFFSET, 2 + OFFSET, 9 + OFFSET, EOS]]
    assert OFFSET == 3 and PAD not in src.tolist()[0]
    with pytest.raises(ValueError, match="empty"):
        seq2seq_sorting_batch(torch.zeros(2, 0, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"shape \(B, n\)"):
        seq2seq_sorting_batch(torch.zeros(2, 3, 1, dtype=torch.int64))


class _ScriptedDecoder(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab

    def step(self, y_prev, state, memory):
        t = state[0]
        nxt = memory.outputs[torch.arange(len(t)), t.clamp(max=memory.outputs.shape[1] - 1)]
        return nn.functional.one_hot(nxt, self.vocab).float() * 10, (t + 1,)


class _Scripted(nn.Module):
    """A stand-in seq2seq that writes the sorted numbers (``cut`` numbers, or ``extra`` too many), then EOS."""

    def __init__(self, vocab, cut=None, extra=0):
        super().__init__()
        self.cut, self.extra = cut, extra
        self.decoder = _ScriptedDecoder(vocab)

    def encoder(self, src, lengths):
        ids = torch.sort(src, 1).values
        ids = ids[:, :self.cut] if self.cut is not None else ids
        ids = torch.cat([ids, ids[:, -1:].expand(-1, self.extra), torch.full((len(src), 1), EOS)], 1)
        step = torch.zeros(len(src), dtype=torch.int64)
        return Memory(ids, torch.ones_like(ids, dtype=torch.bool), ids[:, 0]), (step,)


def test_seq2seq_sorting_accuracy_counts_exact_positions_and_length():
    values, _ = number_batch(16, 6, 20, generator=torch.Generator().manual_seed(1))
    right = seq2seq_sorting_accuracy(_Scripted(23), values)
    assert right == {"exact": 1.0, "positions": 1.0, "stopped_at_n": 1.0}
    short = seq2seq_sorting_accuracy(_Scripted(23, cut=5), values)       # stops one number early
    assert short["exact"] == 0.0 and short["stopped_at_n"] == 0.0 and short["positions"] == pytest.approx(5 / 6)
    long = seq2seq_sorting_accuracy(_Scripted(23, extra=1), values)      # one number too many
    assert long["exact"] == 0.0 and long["stopped_at_n"] == 0.0 and long["positions"] == 1.0
    never = seq2seq_sorting_accuracy(_Scripted(23, extra=9), values, extra=2)   # no EOS within n + 2
    assert never == {"exact": 0.0, "positions": 1.0, "stopped_at_n": 0.0}


def test_seq2seq_sorting_accuracy_on_a_real_model():
    torch.manual_seed(0)
    model = Seq2Seq(23, 23, embed=8, hidden=8, cell="lstm", decoder=BahdanauDecoder(23, 8, 8, "lstm"))
    model.train()
    values, _ = number_batch(4, 5, 20, generator=torch.Generator().manual_seed(0))
    r = seq2seq_sorting_accuracy(model, values)
    assert set(r) == {"exact", "positions", "stopped_at_n"} and all(0 <= v <= 1 for v in r.values())
    assert model.training                                                 # the mode is restored
    with pytest.raises(ValueError, match="extra"):
        seq2seq_sorting_accuracy(model, values, extra=0)
    with pytest.raises(ValueError, match="integer values"):
        seq2seq_sorting_accuracy(model, values.float())
