"""The Elman RNN by hand: forward and backward, one step and a whole sequence.

The maths (one sequence; the code does a batch of ``B`` at once, batch-first)::

    a_t = W_xh x_t + W_hh h_{t-1} + b_h
    h_t = tanh(a_t)            (or relu(a_t))

Batch-first code multiplies by the transpose: ``W_xh @ x_t`` is ``x_t @ W_xh.T`` for
``x_t`` of shape ``(B, D)``. Shapes: ``x_t (B, D)``, ``h_t (B, H)``, ``W_xh (H, D)``,
``W_hh (H, H)``, ``b_h (H,)``: the layout of ``torch.nn.RNN`` (``weight_ih_l0``,
``weight_hh_l0``; its two biases add up to ``b_h``).

Backward through one step, given ``dh = dL/dh_t``::

    da      = dh * (1 - h_t**2)      (relu: dh * [h_t > 0])
    dx_t    = da @ W_xh              dW_xh = da.T @ x_t
    dh_prev = da @ W_hh              dW_hh = da.T @ h_{t-1}
    db_h    = da summed over the batch

Backpropagation through time runs that step from ``t = T-1`` down to 0, adding the
gradient that flows back from step ``t+1`` to the one the loss puts on ``h_t``.
"""
from __future__ import annotations

import numpy as np

from .activations import activate, activate_backward, check_nonlinearity
from .inputs import check_cache, check_cell, check_sequence, check_steps, check_upstream


def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h, nonlinearity="tanh"):
    """One Elman step: ``h = act(x @ W_xh.T + h_prev @ W_hh.T + b_h)``.

    x (B, D), h_prev (B, H), W_xh (H, D), W_hh (H, H), b_h (H,) -> h (B, H), cache.
    """
    check_cell(x, {"h_prev": h_prev}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_h": b_h})  # these shapes, or a clear error
    a = x @ W_xh.T + h_prev @ W_hh.T + b_h  # (B, H)
    h = activate(a, nonlinearity)  # (B, H)
    cache = (x, h_prev, W_xh, W_hh, h, nonlinearity)
    return h, cache


def rnn_step_backward(dh, cache):
    """Backward through one Elman step.

    dh (B, H) = dL/dh -> dx (B, D), dh_prev (B, H), dW_xh (H, D), dW_hh (H, H), db_h (H,).
    """
    check_cache(cache, "rnn_step_forward", 6)
    x, h_prev, W_xh, W_hh, h, nonlinearity = cache
    check_upstream("dh", dh, h.shape, "(B, H), the shape of h")
    da = activate_backward(dh, h, nonlinearity)  # (B, H)
    dx = da @ W_xh  # (B, D)
    dh_prev = da @ W_hh  # (B, H)
    dW_xh = da.T @ x  # (H, D)
    dW_hh = da.T @ h_prev  # (H, H)
    db_h = da.sum(axis=0)  # (H,)
    return dx, dh_prev, dW_xh, dW_hh, db_h


def rnn_forward(x, h0, W_xh, W_hh, b_h, nonlinearity="tanh"):
    """Run an Elman RNN over a whole sequence.

    x (B, T, D), h0 (B, H), W_xh (H, D), W_hh (H, H), b_h (H,)
    -> hs (B, T, H) (hs[:, t] is h_t; h0 is not included), cache (one entry a step).
    """
    check_nonlinearity(nonlinearity)
    B, T, D, H = check_sequence(x, {"h0": h0}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_h": b_h})
    hs = np.empty((B, T, H), dtype=np.result_type(x, h0, W_xh, W_hh, b_h))
    steps = []
    h = h0
    for t in range(T):
        h, step_cache = rnn_step_forward(x[:, t], h, W_xh, W_hh, b_h, nonlinearity)
        hs[:, t] = h
        steps.append(step_cache)
    return hs, steps


def rnn_backward(dhs, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    dhs (B, T, H): the loss's gradient on every hidden state h_t (zeros where a step has
    no loss) -> dx (B, T, D), dh0 (B, H), dW_xh (H, D), dW_hh (H, H), db_h (H,).
    """
    check_steps(cache, "rnn_forward", "rnn_step_forward", 6)
    steps = cache
    x_0, h_0, W_xh, W_hh = steps[0][:4]
    B, H, T, D = h_0.shape[0], W_hh.shape[0], len(steps), x_0.shape[1]
    check_upstream("dhs", dhs, (B, T, H), "(B, T, H), the shape of hs")
    dx = np.empty((B, T, D), dtype=dhs.dtype)
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(H, dtype=W_hh.dtype)
    dh_next = np.zeros((B, H), dtype=dhs.dtype)  # gradient arriving from step t+1
    for t in reversed(range(T)):
        dx[:, t], dh_next, dW_xh_t, dW_hh_t, db_h_t = rnn_step_backward(dhs[:, t] + dh_next, steps[t])
        dW_xh += dW_xh_t
        dW_hh += dW_hh_t
        db_h += db_h_t
    return dx, dh_next, dW_xh, dW_hh, db_h
