"""The GRU by hand, both reset conventions: gradient checks and agreement with torch."""
from functools import partial

import numpy as np
import pytest
import torch

from rnnlab.byhand import (
    example_inputs, gradcheck_layer, gru_backward, gru_forward, gru_step_backward, gru_step_forward,
)

B, T, D, H = 2, 4, 3, 5
TORCH_NAMES = {"W_ih": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}


def make_inputs(seed=0):
    """x (B, T, D), h0 (B, H), W_ih (3H, D), W_hh (3H, H), b_ih, b_hh (3H,), float64."""
    return example_inputs("gru", B, T, D, H, seed=seed)


@pytest.mark.parametrize("reset_after", [True, False])
def test_step_backward_matches_finite_differences(reset_after):
    p = make_inputs(1)
    step = {"x": p["x"][:, 0], "h_prev": p["h0"], **{k: p[k] for k in TORCH_NAMES}}
    errors = gradcheck_layer(partial(gru_step_forward, reset_after=reset_after), gru_step_backward, step)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("reset_after", [True, False])
def test_sequence_backward_matches_finite_differences(reset_after):
    errors = gradcheck_layer(partial(gru_forward, reset_after=reset_after), gru_backward, make_inputs(2))
    assert set(errors) == {"x", "h0", "W_ih", "W_hh", "b_ih", "b_hh"}
    assert max(errors.values()) < 1e-7, errors


def test_forward_and_backward_match_torch_nn_gru():
    p = make_inputs(3)
    gru = torch.nn.GRU(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for ours, theirs in TORCH_NAMES.items():
            getattr(gru, theirs).copy_(torch.from_numpy(p[ours]))
    x, h0 = (torch.from_numpy(p[k]).requires_grad_() for k in ("x", "h0"))
    hs_torch, _ = gru(x, h0[None])
    dhs = np.random.default_rng(4).standard_normal((B, T, H))
    (hs_torch * torch.from_numpy(dhs)).sum().backward()

    hs, cache = gru_forward(*p.values())  # reset_after=True is torch's convention
    grads = gru_backward(dhs, cache)
    np.testing.assert_allclose(hs, hs_torch.detach().numpy(), rtol=0, atol=1e-12)
    theirs = [x.grad, h0.grad] + [getattr(gru, name).grad for name in TORCH_NAMES.values()]
    for ours, their in zip(grads, theirs, strict=True):
        np.testing.assert_allclose(ours, their.numpy(), rtol=0, atol=1e-10)


def test_the_two_reset_conventions_differ_but_agree_without_reset():
    p = make_inputs(7)
    after, _ = gru_forward(*p.values(), reset_after=True)
    before, _ = gru_forward(*p.values(), reset_after=False)
    assert np.abs(after - before).max() > 1e-3
    p["b_hh"][2 * H :] = 0.0  # with b_hn = 0 and r = 1 the two candidates are the same
    p["b_ih"][:H] = 50.0
    after, _ = gru_forward(*p.values(), reset_after=True)
    before, _ = gru_forward(*p.values(), reset_after=False)
    np.testing.assert_allclose(after, before, atol=1e-12)
