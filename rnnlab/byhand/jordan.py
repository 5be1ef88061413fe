"""The Jordan network by hand: the *output*, not the hidden state, is fed back.

The maths (Jordan 1986), with ``y_0 = 0`` unless given::

    h_t = tanh(W_xh x_t + W_yh y_{t-1} + b_h)
    y_t = W_hy h_t + b_y

Shapes: ``x_t (B, D)``, ``h_t (B, H)``, ``y_t (B, V)``, ``W_xh (H, D)``, ``W_yh (H, V)``,
``b_h (H,)``, ``W_hy (V, H)``, ``b_y (V,)``.

A Jordan step is an Elman step whose recurrent input is ``y_{t-1}`` instead of
``h_{t-1}`` (with ``W_yh`` in the place of ``W_hh``), followed by the output layer, so
the forward writes :func:`rnn_step_forward`'s line with ``W_yh`` (whose checks want a
square ``W_hh``) and the backward reuses :func:`rnn_step_backward`.
"""
from __future__ import annotations

import numpy as np

from rnnlab.checks import check_nonempty, check_rank, check_size

from .elman import rnn_step_backward
from .inputs import check_array, check_array_shape, check_cache, check_steps, check_upstream


def jordan_step_forward(x, y_prev, W_xh, W_yh, b_h, W_hy, b_y):
    """One Jordan step.

    x (B, D), y_prev (B, V), W_xh (H, D), W_yh (H, V), b_h (H,), W_hy (V, H), b_y (V,)
    -> h (B, H), y (B, V), cache.
    """
    _check_jordan(x, "(B, D)", "y_prev", y_prev, W_xh, W_yh, b_h, W_hy, b_y)
    h = np.tanh(x @ W_xh.T + y_prev @ W_yh.T + b_h)  # (B, H): rnn_step_forward's line, W_yh for W_hh
    elman_cache = (x, y_prev, W_xh, W_yh, h, "tanh")  # what rnn_step_forward keeps, for rnn_step_backward
    y = h @ W_hy.T + b_y  # (B, V)
    return h, y, (elman_cache, h, W_hy)


def jordan_step_backward(dy, cache):
    """Backward through one Jordan step.

    dy (B, V) = dL/dy_t (from the loss and from step t+1)
    -> dx (B, D), dy_prev (B, V), dW_xh (H, D), dW_yh (H, V), db_h (H,), dW_hy (V, H), db_y (V,).
    """
    check_cache(cache, "jordan_step_forward", 3)
    elman_cache, h, W_hy = cache
    check_upstream("dy", dy, (h.shape[0], W_hy.shape[0]), "(B, V), the shape of y")
    dh = dy @ W_hy  # (B, H)
    dW_hy = dy.T @ h  # (V, H)
    db_y = dy.sum(axis=0)  # (V,)
    dx, dy_prev, dW_xh, dW_yh, db_h = rnn_step_backward(dh, elman_cache)
    return dx, dy_prev, dW_xh, dW_yh, db_h, dW_hy, db_y


