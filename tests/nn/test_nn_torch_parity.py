"""rnnlab.nn against torch.nn in float64: outputs, final states and every gradient to 1e-10."""
import random

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

import rnnlab.nn as rnn

TOL = 1e-10
KINDS = {"RNN": (rnn.RNN, torch.nn.RNN), "LSTM": (rnn.LSTM, torch.nn.LSTM), "GRU": (rnn.GRU, torch.nn.GRU)}
CELLS = {"RNN": (rnn.RNNCell, torch.nn.RNNCell), "LSTM": (rnn.LSTMCell, torch.nn.LSTMCell),
         "GRU": (rnn.GRUCell, torch.nn.GRUCell)}


def flat(out):
    """The tensors of an output: a tensor, a PackedSequence, or nested tuples of them."""
    if isinstance(out, torch.nn.utils.rnn.PackedSequence):
        return [out.data]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in flat(o)]
    return [out]


def run_both(ours, ref, inputs, make_input):
    """Run both modules on fresh leaf copies of ``inputs``; check values and all gradients.

    make_input(leaves) -> the arguments of the module; the loss weighs every output.
    """
    results = []
    for module in (ours, ref):
        leaves = [t.detach().clone().requires_grad_() for t in inputs]
        outs = flat(module(*make_input(leaves)))
        torch.manual_seed(123)
        loss = sum((o * torch.randn_like(o)).sum() for o in outs)
        loss.backward()
        results.append((outs, [t.grad for t in leaves]))
    (outs_a, grads_a), (outs_b, grads_b) = results
    assert len(outs_a) == len(outs_b)
    for a, b in zip(outs_a + grads_a, outs_b + grads_b):
        if a is None or b is None:  # an initial state left out of the call
            assert a is None and b is None
            continue
        assert a.shape == b.shape and a.dtype == b.dtype
        torch.testing.assert_close(a, b, rtol=0, atol=TOL)


def assert_param_grads_equal(ours, ref):
    """Every parameter's gradient; both modules name their parameters alike (weight_ih_l0, ...)."""
    assert [name for name, _ in ours.named_parameters()] == [name for name, _ in ref.named_parameters()]
    for name, p in ref.named_parameters():
        torch.testing.assert_close(ours.get_parameter(name).grad, p.grad, rtol=0, atol=TOL, msg=name)


@pytest.mark.parametrize("kind", list(CELLS))
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False])
def test_cells_match_torch(kind, batched, with_state):
    torch.manual_seed(0)
    ours_cls, ref_cls = CELLS[kind]
    ref = ref_cls(3, 4, dtype=torch.float64)
    ours = ours_cls.from_torch(ref)
    x = torch.randn(2, 3, dtype=torch.float64) if batched else torch.randn(3, dtype=torch.float64)
    shape = (2, 4) if batched else (4,)
    states = [torch.randn(shape, dtype=torch.float64) for _ in range(2 if kind == "LSTM" else 1)]

    def make_input(leaves):
        if not with_state:
            return (leaves[0],)
        return (leaves[0], tuple(leaves[1:])) if kind == "LSTM" else (leaves[0], leaves[1])

    run_both(ours, ref, [x] + states, make_input)
    assert_param_grads_equal(ours, ref)


def random_config(seed):
    rng = random.Random(seed)
    kind = ["RNN", "LSTM", "GRU"][seed % 3]
    cfg = dict(num_layers=rng.randint(1, 3), bidirectional=rng.random() < 0.5,
               batch_first=rng.random() < 0.5, bias=rng.random() < 0.7)
    if kind == "RNN":
        cfg["nonlinearity"] = rng.choice(["tanh", "relu"])
    mode = rng.choice(["batched", "unbatched", "packed", "packed_unsorted"])
    return kind, cfg, mode, rng.random() < 0.5


@pytest.mark.parametrize("seed", range(24))
def test_layers_match_torch(seed):
    check_layer(*random_config(seed), seed=seed)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("mode", ["packed", "packed_unsorted"])
def test_packed_bidirectional_with_state_match_torch(kind, mode):
    check_layer(kind, dict(num_layers=2, bidirectional=True, batch_first=False, bias=True), mode, True, seed=7)


