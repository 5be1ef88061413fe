"""The copy task (Arjovsky, Shah & Bengio 2016): remember 10 symbols across ``T`` blanks.

The alphabet has ``n_symbols + 2`` tokens: ``0`` is the blank, ``1..n_symbols`` the
symbols to copy and ``n_symbols + 1`` the delimiter ("now repeat"). A sequence has
``T + 2 * length`` steps::

    input:   s_1 .. s_length   0 ... 0 (T - 1 blanks)   delimiter   0 ... 0 (length blanks)
    target:  0 ...                   0 (T + length blanks)          s_1 .. s_length

The model must output the blank until the delimiter, then the symbols it saw at the start.
A *memoryless* model that outputs the blank for the first ``T + length`` steps and a uniform
guess over the symbols for the last ``length`` scores the cross-entropy (per step)
``length * ln(n_symbols) / (T + 2 * length)`` (:func:`copy_baseline`) — with the defaults,
``10 ln 8 / (T + 20)``::

    x, y = copy_task(batch_size=64, T=20)   # x: (B, T + 20, 10) one-hot, y: (B, T + 20) int64
"""
from __future__ import annotations

import math

import torch
from torch import nn

BLANK = 0


def _check_int(name: str, value, least: int, hint: str = "") -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"copy_task: expected {name} to be an int >= {least}, got {value!r}{hint}")


def copy_task(batch_size: int, T: int, n_symbols: int = 8, length: int = 10,
              generator: torch.Generator | None = None):
    """A batch of the copy task.

    Returns:
        ``x``: one-hot inputs ``(B, T + 2 * length, n_symbols + 2)``, float32.
        ``y``: targets ``(B, T + 2 * length)``, int64 in ``[0, n_symbols]`` (0 = blank).
    Raises:
        ValueError: ``batch_size < 1``, ``T < 1`` (the delimiter needs a step of its own),
            ``n_symbols < 2`` or ``length < 1``.
    """
    _check_int("batch_size", batch_size, 1)
    _check_int("T", T, 1, " (the delimiter sits at step length + T - 1, after the T - 1 blanks)")
    _check_int("n_symbols", n_symbols, 2)
    _check_int("length", length, 1)
    total = T + 2 * length
    symbols = torch.randint(1, n_symbols + 1, (batch_size, length), generator=generator)  # (B, length)
    tokens = torch.zeros(batch_size, total, dtype=torch.int64)
    tokens[:, :length] = symbols
    tokens[:, length + T - 1] = n_symbols + 1                     # the delimiter
    targets = torch.zeros(batch_size, total, dtype=torch.int64)
    targets[:, -length:] = symbols
    x = nn.functional.one_hot(tokens, n_symbols + 2).float()      # (B, total, n_symbols + 2)
    return x, targets


def copy_baseline(T: int, n_symbols: int = 8, length: int = 10) -> float:
    """Cross-entropy per step of the memoryless strategy: ``length ln(n_symbols) / (T + 2 length)``."""
    _check_int("T", T, 1)
    _check_int("n_symbols", n_symbols, 2)
    _check_int("length", length, 1)
    return length * math.log(n_symbols) / (T + 2 * length)


def memoryless_logits(T: int, n_symbols: int = 8, length: int = 10, batch_size: int = 1) -> torch.Tensor:
    """The memoryless strategy as logits ``(B, T + 2 length, n_symbols + 1)``.

    The blank (with certainty, up to float rounding) until the last ``length`` steps, then
    a uniform guess over the ``n_symbols`` symbols (the blank ruled out).
    """
    logits = torch.full((batch_size, T + 2 * length, n_symbols + 1), -1e4)
    logits[:, :-length, BLANK] = 0.0
    logits[:, -length:, 1:] = 0.0
    return logits
