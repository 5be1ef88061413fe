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

NONLINEARITIES = ("tanh", "relu")


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, elementwise, any shape; stable for large ``|a|`` (no overflow in exp)."""
    return np.exp(-np.logaddexp(0.0, -a))


def check_nonlinearity(nonlinearity: str) -> None:
    """Raise ``ValueError`` unless ``nonlinearity`` is ``"tanh"`` or ``"relu"``."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity: expected 'tanh' or 'relu', got {nonlinearity!r}")


def activate(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """``tanh(a)`` or ``relu(a)``, elementwise, any shape."""
    check_nonlinearity(nonlinearity)
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)


def activate_backward(dh: np.ndarray, h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """Given ``dL/dh`` and the output ``h = act(a)``, return ``dL/da`` (same shape).

    relu's derivative at exactly ``a = 0`` is taken as 0, as torch does.
    """
    if nonlinearity == "tanh":
        return dh * (1.0 - h * h)
    return dh * (h > 0)
