"""The Elman RNN by hand: gradient checks and agreement with torch.nn.RNN."""
from functools import partial

import numpy as np
import pytest
import torch

from rnnlab.byhand import (
    example_inputs, gradcheck_layer, rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward,
)

B, T, D, H = 2, 4, 3, 5


def make_inputs(seed=0, relu=False):
    """x (B, T, D), h0 (B, H), W_xh (H, D), W_hh (H, H), b_h (H,), float64."""
    inputs = example_inputs("elman", B, T, D, H, seed=seed)
    if relu:  # start from a state a relu could have produced
        inputs["h0"] = np.abs(inputs["h0"])
    return inputs


def preactivations(x, h0, W_xh, W_hh, b_h, nonlinearity):
    """Every a_t = W_xh x_t + W_hh h_{t-1} + b_h, to show relu stays away from its kink."""
    h, out = h0, []
    for t in range(x.shape[1]):
        a = x[:, t] @ W_xh.T + h @ W_hh.T + b_h
        h = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
        out.append(a)
    return np.stack(out, axis=1)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_step_backward_matches_finite_differences(nonlinearity):
    p = make_inputs(1, relu=nonlinearity == "relu")
    step = {"x": p["x"][:, 0], "h_prev": p["h0"], "W_xh": p["W_xh"], "W_hh": p["W_hh"], "b_h": p["b_h"]}
    if nonlinearity == "relu":
        assert np.abs(preactivations(p["x"][:, :1], *list(p.values())[1:], "relu")).min() > 1e-3
    errors = gradcheck_layer(partial(rnn_step_forward, nonlinearity=nonlinearity), rnn_step_backward, step)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_sequence_backward_matches_finite_differences(nonlinearity):
    p = make_inputs(2, relu=nonlinearity == "relu")
    a = preactivations(*p.values(), nonlinearity)
    if nonlinearity == "relu":
        assert np.abs(a).min() > 1e-3 and (a > 0).any() and (a < 0).any()  # both sides, no kink
    errors = gradcheck_layer(partial(rnn_forward, nonlinearity=nonlinearity), rnn_backward, p)
    assert set(errors) == {"x", "h0", "W_xh", "W_hh", "b_h"}
    assert max(errors.values()) < 1e-7, errors


def test_backward_catches_a_wrong_gradient():
    """The check has teeth: a backward that forgets tanh' fails it by far."""

    def wrong_backward(dh, cache):
        x, h_prev, W_xh, W_hh, h, _ = cache
        return dh @ W_xh, dh @ W_hh, dh.T @ x, dh.T @ h_prev, dh.sum(0)

    p = make_inputs(3)
    step = {"x": p["x"][:, 0], "h_prev": p["h0"], "W_xh": p["W_xh"], "W_hh": p["W_hh"], "b_h": p["b_h"]}
    assert max(gradcheck_layer(rnn_step_forward, wrong_backward, step).values()) > 1e-2


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_forward_and_backward_match_torch_rnn(nonlinearity):
    p = make_inputs(4, relu=nonlinearity == "relu")
    rnn = torch.nn.RNN(D, H, nonlinearity=nonlinearity, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(p["W_xh"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(p["W_hh"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(p["b_h"]))
        rnn.bias_hh_l0.zero_()  # torch's two biases add up to our b_h
    x = torch.from_numpy(p["x"]).requires_grad_()
    h0 = torch.from_numpy(p["h0"]).requires_grad_()
    hs_torch, h_n = rnn(x, h0[None])
    dhs = np.random.default_rng(5).standard_normal((B, T, H))
    (hs_torch * torch.from_numpy(dhs)).sum().backward()

    hs, cache = rnn_forward(*p.values(), nonlinearity=nonlinearity)
    dx, dh0, dW_xh, dW_hh, db_h = rnn_backward(dhs, cache)
    np.testing.assert_allclose(hs, hs_torch.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(hs[:, -1], h_n[0].detach().numpy(), rtol=0, atol=1e-12)
    for ours, theirs in [
        (dx, x.grad), (dh0, h0.grad), (dW_xh, rnn.weight_ih_l0.grad),
        (dW_hh, rnn.weight_hh_l0.grad), (db_h, rnn.bias_ih_l0.grad), (db_h, rnn.bias_hh_l0.grad),
    ]:
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=1e-10)


def test_sequence_is_the_step_repeated():
    p = make_inputs(6)
    hs, _ = rnn_forward(*p.values())
    h = p["h0"]
    for t in range(T):
        h, _ = rnn_step_forward(p["x"][:, t], h, p["W_xh"], p["W_hh"], p["b_h"])
        np.testing.assert_array_equal(hs[:, t], h)
