"""Checks of torch tensors: a tensor at all, and of the dtype of the module that reads it.

    check_tensor        a torch tensor, not a NumPy array or a list (the message says how to make one)
    check_same_dtype    the dtype of the module's weights (DtypeMismatchError)
    check_float_input   a model's float input: a tensor, floating point, of the model's dtype
"""
from __future__ import annotations

import numpy as np

from .arrays import check_float


class DtypeMismatchError(TypeError, ValueError):
    """Tensors of different floating-point dtypes meeting in one module (float64 input, float32
    weights). torch.nn's layers raise ValueError for it, so it is both a TypeError and a ValueError."""


def check_tensor(name: str, x, layout: str) -> None:
    """Raise ``TypeError`` unless ``x`` is a torch tensor; ``layout`` names its expected axes."""
    import torch

    if not isinstance(x, torch.Tensor):
        hint = ("; torch.from_numpy(x) makes one" if isinstance(x, np.ndarray) else
                "; torch.tensor(x) makes one" if isinstance(x, (list, tuple, int, float)) else "")
        raise TypeError(f"{name}: expected a torch tensor {layout}, got {type(x).__name__}{hint}")


def check_same_dtype(name: str, x, dtype, fix: str) -> None:
    """Raise :class:`DtypeMismatchError` unless ``x.dtype == dtype``; ``fix`` says how to convert."""
    if x.dtype != dtype:
        raise DtypeMismatchError(f"{name}: expected dtype {dtype} (as the module's weights), got {x.dtype}; {fix}")


def check_float_input(name: str, x, dtype, layout: str) -> None:
    """A model's float input: a torch tensor (``TypeError``), of a floating-point dtype (``TypeError``),
    of the model's ``dtype`` (:class:`DtypeMismatchError`: float64 into a float32 model is refused, as
    torch.nn.RNN refuses it, not cast). ``layout`` names the axes, e.g. ``"(B, T, D)"``. Inside
    ``torch.autocast`` mixed dtypes are intended, and the dtype is not compared."""
    import torch

    check_tensor(name, x, layout)
    check_float(name, x)
    if not torch.is_autocast_enabled(x.device.type):
        check_same_dtype(name, x, dtype, f"convert the input with .to({dtype}), or the model with model.to({x.dtype})")
