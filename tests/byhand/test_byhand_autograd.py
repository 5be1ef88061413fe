"""Backward by hand against torch autograd, for the cells torch.nn has no module for:
the GRU with the reset applied before the matmul (Cho et al. 2014, and Chung et al. 2014's
update), and the Jordan network, each written out here from its equations. (torch's own GRU
convention is checked here too; torch.nn.GRU and rnnlab.nn.GRUCell are in test_byhand_gru.py.)"""
from functools import partial

import numpy as np
import pytest
import torch
from gru_reference import gru_reference_step

from rnnlab.byhand import example_inputs, gru_backward, gru_forward, jordan_backward, jordan_forward


def torch_gru(x, h0, W_xh, W_hh, b_xh, b_hh, convention):
    """The GRU written directly in torch ops, gate by gate (tests/gru_reference.py): hs (B, T, H)."""
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = gru_reference_step(x[:, t], h, W_xh, W_hh, b_xh, b_hh, convention)
        hs.append(h)
    return torch.stack(hs, dim=1)


def torch_jordan(x, y0, W_xh, W_yh, b_h, W_hy, b_y):
    """The Jordan network written directly in torch ops: ys (B, T, V)."""
    y, ys = y0, []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ W_xh.T + y @ W_yh.T + b_h)
        y = h @ W_hy.T + b_y
        ys.append(y)
    return torch.stack(ys, dim=1)


# name: (cell, our forward, our backward, torch version, which output of our forward the loss sees)
CASES = {
    **{f"gru, convention={c!r}": ("gru", partial(gru_forward, convention=c), gru_backward,
                                  partial(torch_gru, convention=c), 0) for c in ("torch", "cho", "chung")},
    "jordan": ("jordan", jordan_forward, jordan_backward, torch_jordan, 1),
}


@pytest.mark.parametrize("case", CASES)
def test_forward_and_backward_match_torch_autograd(case):
    cell, forward, backward, torch_forward, which = CASES[case]
    inputs = example_inputs(cell, seed=5)
    tensors = {name: torch.from_numpy(value).requires_grad_() for name, value in inputs.items()}
    out_torch = torch_forward(*tensors.values())
    dout = np.random.default_rng(6).standard_normal(tuple(out_torch.shape))
    (out_torch * torch.from_numpy(dout)).sum().backward()

    *outputs, cache = forward(*inputs.values())
    grads = backward(dout, cache)
    np.testing.assert_allclose(outputs[which], out_torch.detach().numpy(), rtol=0, atol=1e-12)
    for ours, tensor in zip(grads, tensors.values(), strict=True):
        np.testing.assert_allclose(ours, tensor.grad.numpy(), rtol=0, atol=1e-10)
