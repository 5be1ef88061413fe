"""rnnlab.nn's layers and cells are interchangeable with torch.nn's: the same parameter names and
order (state_dict both ways), the same edge cases accepted, the same arguments refused (with
messages that name the argument, what was expected and what came)."""
from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
import torch

import rnnlab.nn as rnn
from rnnlab.nn import course_init_

LAYERS = {"RNN": (rnn.RNN, torch.nn.RNN), "LSTM": (rnn.LSTM, torch.nn.LSTM), "GRU": (rnn.GRU, torch.nn.GRU)}
CELLS = {"RNNCell": (rnn.RNNCell, torch.nn.RNNCell), "LSTMCell": (rnn.LSTMCell, torch.nn.LSTMCell),
         "GRUCell": (rnn.GRUCell, torch.nn.GRUCell)}
CONFIGS = [dict(), dict(num_layers=3), dict(bidirectional=True), dict(num_layers=2, bidirectional=True, bias=False)]


# -- parameters: torch's names, one tensor each ------------------------------------------------------
@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
@pytest.mark.parametrize("kind", list(LAYERS))
def test_parameters_are_torchs_by_name_and_order(kind, cfg):
    ours, ref = LAYERS[kind][0](3, 4, **cfg), LAYERS[kind][1](3, 4, **cfg)
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [(n, p.shape) for n, p in ref.named_parameters()]
    assert len(list(ours.parameters())) == len(ours.state_dict())  # no parameter counted twice
    ref.load_state_dict(ours.state_dict())  # strict, both ways
    ours.load_state_dict(ref.state_dict())
    dirs = 2 if cfg.get("bidirectional") else 1
    for k, cell in enumerate(ours.cells):  # each cell computes with the layer's own tensors
        suffix = f"_l{k // dirs}" + ("_reverse" if k % dirs else "")
        for name in ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if cfg.get("bias", True) else ()):
            assert getattr(cell, name) is getattr(ours, name + suffix)


@pytest.mark.parametrize("kind", list(LAYERS))
def test_all_weights_flatten_parameters_and_reset_as_torch(kind):
    ours_cls, ref_cls = LAYERS[kind]
    ours, ref = ours_cls(3, 4, num_layers=2, bidirectional=True), ref_cls(3, 4, num_layers=2, bidirectional=True)
    assert [[w.shape for w in ws] for ws in ours.all_weights] == [[w.shape for w in ws] for ws in ref.all_weights]
    assert ours.all_weights[1][0] is ours.weight_ih_l0_reverse
    assert ours.flatten_parameters() is None  # a documented no-op
    torch.manual_seed(5)
    ref.reset_parameters()
    torch.manual_seed(5)
    ours.reset_parameters()
    for (name, p), q in zip(ours.named_parameters(), ref.parameters(), strict=True):
        assert torch.equal(p, q), name


@pytest.mark.parametrize("kind", list(LAYERS))
def test_an_optimiser_step_reaches_the_computation(kind):
    torch.manual_seed(0)
    layer = LAYERS[kind][0](3, 4, bidirectional=True)
    opt = torch.optim.SGD(layer.parameters(), lr=0.5)
    assert len(opt.param_groups[0]["params"]) == 8  # 2 directions x 4 tensors, each once
    x = torch.randn(5, 2, 3)
    before = layer(x)[0].detach()
    layer(x)[0].pow(2).sum().backward()
    opt.step()
    assert not torch.allclose(layer(x)[0], before)


