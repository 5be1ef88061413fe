import math

import pytest
import torch

from rnnlab.decoding.beam import beam_decode, beam_search, length_normalised
from rnnlab.decoding.greedy import greedy_decode
from rnnlab.models.seq2seq import Seq2Seq

PAD, BOS, EOS, A, B, C = range(6)


def table_step():
    """A tiny 'model': p(next | last token) from a table. The state is ignored (a dummy (n, 1))."""
    p = torch.full((6, 6), 1e-9)
    p[BOS, A], p[BOS, B] = 0.6, 0.4
    p[A, B], p[A, C] = 0.55, 0.45
    p[B, EOS], p[B, C] = 0.9, 0.1
    p[C, EOS] = 1.0
    logp = (p / p.sum(1, keepdim=True)).log()

    def step(tokens, state):
        return logp[tokens], state

    return step, logp


def test_beam_beats_greedy_on_a_hand_made_model():
    step, logp = table_step()
    greedy = beam_search(step, torch.zeros(1, 1), bos=BOS, eos=EOS, beam_width=1, max_len=5)[0]
    assert greedy.tokens == [A, B, EOS]                          # 0.6 * 0.55 * 0.9 = 0.297
    best = beam_search(step, torch.zeros(1, 1), bos=BOS, eos=EOS, beam_width=2, max_len=5)[0]
    assert best.tokens == [B, EOS]                               # 0.4 * 0.9 = 0.36 > 0.297
    assert best.logprob == pytest.approx(math.log(0.36), abs=1e-5)
    assert greedy.logprob == pytest.approx(math.log(0.297), abs=1e-5)


def test_length_normalisation_as_documented():
    step, _ = table_step()
    hyps = beam_search(step, torch.zeros(1, 1), bos=BOS, eos=EOS, beam_width=3, max_len=5, alpha=1.0)
    # alpha = 1 ranks by mean log-probability per token: A B EOS (-0.405) over B EOS (-0.511)
    assert hyps[0].tokens == [A, B, EOS]
    assert hyps[0].score(1.0) == pytest.approx(math.log(0.297) / 3, abs=1e-5)
    raw = beam_search(step, torch.zeros(1, 1), bos=BOS, eos=EOS, beam_width=3, max_len=5, alpha=0.0)
    assert raw[0].tokens == [B, EOS]
    assert [h.tokens for h in raw] == sorted([h.tokens for h in raw], key=lambda t: -next(
        x.logprob for x in raw if x.tokens == t))
    assert length_normalised(-6.0, 4, 0.5) == pytest.approx(-3.0)


def test_width_one_is_greedy_on_a_seq2seq_model():
    torch.manual_seed(0)
    model = Seq2Seq(12, 9, embed=8, hidden=16)
    src = torch.randint(3, 12, (6, 7))
    lengths = torch.tensor([7, 3, 5, 7, 1, 2])
    g_ids, g_lp = greedy_decode(model, src, lengths, max_len=8)
    b_ids, b_lp = beam_decode(model, src, lengths, beam_width=1, max_len=8, alpha=0.7)
    assert torch.equal(g_ids[:, :b_ids.shape[1]], b_ids) and (g_ids[:, b_ids.shape[1]:] == PAD).all()
    assert torch.allclose(g_lp, b_lp, atol=1e-5)
    _, wide_lp = beam_decode(model, src, lengths, beam_width=4, max_len=8)
    assert (wide_lp >= g_lp - 1e-5).all()  # on this model a wider beam never finds a less likely output


@pytest.mark.parametrize("width", [0, -1, 1.5, True])
def test_bad_width_raises(width):
    step, _ = table_step()
    with pytest.raises(ValueError, match="beam_width: expected an int >= 1"):
        beam_search(step, torch.zeros(1, 1), bos=BOS, eos=EOS, beam_width=width, max_len=5)
