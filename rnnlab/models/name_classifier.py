"""Many-to-one sequence classification: read a whole sequence, output one label.

A character-level classifier for names (notebook 06)::

    ids (B, T) padded with 0, lengths (B,)
      -> embedding          (B, T, E)
      -> GRU/LSTM, packed   (B, T, H)   padded steps never enter the recurrence
      -> pool over valid    (B, H)      last state, mean or max over t < L_b only
      -> linear head        (B, C)      logits over the C classes

Character ids are the vocabulary's ids + 1; id 0 is the padding.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.checks import check_ids, check_lengths
from rnnlab.course.runtime import evaluating
from rnnlab.data.corpus import CharVocab
from rnnlab.nn.recurrent import GRU, LSTM

POOLINGS = ("last", "mean", "max")
PAD = 0


def encode_names(vocab: CharVocab, names) -> tuple[torch.Tensor, torch.Tensor]:
    """Names -> ids (B, T_max) int64 padded with ``PAD`` = 0, lengths (B,) int64.

    Raises ValueError naming the name and its characters that are not in ``vocab``.
    """
    if isinstance(names, str):
        names = [names]
    if len(names) == 0:
        raise ValueError("encode_names: expected at least one name, got none")
    rows = []
    for name in names:
        if not isinstance(name, str) or not name:
            raise ValueError(f"encode_names: expected non-empty strings, got {name!r}")
        vocab.check_known(name, what=f"the name {name!r}", vocabulary="the model's vocabulary",
                          advice="Remove or replace them.")
        rows.append(vocab.encode(name) + 1)
    lengths = torch.tensor([len(r) for r in rows], dtype=torch.int64)
    ids = torch.zeros(len(rows), int(lengths.max()), dtype=torch.int64)
    for b, r in enumerate(rows):
        ids[b, :len(r)] = torch.from_numpy(r)
    return ids, lengths


def valid_mask(lengths: torch.Tensor, T: int) -> torch.Tensor:
    """(B, T) bool: True at the steps t < L_b that hold a real character."""
    return torch.arange(T, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)


def pool(outputs: torch.Tensor, lengths: torch.Tensor, how: str) -> torch.Tensor:
    """Summarise each sequence's outputs (B, T, H) over its valid steps only -> (B, H).

    last: h at step L_b - 1; mean: average over t < L_b; max: elementwise max over t < L_b.
    """
    if how not in POOLINGS:
        raise ValueError(f"pool: expected how in {POOLINGS}, got {how!r}")
    B, T, H = outputs.shape
    if lengths.shape != (B,) or int(lengths.min()) < 1 or int(lengths.max()) > T:
        raise ValueError(f"pool: expected lengths (B,) = ({B},) with values in [1, {T}], got {lengths.tolist()}")
    mask = valid_mask(lengths, T).unsqueeze(-1)  # (B, T, 1)
    if how == "last":
        return outputs[torch.arange(B), lengths - 1]  # (B, H)
    if how == "mean":
        return (outputs * mask).sum(1) / lengths.unsqueeze(1).to(outputs.dtype)
    return outputs.masked_fill(~mask, float("-inf")).max(1).values


class NameClassifier(nn.Module):
    """Character ids (B, T) + lengths (B,) -> logits (B, n_classes).

    cell: "gru" or "lstm" (rnnlab.nn); pooling: "last", "mean" or "max".
    """

    def __init__(self, vocab_size: int, n_classes: int, embed: int = 32, hidden: int = 64,
                 cell: str = "gru", pooling: str = "last"):
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"NameClassifier: expected pooling in {POOLINGS}, got {pooling!r}")
        if cell not in ("gru", "lstm"):
            raise ValueError(f"NameClassifier: expected cell 'gru' or 'lstm', got {cell!r}")
        self.pooling = pooling
        self.embed = nn.Embedding(vocab_size + 1, embed, padding_idx=PAD)
        self.rnn = (GRU if cell == "gru" else LSTM)(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def features(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The pooled summary (B, H) of each name."""
        check_ids("ids", ids, self.embed.num_embeddings, "(B, T)")    # PAD = 0, characters 1..V
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
    ids, lengths, labels = batch
    return F.cross_entropy(model(ids, lengths), labels)


def name_batches(vocab: CharVocab, names, labels, batch_size: int = 64, seed: int = 0):
    """``batches(step) -> (ids, lengths, labels)``: random minibatches from a seeded generator."""
    names, labels = list(names), torch.as_tensor(np.asarray(labels), dtype=torch.int64)
    gen = torch.Generator().manual_seed(seed)

    def batches(step):
        idx = torch.randint(len(names), (batch_size,), generator=gen)
        ids, lengths = encode_names(vocab, [names[i] for i in idx.tolist()])
        return ids, lengths, labels[idx]

    return batches


@torch.no_grad()
def predict_proba(model: NameClassifier, vocab: CharVocab, names, batch_size: int = 1024) -> np.ndarray:
    """Class probabilities (B, n_classes) of ``names``; ValueError for unknown characters."""
    if isinstance(names, str):
        names = [names]
    chunks = []
    with evaluating(model):
        for start in range(0, len(names), batch_size):
            ids, lengths = encode_names(vocab, names[start:start + batch_size])
            chunks.append(torch.softmax(model(ids, lengths), -1).numpy())
    return np.concatenate(chunks)


def confusion_matrix(true, pred, n_classes: int) -> np.ndarray:
    """(C, C) counts: row = true class, column = predicted class."""
    true, pred = np.asarray(true), np.asarray(pred)
    if true.shape != pred.shape:
        raise ValueError(f"confusion_matrix: true {true.shape} and pred {pred.shape} differ in shape")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (true, pred), 1)
    return cm


def describe_prediction(model: NameClassifier, vocab: CharVocab, labels, name: str, top: int = 3) -> str:
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