def test_cells_follow_the_layers_tensors_when_they_are_replaced():
    torch.manual_seed(0)
    ref = torch.nn.LSTM(3, 4, num_layers=2, dtype=torch.float64)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    ours = rnn.LSTM(3, 4, num_layers=2)  # float32: assign=True swaps in torch's float64 tensors
    ours.load_state_dict(ref.state_dict(), assign=True)
    torch.testing.assert_close(ours(x)[0], ref(x)[0], rtol=0, atol=1e-12)
    zeros = {name: torch.zeros_like(p) for name, p in ours.named_parameters()}
    y = torch.func.functional_call(ours, zeros, (x,))[0]
    assert torch.equal(y, torch.zeros_like(y))  # all weights 0: h = o * tanh(c) = 0.5 * tanh(0) = 0
    torch.testing.assert_close(ours(x)[0], ref(x)[0], rtol=0, atol=1e-12)  # and back afterwards
    twin = copy.deepcopy(ours).float()
    assert twin.cells[1].weight_hh is twin.weight_hh_l1 and twin.weight_hh_l1.dtype == torch.float32
    assert ours.weight_hh_l1.dtype == torch.float64  # the original is untouched


def test_a_layers_cell_copies_on_its_own():
    """highway.cell_flow copies ``layer.cells[0]`` to float64: the copy is the cell alone."""
    layer = rnn.GRU(3, 4, num_layers=2)
    cell = copy.deepcopy(layer.cells[0]).double()
    assert cell.weight_ih.dtype == torch.float64 and layer.weight_ih_l0.dtype == torch.float32
    assert [n for n, _ in cell.named_parameters()] == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]


def test_course_init_reaches_the_layers_parameters():
    torch.manual_seed(0)
    lstm = course_init_(rnn.LSTM(3, 4, bidirectional=True))
    for suffix in ("_l0", "_l0_reverse"):
        w = getattr(lstm, "weight_hh" + suffix)[:4]
        torch.testing.assert_close(w @ w.T, torch.eye(4), atol=1e-5, rtol=0)
        assert torch.all(getattr(lstm, "bias_ih" + suffix)[4:8] == 1.0)


def test_checkpoints_keyed_by_cell_still_load():
    """Before the layers took torch's names, a state_dict said cells.{k}.weight_ih."""
    torch.manual_seed(0)
    lstm = rnn.LSTM(3, 4, num_layers=2, bidirectional=True)
    names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    old = {f"rnn.cells.{k}.{name}": w for k, ws in enumerate(lstm.all_weights) for name, w in zip(names, ws)}
    model = torch.nn.Module()
    model.rnn = rnn.LSTM(3, 4, num_layers=2, bidirectional=True)
    model.load_state_dict(old)
    for name, p in lstm.named_parameters():
        assert torch.equal(model.rnn.get_parameter(name), p), name


@pytest.mark.parametrize("kind", list(LAYERS))
def test_from_torch_is_load_state_dict(kind):
    ours_cls, ref_cls = LAYERS[kind]
    ref = ref_cls(3, 4, num_layers=2, batch_first=True, dtype=torch.float64)
    ours = ours_cls.from_torch(ref)
    assert ours.batch_first and ours.num_layers == 2 and ours.weight_ih_l1.dtype == torch.float64
    assert all(torch.equal(a, b) for a, b in zip(ours.state_dict().values(), ref.state_dict().values()))
    assert ours_cls.from_torch(ours).state_dict().keys() == ours.state_dict().keys()  # an rnnlab one copies too


@pytest.mark.parametrize("ours, other, parts", [
    (rnn.LSTM, torch.nn.GRU(3, 4), ["from_torch", "torch.nn.LSTM", "got GRU"]),
    (rnn.GRU, torch.nn.GRUCell(3, 4), ["from_torch", "torch.nn.GRU", "got GRUCell"]),
    (rnn.RNN, "rnn", ["from_torch", "torch.nn.RNN", "got str"]),
    (rnn.LSTMCell, torch.nn.LSTM(3, 4), ["from_torch", "torch.nn.LSTMCell", "got LSTM"]),
], ids=["LSTM<-GRU", "GRU<-GRUCell", "RNN<-str", "LSTMCell<-LSTM"])
def test_from_torch_refuses_another_kind(ours, other, parts, raises_naming):
    with raises_naming(TypeError, *parts):
        ours.from_torch(other)


