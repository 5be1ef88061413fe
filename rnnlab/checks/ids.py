"""Checks of token ids, class labels and sequence lengths: one check of each, used by every module
that reads them.

    check_ids       a model's token ids: an int64 tensor (B, T), every id in [0, V) (TokenIdError)
    as_ids          ids as a list, NumPy array or tensor (vocabularies, batchers, metrics) -> int64 array
    check_labels    a loss's class targets: an int64 tensor, every label in [0, C) or ignore_index
    check_lengths   the lengths (B,) of a padded batch (B, T): each in 1..T (LengthError)

A bad id or label is named with its position and the vocabulary's (or the classes') size.
"""
from __future__ import annotations

import numpy as np

from .arrays import _shape
from .scalars import ArgumentKindError
from .tensors import check_tensor


def _rank(layout: str) -> int:
    """How many axes a layout such as ``"(B, T)"`` names."""
    return len([axis for axis in layout.strip("()").split(",") if axis.strip()])


def _first(bad) -> tuple[tuple, object]:
    """The index of the first True of ``bad`` (a tensor or an array), and that index as a message shows
    it: a plain int for a 1-D input, a tuple otherwise."""
    where = tuple(int(i) for i in (bad.nonzero()[0] if hasattr(bad, "detach") else np.argwhere(bad)[0]))
    return where, where[0] if len(where) == 1 else where


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

    rank = _rank(layout)
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name}: expected token ids as a torch.int64 tensor {layout}, got {type(ids).__name__}"
                        + ("; torch.tensor(...) makes one" if isinstance(ids, (list, tuple)) else
                           "; torch.from_numpy(...) makes one" if isinstance(ids, np.ndarray) else ""))
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
        where, position = _first(bad)
        raise TokenIdError(f"{name}: token id {int(ids[where])} at position {position} "
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


def as_ids(name: str, ids, vocab_size: int | None = None, hint: str = "", check_range: bool = True) -> np.ndarray:
    """``ids`` (a list, NumPy array or tensor of integers, any shape) as an int64 NumPy array, checked.

    ``TypeError`` (:class:`ArgumentKindError`): a str, None, floats ("floats are not ids"), bools or
    anything else that is not integers; ``ValueError``: ragged nested lists; :class:`TokenIdError`: an
    id below 0 or, with ``vocab_size``, at or above it, named with its position (unless not
    ``check_range``). ``hint`` (what to pass instead) ends every message. :func:`check_ids` is the
    same check for a model's int64 tensors.
    """
    if isinstance(ids, (str, bytes)) or ids is None:
        raise ArgumentKindError(f"{name}: expected integer ids (a list, array or tensor), got "
                                f"{type(ids).__name__} {ids!r:.40}{hint}")
    if hasattr(ids, "detach"):  # a torch tensor, wherever it lives
        ids = ids.detach().cpu().numpy()
    try:
        array = np.asarray(ids)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name}: expected integer ids of one shape, got nested lists of unequal lengths; "
                         f"pass one sequence at a time{hint}") from None
    if array.size == 0:  # [] is float64 to NumPy; no ids is a length for the caller to judge
        return array.astype(np.int64)
    if not np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        kind = ("floats are not ids; if they hold whole numbers, convert with x.astype(np.int64) or x.long()"
                if np.issubdtype(array.dtype, np.floating) else
                "bools are not ids" if array.dtype == np.bool_ else "tokens are not ids")
        raise ArgumentKindError(f"{name}: expected integer ids, got dtype {array.dtype} ({kind}){hint}")
    array = array.astype(np.int64, copy=False)
    bad = (array < 0) if vocab_size is None else (array < 0) | (array >= vocab_size)
    if check_range and bad.any():
        where, pos = _first(bad)
        value = int(array[where])
        want = "ids >= 0" if vocab_size is None else f"ids in [0, {vocab_size - 1}]"
        of = "" if vocab_size is None else f"; the vocabulary has {vocab_size} tokens"
        ignore = " (-100 pads targets that are not token ids: leave those positions out)" if value == -100 else ""
        raise TokenIdError(f"{name}: expected {want}, got {value} at position {pos}{ignore}{of} "
                           f"({int(bad.sum())} bad id(s) in all){hint}")
    return array


def check_labels(name: str, y, n_classes: int, layout: str, ignore_index: int | None = None,
                 what: str = "class") -> None:
    """Class targets ``y`` of a loss (labels, tags, copied symbols), before ``cross_entropy`` reads them:
    an int64 torch tensor (``TypeError``) of ``len(layout)`` dimensions (``ValueError``) whose values
    are in ``[0, n_classes)`` or ``ignore_index`` (``ValueError`` naming the first bad one, its
    position and ``n_classes``). The labels' counterpart of :func:`check_ids`."""
    import torch

    rank = _rank(layout)
    check_tensor(name, y, layout)
    if y.dtype != torch.int64:
        raise TypeError(f"{name}: expected {what} indices of dtype torch.int64 {layout}, got {y.dtype}"
                        + ("; convert with .long()" if not y.is_floating_point() else ""))
    if y.ndim != rank:
        raise ValueError(f"{name}: expected a {rank}-D tensor of {what} indices {layout}, got shape {_shape(y)}")
    bad = (y < 0) | (y >= n_classes)
    if ignore_index is not None:
        bad &= y != ignore_index
    if bool(bad.any()):
        where, position = _first(bad)
        skip = f" (or {ignore_index} = ignore)" if ignore_index is not None else ""
        raise ValueError(f"{name}: {what} {int(y[where])} at position {position} is "
                         f"outside the {n_classes} {what}{'es' if what == 'class' else 's'}; expected values in "
                         f"[0, {n_classes - 1}]{skip}")
