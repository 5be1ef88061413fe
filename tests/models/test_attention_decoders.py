"""Attention decoders inside Seq2Seq: shapes, padding, decoding, and that they learn reversal."""
import pytest
import torch

from rnnlab.decoding.beam import beam_search
from rnnlab.models.attention_decoders import BahdanauDecoder, LuongDecoder
from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.decoding.greedy import greedy_decode
from rnnlab.models.seq2seq import Seq2Seq, seq2seq_loss, step_function
from rnnlab.tasks.reverse import reversal_batch, reversal_batches, reversal_vocabulary
from rnnlab.training.loop import train

VOCAB = reversal_vocabulary(6)
V = len(VOCAB)


def _model(kind, cell, hidden=16, seed=0):
    torch.manual_seed(seed)
    decoder = (BahdanauDecoder(V, 8, hidden, cell) if kind == "bahdanau"
               else LuongDecoder(V, 8, hidden, cell, score=kind))
    return Seq2Seq(V, V, 8, hidden, cell, decoder=decoder)


KINDS = [("bahdanau", "gru"), ("bahdanau", "lstm"), ("dot", "gru"), ("general", "lstm"), ("concat", "gru")]


@pytest.mark.parametrize("kind,cell", KINDS)
def test_padding_columns_change_nothing_and_get_no_weight(kind, cell):
    model = _model(kind, cell).double().eval()
    src, lengths, tgt = reversal_batch(["abcd", "fe", "cab"], VOCAB)
    logits = model(src, lengths, tgt[:, :-1])
    assert logits.shape == (3, tgt.shape[1] - 1, V)
    padded = torch.cat([src, torch.full((3, 4), PAD)], 1)  # four more PAD columns
    logits2 = model(padded, lengths, tgt[:, :-1])
    torch.testing.assert_close(logits2, logits, rtol=0, atol=1e-12)
    ids, logp, alpha = greedy_decode(model, padded, lengths, max_len=5, return_alpha=True)
    assert alpha.shape == (3, ids.shape[1], padded.shape[1])
    real = torch.arange(padded.shape[1])[None, :] < lengths[:, None]  # (B, S)
    assert (alpha[~real[:, None, :].expand_as(alpha)] == 0).all()
    torch.testing.assert_close(alpha.sum(-1), torch.ones(alpha.shape[:2], dtype=torch.float64))


@pytest.mark.parametrize("kind,cell", KINDS)
def test_beam_of_width_one_is_greedy(kind, cell):
    model = _model(kind, cell).eval()
    src, lengths, _ = reversal_batch(["abcdef"], VOCAB)
    g_ids, g_lp = greedy_decode(model, src, lengths, max_len=8)
    memory, state = model.encoder(src, lengths)
    hyps = beam_search(step_function(model, memory), state, bos=BOS, eos=EOS, beam_width=1, max_len=8)
    best = hyps[0]
    assert best.tokens == [t for t in g_ids[0].tolist() if t != PAD]
    assert abs(best.logprob - float(g_lp[0])) < 1e-5


def test_seq2seq_loss_gradients_reach_the_attention():
    model = _model("bahdanau", "gru")
    batch = reversal_batch(["abc", "defab"], VOCAB)
    seq2seq_loss(model, batch).backward()
    for name in ("W_h", "W_s", "v"):
        grad = getattr(model.decoder.attention, name).weight.grad
        assert grad is not None and grad.abs().sum() > 0, name


@pytest.mark.parametrize("kind", ["bahdanau", "general"])
def test_attention_decoder_learns_to_reverse(kind):
    """A small model reverses strings of 3..7 letters after 300 steps (chance: ~0%)."""
    model = _model(kind, "gru", hidden=32, seed=0)
    batches = reversal_batches(3, 7, VOCAB, batch_size=32, seed=0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    train(model, batches, seq2seq_loss, optimizer=opt, steps=300, clip=1.0, progress=False)
    src, lengths, tgt = reversal_batch(["abcdef", "fedcb", "aabbc", "cafe", "dbaec", "ebdaf", "bad", "fcfd"], VOCAB)
    ids, _ = greedy_decode(model, src, lengths, max_len=9)
    got = [VOCAB.decode(row) for row in ids]
    want = [VOCAB.decode(row) for row in tgt]
    right = sum(g == w for g, w in zip(got, want))
    assert right >= 7, list(zip(got, want))


def test_reversal_vocabulary_rejects_unknown_letters(raises_naming):
    with raises_naming(ValueError, "'abz'", "'abcdef'"):
        VOCAB.encode(["abz"])
