"""The nonlinearities the cells use, each with its derivative written in terms of its *output*.

Writing the derivative through the output is the trick every hand-written backward
uses: the forward pass already stored ``h = tanh(a)``, and ``tanh'(a) = 1 - h**2``,
so ``a`` need not be kept.

=============  ==================  =========================
function        forward             derivative via output
=============  ==================  =========================
tanh            h = tanh(a)         1 - h**2
relu            h = max(a, 0)       1 where h > 0, else 0
sigmoid         s = 1/(1+e^-a)      s * (1 - s)
=============  ==================  =========================
"""
from __future__ import annotations

import numpy as np

from .inputs import check_array, check_array_shape

NONLINEARITIES = ("tanh", "relu")


def _check_values(name: str, a) -> None:
    """A float array or a float; not ints (relu would keep them ints), strings or lists."""
    if not (type(a) is np.ndarray and a.dtype.kind == "f") and not isinstance(a, (float, np.floating)):
        check_array(name, a, "(any shape)")


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, elementwise, any shape; stable for large ``|a|`` (no overflow in exp)."""
    _check_values("a", a)
    return np.exp(-np.logaddexp(0.0, -a))


def check_nonlinearity(nonlinearity: str) -> None:
    """Raise ``ValueError`` unless ``nonlinearity`` is ``"tanh"`` or ``"relu"``."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity: expected 'tanh' or 'relu', got {nonlinearity!r}")


def activate(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """``tanh(a)`` or ``relu(a)``, elementwise, any shape."""
    check_nonlinearity(nonlinearity)
    _check_values("a", a)
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)


def activate_backward(dh: np.ndarray, h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """Given ``dL/dh`` and the output ``h = act(a)``, return ``dL/da`` (same shape).

    relu's derivative at exactly ``a = 0`` is taken as 0, as torch does.
    """
    check_nonlinearity(nonlinearity)  # anything but "tanh" would otherwise be taken for relu
    _check_values("h", h)
    _check_values("dh", dh)
    if getattr(dh, "shape", ()) != getattr(h, "shape", ()):  # NumPy would broadcast a (1, H) dh over the batch
        check_array_shape("dh", np.asarray(dh), np.shape(h), "(the shape of h)")
    if nonlinearity == "tanh":
        return dh * (1.0 - h * h)
    return dh * (h > 0)
