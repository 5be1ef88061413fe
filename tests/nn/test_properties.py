"""Property-based tests: random configurations of rnnlab.nn's recurrent layers and cells against torch.nn.

Hypothesis draws the sizes, layers, directions, batch_first, the input's layout (padded, unbatched,
packed sorted or unsorted, a batch of 0 sequences), initial states or none, float32 or float64. Each
example builds the torch.nn module, copies its weights into rnnlab's with ``load_state_dict`` (the
names are torch's), and compares outputs, final states and every gradient: input, initial states,
and each parameter by name. Tight in float64; in float32 torch's kernels sum in another order.

The profile is deterministic (``derandomize``, no example database) so CI sees the same examples
on every run.
"""
from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

import rnnlab.nn as rnn

settings.register_profile("rnnlab-nn-properties", derandomize=True, deadline=None, database=None,
                          max_examples=30, suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile("rnnlab-nn-properties")

TOL = {torch.float64: dict(rtol=1e-9, atol=1e-10), torch.float32: dict(rtol=1e-4, atol=1e-5)}

# name -> (torch.nn class, rnnlab class, keyword arguments for both, keyword arguments for rnnlab's only)
LAYERS = {
    "RNN tanh": (torch.nn.RNN, rnn.RNN, dict(nonlinearity="tanh"), {}),
    "RNN relu": (torch.nn.RNN, rnn.RNN, dict(nonlinearity="relu"), {}),
    "LSTM fused": (torch.nn.LSTM, rnn.LSTM, {}, {}),
    "LSTM fused=False": (torch.nn.LSTM, rnn.LSTM, {}, dict(fused=False)),
    "GRU": (torch.nn.GRU, rnn.GRU, {}, {}),  # convention "torch", the default
}
CELLS = {
    "RNNCell tanh": (torch.nn.RNNCell, rnn.RNNCell, dict(nonlinearity="tanh")),
    "RNNCell relu": (torch.nn.RNNCell, rnn.RNNCell, dict(nonlinearity="relu")),
    "LSTMCell": (torch.nn.LSTMCell, rnn.LSTMCell, {}),
    "GRUCell": (torch.nn.GRUCell, rnn.GRUCell, {}),
}


@st.composite
def layer_cases(draw):
    """A layer's configuration and an input for it (the kind and dtype are parametrised)."""
    case = dict(seed=draw(st.integers(0, 2**16)),
                layout=draw(st.sampled_from(["padded", "unbatched", "packed", "packed unsorted"])),
                with_state=draw(st.booleans()))
    case["config"] = dict(input_size=draw(st.integers(1, 4)), hidden_size=draw(st.integers(1, 4)),
                          num_layers=draw(st.integers(1, 3)), bias=draw(st.booleans()),
                          batch_first=draw(st.booleans()), bidirectional=draw(st.booleans()))
    T = draw(st.integers(1, 5))
    if case["layout"] == "unbatched":
        case["lengths"] = [T]
    elif case["layout"] == "padded":  # B = 0 too: torch returns empty outputs
        case["lengths"] = [T] * draw(st.integers(0, 4))
    else:  # packed: each sequence its own length, the longest sets T
        lengths = draw(st.lists(st.integers(1, T), min_size=1, max_size=4))
        case["lengths"] = sorted(lengths, reverse=True) if case["layout"] == "packed" else lengths
    return case


@st.composite
def cell_cases(draw):
    """A cell's configuration (sizes from 0, as torch allows) and a batched or unbatched input."""
    batched = draw(st.booleans())
    return dict(seed=draw(st.integers(0, 2**16)),
                input_size=draw(st.integers(0, 4)), hidden_size=draw(st.integers(0, 4)), bias=draw(st.booleans()),
                batch=draw(st.integers(0, 3)) if batched else None, with_state=draw(st.booleans()))


def tensors(out) -> list:
    """The tensors of an output: a tensor, a PackedSequence, or nested tuples of them."""
    if isinstance(out, PackedSequence):
        return [out.data]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in tensors(o)]
    return [out]


def outputs_and_grads(module, inputs, call, seed):
    """Run ``call(module, leaves)`` on fresh leaf copies of ``inputs``; backpropagate a loss that
    weighs every output with fixed random numbers. Returns (outputs, input grads, {name: grad})."""
    leaves = [t.detach().clone().requires_grad_() for t in inputs]
    outs = tensors(call(module, leaves))
    gen = torch.Generator().manual_seed(seed)
    loss = sum((o * torch.randn(o.shape, generator=gen, dtype=o.dtype)).sum() for o in outs)
    if loss.requires_grad:
        loss.backward()
    zero = lambda t, like: torch.zeros_like(like) if t is None else t  # noqa: E731  (no gradient flowed)
    return (outs, [zero(t.grad, t) for t in leaves],
            {name: zero(p.grad, p) for name, p in module.named_parameters()})


