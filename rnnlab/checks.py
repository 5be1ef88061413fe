"""Input checks shared by every rnnlab module.

Each check raises a ``ValueError`` or ``TypeError`` whose message says what was
expected, what came, and (where it helps) how to fix it, in the style of
scikit-learn. They accept NumPy arrays and torch tensors alike.
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


# ---- the GRU's conventions: one name and one check for rnnlab.nn and rnnlab.byhand --------------
#: torch.nn.GRU's (reset after W_hn; z near 1 keeps), Cho et al. 2014's (reset before W_hn) and
#: Chung et al. 2014's (Cho's candidate, the update written with z and 1 - z swapped).
GRU_CONVENTIONS = ("torch", "cho", "chung")


def check_gru_convention(convention) -> None:
    """Raise ``ValueError`` unless ``convention`` is one of :data:`GRU_CONVENTIONS`."""
    if convention not in GRU_CONVENTIONS:
        raise ValueError(f"convention: expected one of {GRU_CONVENTIONS}, got {convention!r}")


# ---- token ids and lengths: the one check every model that reads ids uses ----------------------
class TokenIdError(ValueError):
    """A token id outside the vocabulary ``[0, V)``; the message names the id, where it is and V."""


class LengthError(ValueError):
    """Sequence lengths that do not fit their batch: not one per sequence, below 1, or above T."""


def check_ids(name: str, ids, vocab_size: int, layout: str = "(B, T)", max_len: int | None = None) -> None:
    """Check token ids before a model embeds them; the checks, in order, and what each raises:

    - ``TypeError``: ``ids`` is not a torch tensor, or not of dtype int64 (floats are not ids);
    - ``ValueError``: not ``len(layout)`` dimensions, an empty batch or sequence, or more than
      ``max_len`` positions;
    - :class:`TokenIdError`: an id outside ``[0, vocab_size)``, named with its position.
    """
    import torch

    rank = len([axis for axis in layout.strip("()").split(",") if axis.strip()])
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name}: expected token ids as a torch.int64 tensor {layout}, got {type(ids).__name__}"
                        + ("; torch.tensor(...) makes one" if isinstance(ids, (list, tuple)) else ""))
    if ids.dtype != torch.int64:
        raise TypeError(f"{name}: expected token ids of dtype torch.int64 {layout}, got {ids.dtype}"
                        + ("; floats are not ids" if ids.is_floating_point() else "; convert with .long()"))
    if ids.ndim != rank:
        hint = "; for one sequence use ids[None]" if ids.ndim == rank - 1 else ""
        raise ValueError(f"{name}: expected a {rank}-D tensor of token ids {layout}, got shape {_shape(ids)}{hint}")
    if ids.numel() == 0:
        raise ValueError(f"{name}: expected at least one sequence of at least one token {layout}, "
                         f"got shape {_shape(ids)} (an empty input)")
    if max_len is not None and ids.shape[-1] > max_len:
        raise ValueError(f"{name}: expected at most max_len = {max_len} positions, got {ids.shape[-1]} (shape "
                         f"{_shape(ids)}); build the model with a larger max_len, or shorten the input")
    bad = (ids < 0) | (ids >= vocab_size)
    if bool(bad.any()):
        where = tuple(int(i) for i in bad.nonzero()[0])
        raise TokenIdError(f"{name}: token id {int(ids[where])} at position {where if len(where) > 1 else where[0]} "
                           f"is outside the vocabulary of {vocab_size} tokens; expected ids in [0, {vocab_size - 1}]"
                           f" ({int(bad.sum())} id(s) outside it in all)")


def check_lengths(name: str, lengths, batch_size: int, T: int) -> None:
    """Check the lengths ``(B,)`` of a padded batch ``(B, T)``: one integer per sequence, each in
    ``1..T``; raises ``TypeError`` for a non-tensor or a float tensor, :class:`LengthError` else."""
    import torch

    if not isinstance(lengths, torch.Tensor):
        raise TypeError(f"{name}: expected a torch tensor of lengths ({batch_size},), got {type(lengths).__name__}")
    if lengths.is_floating_point() or lengths.is_complex() or lengths.dtype == torch.bool:
        raise TypeError(f"{name}: expected integer lengths ({batch_size},), got dtype {lengths.dtype}")
    if _shape(lengths) != (batch_size,):
        raise LengthError(f"{name}: expected one length per sequence, shape ({batch_size},), got {_shape(lengths)}")
    if bool((lengths < 1).any()) or bool((lengths > T).any()):
        raise LengthError(f"{name}: expected every length in 1..{T} (the padded length T), got values in "
                          f"[{int(lengths.min())}, {int(lengths.max())}]")