def _check_jordan(x, x_layout, y_name, y_prev, W_xh, W_yh, b_h, W_hy, b_y):
    """Check one step (x (B, D), y_name "y_prev") or a sequence (x (B, T, D), "y0", None allowed)."""
    sequence = x_layout == "(B, T, D)"
    arrays = {"x": x, "W_xh": W_xh, "W_yh": W_yh, "b_h": b_h, "W_hy": W_hy, "b_y": b_y}
    if y_prev is not None or not sequence:
        arrays[y_name] = y_prev
    try:  # the quick test first, without messages: jordan_forward calls this once a step
        B, D, (V, H) = x.shape[0], x.shape[-1], W_hy.shape
        shapes = [a.shape for a in arrays.values() if a.dtype.kind == "f" and type(a) is np.ndarray]
        if x.ndim == (3 if sequence else 2) and x.shape[-2] >= 1 and shapes == [
            x.shape, (H, D), (H, V), (H,), (V, H), (V,), *[(B, V)] * (len(arrays) - 6)
        ]:
            return B, (x.shape[1] if sequence else 1), H, V
    except (AttributeError, IndexError, ValueError):
        pass
    for name, value in arrays.items():
        check_array(name, value)
    check_rank("x", x, 3 if sequence else 2, x_layout)
    if sequence:
        check_nonempty("x", x, 1)
    check_rank("W_hy", W_hy, 2, "(V, H)")
    if b_h.ndim == b_y.ndim == 1 and W_hy.shape == (b_h.shape[0], b_y.shape[0]) != W_hy.shape[::-1]:
        check_array_shape("W_hy", W_hy, W_hy.shape[::-1], "(V, H)")  # (H, V): "transposed", not "wrong H"
    V, H = (int(s) for s in W_hy.shape)
    B, D = int(x.shape[0]), int(x.shape[-1])
    check_rank("W_xh", W_xh, 2, "(H, D)")
    if W_xh.shape[0] != H:  # the rows are the weight's fault; the columns may be x's
        check_array_shape("W_xh", W_xh, (H, D), f"(H, D) with H = {H} from W_hy, D = {D} from x")
    check_size("x", x, x.ndim - 1, int(W_xh.shape[1]), "input size D (the columns of W_xh)")
    check_array_shape("W_yh", W_yh, (H, V), f"(H, V) with H = {H}, V = {V} from W_hy")
    check_array_shape("b_h", b_h, (H,), f"(H,) with H = {H} from W_hy")
    check_array_shape("b_y", b_y, (V,), f"(V,) with V = {V} from W_hy")
    if y_name in arrays:
        check_array_shape(y_name, y_prev, (B, V), f"(B, V) with B = {B} from x, V = {V} from W_hy")
    return B, (int(x.shape[1]) if sequence else 1), H, V


def jordan_forward(x, y0, W_xh, W_yh, b_h, W_hy, b_y):
    """Run a Jordan network over a whole sequence.

    x (B, T, D), y0 (B, V) or None (zeros), W_xh (H, D), W_yh (H, V), b_h (H,), W_hy (V, H), b_y (V,)
    -> hs (B, T, H), ys (B, T, V), cache.
    """
    B, T, H, V = _check_jordan(x, "(B, T, D)", "y0", y0, W_xh, W_yh, b_h, W_hy, b_y)
    dtype = np.result_type(x, W_xh, W_yh, b_h, W_hy, b_y)
    y = np.zeros((B, V), dtype=dtype) if y0 is None else y0
    hs, ys = np.empty((B, T, H), dtype=dtype), np.empty((B, T, V), dtype=dtype)
    steps = []
    for t in range(T):
        hs[:, t], y, step_cache = jordan_step_forward(x[:, t], y, W_xh, W_yh, b_h, W_hy, b_y)
        ys[:, t] = y
        steps.append(step_cache)
    return hs, ys, steps


def jordan_backward(dys, cache):
    """Backpropagation through time for :func:`jordan_forward`.

    dys (B, T, V): the loss's gradient on every output y_t
    -> dx (B, T, D), dy0 (B, V), dW_xh (H, D), dW_yh (H, V), db_h (H,), dW_hy (V, H), db_y (V,).
    """
    check_steps(cache, "jordan_forward", "jordan_step_forward", 3)
    steps = cache
    (x_0, _, W_xh, W_yh, _, _), _, W_hy = steps[0]
    B, T, D, (V, H) = x_0.shape[0], len(steps), x_0.shape[1], W_hy.shape
    check_upstream("dys", dys, (B, T, V), "(B, T, V), the shape of ys")
    dx = np.empty((B, T, D), dtype=dys.dtype)
    dW_xh, dW_yh, db_h = np.zeros_like(W_xh), np.zeros_like(W_yh), np.zeros(H, dtype=W_xh.dtype)
    dW_hy, db_y = np.zeros_like(W_hy), np.zeros(V, dtype=W_hy.dtype)
    grads = (dW_xh, dW_yh, db_h, dW_hy, db_y)  # summed over steps, in place
    dy_next = np.zeros((B, V), dtype=dys.dtype)  # gradient on y_t arriving from step t+1
    for t in reversed(range(T)):
        dx[:, t], dy_next, *step_grads = jordan_step_backward(dys[:, t] + dy_next, steps[t])
        for total, part in zip(grads, step_grads):
            total += part
    return (dx, dy_next, *grads)
