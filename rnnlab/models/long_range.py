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

from rnnlab.checks import check_batch, check_float_input, check_int, check_labels, check_rnn_class, check_shape
from rnnlab.course.runtime import evaluating, on_model_device


def _check_x(model: nn.Module, x) -> None:
    """x (B, T, D): a float tensor of the model's dtype, 3-D, D = the RNN's input size, T >= 1."""
    rnn = model.rnn
    check_float_input("x", x, rnn_dtype(model), "(B, T, D)")
    if x.ndim != 3:
        raise ValueError(f"x: expected a batch (B, T, D), got shape {tuple(x.shape)}; for one sequence use x[None]")
    if x.shape[-1] != rnn.input_size:
        raise ValueError(f"x: expected D = {rnn.input_size} features per step (the model's input_size), "
                         f"got {x.shape[-1]} (shape {tuple(x.shape)})")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"x: expected B >= 1 sequences of T >= 1 steps, got shape {tuple(x.shape)}")


def rnn_dtype(model: nn.Module) -> torch.dtype:
    """The dtype of the model's weights (its head's)."""
    return model.head.weight.dtype


def _check_sizes(rnn_class, **sizes) -> None:
    check_rnn_class(rnn_class)
    for name, (value, least) in sizes.items():
        check_int(name, value, least)


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
        _check_sizes(rnn_class, input_size=(input_size, 1), hidden_size=(hidden_size, 1), n_symbols=(n_symbols, 2))
        self.rnn = rnn_class(input_size, hidden_size, nonlinearity=nonlinearity, batch_first=True)
        self.head = nn.Linear(hidden_size, n_symbols)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_x(self, x)
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
    logits = model(x)  # (B, n_symbols)
    check_labels("y", y, logits.shape[-1], "(B,)", what="symbol")
    check_shape("y", y, logits.shape[:1], "(B,), one key per sequence of x")
    return float((logits.argmax(dim=-1) == y).float().mean())


# ---- the adding problem (rnnlab.tasks.adding) --------------------------------------------------------
class LastStateRegressor(nn.Module):
    """A one-layer recurrent network reading ``x`` ``(B, T, D)``; a linear head on ``h_T``.

    ``rnn_class`` is ``rnnlab.nn.RNN``, ``LSTM`` or ``GRU`` (or their ``torch.nn``
    namesakes); extra keyword arguments go to it. ``forward`` returns ``(B,)``.
    """

    def __init__(self, rnn_class, input_size: int = 2, hidden_size: int = 32, **rnn_kwargs):
        super().__init__()
        _check_sizes(rnn_class, input_size=(input_size, 1), hidden_size=(hidden_size, 1))
        self.rnn = rnn_class(input_size, hidden_size, batch_first=True, **rnn_kwargs)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_x(self, x)
        output, _ = self.rnn(x)                 # (B, T, H): every h_t; the last is h_T
        return self.head(output[:, -1]).squeeze(-1)   # (B,)


def adding_loss(model: nn.Module, batch) -> torch.Tensor:
    """Mean squared error of ``model`` on a batch ``(x, y)``; a loss_fn for ``rnnlab.training.loop``."""
    x, y = check_batch("adding_loss", batch, ("x", "y"))
    return nn.functional.mse_loss(_checked_sums(model(x), y), y)


def _checked_sums(pred: torch.Tensor, y) -> torch.Tensor:
    """The model's answers pred (B,), once y is checked to be (B,) floats too (else mse_loss broadcasts)."""
    if pred.ndim != 1:
        raise ValueError(f"model(x): expected one sum per sequence, shape (B,), got {tuple(pred.shape)}; "
                         f"a head with one output gives (B, 1): squeeze it with .squeeze(-1)")
    check_float_input("y", y, pred.dtype, "(B,), the sums")
    check_shape("y", y, tuple(pred.shape), "(B,), one sum per sequence of x")
    return pred


@on_model_device
@torch.no_grad()
def adding_mse(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """The mean squared error of ``model`` on ``x`` ``(B, T, 2)``, ``y`` ``(B,)``, as a float."""
    with evaluating(model):
        return float(nn.functional.mse_loss(_checked_sums(model(x), y), y))


# ---- the copy task (rnnlab.tasks.copy) -----------------------------------------------------------------
class SequenceTagger(nn.Module):
    """A one-layer recurrent network with a linear head at every step.

    ``x`` ``(B, T, D)`` -> logits ``(B, T, n_classes)``. ``rnn_class`` is ``rnnlab.nn.RNN``,
    ``LSTM`` or ``GRU`` (or their ``torch.nn`` namesakes); extra keyword arguments go to it.
    """

    def __init__(self, rnn_class, input_size: int, hidden_size: int, n_classes: int, **rnn_kwargs):
        super().__init__()
        _check_sizes(rnn_class, input_size=(input_size, 1), hidden_size=(hidden_size, 1), n_classes=(n_classes, 2))
        self.rnn = rnn_class(input_size, hidden_size, batch_first=True, **rnn_kwargs)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_x(self, x)
        output, _ = self.rnn(x)            # (B, T, H)
        return self.head(output)           # (B, T, n_classes)


def _checked_logits(logits: torch.Tensor, y) -> torch.Tensor:
    """The model's logits (B, T, C), once y is checked to be (B, T) classes in 0..C-1."""
    check_labels("y", y, logits.shape[-1], "(B, T)")
    check_shape("y", y, tuple(logits.shape[:2]), "(B, T), one target per step of x")
    return logits


def copy_loss(model: nn.Module, batch) -> torch.Tensor:
    """Cross-entropy per step of ``model`` on ``(x, y)``; a loss_fn for ``rnnlab.training.loop``."""
    x, y = check_batch("copy_loss", batch, ("x", "y"))
    logits = _checked_logits(model(x), y)  # (B, T, C)
    return nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())


@on_model_device
@torch.no_grad()
def copy_scores(model: nn.Module, x: torch.Tensor, y: torch.Tensor, length: int = 10) -> dict:
    """``{"ce": cross-entropy per step, "accuracy": fraction of the last length symbols right}``."""
    with evaluating(model):
        logits = _checked_logits(model(x), y)
    T = logits.shape[1]
    length = check_int("length", length, 1, T, fn="copy_scores", what="the symbols to copy; T of x")
    ce = float(nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten()))
    accuracy = float((logits[:, -length:].argmax(-1) == y[:, -length:]).float().mean())
    return {"ce": ce, "accuracy": accuracy}
