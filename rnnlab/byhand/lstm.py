"""The LSTM by hand: forward and backward, one step and a whole sequence.

The maths, in the course's symbols, gates in ``torch.nn.LSTM``'s order ``i, f, g, o``::

    [a_i, a_f, a_g, a_o] = W_xh x_t + W_hh h_{t-1} + b_h      (4H numbers)
    i = sigmoid(a_i)   input gate       f = sigmoid(a_f)   forget gate
    g = tanh(a_g)      candidate        o = sigmoid(a_o)   output gate
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Shapes: ``x_t (B, D)``, ``h_t, c_t (B, H)``, ``W_xh (4H, D)`` (the blocks ``W_xi, W_xf,
W_xg, W_xo`` stacked on the rows), ``W_hh (4H, H)``, ``b_h (4H,)``. From ``torch.nn.LSTM``:
``W_xh = weight_ih_l0``, ``W_hh = weight_hh_l0``, ``b_h = bias_ih_l0 + bias_hh_l0`` (torch's
two biases only ever appear as that sum, so one bias computes the same functions).

Backward through one step, given ``dh = dL/dh_t`` and ``dc = dL/dc_t`` from step t+1::

    do = dh * tanh(c_t)
    dc = dc + dh * o * (1 - tanh(c_t)**2)       all the ways the loss reaches c_t
    di = dc * g    df = dc * c_{t-1}    dg = dc * i    dc_prev = dc * f
    da = [di * i(1-i), df * f(1-f), dg * (1-g**2), do * o(1-o)]      (B, 4H)
    then the affine part as in the Elman step: dx = da @ W_xh, dh_prev = da @ W_hh,
    dW_xh = da.T @ x_t, dW_hh = da.T @ h_{t-1}, db_h = da summed over the batch

``dc_prev = dc * f`` is the "gradient highway": with ``f`` near 1 the gradient on the
cell passes back unchanged, step after step.
"""
from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .inputs import check_cache, check_cell, check_sequence, check_steps, check_upstream


def lstm_step_forward(x, h_prev, c_prev, W_xh, W_hh, b_h):
    """One LSTM step.

    x (B, D), h_prev (B, H), c_prev (B, H), W_xh (4H, D), W_hh (4H, H), b_h (4H,)
    -> h (B, H), c (B, H), cache.
    """
    _, _, H = check_cell(x, {"h_prev": h_prev, "c_prev": c_prev}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_h": b_h}, gates=4)
    a = x @ W_xh.T + h_prev @ W_hh.T + b_h  # (B, 4H)
    i = sigmoid(a[:, 0 * H : 1 * H])  # (B, H) each
    f = sigmoid(a[:, 1 * H : 2 * H])
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = sigmoid(a[:, 3 * H : 4 * H])
    c = f * c_prev + i * g  # (B, H)
    tanh_c = np.tanh(c)
    h = o * tanh_c  # (B, H)
    cache = (x, h_prev, c_prev, W_xh, W_hh, i, f, g, o, tanh_c)
    return h, c, cache


def lstm_step_backward(dh, dc, cache):
    """Backward through one LSTM step.

    dh (B, H) = dL/dh_t, dc (B, H) = dL/dc_t from later steps
    -> dx (B, D), dh_prev (B, H), dc_prev (B, H), dW_xh (4H, D), dW_hh (4H, H), db_h (4H,).
    """
    check_cache(cache, "lstm_step_forward", 10)
    x, h_prev, c_prev, W_xh, W_hh, i, f, g, o, tanh_c = cache
    check_upstream("dh", dh, h_prev.shape, "(B, H), the shape of h")
    check_upstream("dc", dc, h_prev.shape, "(B, H), the shape of c")
    do = dh * tanh_c
    dc = dc + dh * o * (1.0 - tanh_c**2)  # (B, H) total gradient on c_t
    di, df, dg = dc * g, dc * c_prev, dc * i
    dc_prev = dc * f
    da = np.concatenate(  # (B, 4H) through each gate's nonlinearity
        [di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g**2), do * o * (1.0 - o)], axis=1
    )
    dx = da @ W_xh  # (B, D)
    dh_prev = da @ W_hh  # (B, H)
    dW_xh = da.T @ x  # (4H, D)
    dW_hh = da.T @ h_prev  # (4H, H)
    db_h = da.sum(axis=0)  # (4H,)
    return dx, dh_prev, dc_prev, dW_xh, dW_hh, db_h


def lstm_forward(x, h0, c0, W_xh, W_hh, b_h):
    """Run an LSTM over a whole sequence.

    x (B, T, D), h0 (B, H), c0 (B, H), W_xh (4H, D), W_hh (4H, H), b_h (4H,)
    -> hs (B, T, H), cs (B, T, H) (hidden and cell state after each step), cache.
    """
    B, T, D, H = check_sequence(x, {"h0": h0, "c0": c0}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_h": b_h}, gates=4)
    dtype = np.result_type(x, h0, c0, W_xh, W_hh, b_h)
    hs, cs = np.empty((B, T, H), dtype=dtype), np.empty((B, T, H), dtype=dtype)
    steps = []
    h, c = h0, c0
    for t in range(T):
        h, c, step_cache = lstm_step_forward(x[:, t], h, c, W_xh, W_hh, b_h)
        hs[:, t], cs[:, t] = h, c
        steps.append(step_cache)
    return hs, cs, steps


def lstm_backward(dhs, cache):
    """Backpropagation through time for :func:`lstm_forward`.

    dhs (B, T, H): the loss's gradient on every h_t
    -> dx (B, T, D), dh0 (B, H), dc0 (B, H), dW_xh (4H, D), dW_hh (4H, H), db_h (4H,).
    """
    check_steps(cache, "lstm_forward", "lstm_step_forward", 10)
    steps = cache
    x_0, h_0, _, W_xh, W_hh = steps[0][:5]
    B, H, T, D = h_0.shape[0], h_0.shape[1], len(steps), x_0.shape[1]
    check_upstream("dhs", dhs, (B, T, H), "(B, T, H), the shape of hs")
    dx = np.empty((B, T, D), dtype=dhs.dtype)
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(4 * H, dtype=W_hh.dtype)
    dh_next = np.zeros((B, H), dtype=dhs.dtype)  # gradients arriving from step t+1
    dc_next = np.zeros((B, H), dtype=dhs.dtype)
    for t in reversed(range(T)):
        dx[:, t], dh_next, dc_next, dW_xh_t, dW_hh_t, db_h_t = lstm_step_backward(
            dhs[:, t] + dh_next, dc_next, steps[t]
        )
        dW_xh += dW_xh_t
        dW_hh += dW_hh_t
        db_h += db_h_t
    return dx, dh_next, dc_next, dW_xh, dW_hh, db_h
