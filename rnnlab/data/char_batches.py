"""Stateful batches for truncated backpropagation through time (TBPTT).

A long text is cut into ``B`` contiguous **streams**, one per batch row, and each
stream is read ``T`` characters at a time. Row ``b`` of batch ``k + 1`` continues
exactly where row ``b`` of batch ``k`` stopped, so a model may carry its hidden
state from one batch to the next (detached: gradients flow back at most ``T`` steps)
and still see an unbroken text::

    ids  = a b c d e f g h i j k l m n o p q r s t u v w x y   (N = 25)
    B = 2 streams of L = 12 inputs:  "abcdefghijkl" and "mnopqrstuvwx"
    T = 4:  batch 0  x = [abcd, mnop]  y = [bcde, nopq]   (targets: the next character)
            batch 1  x = [efgh, qrst]  y = [fghi, rstu]
            batch 2  x = [ijkl, uvwx]  y = [jklm, vwxy]

``batches(step)`` gives batch ``(step - 1) % len(batches)``, so it plugs into
:func:`rnnlab.training.loop.train`; ``batch.reset`` is True on the first batch of each pass,
where the carried state must be dropped (the streams start over).
"""
from __future__ import annotations

from typing import NamedTuple

import torch

from rnnlab.checks import as_ids, check_int


#: What the errors for ids that are not ids say to pass instead.
ENCODE_FIRST = "; pass the text's ids, e.g. ids = vocab.encode(text) with vocab = Vocab.from_text(text)"


class CharBatch(NamedTuple):
    """One batch: inputs ``x`` and targets ``y`` (B, T) int64; ``reset``: the streams start over."""

    x: torch.Tensor
    y: torch.Tensor
    reset: bool
    index: int


class StatefulBatches:
    """The batches of one pass over ``ids`` in ``batch_size`` parallel streams of ``seq_len`` steps.

    Args:
        ids: the encoded text, ``vocab.encode(text)``: shape (N,), integers >= 0 (NumPy array, tensor
            or list). A str, floats, bools and negative ids raise, saying what to pass.
        batch_size: B, the number of parallel streams.
        seq_len: T, the truncation length (steps per batch, and of backpropagation).
        device: where the batches are put (default: CPU).
        vocab_size: if given, every id must also be below it (an id outside the model's vocabulary
            is named with its position here, not deep inside the embedding).

    ``len(batches)`` is the number of batches in one pass, ``L // T`` with
    ``L = (N - 1) // B`` inputs per stream; the few characters left over are dropped.
    """

    def __init__(self, ids, batch_size: int, seq_len: int, device=None, vocab_size: int | None = None):
        batch_size = check_int("batch_size", batch_size, 1, fn="StatefulBatches")
        seq_len = check_int("seq_len", seq_len, 1, fn="StatefulBatches")
        ids = torch.from_numpy(as_ids("StatefulBatches: ids", ids, vocab_size, hint=ENCODE_FIRST))
        if ids.ndim != 1:
            raise ValueError(f"StatefulBatches: expected ids of shape (N,), got shape {tuple(ids.shape)}")
        per_stream = (len(ids) - 1) // batch_size  # L inputs per stream (each needs a next character)
        if per_stream < seq_len:
            raise ValueError(
                f"StatefulBatches: a text of {len(ids)} characters is too short for batch_size={batch_size} "
                f"streams of at least seq_len={seq_len} steps; expected at least {batch_size * seq_len + 1} "
                f"characters. Use a smaller batch_size or seq_len."
            )
        self.batch_size, self.seq_len = batch_size, seq_len
        self.num_batches = per_stream // seq_len
        used = self.num_batches * seq_len  # inputs per stream actually read
        starts = torch.arange(batch_size) * per_stream  # (B,) where each stream begins in ids
        index = starts[:, None] + torch.arange(used)[None, :]  # (B, used)
        self.inputs = ids[index].to(device)  # (B, used)
        self.targets = ids[index + 1].to(device)  # (B, used): the next character of each input

    def __len__(self) -> int:
        return self.num_batches

    def __getitem__(self, k: int) -> CharBatch:
        """Batch ``k`` (0-based) of the pass: x, y of shape (B, T)."""
        if not 0 <= k < self.num_batches:
            raise IndexError(f"StatefulBatches: batch index {k} out of range [0, {self.num_batches - 1}]")
        cols = slice(k * self.seq_len, (k + 1) * self.seq_len)
        return CharBatch(self.inputs[:, cols], self.targets[:, cols], k == 0, k)

    def __call__(self, step: int) -> CharBatch:
        """The batch for training step ``step`` (1-based, as rnnlab.training.loop.train counts), cycling."""
        return self[(step - 1) % self.num_batches]

    def __iter__(self):
        return (self[k] for k in range(self.num_batches))