# -- accepted as torch accepts them, computed as torch computes them ----------------------------------
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("kind", list(LAYERS))
def test_a_batch_of_no_sequences(kind, batch_first):
    ours_cls, ref_cls = LAYERS[kind]
    ref = ref_cls(3, 4, num_layers=2, bidirectional=True, batch_first=batch_first)
    ours = ours_cls.from_torch(ref)
    x = torch.randn((0, 5, 3) if batch_first else (5, 0, 3), requires_grad=True)
    (out, state), (ref_out, ref_state) = ours(x), ref(x)
    assert out.shape == ref_out.shape == ((0, 5, 8) if batch_first else (5, 0, 8))
    for s, r in zip(state if kind == "LSTM" else (state,), ref_state if kind == "LSTM" else (ref_state,)):
        assert s.shape == r.shape == (4, 0, 4)
    out.sum().backward()  # connected to the graph, as torch's: every gradient is 0
    assert all(p.grad is None or not p.grad.any() for p in ours.parameters())


@pytest.mark.parametrize("D, H", [(3, 0), (0, 3), (0, 0)])
@pytest.mark.parametrize("kind", list(CELLS))
def test_cells_of_size_zero(kind, D, H):
    ours_cls, ref_cls = CELLS[kind]
    ref = ref_cls(D, H)
    ours = ours_cls.from_torch(ref)
    x = torch.randn(2, D)
    for a, b in zip(torch.utils._pytree.tree_leaves(ours(x)), torch.utils._pytree.tree_leaves(ref(x))):
        assert a.shape == b.shape == (2, H)
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("kind", list(LAYERS))
def test_dropout_with_one_layer_warns_as_torch_does(kind):
    ours_cls, ref_cls = LAYERS[kind]
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        ref_cls(3, 4, dropout=0.3)
    with pytest.warns(UserWarning) as caught:
        ours_cls(3, 4, dropout=0.3)
    assert [str(w.message) for w in caught] == [str(w.message) for w in theirs]
    assert "non-zero dropout expects num_layers greater than 1, but got dropout=0.3" in str(caught[0].message)
    assert caught[0].filename == __file__  # it points at the caller's line


