"""Checks of arguments that are neither numbers nor arrays: a named choice, a random generator, a
layer class, a loss's batch, a list of a task's records.

    check_gru_convention  one of GRU_CONVENTIONS, for rnnlab.nn and rnnlab.byhand alike
    check_generator       a torch.Generator or None (a seed is not one: the message says how to make one)
    check_rnn_class       a recurrent layer class (rnnlab.nn.LSTM, torch.nn.GRU), not its name
    check_batch           a loss function's batch, unpacked into its named parts
    check_records         a non-empty list of a task's records (TaggedLine, DatePair, ...)
"""
from __future__ import annotations

from collections.abc import Iterable

from .scalars import ArgumentKindError

#: torch.nn.GRU's (reset after W_hn; z near 1 keeps), Cho et al. 2014's (reset before W_hn) and
#: Chung et al. 2014's (Cho's candidate, the update written with z and 1 - z swapped).
GRU_CONVENTIONS = ("torch", "cho", "chung")


def check_gru_convention(convention) -> None:
    """Raise ``ValueError`` unless ``convention`` is one of :data:`GRU_CONVENTIONS`."""
    if convention not in GRU_CONVENTIONS:
        raise ValueError(f"convention: expected one of {GRU_CONVENTIONS}, got {convention!r}")


def check_generator(name: str, generator) -> None:
    """Raise ``TypeError`` unless ``generator`` is a ``torch.Generator`` or None (a seed is not one)."""
    import torch

    if generator is not None and not isinstance(generator, torch.Generator):
        hint = (f"; for seed {generator!r} pass torch.Generator().manual_seed({generator!r})"
                if isinstance(generator, int) and not isinstance(generator, bool) else "")
        raise TypeError(f"{name}: expected a torch.Generator or None, got {type(generator).__name__}{hint}")


def check_rnn_class(rnn_class) -> None:
    """Raise ``TypeError`` unless ``rnn_class`` is a layer class (``rnnlab.nn.LSTM``, ``torch.nn.GRU``, ...):
    the class itself, not its name ``"lstm"`` nor an instance."""
    from torch import nn

    if not (isinstance(rnn_class, type) and issubclass(rnn_class, nn.Module)):
        raise TypeError(f"rnn_class: expected a recurrent layer class such as rnnlab.nn.LSTM or torch.nn.GRU, "
                        f"got {rnn_class!r}")


def check_batch(fn: str, batch, names: tuple) -> tuple:
    """A loss function's ``batch`` unpacked into ``len(names)`` parts, or a ``TypeError`` naming them
    (not Python's "not enough values to unpack")."""
    if not isinstance(batch, (tuple, list)) or len(batch) != len(names):
        got = f"a {type(batch).__name__} of {len(batch)}" if isinstance(batch, (tuple, list)) else type(batch).__name__
        raise TypeError(f"{fn}: expected batch = ({', '.join(names)}), got {got}")
    return tuple(batch)


def check_records(fn: str, items, record: type, what: str, source: str) -> list:
    """``items`` as a non-empty list of ``record`` instances (what the function ``source`` returns);
    ``what`` names one item in the messages (``"line"``, ``"pair"``).

    :class:`ArgumentKindError` for a str, a single record or anything not iterable, and for an item
    that is not a ``record`` (named with its index); ``ValueError`` for none at all.
    """
    kind = f"{record.__name__} (from {source})"
    if isinstance(items, (str, bytes, record)) or not isinstance(items, Iterable):
        one = f"; for one {what}, pass [{what}]" if isinstance(items, record) else ""
        raise ArgumentKindError(f"{fn}: expected {what}s, a list of {kind}, got {type(items).__name__}{one}")
    items = list(items)
    if not items:
        raise ValueError(f"{fn}: expected {what}s, at least one {what} ({kind}), got none (an empty batch)")
    bad = next((k for k, item in enumerate(items) if not isinstance(item, record)), None)
    if bad is not None:
        raise ArgumentKindError(f"{fn}: expected {what}s of {kind}, got {type(items[bad]).__name__} "
                                f"{items[bad]!r:.60} at index {bad}")
    return items
