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


def recall_first(batch_size: int, T: int, n_symbols: int = 4, n_distractors: int = 4,
                 generator: torch.Generator | None = None):
    """A batch of the recall-first task.

    Returns:
        ``x``: one-hot inputs ``(B, T, n_symbols + n_distractors)``, float32; ``x[:, 0]`` is
        the key, ``x[:, 1:]`` distractors. ``y``: the key's index ``(B,)``, int64, in
        ``[0, n_symbols)``.
    """
    for name, value, least in (("batch_size", batch_size, 1), ("T", T, 1),
                               ("n_symbols", n_symbols, 2), ("n_distractors", n_distractors, 1)):
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ValueError(f"recall_first: expected {name} to be an int >= {least}, got {value!r}")
    keys = torch.randint(0, n_symbols, (batch_size,), generator=generator)
    tokens = torch.randint(n_symbols, n_symbols + n_distractors, (batch_size, T), generator=generator)
    tokens[:, 0] = keys
    x = nn.functional.one_hot(tokens, n_symbols + n_distractors).float()
    return x, keys
