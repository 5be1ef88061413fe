"""Many-to-one sequence classification: read a whole sequence, output one label.

A character-level classifier for names (notebook 06)::

    ids (B, T) padded with 0, lengths (B,)
      -> embedding          (B, T, E)
      -> GRU/LSTM, packed   (B, T, H)   padded steps never enter the recurrence
      -> pool over valid    (B, H)      last state, mean or max over t < L_b only
      -> linear head        (B, C)      logits over the C classes

Character ids come from a :class:`rnnlab.data.vocab.Vocab` with ``<pad>`` (id 0), characters from 1.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.checks import check_batch, check_float, check_ids, check_int, check_labels, check_lengths, check_tensor
from rnnlab.course.runtime import device_of, evaluating
from rnnlab.data.vocab import PAD, Vocab, valid_mask
from rnnlab.nn.recurrent import GRU, LSTM

POOLINGS = ("last", "mean", "max")


def encode_names(vocab: Vocab, names) -> tuple[torch.Tensor, torch.Tensor]:
    """Names -> ids (B, T_max) int64 padded with ``PAD`` = 0, lengths (B,) int64; ``vocab`` has ``<pad>``.

    Raises ValueError naming the name and its characters that are not in ``vocab``.
    """
    return vocab.encode_batch(names, what="the name", vocabulary="the model's vocabulary",
                              advice="Remove or replace them.")


def _outputs_shape(outputs) -> tuple:
    """(B, T, H) of ``outputs``, once checked to be a 3-D float tensor."""
    check_tensor("pool: outputs", outputs, "(B, T, H)")
    check_float("pool: outputs", outputs)
    if outputs.ndim != 3:
        raise ValueError(f"pool: expected outputs (B, T, H), got shape {tuple(outputs.shape)}")
    return tuple(outputs.shape)


def pool(outputs: torch.Tensor, lengths: torch.Tensor, how: str) -> torch.Tensor:
    """Summarise each sequence's outputs (B, T, H) over its valid steps only -> (B, H).

    last: h at step L_b - 1; mean: average over t < L_b; max: elementwise max over t < L_b.
    """
    if how not in POOLINGS:
        raise ValueError(f"pool: expected how in {POOLINGS}, got {how!r}")
    B, T, H = _outputs_shape(outputs)
    check_lengths("pool: lengths", lengths, B, T)
    valid = valid_mask(lengths, T).unsqueeze(-1)  # (B, T, 1) True at real steps
    if how == "last":
        return outputs[torch.arange(B), lengths - 1]  # (B, H)
    if how == "mean":
        return (outputs * valid).sum(1) / lengths.unsqueeze(1).to(outputs.dtype)
    return outputs.masked_fill(~valid, float("-inf")).max(1).values


class NameClassifier(nn.Module):
    """Character ids (B, T) + lengths (B,) -> logits (B, n_classes).

    vocab_size: ``len(vocab)``, ``<pad>`` included; cell: "gru" or "lstm" (rnnlab.nn);
    pooling: "last", "mean" or "max".
    """

    def __init__(self, vocab_size: int, n_classes: int, embed: int = 32, hidden: int = 64,
                 cell: str = "gru", pooling: str = "last"):
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"NameClassifier: expected pooling in {POOLINGS}, got {pooling!r}")
        if cell not in ("gru", "lstm"):
            raise ValueError(f"NameClassifier: expected cell 'gru' or 'lstm', got {cell!r}")
        vocab_size = check_int("vocab_size (<pad> and at least one character)", vocab_size, 2)
        n_classes = check_int("n_classes", n_classes, 2)
        embed, hidden = check_int("embed", embed, 1), check_int("hidden", hidden, 1)
        self.pooling, self.n_classes = pooling, n_classes
        self.embed = nn.Embedding(vocab_size, embed, padding_idx=PAD)
        self.rnn = (GRU if cell == "gru" else LSTM)(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def features(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The pooled summary (B, H) of each name."""
        check_ids("ids", ids, self.embed.num_embeddings, "(B, T)")    # PAD = 0, characters 1..V-1
        check_lengths("lengths", lengths, ids.shape[0], ids.shape[1])
        x = self.embed(ids)  # (B, T, E)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])  # (B, T, H), 0 when padded
        return pool(out, lengths, self.pooling)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(ids, lengths))


