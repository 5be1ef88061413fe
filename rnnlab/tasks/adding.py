"""The adding problem (Hochreiter & Schmidhuber 1997): add the two marked numbers of a sequence.

Each sequence has ``T`` steps of two input channels: a value ``x[:, t, 0]`` drawn from
U[0, 1] and a marker ``x[:, t, 1]`` that is 1 at exactly two steps (one in the first
half, one in the second half) and 0 elsewhere. The target is the sum of the two marked
values. Everything between and after the marks is noise the model must ignore, and the
first mark can be up to ``T`` steps before the loss.

A model that has learned nothing useful answers the mean, ``E[y] = 1``; its mean squared
error is ``Var[y] = 2 * (1/12) = 1/6 ≈ 0.167`` (:data:`BASELINE_MSE`)::

    x, y = adding_problem(batch_size=64, T=50)   # x: (B, T, 2), y: (B,)
"""
from __future__ import annotations

import torch

from rnnlab.checks import check_generator, check_int, check_tensor

#: The mean squared error of always answering 1 (the variance of a sum of two U[0, 1]).
BASELINE_MSE = 1.0 / 6.0


def adding_problem(batch_size: int, T: int, generator: torch.Generator | None = None):
    """A batch of the adding problem.

    Returns:
        ``x``: ``(B, T, 2)`` float32; channel 0 the values in U[0, 1], channel 1 the
        markers (exactly two 1s per sequence: one at a step in ``[0, T // 2)``, one in
        ``[T // 2, T)``). ``y``: ``(B,)`` float32, the sum of the two marked values.
    Raises:
        ValueError: ``batch_size < 1``, or ``T < 2`` (two marks need two steps).
    """
    batch_size = check_int("batch_size", batch_size, 1, fn="adding_problem")
    T = check_int("T", T, 2, fn="adding_problem", hint=" (the two marked numbers need two steps)")
    check_generator("adding_problem: generator", generator)
    values = torch.rand(batch_size, T, generator=generator)                          # (B, T)
    first = torch.randint(0, T // 2, (batch_size,), generator=generator)            # (B,)
    second = torch.randint(T // 2, T, (batch_size,), generator=generator)           # (B,)
    markers = torch.zeros(batch_size, T)
    rows = torch.arange(batch_size)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=-1)                                       # (B, T, 2)
    y = (values * markers).sum(dim=1)                                                # (B,)
    return x, y


def marked_positions(x: torch.Tensor) -> torch.Tensor:
    """The two marked steps of each sequence of ``x`` ``(B, T, 2)``: ``(B, 2)`` int64, sorted."""
    check_tensor("marked_positions: x", x, "(B, T, 2)")
    if x.ndim != 3 or x.shape[-1] != 2:
        raise ValueError(f"marked_positions: expected x of shape (B, T, 2), got {tuple(x.shape)}")
    marked = x[..., 1] > 0.5                                                          # (B, T)
    counts = marked.sum(1)
    if bool((counts != 2).any()):
        b = int((counts != 2).nonzero()[0])
        raise ValueError(f"marked_positions: expected exactly two marked steps per sequence (x[..., 1] = 1), "
                         f"sequence {b} has {int(counts[b])}")
    return torch.nonzero(marked)[:, 1].view(x.shape[0], 2)
