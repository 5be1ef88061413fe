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

from rnnlab.checks import check_generator, check_int

BLANK = 0


def _check_sizes(fn: str, T, n_symbols, length) -> tuple[int, int, int]:
    """``T``, ``n_symbols`` and ``length`` of the copy task as ints, checked; ``fn`` is the caller."""
    return (check_int("T", T, 1, fn=fn, hint=" (the delimiter sits at step length + T - 1, after the T - 1 blanks)"),
            check_int("n_symbols", n_symbols, 2, fn=fn), check_int("length", length, 1, fn=fn))


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
    batch_size = check_int("batch_size", batch_size, 1, fn="copy_task")
    T, n_symbols, length = _check_sizes("copy_task", T, n_symbols, length)
    check_generator("copy_task: generator", generator)
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
    T, n_symbols, length = _check_sizes("copy_baseline", T, n_symbols, length)
    return length * math.log(n_symbols) / (T + 2 * length)


def memoryless_logits(T: int, n_symbols: int = 8, length: int = 10, batch_size: int = 1) -> torch.Tensor:
    """The memoryless strategy as logits ``(B, T + 2 length, n_symbols + 1)``.

    The blank (with certainty, up to float rounding) until the last ``length`` steps, then
    a uniform guess over the ``n_symbols`` symbols (the blank ruled out).
    """
    T, n_symbols, length = _check_sizes("memoryless_logits", T, n_symbols, length)
    batch_size = check_int("batch_size", batch_size, 1, fn="memoryless_logits")
    logits = torch.full((batch_size, T + 2 * length, n_symbols + 1), -1e4)
    logits[:, :-length, BLANK] = 0.0
    logits[:, -length:, 1:] = 0.0
    return logits
