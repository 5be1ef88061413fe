"""rnnlab.models.transformers: shapes, masks (causal, padding), decoding, a tiny task learned, errors."""
import numpy as np
import pytest
import torch

from rnnlab.checks import LengthError, TokenIdError

from rnnlab.data.char_batches import StatefulBatches
from rnnlab.data.vocab import Vocab
from rnnlab.decoding.beam import beam_decode
from rnnlab.decoding.sampling import generate
from rnnlab.models.char_lm import evaluate_nll
from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.decoding.greedy import greedy_decode
from rnnlab.models.seq2seq import seq2seq_loss, sequence_logprob
from rnnlab.nn import TransformerEncoderLayer, sinusoidal_positions
from rnnlab.tasks.reverse import make_strings, reversal_batch, reversal_batches, reversal_vocabulary
from rnnlab.training.loop import train
from rnnlab.models.transformers import (AddPositions, KVCache, TransformerLM, TransformerSeq2Seq, attention_maps,
                                       lm_loss, record_attention)

F64 = torch.float64


@pytest.fixture
def one_thread():
    """Small models train fastest, and repeatably, on one thread."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def seq2seq(positions="sinusoidal", norm_first=True, seed=0, **kw):
    torch.manual_seed(seed)
    kw = {**dict(d_model=16, nhead=4, num_layers=2, dim_feedforward=32, max_len=16), **kw}
    return TransformerSeq2Seq(11, 9, positions=positions, norm_first=norm_first, **kw).eval()


def batch(seed=0, B=4, S=7, T=5):
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.tensor([S, 3, 1, 5][:B])
    src = torch.randint(3, 11, (B, S), generator=gen)
    src[torch.arange(S)[None, :] >= lengths[:, None]] = PAD
    tgt_in = torch.cat([torch.full((B, 1), BOS), torch.randint(3, 9, (B, T - 1), generator=gen)], 1)
    return src, lengths, tgt_in


def lm(positions="learned", seed=0, **kw):
    torch.manual_seed(seed)
    kw = {**dict(d_model=16, nhead=2, num_layers=2, dim_feedforward=32, max_len=12), **kw}
    return TransformerLM(13, positions=positions, **kw).eval()


# -- shapes and the interfaces of rnnlab.models.seq2seq / rnnlab.models.char_lm -------------------------------------
@pytest.mark.parametrize("norm_first", [True, False])
def test_seq2seq_shapes(norm_first):
    model = seq2seq(norm_first=norm_first)
    src, lengths, tgt_in = batch()
    memory, state = model.encoder(src, lengths)
    assert memory.outputs.shape == (4, 7, 16) and memory.valid.shape == (4, 7) and memory.context.shape == (4, 16)
    assert torch.equal(memory.valid, torch.arange(7)[None, :] < lengths[:, None])  # True = real (08's convention)
    assert (memory.outputs[~memory.valid] == 0).all()  # zeros past each length
    assert state[0].shape == (4, 0) and state[0].dtype == torch.int64
    assert model(src, lengths, tgt_in).shape == (4, 5, 9)
    loss = seq2seq_loss(model, (src, lengths, torch.cat([tgt_in, torch.full((4, 1), EOS)], 1)))
    assert loss.ndim == 0 and torch.isfinite(loss)


def test_decoder_step_equals_the_full_pass():
    model = seq2seq()
    src, lengths, tgt_in = batch()
    memory, state = model.encoder(src, lengths)
    full = model.decoder(tgt_in, memory)  # (B, T, V)
    for t in range(tgt_in.shape[1]):
        logits, state = model.decoder.step(tgt_in[:, t], state, memory)
        torch.testing.assert_close(logits, full[:, t], atol=1e-5, rtol=0)
    assert torch.equal(state[0], tgt_in)  # the state is the prefix read so far


def test_lm_shapes_and_state_window():
    model = lm()
    x = torch.randint(13, (3, 10))
    logits, state = model(x)
    assert logits.shape == (3, 10, 13) and isinstance(state, KVCache)
    assert torch.equal(state.ids, x) and state.length == 10 and len(state.layers) == 2
    assert all(K.shape == V.shape == (3, 2, 10, 8) for K, V in state.layers)  # (B, nhead, n, d_model / nhead)
    # reading in chunks with the state gives the same logits as one pass (while it fits the window)
    a, s = model(x[:, :4])
    b, s = model(x[:, 4:], s)
    torch.testing.assert_close(torch.cat([a, b], 1), logits, atol=1e-5, rtol=0)
    # past max_len the window slides: the state keeps the last max_len ids, read again from position 0
    more = torch.randint(13, (3, 6))
    c, s = model(more, s)
    window = torch.cat([x, more], 1)[:, -12:]
    assert s.length == 12 and torch.equal(s.ids, window) and s.layers[1][0].shape == (3, 2, 12, 8)
    torch.testing.assert_close(c, model(window)[0][:, -6:], atol=1e-5, rtol=0)


@pytest.mark.parametrize("norm_first", [True, False])
@pytest.mark.parametrize("positions", ["learned", "sinusoidal"])
def test_lm_step_with_the_cache_equals_the_full_causal_pass(norm_first, positions):
    model = lm(positions, norm_first=norm_first)
    with torch.no_grad():  # move every parameter off torch's init (zero biases, unit norms)
        for p in model.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=torch.Generator().manual_seed(p.numel())))
    x = torch.randint(13, (3, 12))
    with torch.no_grad():
        full, _ = model(x)  # (B, T, V)
        state = model.initial_state(3)
        assert state.length == 0 and state.layers[0][0].shape == (3, 2, 0, 8)
        for t in range(12):
            logits, state = model.step(x[:, t], state)
            torch.testing.assert_close(logits, full[:, t], atol=1e-5, rtol=0)
            assert state.length == t + 1 and torch.equal(state.ids, x[:, :t + 1])  # one more position per step
            assert all(K.shape == V.shape == (3, 2, t + 1, 8) for K, V in state.layers)
    assert not torch.allclose(full[:, 0], full[:, 1])


def test_lm_cache_holds_exactly_the_keys_and_values_of_every_layer():
    model = lm("sinusoidal", norm_first=False)
    x = torch.randint(13, (2, 7))
    with torch.no_grad():
        _, state = model(x)
        h = model.positions(model.embed(x))
        for layer, (K, V) in zip(model.layers, state.layers):
            (W_q, W_k, W_v), (b_q, b_k, b_v) = layer.self_attn.projections()
            # post-norm: attention reads the layer's input itself
            torch.testing.assert_close(K, (h @ W_k.T + b_k).view(2, 7, 2, 8).transpose(1, 2))
            torch.testing.assert_close(V, (h @ W_v.T + b_v).view(2, 7, 2, 8).transpose(1, 2))
            h = layer(h, is_causal=True)


def test_lm_loss_and_course_helpers():
    model = lm()
    vocab = Vocab.from_text("abcdefghijkl ")
    text = "abc def ghi jkl " * 20
    ids = vocab.encode(text)
    batches = StatefulBatches(ids, batch_size=2, seq_len=8)
    loss = lm_loss(model, batches[0])
    assert loss.ndim == 0 and torch.isfinite(loss)
    nll = evaluate_nll(model, ids, batch_size=2, seq_len=6)  # 07's evaluator, chunks carried through the state
    assert np.isfinite(nll) and nll > 0
    out = generate(model, vocab, "abc ", 20, generator=torch.Generator().manual_seed(0))  # 07's sampler
    assert len(out) == 20 and set(out) <= set(vocab.itos)


# -- masks -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("positions", ["learned", "sinusoidal", "none"])
def test_lm_output_at_t_does_not_depend_on_later_characters(positions):
    model = lm(positions).double()
    x = torch.randint(13, (2, 10))
    for t in (0, 4, 8):
        y = x.clone()
        y[:, t + 1:] = torch.randint(13, (2, 10 - t - 1))
        with torch.no_grad():
            a, b = model(x)[0], model(y)[0]
        torch.testing.assert_close(a[:, :t + 1], b[:, :t + 1], atol=1e-12, rtol=0)
        assert not torch.allclose(a[:, t + 1:], b[:, t + 1:])  # later positions do see their own inputs


def test_seq2seq_decoder_is_causal():
    model = seq2seq().double()
    src, lengths, tgt_in = batch()
    changed = tgt_in.clone()
    changed[:, 3:] = 5
    with torch.no_grad():
        a, b = model(src, lengths, tgt_in), model(src, lengths, changed)
    torch.testing.assert_close(a[:, :3], b[:, :3], atol=1e-12, rtol=0)


def test_padding_does_not_change_the_outputs():
    model = seq2seq().double()
    src, lengths, tgt_in = batch()
    with torch.no_grad():
        ref = model(src, lengths, tgt_in)
        # more padding columns
        wider = torch.cat([src, torch.full((4, 5), PAD)], 1)
        torch.testing.assert_close(model(wider, lengths, tgt_in), ref, atol=1e-12, rtol=0)
        # anything at all in the padded positions
        garbage = src.clone()
        garbage[torch.arange(7)[None, :] >= lengths[:, None]] = 7
        torch.testing.assert_close(model(garbage, lengths, tgt_in), ref, atol=1e-12, rtol=0)
        # and each example decodes as it would alone
        for b in range(4):
            alone = model(src[b:b + 1, :int(lengths[b])], lengths[b:b + 1], tgt_in[b:b + 1])
            torch.testing.assert_close(alone, ref[b:b + 1], atol=1e-12, rtol=0)


def test_without_positions_the_source_is_a_set():
    model = seq2seq(positions="none").double()
    src, lengths, tgt_in = batch()
    perm = torch.tensor([4, 0, 6, 2, 1, 5, 3])
    with torch.no_grad():
        a = model(src[:1], lengths[:1], tgt_in[:1])
        b = model(src[:1, perm], lengths[:1], tgt_in[:1])
    torch.testing.assert_close(a, b, atol=1e-12, rtol=0)
    # and an encoder layer is permutation equivariant
    layer = TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True).double().eval()
    x = torch.randn(1, 7, 8, dtype=F64)
    with torch.no_grad():
        torch.testing.assert_close(layer(x[:, perm]), layer(x)[:, perm], atol=1e-12, rtol=0)
    # positions break the symmetry
    with torch.no_grad():
        c = seq2seq().double()(src[:1, perm], lengths[:1], tgt_in[:1])
        d = seq2seq().double()(src[:1], lengths[:1], tgt_in[:1])
    assert not torch.allclose(c, d)


# -- decoding ---------------------------------------------------------------------------------------
def test_greedy_decode_is_consistent():
    model = seq2seq(seed=3)
    src, lengths, _ = batch()
    ids, logp = greedy_decode(model, src, lengths, max_len=8)
    assert ids.shape[0] == 4 and ids.shape[1] <= 8 and ids.dtype == torch.int64
    assert (logp <= 0).all()
    for b in range(4):
        row = ids[b].tolist()
        if EOS in row:  # PAD after the first EOS
            assert all(i == PAD for i in row[row.index(EOS) + 1:])
    # the log-probability it reports is the model's log p of its own output
    finished = [b for b in range(4) if EOS in ids[b].tolist()]
    if finished:
        tgt = torch.cat([torch.full((4, 1), BOS), ids], 1)[finished]
        torch.testing.assert_close(sequence_logprob(model, src[finished], lengths[finished], tgt), logp[finished],
                                   atol=1e-4, rtol=0)
    # a beam of width 1 is greedy decoding
    b_ids, b_logp = beam_decode(model, src, lengths, beam_width=1, max_len=8)
    torch.testing.assert_close(b_logp, logp, atol=1e-4, rtol=0)


def test_learns_to_reverse_short_strings(one_thread):
    vocab = reversal_vocabulary(5)
    torch.manual_seed(0)
    model = TransformerSeq2Seq(len(vocab), len(vocab), d_model=32, nhead=4, num_layers=1, dim_feedforward=64,
                               max_len=8)
    log = train(model, reversal_batches(2, 4, vocab, batch_size=64, seed=0), seq2seq_loss,
                optimizer=torch.optim.Adam(model.parameters(), 1e-2), steps=150, clip=1.0, seed=0, progress=False)
    assert log.losses[-1] < 0.1 * log.losses[0]
    strings = make_strings(200, 2, 4, n_symbols=5, seed=99)
    src, lengths, _ = reversal_batch(strings, vocab)
    ids, _ = greedy_decode(model, src, lengths, max_len=6)
    exact = np.mean([vocab.decode(r) == s[::-1] for r, s in zip(ids, strings)])
    assert exact > 0.9, f"a one-layer transformer should reverse strings of 2-4 letters, got {exact:.2f}"


def test_lm_learns_a_repeating_text(one_thread):
    model = lm(positions="sinusoidal", max_len=16)
    ids = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6] * 40)
    batches = StatefulBatches(ids, batch_size=4, seq_len=16)
    log = train(model, batches, lm_loss, optimizer=torch.optim.Adam(model.parameters(), 1e-2), steps=80,
                progress=False)
    assert log.losses[-1] < 0.35  # after "1" comes 4 or 5: the rest is certain given one more character back


# -- attention maps -----------------------------------------------------------------------------------
def test_record_attention_maps():
    model = seq2seq()
    src, lengths, tgt_in = batch()
    plain = model(src, lengths, tgt_in)
    out, maps = attention_maps(model, src, lengths, tgt_in)
    torch.testing.assert_close(out, plain)  # recording changes nothing
    assert sorted(maps) == sorted([f"encoder.layers.{i}.self_attn" for i in range(2)]
                                  + [f"decoder.layers.{i}.{n}" for i in range(2) for n in ("self_attn", "multihead_attn")])
    enc, self_, cross = maps["encoder.layers.0.self_attn"], maps["decoder.layers.1.self_attn"], \
        maps["decoder.layers.1.multihead_attn"]
    assert enc.shape == (4, 4, 7, 7) and self_.shape == (4, 4, 5, 5) and cross.shape == (4, 4, 5, 7)
    for a in (enc, self_, cross):
        torch.testing.assert_close(a.sum(-1), torch.ones(a.shape[:-1]))
    pad = torch.arange(7)[None, :] >= lengths[:, None]  # (B, S)
    assert (cross.permute(0, 2, 3, 1)[pad[:, None, :].expand(4, 5, 7)] == 0).all()  # no weight on padding
    assert (self_.triu(1) == 0).all()  # causal
    for module in model.modules():  # hooks removed
        assert not module._forward_hooks and not module._forward_pre_hooks


def test_record_attention_on_the_lm_and_errors(raises_naming):
    model = lm()
    _, maps = attention_maps(model, torch.randint(13, (2, 9)))
    assert sorted(maps) == ["layers.0.self_attn", "layers.1.self_attn"]
    assert maps["layers.0.self_attn"].shape == (2, 2, 9, 9) and (maps["layers.0.self_attn"].triu(1) == 0).all()
    with raises_naming(ValueError, "Linear", "rnnlab.nn.MultiheadAttention"):
        with record_attention(torch.nn.Linear(2, 2)):
            pass
    assert model.training is False


# -- positions and dtypes ---------------------------------------------------------------------------------
def test_positions(raises_naming):
    assert "pe" not in seq2seq().state_dict().keys()  # the sinusoid is a fixed, unsaved buffer
    assert "encoder.positions.learned.weight" in seq2seq(positions="learned").state_dict()
    model = seq2seq().double()  # the buffer follows the dtype
    assert model.encoder.positions.pe.dtype == F64
    src, lengths, tgt_in = batch()
    assert model(src, lengths, tgt_in).dtype == F64
    x = torch.zeros(1, 3, 4)
    torch.testing.assert_close(AddPositions("none", 5, 4)(x), x)
    table = AddPositions("sinusoidal", 8, 4)
    torch.testing.assert_close(table(x, start=5), x + sinusoidal_positions(8, 4)[5:])  # positions 5, 6, 7
    with raises_naming(ValueError, "max_len = 8", "got 9", "6 read before", "3 new"):
        table(x, start=6)
    with raises_naming(ValueError, "positions", "'sinusoidal'", "'learned'", "'none'", "got 'rotary'"):
        AddPositions("rotary", 5, 4)
    with raises_naming(ValueError, "max_len", ">= 1", "got 0"):
        AddPositions("learned", 0, 4)


# -- errors --------------------------------------------------------------------------------------------
def test_errors_on_bad_input(raises_naming):
    s2s, model = seq2seq(), lm()
    src, lengths, tgt_in = batch()
    with raises_naming(TypeError, "x:", "torch.int64", "got torch.float32"):
        model(torch.zeros(2, 5))  # float ids
    with raises_naming(TypeError, "src", "torch.int64", "got torch.int32"):
        s2s(src.int(), lengths, tgt_in)
    with raises_naming(ValueError, "x:", "2-D", "(B, T)", "(5,)", "ids[None]"):
        model(torch.zeros(5, dtype=torch.int64))
    with raises_naming(ValueError, "x:", "at least one", "(2, 0)", "empty"):
        model(torch.zeros(2, 0, dtype=torch.int64))
    with raises_naming(ValueError, "src", "at least one", "(0, 3)", "empty"):
        s2s(torch.zeros(0, 3, dtype=torch.int64), torch.zeros(0, dtype=torch.int64), tgt_in[:0])
    with raises_naming(ValueError, "x:", "max_len = 12", "got 13"):
        model(torch.zeros(1, 13, dtype=torch.int64))
    with raises_naming(ValueError, "src", "max_len = 16", "got 20"):
        s2s(torch.full((1, 20), 3), torch.tensor([20]), tgt_in[:1])
    with raises_naming(TokenIdError, "x:", "id 13", "(0, 0)", "vocabulary of 13", "[0, 12]"):
        model(torch.full((1, 3), 13))
    with raises_naming(LengthError, "lengths", "(4,)", "got (2,)"):
        s2s(src, lengths[:2], tgt_in)
    with raises_naming(LengthError, "lengths", "1..7", "[1, 8]"):
        s2s(src, torch.tensor([8, 3, 1, 5]), tgt_in)
    with raises_naming(LengthError, "lengths", "1..7", "[0, 5]"):
        s2s(src, torch.tensor([0, 3, 1, 5]), tgt_in)
    with raises_naming(ValueError, "tgt_in", "B = 4", "got 2"):
        s2s(src, lengths, tgt_in[:2])
    with raises_naming(ValueError, "teacher_forcing", "expected 1.0", "got 0.5"):
        s2s(src, lengths, tgt_in, teacher_forcing=0.5)
    with raises_naming(TypeError, "state", "KVCache", "got Tensor"):
        model(torch.zeros(2, 3, dtype=torch.int64), torch.zeros(3, 3, dtype=torch.int64))
    with raises_naming(ValueError, "state", "B = 2", "got 3 sequences"):
        model(torch.zeros(2, 3, dtype=torch.int64), model.initial_state(3))
    with raises_naming(ValueError, "x_t", "1-D", "(B,)", "(2, 1)"):
        model.step(torch.zeros(2, 1, dtype=torch.int64), model.initial_state(2))
    with raises_naming(ValueError, "batch_size", "int >= 1", "got 0"):
        model.initial_state(0)
    with raises_naming(ValueError, "y:", "(2, 3)", "got (2, 4)"):
        model.loss(torch.zeros(2, 3, dtype=torch.int64), torch.zeros(2, 4, dtype=torch.int64))
    with raises_naming(ValueError, "num_layers", ">= 1", "got 0"):
        TransformerLM(5, num_layers=0)
    with raises_naming(ValueError, "d_model divisible by nhead", "d_model = 10", "nhead = 4"):
        TransformerLM(5, d_model=10, nhead=4)
