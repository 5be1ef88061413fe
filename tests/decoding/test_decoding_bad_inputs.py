"""Decoding walked with the inputs a student gets wrong: every one a clear error, never a silent answer.

Sampling (temperature, top-k, top-p, sample_next, generate), beam search and greedy decoding; plus
what the knobs accept (NumPy and 0-d tensor scalars) and the tie rule of top-k.
"""
import math

import numpy as np
import pytest
import torch

from rnnlab.data.vocab import Vocab
from rnnlab.decoding.beam import beam_decode, beam_search
from rnnlab.decoding.greedy import greedy_decode
from rnnlab.decoding.sampling import (apply_temperature, generate, next_distribution, sample_next, top_k_filter,
                                      top_p_filter)
from rnnlab.models.char_lm import CharLSTM
from rnnlab.models.seq2seq import Seq2Seq
from test_beam import BOS, EOS, A
from test_beam import table_step as hand_made_table

Z = torch.tensor([[2.0, 0.5, -1.0, 1.0, 0.0, 3.0], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]])  # (B, V) = (2, 6)


def _with(value, row, col):
    z = Z.clone()
    z[row, col] = value
    return z


NAN = _with(float("nan"), 0, 2)
POS_INF = _with(float("inf"), 1, 4)
DEAD_ROW = Z.clone()
DEAD_ROW[1] = float("-inf")

EVERY_LOGITS_FUNCTION = [
    ("sample_next greedy", lambda z: sample_next(z, greedy=True)),
    ("sample_next", lambda z: sample_next(z, generator=torch.Generator().manual_seed(0))),
    ("next_distribution", lambda z: next_distribution(z)),
    ("apply_temperature", lambda z: apply_temperature(z, 0.7)),
    ("top_k_filter", lambda z: top_k_filter(z, 2)),
    ("top_p_filter", lambda z: top_p_filter(z, 0.9)),
]


@pytest.mark.parametrize("name, fn", EVERY_LOGITS_FUNCTION)
@pytest.mark.parametrize("logits, parts", [
    (NAN, ("logits", "NaN", "position (0, 2)")),          # argmax would pick the NaN, softmax spreads it
    (POS_INF, ("logits", "+inf", "position (1, 4)")),     # softmax of +inf is NaN
    (DEAD_ROW, ("logits", "row 1", "-inf")),              # nothing left to pick
])
def test_non_finite_logits_raise_in_every_function(raises_naming, name, fn, logits, parts):
    with raises_naming(ValueError, *parts):
        fn(logits)


def test_minus_inf_is_a_ruled_out_token_not_an_error():
    z = _with(float("-inf"), 0, 5)                   # the best token of row 0 ruled out
    assert sample_next(z, greedy=True).tolist() == [0, 5]
    assert next_distribution(z)[0, 5] == 0


@pytest.mark.parametrize("name, fn", EVERY_LOGITS_FUNCTION)
@pytest.mark.parametrize("logits, error, parts", [
    ([[1.0, 2.0]], TypeError, ("logits", "list", "torch.tensor")),
    (np.ones((1, 3)), TypeError, ("logits", "ndarray", "torch.from_numpy")),
    ("abc", TypeError, ("logits", "str")),
    (torch.tensor([[1, 2, 3]]), TypeError, ("logits", "torch.int64", ".float()")),
    (torch.tensor(1.0), ValueError, ("logits", "got ()")),
    (torch.zeros(2, 0), ValueError, ("logits", "V = 0")),
])
def test_logits_of_the_wrong_kind_or_shape(raises_naming, name, fn, logits, error, parts):
    with raises_naming(error, *parts):
        fn(logits)


@pytest.mark.parametrize("logits, got", [(Z[0], "(6,)"), (Z[None], "(1, 2, 6)")])
def test_sample_next_wants_B_by_V(raises_naming, logits, got):
    with raises_naming(ValueError, "(B, V)", got):
        sample_next(logits)


