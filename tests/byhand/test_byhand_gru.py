"""The GRU by hand in its three conventions: gradient checks, agreement with torch.nn.GRU and
with rnnlab.nn.GRUCell (forward and gradients), and the convention's check."""
from functools import partial

import numpy as np
import pytest
import torch

from rnnlab.byhand import (
    example_inputs, gradcheck_layer, gru_backward, gru_forward, gru_step_backward, gru_step_forward,
)
from rnnlab.checks import GRU_CONVENTIONS
from rnnlab.nn import GRUCell

B, T, D, H = 2, 4, 3, 5
PARAMS = ("W_xh", "W_hh", "b_xh", "b_hh")
CELL_NAMES = {"W_xh": "weight_ih", "W_hh": "weight_hh", "b_xh": "bias_ih", "b_hh": "bias_hh"}  # rnnlab.nn.GRUCell


def make_inputs(seed=0):
    """x (B, T, D), h0 (B, H), W_xh (3H, D), W_hh (3H, H), b_xh, b_hh (3H,), float64."""
    return example_inputs("gru", B, T, D, H, seed=seed)


@pytest.mark.parametrize("convention", GRU_CONVENTIONS)
def test_step_backward_matches_finite_differences(convention):
    p = make_inputs(1)
    step = {"x": p["x"][:, 0], "h_prev": p["h0"], **{k: p[k] for k in PARAMS}}
    errors = gradcheck_layer(partial(gru_step_forward, convention=convention), gru_step_backward, step)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("convention", GRU_CONVENTIONS)
def test_sequence_backward_matches_finite_differences(convention):
    errors = gradcheck_layer(partial(gru_forward, convention=convention), gru_backward, make_inputs(2))
    assert set(errors) == {"x", "h0", "W_xh", "W_hh", "b_xh", "b_hh"}
    assert max(errors.values()) < 1e-7, errors


def test_forward_and_backward_match_torch_nn_gru():
    """torch's weights copied across: weight_ih_l0 -> W_xh, weight_hh_l0 -> W_hh, bias_ih_l0 -> b_xh,
    bias_hh_l0 -> b_hh; the default convention is torch's."""
    p = make_inputs(3)
    torch.manual_seed(3)
    gru = torch.nn.GRU(D, H, batch_first=True, dtype=torch.float64)
    torch_names = {"W_xh": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_xh": "bias_ih_l0", "b_hh": "bias_hh_l0"}
    p.update({ours: getattr(gru, theirs).detach().numpy() for ours, theirs in torch_names.items()})
    x, h0 = (torch.from_numpy(p[k]).requires_grad_() for k in ("x", "h0"))
    hs_torch, _ = gru(x, h0[None])
    dhs = np.random.default_rng(4).standard_normal((B, T, H))
    (hs_torch * torch.from_numpy(dhs)).sum().backward()

    hs, cache = gru_forward(*p.values())
    grads = gru_backward(dhs, cache)
    np.testing.assert_allclose(hs, hs_torch.detach().numpy(), rtol=0, atol=1e-12)
    theirs = [x.grad, h0.grad] + [getattr(gru, name).grad for name in torch_names.values()]
    for ours, their in zip(grads, theirs, strict=True):
        np.testing.assert_allclose(ours, their.numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("convention", GRU_CONVENTIONS)
def test_forward_and_backward_match_rnnlab_nn_gru_cell(convention):
    """The same weights in rnnlab.nn.GRUCell(convention=...), unrolled under autograd: the same
    states and the same gradient for every input and parameter, in each convention."""
    p = make_inputs(8)
    cell = GRUCell(D, H, convention=convention, dtype=torch.float64)
    with torch.no_grad():
        for ours, theirs in CELL_NAMES.items():
            getattr(cell, theirs).copy_(torch.from_numpy(p[ours]))
    x, h = (torch.from_numpy(p[k]).requires_grad_() for k in ("x", "h0"))
    h0, states = h, []
    for t in range(T):
        h = cell(x[:, t], h)
        states.append(h)
    hs_cell = torch.stack(states, dim=1)  # (B, T, H)
    dhs = np.random.default_rng(9).standard_normal((B, T, H))
    (hs_cell * torch.from_numpy(dhs)).sum().backward()

    hs, cache = gru_forward(*p.values(), convention=convention)
    grads = gru_backward(dhs, cache)
    np.testing.assert_allclose(hs, hs_cell.detach().numpy(), rtol=0, atol=1e-12)
    theirs = [x.grad, h0.grad] + [getattr(cell, name).grad for name in CELL_NAMES.values()]
    for name, ours, their in zip(("x", "h0", *PARAMS), grads, theirs, strict=True):
        np.testing.assert_allclose(ours, their.numpy(), rtol=0, atol=1e-10, err_msg=f"d{name}, {convention}")


def test_the_conventions_differ_but_agree_without_reset():
    p = make_inputs(7)
    out = {c: gru_forward(*p.values(), convention=c)[0] for c in GRU_CONVENTIONS}
    assert np.abs(out["torch"] - out["cho"]).max() > 1e-3
    assert np.abs(out["cho"] - out["chung"]).max() > 1e-3
    p["b_hh"][2 * H :] = 0.0  # with b_hn = 0 and r = 1 torch's and Cho's candidates are the same
    p["b_xh"][:H] = 50.0
    after, _ = gru_forward(*p.values(), convention="torch")
    before, _ = gru_forward(*p.values(), convention="cho")
    np.testing.assert_allclose(after, before, atol=1e-12)


def test_chung_takes_the_candidate_where_torch_keeps_the_state():
    """With z = 1 (a large update bias) torch's and Cho's GRU keep h_{t-1}; Chung's takes n."""
    p = make_inputs(10)
    p["b_xh"][H : 2 * H] = 50.0  # z ~ 1
    h_torch, _ = gru_step_forward(p["x"][:, 0], p["h0"], *(p[k] for k in PARAMS))
    h_chung, cache = gru_step_forward(p["x"][:, 0], p["h0"], *(p[k] for k in PARAMS), convention="chung")
    np.testing.assert_allclose(h_torch, p["h0"], atol=1e-12)
    np.testing.assert_allclose(h_chung, cache[6], atol=1e-12)  # cache[6] is the candidate n


def test_convention_is_checked_keyword_only_and_named_as_in_rnnlab_nn(raises_naming):
    p = make_inputs(0)
    with raises_naming(ValueError, "convention", "('torch', 'cho', 'chung')", "got 'keras'"):
        gru_forward(*p.values(), convention="keras")
    with raises_naming(ValueError, "convention", "'torch'", "got True"):
        gru_step_forward(p["x"][:, 0], p["h0"], *(p[k] for k in PARAMS), convention=True)
    with pytest.raises(TypeError, match="positional argument"):
        gru_forward(*p.values(), "cho")
    with pytest.raises(TypeError, match="unexpected keyword argument 'reset_after'"):
        gru_forward(*p.values(), reset_after=False)
    with pytest.raises(ValueError) as ours:
        gru_forward(*p.values(), convention="keras")
    with pytest.raises(ValueError) as theirs:
        GRUCell(D, H, convention="keras")
    assert str(ours.value) == str(theirs.value)  # one check, one message
