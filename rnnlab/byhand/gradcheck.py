"""Gradient checking: compare a hand-written backward with finite differences.

The centred difference ``(f(x + eps) - f(x - eps)) / (2 eps)`` differs from the true
derivative by about ``eps**2`` (the error of the formula) plus ``1e-16 |f| / eps``
(rounding), so in float64 with ``eps = 1e-6`` a correct backward agrees to roughly
``1e-9`` relative error or better; a wrong one is off by far more than ``1e-7``.
Always check in float64: float32 rounding alone is ``1e-7``.

The usual recipe, for a function ``out = forward(p)`` with a hand-written backward::

    dout = rng.standard_normal(out.shape)          # a random upstream gradient
    f = lambda: np.sum(forward(p) * dout)          # a scalar whose gradient is backward(dout)
    rel_error(numerical_gradient(f, p), backward(dout))

:func:`gradcheck_layer` does exactly that for every input of a ``*_forward`` /
``*_backward`` pair.
"""
from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``f`` takes no arguments and must read ``x`` (a float array of any shape), which is
    perturbed *in place* one entry at a time and restored exactly afterwards.
    Returns an array shaped like ``x``. Costs ``2 * x.size`` calls of ``f``.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x: expected a floating-point array to perturb, got dtype {x.dtype}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        f_plus = float(f())
        x[index] = old - eps
        f_minus = float(f())
        x[index] = old  # restore exactly
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a, b) -> float:
    """Largest difference between ``a`` and ``b``, relative to their largest entry.

    ``max|a - b| / max(max|a|, max|b|)``; 0.0 when both are all zeros. Unlike an
    entrywise relative error it does not blow up on entries that are exactly zero in
    one array and ``1e-11`` (rounding noise) in the other, yet a single entry that is
    wrong by more than ``1e-7`` of the gradient's size still shows.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: expected arrays of the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(np.abs(a).max(), np.abs(b).max())
    return 0.0 if scale == 0 else float(np.abs(a - b).max() / scale)


def check_gradients(f: Callable[[], float], params: dict, analytic: dict, eps: float = 1e-6) -> dict:
    """Relative error of every analytic gradient against finite differences.

    params: name -> array that ``f()`` reads (perturbed in place, then restored);
    analytic: name -> the hand-computed gradient of ``f()`` for that array (same shape)
    -> name -> :func:`rel_error`, for every name in ``analytic``.
    """
    missing = sorted(set(analytic) - set(params))
    if missing:
        raise ValueError(f"check_gradients: expected analytic gradients for names in params {sorted(params)}, "
                         f"got gradients for {missing} too")
    return {name: rel_error(numerical_gradient(f, params[name], eps), analytic[name]) for name in analytic}


def gradcheck_layer(
    forward, backward, inputs: dict, n_outputs: int | None = None, seed: int = 0, eps: float = 1e-6
) -> dict:
    """Gradient-check a CS231n-style layer on every one of its inputs.

    forward(*inputs.values()) -> (out_1, ..., out_k, cache);
    backward(dout_1, ..., dout_m, cache) -> one gradient per input, in the order of ``inputs``,
    where the first ``m = n_outputs`` outputs (default: all k) receive upstream gradients.
    Draws random upstream gradients ``dout_j`` and checks the gradient of
    ``f = sum_j sum(out_j * dout_j)`` by finite differences -> name -> :func:`rel_error`.
    """
    *outputs, cache = forward(*inputs.values())
    outputs = outputs[:n_outputs]
    rng = np.random.default_rng(seed)
    douts = [rng.standard_normal(np.shape(out)) for out in outputs]
    grads = backward(*douts, cache)
    if len(grads) != len(inputs):
        raise ValueError(f"gradcheck_layer: expected backward to return one gradient per input {list(inputs)}, "
                         f"got {len(grads)} gradient(s) for {len(inputs)} inputs")

    def f() -> float:
        *outs, _ = forward(*inputs.values())
        return sum(float(np.sum(out * dout)) for out, dout in zip(outs, douts))

    return check_gradients(f, inputs, dict(zip(inputs, grads)), eps)