@pytest.mark.parametrize("call, error, parts", [
    (lambda: apply_temperature(Z, True), TypeError, ("temperature", "True", "bool")),
    (lambda: apply_temperature(Z, "hot"), TypeError, ("temperature", "'hot'")),
    (lambda: apply_temperature(Z, torch.tensor([0.5, 1.0])), TypeError, ("temperature", "shape (2,)")),
    (lambda: apply_temperature(Z, 0), ValueError, ("temperature", "> 0", "greedy=True")),
    (lambda: apply_temperature(Z, np.float64("nan")), ValueError, ("temperature", "nan")),
    (lambda: top_k_filter(Z, True), TypeError, ("top_k", "1 <= k <= V = 6", "True")),
    (lambda: top_k_filter(Z, 2.0), TypeError, ("top_k", "2.0", "float")),
    (lambda: top_k_filter(Z, "2"), TypeError, ("top_k", "'2'")),
    (lambda: top_k_filter(Z, 0), ValueError, ("top_k", "1 <= k <= V = 6", "got 0")),
    (lambda: top_k_filter(Z, -3), ValueError, ("top_k", "got -3")),
    (lambda: top_k_filter(Z, 7), ValueError, ("top_k", "V = 6", "got 7")),       # k > V: refused, not clipped
    (lambda: top_p_filter(Z, True), TypeError, ("top_p", "0 < p <= 1", "True")),
    (lambda: top_p_filter(Z, "0.9"), TypeError, ("top_p", "'0.9'")),
    (lambda: top_p_filter(Z, 0), ValueError, ("top_p", "0 < p <= 1", "got 0")),
    (lambda: top_p_filter(Z, 1.01), ValueError, ("top_p", "1.01")),
    (lambda: top_p_filter(Z, float("nan")), ValueError, ("top_p", "nan")),
    (lambda: sample_next(Z, generator=0), TypeError, ("generator", "torch.Generator().manual_seed(0)")),
    (lambda: sample_next(Z, greedy="yes"), TypeError, ("greedy", "'yes'")),
    (lambda: sample_next(Z, greedy=True, temperature=-1), ValueError, ("temperature", "-1")),  # checked anyway
    (lambda: sample_next(Z, greedy=True, top_k=9), ValueError, ("top_k", "V = 6", "9")),
])
def test_bad_knobs(raises_naming, call, error, parts):
    with raises_naming(error, *parts):
        call()


def test_wrong_kinds_are_also_value_errors():
    """Bad knobs raised ValueError before; the kind errors are both, so old ``except ValueError`` still works."""
    for call in (lambda: top_k_filter(Z, 2.5), lambda: apply_temperature(Z, True), lambda: top_p_filter(Z, "x")):
        with pytest.raises(ValueError):
            call()


@pytest.mark.parametrize("scalar", [np.float32(0.5), np.float64(0.5), torch.tensor(0.5),
                                    torch.tensor(0.5, dtype=torch.float64)])
def test_temperature_takes_numpy_and_0d_tensor_scalars(scalar):
    assert torch.equal(apply_temperature(Z, scalar), Z / 0.5)
    assert torch.allclose(next_distribution(Z, temperature=scalar), torch.softmax(Z / 0.5, -1))


@pytest.mark.parametrize("k", [np.int64(2), np.int32(2), torch.tensor(2)])
def test_top_k_takes_numpy_and_0d_tensor_ints(k):
    assert torch.equal(top_k_filter(Z, k), top_k_filter(Z, 2))


@pytest.mark.parametrize("p", [np.float64(0.7), np.float32(0.7), torch.tensor(0.7)])
def test_top_p_takes_numpy_and_0d_tensor_scalars(p):
    assert torch.equal(top_p_filter(Z, p), top_p_filter(Z, 0.7))


@pytest.mark.parametrize("logits, k, kept", [
    ([0.0, 0.0, 0.0, 0.0], 1, [0]),                  # k = 1 on equal logits: exactly one, the lowest id
    ([0.0, 0.0, 0.0, 0.0], 3, [0, 1, 2]),
    ([1.0, 3.0, 1.0, 1.0], 2, [0, 1]),               # the tie for second place goes to id 0
    ([1.0, 3.0, 1.0, 1.0], 3, [0, 1, 2]),
    ([2.0, 5.0, 5.0, 2.0], 1, [1]),
    ([2.0, 5.0, 5.0, 2.0], 4, [0, 1, 2, 3]),
])
def test_top_k_keeps_exactly_k_ties_broken_by_lowest_id(logits, k, kept):
    z = torch.tensor([logits])
    out = top_k_filter(z, k)
    assert torch.isfinite(out)[0].nonzero().flatten().tolist() == kept
    assert torch.equal(out[torch.isfinite(out)], z[torch.isfinite(out)])   # the kept logits are untouched


def test_top_k_without_ties_matches_torch_topk():
    z = torch.randn(50, 30, generator=torch.Generator().manual_seed(0))
    for k in (1, 5, 30):
        want = torch.zeros_like(z, dtype=torch.bool).scatter(1, torch.topk(z, k).indices, True)
        assert torch.equal(torch.isfinite(top_k_filter(z, k)), want)


def test_sampling_with_top_k_1_on_a_tie_is_deterministic():
    z = torch.zeros(200, 5)
    assert sample_next(z, top_k=1, generator=torch.Generator().manual_seed(0)).tolist() == [0] * 200