def check_layer(kind, cfg, mode, with_state, seed):
    """Compare rnnlab and torch layers of config cfg on mode "batched", "unbatched",
    "packed" (enforce_sorted=True) or "packed_unsorted"; values and all gradients."""
    torch.manual_seed(seed)
    ours_cls, ref_cls = KINDS[kind]
    ref = ref_cls(3, 4, dtype=torch.float64, **cfg)
    ours = ours_cls.from_torch(ref)
    T, B, L = 5, 3, cfg["num_layers"] * (2 if cfg["bidirectional"] else 1)
    x = torch.randn(T, B, 3, dtype=torch.float64)
    lengths = torch.tensor([5, 2, 4] if mode == "packed_unsorted" else [5, 4, 2])
    if mode == "unbatched":
        x, state_shape = x[:, 0], (L, 4)
    else:
        state_shape = (L, B, 4)
        if cfg["batch_first"]:
            x = x.transpose(0, 1).contiguous()
    states = [torch.randn(state_shape, dtype=torch.float64) for _ in range(2 if kind == "LSTM" else 1)]

    def make_input(leaves):
        inp = leaves[0]
        if mode.startswith("packed"):
            inp = pack_padded_sequence(inp, lengths, batch_first=cfg["batch_first"],
                                       enforce_sorted=mode == "packed")
        if not with_state:
            return (inp,)
        return (inp, tuple(leaves[1:])) if kind == "LSTM" else (inp, leaves[1])

    run_both(ours, ref, [x] + states, make_input)
    assert_param_grads_equal(ours, ref)


def test_packed_output_keeps_packing_metadata():
    torch.manual_seed(0)
    ref = torch.nn.LSTM(3, 4, bidirectional=True)
    ours = rnn.LSTM.from_torch(ref)
    packed = pack_padded_sequence(torch.randn(5, 3, 3), torch.tensor([2, 5, 3]), enforce_sorted=False)
    out, (h_n, c_n) = ours(packed)
    ref_out, (ref_h, _) = ref(packed)
    assert torch.equal(out.batch_sizes, packed.batch_sizes)
    assert torch.equal(out.sorted_indices, packed.sorted_indices)
    assert torch.equal(out.unsorted_indices, packed.unsorted_indices)
    assert h_n.shape == c_n.shape == (2, 3, 4)
    torch.testing.assert_close(h_n, ref_h)


@pytest.mark.parametrize("kind", list(KINDS))
def test_from_torch_keeps_dtype_and_config(kind):
    ours_cls, ref_cls = KINDS[kind]
    ref = ref_cls(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.25,
                  bidirectional=True, dtype=torch.float64)
    ours = ours_cls.from_torch(ref)
    assert all(p.dtype == torch.float64 for p in ours.parameters())
    assert (ours.num_layers, ours.bias, ours.batch_first, ours.dropout, ours.bidirectional) == (2, False, True, 0.25, True)
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in ref.parameters())
    cell = CELLS[kind][0].from_torch(CELLS[kind][1](3, 4, dtype=torch.float64))
    assert cell.weight_ih.dtype == torch.float64


@pytest.mark.parametrize("kind", list(CELLS))
def test_default_init_like_torch(kind):
    cell = CELLS[kind][0](5, 16)
    ref = CELLS[kind][1](5, 16)
    for name, p in ref.named_parameters():
        q = cell.get_parameter(name)
        assert q.shape == p.shape
        assert q.abs().max() <= 1 / 16 ** 0.5
        assert q.std() > 0.5 / 16 ** 0.5 / 3 ** 0.5  # uniform over the whole range, not smaller


def test_dropout_between_layers_only_in_training():
    torch.manual_seed(0)
    ref = torch.nn.GRU(3, 4, num_layers=2, dropout=1.0, dtype=torch.float64)
    ours = rnn.GRU.from_torch(ref)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    # p = 1 drops every input of layer 2 in both: deterministic, so equal to torch.
    torch.testing.assert_close(ours(x)[0], ref(x)[0], rtol=0, atol=TOL)
    ref.eval(), ours.eval()
    torch.testing.assert_close(ours(x)[0], ref(x)[0], rtol=0, atol=TOL)
    ours.train()
    ours.dropout = 0.5
    y_train, y_eval = ours(x)[0], ours.eval()(x)[0]
    assert not torch.allclose(y_train, y_eval)
    assert (y_train != 0).all()  # not applied after the last layer
