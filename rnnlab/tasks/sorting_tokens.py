"""Sorting numbers written as tokens: one task for a pointer network and a vocabulary seq2seq (notebook 10).

``n`` distinct integers are drawn from ``0 .. n_values - 1``; the answer is the same numbers in
ascending order. Both models read the same numbers through a learned embedding table and see
the same batches; they differ only in how they answer:

- a **pointer network** reads each number as a one-hot vector (B, n, K) -- its linear input
  layer on a one-hot vector *is* an embedding table -- and answers with positions of its input,
  ``argsort`` (B, n): its output space is the n inputs, whatever n is;
- a **vocabulary seq2seq** (``rnnlab.models.seq2seq``) reads token ids and writes the sorted numbers
  as tokens from its fixed vocabulary, then EOS: it must also decide when to stop.

Ids follow :mod:`rnnlab.data.vocab`: 0 = PAD, 1 = BOS, 2 = EOS, the number v is id ``v + 3``::

    values, order = number_batch(64, n=8, generator=g)   # (B, n) distinct ints, (B, n) argsort
    x = one_hot_numbers(values, 100)                       # (B, n, 100) for the pointer network
    src, lengths, tgt = seq2seq_sorting_batch(values)      # (B, n), (B,), (B, n + 2) = BOS sorted EOS
"""
from __future__ import annotations

import torch

from rnnlab.checks import ArgumentKindError, check_int
from rnnlab.course.runtime import on_model_device
from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.decoding.greedy import greedy_decode

OFFSET = EOS + 1   # the number v is the token id v + OFFSET, as in Vocab([str(v) ...], pad=True, bos=True, eos=True)


def _check_values(fn: str, values, n_values: int | None = None) -> torch.Tensor:
    """``values`` (B, n) int64 numbers in 0..n_values-1, B >= 1, n >= 1."""
    if not isinstance(values, torch.Tensor):
        hint = "; torch.from_numpy(values) makes one" if hasattr(values, "__array__") else ""
        raise ArgumentKindError(f"{fn}: expected values, a torch tensor of shape (B, n), integers, "
                                f"got {type(values).__name__}{hint}")
    if values.ndim != 2:
        raise ValueError(f"{fn}: expected values of shape (B, n), integers, got shape {tuple(values.shape)}")
    if values.dtype.is_floating_point or values.dtype.is_complex or values.dtype == torch.bool:
        raise ArgumentKindError(f"{fn}: expected integer values (the numbers as int64), got dtype {values.dtype}")
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"{fn}: expected B >= 1 rows of n >= 1 numbers, got shape {tuple(values.shape)} (empty)")
    top = n_values - 1 if n_values is not None else None
    bad = (values < 0) | (values > top) if top is not None else values < 0
    if bool(bad.any()):
        want = f"0..{top}" if top is not None else ">= 0"
        where = tuple(int(i) for i in bad.nonzero()[0])
        raise ValueError(f"{fn}: expected numbers in {want}, got values in [{int(values.min())}, "
                         f"{int(values.max())}]: number {int(values[where])} at position {where}")
    return values.long()


def number_batch(batch_size: int, n: int, n_values: int = 100, generator: torch.Generator | None = None):
    """A batch of ``n`` distinct numbers from ``0 .. n_values - 1`` per row, uniformly at random.

    Returns:
        ``values`` (B, n) int64; ``order`` (B, n) int64, ``argsort(values)``: the positions of
        the numbers from the smallest up -- the pointer network's targets.
    """
    batch_size = check_int("batch_size", batch_size, 1, fn="number_batch")
    n = check_int("n", n, 2, fn="number_batch", hint=" (sorting one number is trivial)")
    n_values = check_int("n_values", n_values, n, fn="number_batch",
                         hint=f" (n = {n} distinct numbers need at least {n} values to draw from)")
    values = torch.argsort(torch.rand(batch_size, n_values, generator=generator), 1)[:, :n]   # distinct
    return values, torch.argsort(values, 1)


def one_hot_numbers(values: torch.Tensor, n_values: int) -> torch.Tensor:
    """``values`` (B, n) -> (B, n, n_values) float32 one-hot: the pointer network's input."""
    n_values = check_int("n_values", n_values, 1, fn="one_hot_numbers")
    values = _check_values("one_hot_numbers", values, n_values)
    return torch.nn.functional.one_hot(values, n_values).float()


def seq2seq_sorting_batch(values: torch.Tensor):
    """``values`` (B, n) -> (src (B, n), lengths (B,), tgt (B, n + 2) = BOS sorted EOS), as token ids.

    Every row has the same length n (one n per batch, as the pointer network's batches).
    """
    values = _check_values("seq2seq_sorting_batch", values)
    B, n = values.shape
    src = values + OFFSET
    tgt = torch.cat([torch.full((B, 1), BOS), torch.sort(values, 1).values + OFFSET,
                     torch.full((B, 1), EOS)], 1)
    return src, torch.full((B,), n, dtype=torch.int64), tgt


@on_model_device
@torch.no_grad()
def seq2seq_sorting_accuracy(model, values: torch.Tensor, extra: int = 5) -> dict:
    """Greedy-decode ``model`` (a :class:`~rnnlab.models.seq2seq.Seq2Seq`) on ``values`` (B, n).

    Up to n + ``extra`` tokens are decoded, so a model may write too many numbers as well as
    too few. Returns ``exact``: the share of rows whose output is exactly the sorted numbers,
    then EOS; ``positions``: the share of the n output slots that hold the right number;
    ``stopped_at_n``: the share of rows that wrote exactly n numbers before EOS.
    """
    extra = check_int("extra", extra, 1, fn="seq2seq_sorting_accuracy")
    src, lengths, tgt = seq2seq_sorting_batch(values)
    vocab = getattr(model.encoder, "vocab_size", None) or getattr(getattr(model.encoder, "embed", None),
                                                                  "num_embeddings", None)
    if vocab is not None and int(src.max()) >= vocab:   # the model's source vocabulary, when it says
        where = tuple(int(i) for i in (src == src.max()).nonzero()[0])
        raise ValueError(f"seq2seq_sorting_accuracy: number {int(values[where])} at position {where} needs token id "
                         f"{int(src.max())} (number + {OFFSET}), outside the model's vocabulary of {vocab} tokens; "
                         f"expected numbers in 0..{vocab - OFFSET - 1}")
    B, n = values.shape
    out, _ = greedy_decode(model, src, lengths, max_len=n + extra)                # (B, L <= n + extra)
    L = max(out.shape[1], n + 1)
    ids = torch.full((B, L), PAD, dtype=torch.int64)
    ids[:, :out.shape[1]] = out
    want = tgt[:, 1:]                                                              # sorted numbers, EOS
    exact = (ids[:, :n + 1] == want).all(1) & ((ids[:, n + 1:] == PAD).all(1))
    positions = (ids[:, :n] == want[:, :n]).float().mean()
    written = torch.where((ids == EOS).any(1), (ids == EOS).int().argmax(1), torch.full((B,), -1))
    return {"exact": float(exact.float().mean()), "positions": float(positions),
            "stopped_at_n": float((written == n).float().mean())}
