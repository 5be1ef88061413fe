"""Checks of an array's kind and shape, for NumPy arrays and torch tensors alike.

    check_float     floating-point numbers (float32 or float64), not ints or bools
    check_rank      how many axes: x.ndim in ranks, the layout named, e.g. "(B, T, D) or (T, D)"
    check_size      one axis' length: x.shape[dim] == size
    check_shape     every axis: x.shape == expected
    check_nonempty  a sequence of at least one step: x.shape[dim] > 0
"""
from __future__ import annotations

import numpy as np


def _shape(x) -> tuple:
    return tuple(int(s) for s in x.shape)


def _is_float(x) -> bool:
    if hasattr(x, "is_floating_point"):  # torch.Tensor
        return bool(x.is_floating_point())
    return np.issubdtype(np.asarray(x).dtype, np.floating)


def check_float(name: str, x) -> None:
    """Raise ``TypeError`` unless ``x`` holds floating-point numbers."""
    if not hasattr(x, "shape") or not hasattr(x, "dtype"):
        raise TypeError(f"{name}: expected an array or tensor, got {type(x).__name__}")
    if not _is_float(x):
        raise TypeError(
            f"{name}: expected a floating-point dtype (float32 or float64), got {x.dtype}. "
            f"Convert it first, e.g. x.float() or x.astype(np.float64)."
        )


def check_rank(name: str, x, ranks, layout: str) -> None:
    """Raise ``ValueError`` unless ``x.ndim`` is in ``ranks``.

    ``layout`` names the expected axes, e.g. ``"(B, T, D) or (T, D)"``.
    """
    ranks = (ranks,) if isinstance(ranks, int) else tuple(ranks)
    if x.ndim not in ranks:
        want = " or ".join(f"{r}-D" for r in ranks)
        raise ValueError(f"{name}: expected a {want} input {layout}, got shape {_shape(x)} ({x.ndim}-D)")


def check_size(name: str, x, dim: int, size: int, what: str) -> None:
    """Raise ``ValueError`` unless ``x.shape[dim] == size``; ``what`` names that axis."""
    got = _shape(x)[dim]
    if got != size:
        raise ValueError(
            f"{name}: expected {what} = {size} along dim {dim}, got {got} (shape {_shape(x)})"
        )


def check_shape(name: str, x, expected: tuple, layout: str = "") -> None:
    """Raise ``ValueError`` unless ``x.shape == expected``."""
    if _shape(x) != tuple(expected):
        extra = f" {layout}" if layout else ""
        raise ValueError(f"{name}: expected shape {tuple(expected)}{extra}, got {_shape(x)}")


def check_nonempty(name: str, x, dim: int, what: str = "sequence length T") -> None:
    """Raise ``ValueError`` if ``x`` is empty along ``dim`` (an empty sequence)."""
    if _shape(x)[dim] == 0:
        raise ValueError(f"{name}: {what} is 0 (shape {_shape(x)}); an RNN needs at least one time step")