def test_a_tiny_temperature_that_overflows_float32_is_named(raises_naming):
    with raises_naming(ValueError, "temperature", "greedy=True"):
        next_distribution(torch.tensor([[3e38, 0.0]]), temperature=0.1)


# ---- generate --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lm():
    torch.manual_seed(0)
    vocab = Vocab.from_text("hello world")
    return CharLSTM(len(vocab), hidden_size=8), vocab


@pytest.mark.parametrize("kwargs, error, parts", [
    ({"length": True}, TypeError, ("length", "True")),
    ({"length": -1}, ValueError, ("length", "-1")),
    ({"length": 2.0}, TypeError, ("length", "2.0")),
    ({"prompt": ["h", "e"]}, TypeError, ("prompt", "list", "''.join")),
    ({"prompt": ""}, ValueError, ("prompt", "non-empty")),
    ({"prompt": "hZ"}, ValueError, ("prompt", "'Z'")),
    ({"top_k": True}, TypeError, ("top_k", "True")),
    ({"top_k": 99}, ValueError, ("top_k", "V = 8", "99")),
    ({"top_p": 0.0}, ValueError, ("top_p", "0 < p <= 1")),
    ({"temperature": True}, TypeError, ("temperature", "True")),
    ({"greedy": "no"}, TypeError, ("greedy", "'no'")),
    ({"generator": 3}, TypeError, ("generator", "manual_seed(3)")),
])
def test_generate_bad_arguments(raises_naming, lm, kwargs, error, parts):
    model, vocab = lm
    args = {"prompt": "he", "length": 3, **kwargs}
    with raises_naming(error, *parts):
        generate(model, vocab, args.pop("prompt"), args.pop("length"), **args)


def test_generate_model_and_vocabulary_must_match(raises_naming, lm):
    model, vocab = lm
    with raises_naming(ValueError, "vocab", "20", str(len(vocab))):
        generate(CharLSTM(20, 8), vocab, "he", 3)
    with raises_naming(TypeError, "model", "str"):
        generate("model", vocab, "he", 3)
    with raises_naming(TypeError, "vocab", "Vocab", "dict"):
        generate(model, {"h": 0}, "he", 3)


def test_generate_takes_numpy_knobs(lm):
    model, vocab = lm
    a = generate(model, vocab, "he", np.int64(12), temperature=np.float32(0.8), top_k=np.int64(3),
                 generator=torch.Generator().manual_seed(0))
    b = generate(model, vocab, "he", 12, temperature=0.8, top_k=3, generator=torch.Generator().manual_seed(0))
    assert a == b and len(a) == 12


# ---- beam search -----------------------------------------------------------------------------------
# the hand-made table model of test_beam.py: p(next | last token), the best sequence [B, EOS]
table_step, LOGP = hand_made_table()


def _beam(**kwargs):
    args = {"step": table_step, "state": torch.zeros(1, 1), "bos": BOS, "eos": EOS, "beam_width": 2, "max_len": 5}
    args.update(kwargs)
    return beam_search(args.pop("step"), args.pop("state"), **args)


@pytest.mark.parametrize("kwargs, error, parts", [
    ({"eos": 6}, ValueError, ("eos", "[0, 5]", "V = 6", "got 6")),           # outside: nothing could finish
    ({"eos": 100}, ValueError, ("eos", "got 100")),
    ({"eos": -1}, ValueError, ("eos", "-1")),
    ({"eos": 2.0}, TypeError, ("eos", "2.0")),
    ({"bos": 6}, ValueError, ("bos", "[6]")),                                 # the step's own IndexError, named
    ({"bos": -1}, ValueError, ("bos", "-1")),
    ({"bos": "<bos>"}, TypeError, ("bos", "'<bos>'")),
    ({"beam_width": -2}, ValueError, ("beam_width", "-2")),
    ({"beam_width": 0}, ValueError, ("beam_width", "got 0")),
    ({"beam_width": 2.5}, TypeError, ("beam_width", "2.5")),
    ({"max_len": 0}, ValueError, ("max_len", "got 0")),
    ({"max_len": -1}, ValueError, ("max_len", "-1")),
    ({"max_len": True}, TypeError, ("max_len", "True")),
    ({"alpha": -0.5}, ValueError, ("alpha", "-0.5")),
    ({"alpha": float("nan")}, ValueError, ("alpha", "nan")),
    ({"alpha": "x"}, TypeError, ("alpha", "'x'")),
    ({"step": 5}, TypeError, ("step", "int")),
    ({"state": torch.zeros(3, 1)}, ValueError, ("state", "(3, 1)", "state[b:b + 1]")),
    ({"state": {"h": torch.zeros(1, 1)}}, TypeError, ("state", "dict")),
    ({"step": lambda t, s: (LOGP[t] + 5.0, s)}, ValueError, ("log-probabilities", "log_softmax")),  # raw logits
    ({"step": lambda t, s: (LOGP[t][0], s)}, ValueError, ("step", "(n, V) = (1, V)", "(6,)")),
    ({"step": lambda t, s: (LOGP[t] * float("nan"), s)}, ValueError, ("step", "NaN")),
    ({"step": lambda t, s: (torch.full((len(t), 6), float("-inf")), s)}, ValueError, ("step", "probability 0")),
    ({"step": lambda t, s: LOGP[t]}, TypeError, ("step", "(log-probs (n, V), state)", "Tensor")),
])
def test_beam_search_bad_inputs(raises_naming, kwargs, error, parts):
    with raises_naming(error, *parts):
        _beam(**kwargs)


