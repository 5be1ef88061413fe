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

from rnnlab.checks import check_number


def _check_f_and_eps(f, eps) -> None:
    if not callable(f):
        raise TypeError(f"f: expected a function of no arguments returning the scalar loss, got {type(f).__name__}")
    check_number("eps", eps, above=0, finite=True, expected="a small positive step, e.g. 1e-6")


def _check_perturbable(name: str, x) -> None:
    """A writeable float64 array: float32's rounding (1e-7) swamps a finite difference with a step of 1e-6."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name}: expected the NumPy array that f reads (perturbed in place), "
                        f"got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name}: expected a floating-point array to perturb, got dtype {x.dtype}")
    if np.finfo(x.dtype).eps > np.finfo(np.float64).eps:
        raise TypeError(f"{name}: expected a float64 array, got {x.dtype}: its rounding error "
                        f"({np.finfo(x.dtype).eps:.0e}) swamps a finite difference; check gradients in float64")
    if not x.flags.writeable:
        raise ValueError(f"{name}: expected a writeable array (it is perturbed in place), got a read-only one")


def _scalar(value) -> float:
    """f()'s value as a float: a number, not a whole array of losses."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"f: expected f() to return a scalar (e.g. the loss, or np.sum(out * dout)), "
                        f"got {type(value).__name__} of shape {np.shape(value)}") from None


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``f`` takes no arguments and must read ``x`` (a float array of any shape), which is
    perturbed *in place* one entry at a time and restored exactly afterwards.
    Returns an array shaped like ``x``. Costs ``2 * x.size`` calls of ``f``.
    """
    _check_f_and_eps(f, eps)
    _check_perturbable("x", x)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        f_plus = _scalar(f())
        x[index] = old - eps
        f_minus = _scalar(f())
        x[index] = old  # restore exactly
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def _numbers(name: str, a) -> np.ndarray:
    try:
        return np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"rel_error: expected {name} to be an array of numbers, got {type(a).__name__}") from None


def rel_error(a, b) -> float:
    """Largest difference between ``a`` and ``b``, relative to their largest entry.

    ``max|a - b| / max(max|a|, max|b|)``; 0.0 when both are all zeros. Unlike an
    entrywise relative error it does not blow up on entries that are exactly zero in
    one array and ``1e-11`` (rounding noise) in the other, yet a single entry that is
    wrong by more than ``1e-7`` of the gradient's size still shows.
    """
    a, b = _numbers("a", a), _numbers("b", b)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: expected arrays of the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(np.abs(a).max(), np.abs(b).max())
    return 0.0 if scale == 0 else float(np.abs(a - b).max() / scale)


def _check_named(params, analytic) -> None:
    """Every analytic gradient names an array of params and has its shape: checked before the slow part."""
    for name, value in (("params", params), ("analytic", analytic)):
        if not isinstance(value, dict):
            raise TypeError(f"check_gradients: expected {name} as a dict (name -> array), got {type(value).__name__}")
    missing = sorted(set(analytic) - set(params))
    if missing:
        raise ValueError(f"check_gradients: expected analytic gradients for names in params {sorted(params)}, "
                         f"got gradients for {missing} too")
    for name, grad in analytic.items():
        _check_perturbable(f"params[{name!r}]", params[name])
        if np.shape(grad) != params[name].shape:
            raise ValueError(f"analytic[{name!r}]: expected the shape of params[{name!r}], "
                             f"{params[name].shape}, got {np.shape(grad)}")


def check_gradients(f: Callable[[], float], params: dict, analytic: dict, eps: float = 1e-6) -> dict:
    """Relative error of every analytic gradient against finite differences.

    params: name -> array that ``f()`` reads (perturbed in place, then restored);
    analytic: name -> the hand-computed gradient of ``f()`` for that array (same shape)
    -> name -> :func:`rel_error`, for every name in ``analytic``.
    """
    _check_named(params, analytic)
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
    if not isinstance(inputs, dict):
        raise TypeError(f"inputs: expected a dict (name -> array, in forward's argument order), "
                        f"got {type(inputs).__name__}")
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
