"""A character-level LSTM language model, trained with truncated BPTT.

The model reads characters ``x_1 .. x_T`` and predicts, at every step, a distribution
over the next one, ``p(x_{t+1} | x_1 .. x_t)``::

    x (B, T) ids  --embed-->  (B, T, E)  --rnnlab.nn.LSTM-->  h (B, T, H)  --head-->  logits (B, T, V)

Training uses **teacher forcing** (the true previous characters are the inputs, never
the model's own guesses) and **stateful truncated BPTT**: the final ``(h, c)`` of one
batch is carried into the next (see :mod:`rnnlab.data.char_batches`), *detached*, so
the model keeps its memory across batches while gradients stop after ``T`` steps.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import as_ids, check_ids, check_int
from rnnlab.course.runtime import evaluating
from rnnlab.nn import LSTM


class CharLSTM(nn.Module):
    """Embedding -> LSTM (``rnnlab.nn.LSTM``, batch-first) -> linear read-out to V logits.

    Args:
        vocab_size: V, the number of characters.
        hidden_size: H, LSTM units per layer.
        num_layers: stacked LSTM layers.
        embed_size: E, the size of a character's embedding (default: H).
        dropout: between LSTM layers (needs num_layers > 1).

    ``carry`` holds the detached ``(h, c)`` that :meth:`tbptt_loss` passes from one
    batch to the next; it is part of ``state_dict()`` (as extra state) so that a
    checkpoint resumes training exactly.
    """

    def __init__(self, vocab_size: int, hidden_size: int = 128, num_layers: int = 1,
                 embed_size: int | None = None, dropout: float = 0.0):
        super().__init__()
        vocab_size = check_int("vocab_size (a language model chooses among at least 2 characters)", vocab_size, 2)
        hidden_size, num_layers = check_int("hidden_size", hidden_size, 1), check_int("num_layers", num_layers, 1)
        embed_size = hidden_size if embed_size is None else check_int("embed_size", embed_size, 1)
        self.vocab_size, self.hidden_size, self.num_layers = vocab_size, hidden_size, num_layers
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = LSTM(embed_size, hidden_size, num_layers, batch_first=True, dropout=dropout)
        self.head = nn.Linear(hidden_size, vocab_size)
        self.carry = None  # (h, c), each (L, B, H), detached; None: start from zeros

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) int64 ids; state (h, c) each (L, B, H) or None -> logits (B, T, V), (h_T, c_T)."""
        check_ids("x", x, self.vocab_size, "(B, T)")
        if state is not None and not (isinstance(state, (tuple, list)) and len(state) == 2):
            got = f"a {type(state).__name__} of {len(state)}" if isinstance(state, (tuple, list)) else type(state).__name__
            raise TypeError(f"state: expected None or the LSTM's state (h, c), each (L, B, H), got {got}")
        h, state = self.lstm(self.embed(x), state)  # (B, T, H)
        return self.head(h), state  # (B, T, V)

    def tbptt_loss(self, x: torch.Tensor, y: torch.Tensor, reset: bool = False) -> torch.Tensor:
        """Mean cross-entropy of predicting y (B, T) from x (B, T), starting from the carried state.

        The state enters detached (truncated BPTT: no gradient flows into the previous
        batch) and the new final state is stored, detached, for the next call.
        ``reset`` drops the carried state (start of a pass over the text).
        """
        _check_targets(self, x, y)
        state = None if reset or self.carry is None or self.carry[0].shape[1] != x.shape[0] else self.carry
        logits, (h, c) = self(x, state)
        self.carry = (h.detach(), c.detach())
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), y.reshape(-1))

    def reset_state(self) -> None:
        """Forget the carried state (the next batch starts from zeros)."""
        self.carry = None

    def get_extra_state(self):
        return {"carry": self.carry}

    def set_extra_state(self, state) -> None:
        self.carry = state["carry"] if state else None


def _check_targets(model, x, y) -> None:
    """The next-character targets y (B, T) of x (B, T): ids of the model's vocabulary, x's shape."""
    check_ids("y", y, model.vocab_size, "(B, T)")
    if hasattr(x, "shape") and tuple(y.shape) != tuple(x.shape):
        raise ValueError(f"y: expected the targets' shape to be x's {tuple(x.shape)}, got {tuple(y.shape)}")


def tbptt_loss(model: CharLSTM, batch) -> torch.Tensor:
    """``loss_fn`` for :func:`rnnlab.training.loop.train` with :class:`~rnnlab.data.char_batches.StatefulBatches`."""
    return model.tbptt_loss(batch.x, batch.y, reset=batch.reset)


@torch.no_grad()
def evaluate_nll(model: CharLSTM, ids, batch_size: int = 16, seq_len: int = 256) -> float:
    """Mean negative log-likelihood (nats per character) of ``ids`` (N,) under ``model``.

    Predicts characters 2..N of ``ids`` from the ones before them, reading ``batch_size``
    contiguous streams in chunks of ``seq_len`` with the state carried across chunks (as
    in training); each stream starts from a zero state. The model's training ``carry``
    is left untouched.
    """
    hint = "; pass the text's ids, vocab.encode(text)" if isinstance(ids, str) else ""
    ids = torch.from_numpy(as_ids("evaluate_nll: ids", ids, check_range=False, hint=hint))
    if ids.ndim != 1 or len(ids) < 2:
        raise ValueError(f"evaluate_nll: expected ids of shape (N,) with N >= 2, got shape {tuple(ids.shape)}")
    check_ids("ids", ids, model.vocab_size, "(N,)")
    batch_size, seq_len = check_int("batch_size", batch_size, 1), check_int("seq_len", seq_len, 1)
    device = next(model.parameters()).device
    B = max(1, min(batch_size, (len(ids) - 1) // 2))
    L = (len(ids) - 1) // B  # targets per stream
    starts = torch.arange(B) * L
    index = starts[:, None] + torch.arange(L)[None, :]  # (B, L)
    x, y = ids[index].to(device), ids[index + 1].to(device)
    total, state = 0.0, None
    with evaluating(model):
        for t0 in range(0, L, seq_len):
            logits, state = model(x[:, t0:t0 + seq_len], state)
            total += F.cross_entropy(logits.reshape(-1, model.vocab_size), y[:, t0:t0 + seq_len].reshape(-1),
                                     reduction="sum").item()
        # the few targets that did not fit into B equal streams: one more short row
        rest = ids[B * L:]
        if len(rest) >= 2:
            logits, _ = model(rest[None, :-1].to(device))
            total += F.cross_entropy(logits[0], rest[1:].to(device), reduction="sum").item()
    return total / (len(ids) - 1)

