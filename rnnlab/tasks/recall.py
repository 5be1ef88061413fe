"""Recall-the-first-symbol: the smallest task that needs memory across ``T`` steps.

Each sequence starts with one of ``n_symbols`` *key* symbols, followed by ``T - 1``
*distractor* symbols drawn at random from a separate set of ``n_distractors``; the
target is the key. Everything the model needs is at ``t = 1`` and the loss is at
``t = T``, so the only learning signal is the gradient that travels back ``T - 1``
steps. Chance accuracy is ``1 / n_symbols``::

    x, y = recall_first(batch_size=64, T=20)     # x: (B, T, n_symbols + n_distractors), y: (B,)
"""
from __future__ import annotations

import torch
from torch import nn

from rnnlab.checks import check_generator, check_int


def recall_first(batch_size: int, T: int, n_symbols: int = 4, n_distractors: int = 4,
                 generator: torch.Generator | None = None):
    """A batch of the recall-first task.

    Returns:
        ``x``: one-hot inputs ``(B, T, n_symbols + n_distractors)``, float32; ``x[:, 0]`` is
        the key, ``x[:, 1:]`` distractors. ``y``: the key's index ``(B,)``, int64, in
        ``[0, n_symbols)``.
    """
    batch_size = check_int("batch_size", batch_size, 1, fn="recall_first")
    T = check_int("T", T, 1, fn="recall_first")
    n_symbols = check_int("n_symbols", n_symbols, 2, fn="recall_first")
    n_distractors = check_int("n_distractors", n_distractors, 1, fn="recall_first")
    check_generator("recall_first: generator", generator)
    keys = torch.randint(0, n_symbols, (batch_size,), generator=generator)
    tokens = torch.randint(n_symbols, n_symbols + n_distractors, (batch_size, T), generator=generator)
    tokens[:, 0] = keys
    x = nn.functional.one_hot(tokens, n_symbols + n_distractors).float()
    return x, keys
