"""Friendly, specific feedback for the exercises' self-check cells.

Each function prints one line saying what is right, or what is wrong and by how
much (expected vs got shape, relative error, the first element that differs),
and returns ``True``/``False`` so a notebook can also assert on it::

    check_shape("x", x, (4, 7, 3), "(B, T, D)")
    check_close("dW_hh", dW_hh, expected, rtol=1e-6)
"""
from __future__ import annotations

import numpy as np


def _array(value) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _say(ok: bool, text: str) -> bool:
    print(("✅ " if ok else "❌ ") + text)
    return ok


def check_shape(name: str, value, expected: tuple, layout: str = "") -> bool:
    """Is ``value.shape == expected``? ``layout`` names the axes, e.g. ``"(B, T, D)"``."""
    if value is None:
        return _say(False, f"{name} is None: did you forget to assign it (or to return it)?")
    if not hasattr(value, "shape"):
        return _say(False, f"{name}: expected an array of shape {tuple(expected)}, got a {type(value).__name__}")
    got = tuple(int(s) for s in value.shape)
    axes = f" {layout}" if layout else ""
    if got == tuple(expected):
        return _say(True, f"{name} has shape {got}{axes}.")
    hint = " Same numbers in another order: check which axis is which (transpose?)." if sorted(got) == sorted(expected) else ""
    return _say(False, f"{name}: expected shape {tuple(expected)}{axes}, got {got}.{hint}")


def check_close(name: str, got, expected, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Is ``got`` equal to ``expected`` within tolerance? Reports the worst relative error."""
    if got is None:
        return _say(False, f"{name} is None: did you forget to assign it (or to return it)?")
    g, e = _array(got).astype(float), _array(expected).astype(float)
    if g.shape != e.shape:
        return _say(False, f"{name}: expected shape {e.shape}, got {g.shape}.")
    if not np.all(np.isfinite(g)):
        return _say(False, f"{name} contains NaN or inf: look for a division by zero or an overflowing exp.")
    err = np.abs(g - e) / np.maximum(np.abs(e) + np.abs(g), atol)
    worst = float(err.max()) if err.size else 0.0
    if np.allclose(g, e, rtol=rtol, atol=atol):
        return _say(True, f"{name} is correct (max relative error {worst:.1e}).")
    idx = np.unravel_index(int(err.argmax()), err.shape) if err.ndim else ()
    where = f" at index {tuple(int(i) for i in idx)}" if idx else ""
    return _say(
        False,
        f"{name}: max relative error {worst:.1e}{where} (expected {e[idx]:.6g}, got {g[idx]:.6g}); tolerance is {rtol:.0e}.",
    )
