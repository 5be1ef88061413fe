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


class RecallClassifier(nn.Module):
    """A one-layer RNN reading ``x`` ``(B, T, D)`` and classifying its last state ``h_T``.

    ``rnn_class`` is any module with ``torch.nn.RNN``'s signature (default ``rnnlab.nn.RNN``
    when it exists, else ``torch.nn.RNN``). ``forward`` returns logits ``(B, n_symbols)``.
    """

    def __init__(self, input_size: int, hidden_size: int, n_symbols: int,
                 nonlinearity: str = "tanh", rnn_class=None):
        super().__init__()
        if rnn_class is None:
            rnn_class = default_rnn_class()
        self.rnn = rnn_class(input_size, hidden_size, nonlinearity=nonlinearity, batch_first=True)
        self.head = nn.Linear(hidden_size, n_symbols)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.rnn(x)                 # h: (1, B, H)
        return self.head(h[-1])            # (B, n_symbols)


def default_rnn_class():
    """``rnnlab.nn.RNN`` if the package provides it, else ``torch.nn.RNN``."""
    try:
        from rnnlab.nn import RNN
    except ImportError:
        return nn.RNN
    return RNN


@torch.no_grad()
def recall_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of sequences in ``x`` ``(B, T, D)`` whose key ``y`` ``(B,)`` the model recalls."""
    return float((model(x).argmax(dim=-1) == y).float().mean())