# -- refused: what torch refuses, and what torch would take silently for something else ---------------
#   (callable, exception, words the message names, does torch.nn refuse it too?)
BAD_ARGUMENTS = {
    "hidden_size float": (lambda: rnn.LSTM(3, 4.0), TypeError, ["hidden_size", "int", "got 4.0", "int(4.0)"], True),
    "input_size str": (lambda: rnn.GRU("3", 4), TypeError, ["input_size", "int", "'3'"], True),
    "hidden_size None": (lambda: rnn.RNN(3, None), TypeError, ["hidden_size", "int", "None"], True),
    "hidden_size 0": (lambda: rnn.LSTM(3, 0), ValueError, ["hidden_size", ">= 1", "got 0"], True),
    "input_size -1": (lambda: rnn.GRU(-1, 4), ValueError, ["input_size", ">= 1", "got -1"], True),
    "num_layers float": (lambda: rnn.LSTM(3, 4, num_layers=2.0), TypeError, ["num_layers", "int", "2.0"], True),
    "num_layers 0": (lambda: rnn.RNN(3, 4, num_layers=0), ValueError, ["num_layers", ">= 1", "got 0"], True),
    "bias int": (lambda: rnn.LSTM(3, 4, bias=1), TypeError, ["bias", "bool", "got 1"], True),
    "batch_first str": (lambda: rnn.GRU(3, 4, batch_first="True"), TypeError, ["batch_first", "bool", "'True'"], True),
    "dropout bool": (lambda: rnn.GRU(3, 4, num_layers=2, dropout=True), ValueError, ["dropout", "[0, 1]", "True"], True),
    "dropout str": (lambda: rnn.RNN(3, 4, num_layers=2, dropout="0.1"), ValueError, ["dropout", "'0.1'"], True),
    "nonlinearity": (lambda: rnn.RNN(3, 4, nonlinearity="sigmoid"), ValueError,
                     ["nonlinearity", "'tanh' or 'relu'", "'sigmoid'"], True),
    # torch takes these and silently does something else:
    "bidirectional str": (lambda: rnn.LSTM(3, 4, bidirectional="False"), TypeError,
                          ["bidirectional", "bool", "'False'"], False),
    "bidirectional None": (lambda: rnn.GRU(3, 4, bidirectional=None), TypeError, ["bidirectional", "None"], False),
    "hidden_size bool": (lambda: rnn.LSTM(3, True), TypeError, ["hidden_size", "int", "True"], False),
    "cell bias str": (lambda: rnn.GRUCell(3, 4, bias="no"), TypeError, ["bias", "bool", "'no'"], False),
    "cell nonlinearity": (lambda: rnn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, ["nonlinearity", "'gelu'"], False),
    "cell hidden_size float": (lambda: rnn.LSTMCell(3, 2.5), TypeError, ["hidden_size", "int", "2.5"], True),
    "cell hidden_size -1": (lambda: rnn.RNNCell(3, -1), ValueError, ["hidden_size", ">= 0", "-1"], True),
    "fused str": (lambda: rnn.LSTM(3, 4, fused="no"), TypeError, ["fused", "bool", "'no'"], None),
    "dtype int64": (lambda: rnn.GRU(3, 4, dtype=torch.int64), TypeError, ["dtype", "floating-point", "int64"], True),
    "proj_size": (lambda: rnn.LSTM(3, 4, proj_size=2), ValueError, ["proj_size", "expected 0", "got 2"], None),
}
TORCH_TWIN = {  # the same arguments given to torch.nn, where torch has them
    "hidden_size float": lambda: torch.nn.LSTM(3, 4.0), "input_size str": lambda: torch.nn.GRU("3", 4),
    "hidden_size None": lambda: torch.nn.RNN(3, None), "hidden_size 0": lambda: torch.nn.LSTM(3, 0),
    "input_size -1": lambda: torch.nn.GRU(-1, 4), "num_layers float": lambda: torch.nn.LSTM(3, 4, num_layers=2.0),
    "num_layers 0": lambda: torch.nn.RNN(3, 4, num_layers=0), "bias int": lambda: torch.nn.LSTM(3, 4, bias=1),
    "batch_first str": lambda: torch.nn.GRU(3, 4, batch_first="True"),
    "dropout bool": lambda: torch.nn.GRU(3, 4, num_layers=2, dropout=True),
    "dropout str": lambda: torch.nn.RNN(3, 4, num_layers=2, dropout="0.1"),
    "nonlinearity": lambda: torch.nn.RNN(3, 4, nonlinearity="sigmoid"),
    "bidirectional str": lambda: torch.nn.LSTM(3, 4, bidirectional="False"),
    "bidirectional None": lambda: torch.nn.GRU(3, 4, bidirectional=None),
    "hidden_size bool": lambda: torch.nn.LSTM(3, True), "cell bias str": lambda: torch.nn.GRUCell(3, 4, bias="no"),
    "cell nonlinearity": lambda: torch.nn.RNNCell(3, 4, nonlinearity="gelu"),
    "cell hidden_size float": lambda: torch.nn.LSTMCell(3, 2.5), "cell hidden_size -1": lambda: torch.nn.RNNCell(3, -1),
    "dtype int64": lambda: torch.nn.GRU(3, 4, dtype=torch.int64),
}


@pytest.mark.parametrize("case", list(BAD_ARGUMENTS))
def test_bad_constructor_arguments(case, raises_naming):
    build, exception, parts, torch_refuses = BAD_ARGUMENTS[case]
    with raises_naming(exception, *parts):
        build()
    if torch_refuses is not None:  # and the record of what torch.nn does with the same arguments
        try:
            TORCH_TWIN[case]()
            refused = False
        except Exception:  # torch's own errors: TypeError, ValueError, RuntimeError
            refused = True
        assert refused == torch_refuses


