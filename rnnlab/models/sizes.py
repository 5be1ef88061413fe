"""Model sizes for fair races: count a model's parameters, and find the hidden size that matches a count.

A comparison at *equal parameters* (COURSE.md) sizes one contender to another's count::

    target = count_parameters(attention_model)
    H = nearest_size(lambda h: count_parameters(make_mean_pool(h)), target)

:func:`nearest_size` needs only that the count grows with the size, as every layer's does (an RNN
layer's ``G (H D + H^2 + 2H)``, a head's ``(H + 1) V``, ...): it brackets the target by doubling,
bisects, and returns the size whose count is nearest (the smaller one on a tie).
"""
from __future__ import annotations

from typing import Callable

from torch import nn

from rnnlab.checks import ArgumentKindError, check_int


def count_parameters(model: nn.Module) -> int:
    """How many trainable numbers ``model`` holds (``requires_grad``; frozen ones are not counted)."""
    if not isinstance(model, nn.Module):
        raise ArgumentKindError(f"count_parameters: expected a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def nearest_size(count: Callable[[int], int], target: int, smallest: int = 1) -> int:
    """The size ``h >= smallest`` whose ``count(h)`` is nearest ``target``; ``count`` must grow with ``h``."""
    if not callable(count):
        raise ArgumentKindError(f"nearest_size: expected count, a function size -> parameters, got {type(count).__name__}")
    target = check_int("target", target, 1, what="the parameter count to match")
    smallest = check_int("smallest", smallest, 1, what="the smallest size to consider")
    lo, hi = smallest, smallest
    while count(hi) < target:                        # bracket: count(lo) < target <= count(hi), or hi = smallest
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if count(mid) < target else (lo, mid)
    return min((lo, hi), key=lambda h: (abs(count(h) - target), h))
