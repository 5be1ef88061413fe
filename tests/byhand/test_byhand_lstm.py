"""The LSTM by hand: gradient checks and agreement with torch.nn.LSTM."""
import numpy as np
import torch

from rnnlab.byhand import (
    example_inputs, gradcheck_layer, lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward,
)

B, T, D, H = 2, 4, 3, 5


def make_inputs(seed=0):
    """x (B, T, D), h0, c0 (B, H), W_xh (4H, D), W_hh (4H, H), b_h (4H,), float64."""
    return example_inputs("lstm", B, T, D, H, seed=seed)


def test_step_backward_matches_finite_differences():
    p = make_inputs(1)
    step = {"x": p["x"][:, 0], "h_prev": p["h0"], "c_prev": p["c0"], **{k: p[k] for k in ("W_xh", "W_hh", "b_h")}}
    errors = gradcheck_layer(lstm_step_forward, lstm_step_backward, step)  # upstream on both h and c
    assert set(errors) == {"x", "h_prev", "c_prev", "W_xh", "W_hh", "b_h"}
    assert max(errors.values()) < 1e-7, errors


def test_sequence_backward_matches_finite_differences():
    errors = gradcheck_layer(lstm_forward, lstm_backward, make_inputs(2), n_outputs=1)  # loss on hs
    assert set(errors) == {"x", "h0", "c0", "W_xh", "W_hh", "b_h"}
    assert max(errors.values()) < 1e-7, errors


def test_forward_and_backward_match_torch_lstm():
    """torch's weights copied across: weight_ih_l0 -> W_xh, weight_hh_l0 -> W_hh, and its two
    biases, which only ever enter as a sum, bias_ih_l0 + bias_hh_l0 -> b_h."""
    p = make_inputs(3)
    torch.manual_seed(3)
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)  # its own, unequal biases
    p["W_xh"], p["W_hh"] = lstm.weight_ih_l0.detach().numpy(), lstm.weight_hh_l0.detach().numpy()
    p["b_h"] = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()
    x, h0, c0 = (torch.from_numpy(p[k]).requires_grad_() for k in ("x", "h0", "c0"))
    hs_torch, (h_n, c_n) = lstm(x, (h0[None], c0[None]))
    dhs = np.random.default_rng(4).standard_normal((B, T, H))
    (hs_torch * torch.from_numpy(dhs)).sum().backward()

    hs, cs, cache = lstm_forward(*p.values())
    grads = lstm_backward(dhs, cache)
    np.testing.assert_allclose(hs, hs_torch.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(cs[:, -1], c_n[0].detach().numpy(), rtol=0, atol=1e-12)
    theirs = [x.grad, h0.grad, c0.grad, lstm.weight_ih_l0.grad, lstm.weight_hh_l0.grad, lstm.bias_ih_l0.grad]
    for ours, their in zip(grads, theirs, strict=True):
        np.testing.assert_allclose(ours, their.numpy(), rtol=0, atol=1e-10)
    torch.testing.assert_close(lstm.bias_hh_l0.grad, lstm.bias_ih_l0.grad, rtol=0, atol=1e-14)  # one sum, one db_h


def test_forget_gate_is_a_gradient_highway():
    """With f = 1, i = 0 (big biases) and no recurrent weights, the cell passes c0 through
    to c_T unchanged, and the gradient on c_T back to c0 unchanged."""
    p = make_inputs(5)
    p["W_hh"][:] = 0.0  # so that h_{t-1} opens no other path back
    p["b_h"][:H], p["b_h"][H : 2 * H] = -50.0, 50.0  # i ~ 0, f ~ 1
    hs, cs, cache = lstm_forward(*p.values())
    np.testing.assert_allclose(cs[:, -1], p["c0"], atol=1e-12)
    dhs = np.zeros((B, T, H))
    dhs[:, -1] = 1.0
    _, _, dc0, *_ = lstm_backward(dhs, cache)
    o_T, tanh_c_T = cache[-1][8], cache[-1][9]
    dc_T = o_T * (1 - tanh_c_T**2)  # dL/dc_T for L = sum(h_T)
    np.testing.assert_allclose(dc0, dc_T, atol=1e-12)
