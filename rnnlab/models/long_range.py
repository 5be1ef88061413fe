"""The small models of the long-range tasks in ``rnnlab.tasks`` (notebooks 03 and 04).

- :class:`RecallClassifier` — recall-the-first-symbol (notebook 03): an RNN, a head on ``h_T``.
- :class:`LastStateRegressor` — the adding problem (notebook 04): an RNN/LSTM/GRU, a head on ``h_T``.
- :class:`SequenceTagger` — the copy task (notebook 04): a head at every step.

Each comes with its loss (a ``loss_fn`` for ``rnnlab.training.loop.train``) and its score::

    model = LastStateRegressor(rnnlab.nn.LSTM, hidden_size=32)
    train(model, lambda step: adding_problem(64, T=100), adding_loss, ...)
"""
from __future__ import annotations

import torch
from torch import nn

from rnnlab.course.runtime import evaluating, on_model_device


# ---- recall the first symbol (rnnlab.tasks.recall) -------------------------------------------------
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


@on_model_device
@torch.no_grad()
def recall_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of sequences in ``x`` ``(B, T, D)`` whose key ``y`` ``(B,)`` the model recalls."""
    return float((model(x).argmax(dim=-1) == y).float().mean())


# ---- the adding problem (rnnlab.tasks.adding) --------------------------------------------------------
class LastStateRegressor(nn.Module):
    """A one-layer recurrent network reading ``x`` ``(B, T, D)``; a linear head on ``h_T``.

    ``rnn_class`` is ``rnnlab.nn.RNN``, ``LSTM`` or ``GRU`` (or their ``torch.nn``
    namesakes); extra keyword arguments go to it. ``forward`` returns ``(B,)``.
    """

    def __init__(self, rnn_class, input_size: int = 2, hidden_size: int = 32, **rnn_kwargs):
        super().__init__()
        self.rnn = rnn_class(input_size, hidden_size, batch_first=True, **rnn_kwargs)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)                 # (B, T, H): every h_t; the last is h_T
        return self.head(output[:, -1]).squeeze(-1)   # (B,)


def adding_loss(model: nn.Module, batch) -> torch.Tensor:
    """Mean squared error of ``model`` on a batch ``(x, y)``; a loss_fn for ``rnnlab.training.loop``."""
    x, y = batch
    return nn.functional.mse_loss(model(x), y)


@on_model_device
@torch.no_grad()
def adding_mse(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """The mean squared error of ``model`` on ``x`` ``(B, T, 2)``, ``y`` ``(B,)``, as a float."""
    with evaluating(model):
        return float(nn.functional.mse_loss(model(x), y))


# ---- the copy task (rnnlab.tasks.copy) -----------------------------------------------------------------
class SequenceTagger(nn.Module):
    """A one-layer recurrent network with a linear head at every step.

    ``x`` ``(B, T, D)`` -> logits ``(B, T, n_classes)``. ``rnn_class`` is ``rnnlab.nn.RNN``,
    ``LSTM`` or ``GRU`` (or their ``torch.nn`` namesakes); extra keyword arguments go to it.
    """

    def __init__(self, rnn_class, input_size: int, hidden_size: int, n_classes: int, **rnn_kwargs):
        super().__init__()
        self.rnn = rnn_class(input_size, hidden_size, batch_first=True, **rnn_kwargs)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)            # (B, T, H)
        return self.head(output)           # (B, T, n_classes)


def copy_loss(model: nn.Module, batch) -> torch.Tensor:
    """Cross-entropy per step of ``model`` on ``(x, y)``; a loss_fn for ``rnnlab.training.loop``."""
    x, y = batch
    logits = model(x)                      # (B, T, C)
    return nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())


@on_model_device
@torch.no_grad()
def copy_scores(model: nn.Module, x: torch.Tensor, y: torch.Tensor, length: int = 10) -> dict:
    """``{"ce": cross-entropy per step, "accuracy": fraction of the last length symbols right}``."""
    with evaluating(model):
        logits = model(x)
    ce = float(nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten()))
    accuracy = float((logits[:, -length:].argmax(-1) == y[:, -length:]).float().mean())
    return {"ce": ce, "accuracy": accuracy}