def classification_loss(model: NameClassifier, batch) -> torch.Tensor:
    """Mean cross-entropy of a batch ``(ids, lengths, labels)``; for :func:`rnnlab.training.loop.train`."""
    ids, lengths, labels = check_batch("classification_loss", batch, ("ids", "lengths", "labels"))
    logits = model(ids, lengths)  # (B, C)
    check_labels("labels", labels, logits.shape[-1], "(B,)")
    if labels.shape[0] != logits.shape[0]:
        raise ValueError(f"labels: expected one label per name, shape ({logits.shape[0]},), got {tuple(labels.shape)}")
    return F.cross_entropy(logits, labels)


def name_batches(vocab: Vocab, names, labels, batch_size: int = 64, seed: int = 0):
    """``batches(step) -> (ids, lengths, labels)``: random minibatches from a seeded generator."""
    names, labels = _names(names, "name_batches"), np.asarray(labels)
    if labels.shape != (len(names),):
        raise ValueError(f"name_batches: expected one label per name, got {len(names)} names and "
                         f"{labels.shape[0] if labels.ndim else 0} labels (shape {labels.shape})")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"name_batches: expected integer labels (class indices), got dtype {labels.dtype}")
    labels, batch_size = torch.as_tensor(labels, dtype=torch.int64), check_int("batch_size", batch_size, 1)
    gen = torch.Generator().manual_seed(seed)

    def batches(step):
        idx = torch.randint(len(names), (batch_size,), generator=gen)
        ids, lengths = encode_names(vocab, [names[i] for i in idx.tolist()])
        return ids, lengths, labels[idx]

    return batches


@torch.no_grad()
def predict_proba(model: NameClassifier, vocab: Vocab, names, batch_size: int = 1024) -> np.ndarray:
    """Class probabilities (B, n_classes) of ``names``; ValueError for unknown characters."""
    names, batch_size = _names(names, "predict_proba"), check_int("batch_size", batch_size, 1)
    chunks = []
    with evaluating(model):
        for start in range(0, len(names), batch_size):
            ids, lengths = encode_names(vocab, names[start:start + batch_size])
            chunks.append(torch.softmax(model(ids.to(device_of(model)), lengths), -1).cpu().numpy())
    return np.concatenate(chunks)


def _names(names, fn: str) -> list:
    """``names`` as a non-empty list of str; one str is one name."""
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError(f"{fn}: expected names, a list of at least one str, got none")
    bad = [k for k, name in enumerate(names) if not isinstance(name, str)]
    if bad:
        raise TypeError(f"{fn}: expected every name to be a str, got {names[bad[0]]!r} at index {bad[0]}")
    return names


def _classes(name: str, values, n_classes: int) -> np.ndarray:
    """``values`` as a 1-D int array of classes in 0..n_classes - 1; else an error naming the first bad one."""
    values = np.asarray(values.cpu() if isinstance(values, torch.Tensor) else values)
    if not (np.issubdtype(values.dtype, np.integer) or values.size == 0):
        raise TypeError(f"confusion_matrix: expected {name} to hold integer class indices, got dtype {values.dtype}")
    if values.ndim != 1:
        raise ValueError(f"confusion_matrix: expected {name} of shape (N,), got {values.shape}")
    bad = np.flatnonzero((values < 0) | (values >= n_classes))
    if bad.size:
        raise ValueError(f"confusion_matrix: {name} holds class {values[bad[0]]} at position {bad[0]}, outside "
                         f"0..{n_classes - 1} (n_classes = {n_classes})")
    return values.astype(np.int64)


def confusion_matrix(true, pred, n_classes: int) -> np.ndarray:
    """(C, C) counts: row = true class, column = predicted class."""
    n_classes = check_int("n_classes", n_classes, 1)
    true, pred = (_classes(name, v, n_classes) for name, v in (("true", true), ("pred", pred)))
    if true.shape != pred.shape:
        raise ValueError(f"confusion_matrix: true {true.shape} and pred {pred.shape} differ in shape")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (true, pred), 1)
    return cm


def describe_prediction(model: NameClassifier, vocab: Vocab, labels, name: str, top: int = 3) -> str:
    """One line per top class, ``'German   0.83'``; a friendly message instead of an error."""
    name = name.strip().lower()
    if not name:
        return "Type a name."
    try:
        probs = predict_proba(model, vocab, [name])[0]
    except ValueError as err:
        return f"Cannot classify: {err}"
    order = np.argsort(-probs)[:top]
    return "\n".join(f"{labels[k]:10s} {probs[k]:.2f}" for k in order)