def test_numpy_integer_sizes_are_ints():
    lstm = rnn.LSTM(np.int64(3), np.int64(4), num_layers=np.int64(2))
    assert type(lstm.input_size) is int and type(lstm.hidden_size) is int and type(lstm.num_layers) is int
    torch.nn.LSTM(lstm.input_size, lstm.hidden_size, lstm.num_layers).load_state_dict(lstm.state_dict())


X = torch.randn(5, 2, 3)  # (T, B, D)
BAD_INPUTS = {  # (call, exception, words the message names)
    "float64 into float32": (lambda: rnn.LSTM(3, 4)(X.double()), ValueError,
                             ["input", "torch.float32", "got torch.float64", ".to(torch.float32)", "model.to(torch.float64)"]),
    "float16 into float32 cell": (lambda: rnn.GRUCell(3, 4)(X[0].half()), TypeError,
                                  ["input", "torch.float32", "got torch.float16"]),
    "hx float64": (lambda: rnn.GRU(3, 4)(X, torch.zeros(1, 2, 4, dtype=torch.float64)), TypeError,
                   ["hx", "torch.float32", "got torch.float64"]),
    "list input": (lambda: rnn.RNN(3, 4)(X.tolist()), TypeError, ["input", "torch tensor", "got list", "torch.tensor"]),
    "numpy input": (lambda: rnn.LSTM(3, 4)(X.numpy()), TypeError, ["input", "got ndarray", "torch.from_numpy"]),
    "string input": (lambda: rnn.GRU(3, 4)("hello"), TypeError, ["input", "torch tensor", "got str"]),
    "numpy hx": (lambda: rnn.RNN(3, 4)(X, np.zeros((1, 2, 4), np.float32)), TypeError, ["hx", "got ndarray"]),
    "LSTM hx one tensor": (lambda: rnn.LSTM(3, 4)(X, torch.zeros(1, 2, 4)), TypeError,
                           ["hx", "pair (h, c)", "got a tensor of shape (1, 2, 4)"]),
    "LSTM hx three tensors": (lambda: rnn.LSTM(3, 4)(X, (torch.zeros(1, 2, 4),) * 3), TypeError,
                              ["hx", "pair (h, c)", "tuple of 3"]),
    "GRU hx pair": (lambda: rnn.GRU(3, 4)(X, (torch.zeros(1, 2, 4),) * 2), TypeError, ["hx", "one tensor", "tuple of 2"]),
    "unbatched input, batched hx": (lambda: rnn.RNN(3, 4)(X[:, 0], torch.zeros(1, 2, 4)), ValueError,
                                    ["hx", "(1, 4)", "unbatched", "got (1, 2, 4)"]),
    "cell: LSTM hx one tensor": (lambda: rnn.LSTMCell(3, 4)(X[0], torch.zeros(2, 4)), TypeError, ["hx", "pair (h, c)"]),
    "cell: numpy input": (lambda: rnn.RNNCell(3, 4)(X[0].numpy()), TypeError, ["input", "got ndarray"]),
    "cell: hx wrong batch": (lambda: rnn.GRUCell(3, 4)(X[0], torch.zeros(3, 4)), ValueError, ["hx", "(2, 4)", "got (3, 4)"]),
    "packed float64": (lambda: rnn.GRU(3, 4)(torch.nn.utils.rnn.pack_sequence([X[:, 0].double()])), ValueError,
                       ["input.data", "torch.float32", "got torch.float64"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_forward_inputs(case, raises_naming):
    call, exception, parts = BAD_INPUTS[case]
    with raises_naming(exception, *parts):
        call()


def test_a_dtype_mismatch_is_both_a_type_and_a_value_error():
    """torch.nn.RNN raises ValueError for float64 input into float32 weights; TypeError reads as well."""
    for exception in (TypeError, ValueError):
        with pytest.raises(exception, match="expected dtype torch.float32"):
            rnn.LSTM(3, 4)(X.double())