def assert_same(ours, ref, inputs, call, dtype, seed):
    """Same outputs, input gradients and (by name) parameter gradients, to the dtype's tolerance."""
    outs_a, grads_a, params_a = outputs_and_grads(ours, inputs, call, seed)
    outs_b, grads_b, params_b = outputs_and_grads(ref, inputs, call, seed)
    assert list(params_a) == list(params_b)  # torch's names, in torch's order
    assert len(outs_a) == len(outs_b)
    for what, a, b in ([("output", a, b) for a, b in zip(outs_a, outs_b)]
                       + [("input grad", a, b) for a, b in zip(grads_a, grads_b)]
                       + [(f"grad of {name}", params_a[name], params_b[name]) for name in params_b]):
        assert a.shape == b.shape and a.dtype == b.dtype == dtype, what
        torch.testing.assert_close(a, b, **TOL[dtype], msg=what)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("kind", list(LAYERS))
@PROFILE
@given(case=layer_cases())
def test_layers_match_torch(kind, dtype, case):
    torch_cls, ours_cls, both, ours_only = LAYERS[kind]
    cfg, lengths = case["config"], case["lengths"]
    torch.manual_seed(case["seed"])
    ref = torch_cls(**cfg, **both, dtype=dtype)
    ours = ours_cls(**cfg, **both, **ours_only, dtype=dtype)
    ours.load_state_dict(ref.state_dict())  # the point: torch's names, loaded as they are

    T, B, D, H = max(lengths, default=1), len(lengths), cfg["input_size"], cfg["hidden_size"]
    L = cfg["num_layers"] * (2 if cfg["bidirectional"] else 1)
    gen = torch.Generator().manual_seed(case["seed"])
    unbatched = case["layout"] == "unbatched"
    x = torch.randn((T, D) if unbatched else (B, T, D) if cfg["batch_first"] else (T, B, D), generator=gen, dtype=dtype)
    n_states = 2 if torch_cls is torch.nn.LSTM else 1
    states = [torch.randn((L, H) if unbatched else (L, B, H), generator=gen, dtype=dtype)
              for _ in range(n_states if case["with_state"] else 0)]

    def call(module, leaves):
        inp = leaves[0]
        if case["layout"].startswith("packed"):
            inp = pack_padded_sequence(inp, torch.tensor(lengths), batch_first=cfg["batch_first"],
                                       enforce_sorted=case["layout"] == "packed")
        hx = None if not case["with_state"] else leaves[1] if n_states == 1 else tuple(leaves[1:])
        return module(inp, hx)

    assert_same(ours, ref, [x] + states, call, dtype, case["seed"])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("kind", list(CELLS))
@PROFILE
@given(case=cell_cases())
def test_cells_match_torch(kind, dtype, case):
    torch_cls, ours_cls, kw = CELLS[kind]
    D, H, B = case["input_size"], case["hidden_size"], case["batch"]
    torch.manual_seed(case["seed"])
    ref = torch_cls(D, H, bias=case["bias"], dtype=dtype, **kw)
    ours = ours_cls(D, H, bias=case["bias"], dtype=dtype, **kw)
    ours.load_state_dict(ref.state_dict())
    gen = torch.Generator().manual_seed(case["seed"])
    lead = () if B is None else (B,)
    n_states = 2 if torch_cls is torch.nn.LSTMCell else 1
    x = torch.randn(lead + (D,), generator=gen, dtype=dtype)
    states = [torch.randn(lead + (H,), generator=gen, dtype=dtype) for _ in range(n_states if case["with_state"] else 0)]

    def call(module, leaves):
        hx = None if not case["with_state"] else leaves[1] if n_states == 1 else tuple(leaves[1:])
        return module(leaves[0], hx)

    assert_same(ours, ref, [x] + states, call, dtype, case["seed"])


@PROFILE
@given(kind=st.sampled_from(sorted(LAYERS)), num_layers=st.integers(1, 3), bidirectional=st.booleans(),
       bias=st.booleans(), seed=st.integers(0, 2**16))
def test_state_dict_goes_back_to_torch(kind, num_layers, bidirectional, bias, seed):
    """The other way round: rnnlab's freshly initialised weights load into torch.nn, which then computes the same."""
    torch_cls, ours_cls, both, ours_only = LAYERS[kind]
    cfg = dict(input_size=3, hidden_size=4, num_layers=num_layers, bidirectional=bidirectional, bias=bias)
    torch.manual_seed(seed)
    ours = ours_cls(**cfg, **both, **ours_only, dtype=torch.float64)
    ref = torch_cls(**cfg, **both, dtype=torch.float64)
    ref.load_state_dict(ours.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    x = torch.randn(5, 2, 3, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    assert_same(ours, ref, [x], lambda module, leaves: module(leaves[0]), torch.float64, seed)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_same_seed_same_weights_as_torch(kind):
    """Default init draws the same numbers in the same order as torch.nn: same seed, same weights."""
    torch_cls, ours_cls, both, ours_only = LAYERS[kind]
    torch.manual_seed(3)
    ref = torch_cls(3, 4, num_layers=2, bidirectional=True, **both)
    torch.manual_seed(3)
    ours = ours_cls(3, 4, num_layers=2, bidirectional=True, **both, **ours_only)
    for (name, p), (ref_name, q) in zip(ours.named_parameters(), ref.named_parameters(), strict=True):
        assert name == ref_name and torch.equal(p, q), name