def test_beam_search_takes_numpy_knobs_and_eos_none():
    want = _beam()
    got = _beam(beam_width=np.int64(2), max_len=np.int64(5), alpha=np.float64(0.0), bos=np.int64(BOS),
                eos=torch.tensor(EOS))
    assert [h.tokens for h in got] == [h.tokens for h in want]
    endless = _beam(eos=None, max_len=4)                  # no end token: every hypothesis runs max_len steps
    assert endless and all(len(h.tokens) == 4 and not h.finished for h in endless)


def test_beam_search_drops_impossible_hypotheses():
    """With more beams than possible continuations, the extra ones have log p = -inf: left out, not returned."""
    logp = torch.full((6, 6), float("-inf"))
    logp[BOS, A] = 0.0
    logp[A, EOS] = 0.0
    hyps = _beam(step=lambda t, s: (logp[t], s), beam_width=4)
    assert [h.tokens for h in hyps] == [[A, EOS]] and hyps[0].logprob == 0.0


@pytest.fixture(scope="module")
def seq2seq():
    torch.manual_seed(0)
    return Seq2Seq(12, 9, embed=8, hidden=8), torch.randint(3, 12, (2, 5)), torch.tensor([5, 3])


@pytest.mark.parametrize("decode", ["greedy", "beam"])
@pytest.mark.parametrize("max_len, error, parts", [
    (0, ValueError, ("max_len", "got 0")),
    (-3, ValueError, ("max_len", "-3")),
    (2.5, TypeError, ("max_len", "2.5")),
    (True, TypeError, ("max_len", "True")),
])
def test_decoders_refuse_bad_max_len(raises_naming, seq2seq, decode, max_len, error, parts):
    model, src, lengths = seq2seq
    with raises_naming(error, *parts):
        if decode == "greedy":
            greedy_decode(model, src, lengths, max_len=max_len)
        else:
            beam_decode(model, src, lengths, beam_width=2, max_len=max_len)


def test_decoders_take_numpy_max_len(seq2seq):
    model, src, lengths = seq2seq
    ids, _ = greedy_decode(model, src, lengths, max_len=np.int64(4))
    assert ids.shape[1] <= 4
    ids, _ = beam_decode(model, src, lengths, beam_width=np.int64(2), max_len=np.int64(4))
    assert ids.shape[1] <= 4


def test_decoders_name_a_model_that_is_not_an_encoder_decoder(raises_naming, seq2seq):
    model, src, lengths = seq2seq
    lm = CharLSTM(12, 8)
    with raises_naming(TypeError, "model", ".encoder", "CharLSTM"):
        greedy_decode(lm, src, lengths)
    with raises_naming(TypeError, "model", ".encoder", "CharLSTM"):
        beam_decode(lm, src, lengths, beam_width=2)
    with raises_naming(TypeError, "return_alpha", "attention decoder", "Decoder"):
        greedy_decode(model, src, lengths, return_alpha=True)
    with raises_naming(ValueError, "beam_width", "-1"):
        beam_decode(model, src, lengths, beam_width=-1)


def test_decoders_name_a_target_vocabulary_without_eos(raises_naming, seq2seq):
    model, src, lengths = seq2seq
    small = Seq2Seq(12, 9, embed=8, hidden=8)
    small.decoder.embed = torch.nn.Embedding(2, 8)           # a target vocabulary of 2 ids: no EOS (= 2)
    for decode in (lambda: greedy_decode(small, src, lengths), lambda: beam_decode(small, src, lengths, beam_width=2)):
        with raises_naming(ValueError, "V = 2", "EOS = 2"):
            decode()
    assert math.isfinite(float(greedy_decode(model, src, lengths)[1].sum()))   # the right one still decodes
