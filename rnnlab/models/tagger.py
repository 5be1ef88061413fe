"""A tagger: a (bi)directional RNN that tags every token of a padded batch (notebook 05).

The data (Python's source cut into lines of tokens, each name tagged by its role, a token
vocabulary, padded batches) is :mod:`rnnlab.tasks.tagging`; this module is the model, its
masked loss and its predictions::

    model = Tagger(rnnlab.nn.LSTM, len(vocab), bidirectional=True)
    logits = model(x, lengths)               # x (B, T), lengths (B,) -> (B, T, len(TAGS))
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.checks import (check_batch, check_float, check_ids, check_int, check_labels, check_lengths, check_rnn_class,
                           check_tensor)
from rnnlab.course.runtime import device_of, evaluating
from rnnlab.data.vocab import IGNORE, PAD, Vocab
from rnnlab.tasks.tagging import TAGS, TaggedLine, pad_batch


class Tagger(nn.Module):
    """Embedding -> recurrent layers -> a linear head at every token.

    ``rnn_class`` is ``rnnlab.nn.LSTM``/``GRU``/``RNN`` (or the ``torch.nn`` namesakes); extra
    keyword arguments (``num_layers``, ``dropout``, ``bidirectional``) go to it.
    ``num_tags`` (keyword): the number of tags K, ``len(TAGS)`` (notebook 05's roles) unless given.
    ``forward(x (B, T), lengths (B,))`` packs the padded batch, so padding is never read,
    and returns logits ``(B, T, K)`` (the head's bias at padded positions).
    """

    def __init__(self, rnn_class, vocab_size: int, embed_size: int = 32, hidden_size: int = 64, *,
                 num_tags: int = len(TAGS), **rnn_kwargs):
        super().__init__()
        check_rnn_class(rnn_class)
        vocab_size = check_int("vocab_size (<pad> and at least one token)", vocab_size, 2)
        self.num_tags = check_int("num_tags", num_tags, 1, what="the number of tags K")
        embed_size, hidden_size = check_int("embed_size", embed_size, 1), check_int("hidden_size", hidden_size, 1)
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=PAD)
        self.rnn = rnn_class(embed_size, hidden_size, batch_first=True, **rnn_kwargs)
        self.head = nn.Linear(hidden_size * (2 if self.rnn.bidirectional else 1), self.num_tags)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        check_ids("x", x, self.embed.num_embeddings, "(B, T)")
        check_lengths("lengths", lengths, x.shape[0], x.shape[1])
        packed = pack_padded_sequence(self.embed(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)                                          # PackedSequence, (N, dirs*H) rows
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])   # (B, T, dirs*H)
        return self.head(out)                                              # (B, T, C)


def _check_logits_and_tags(logits, y) -> None:
    """logits (B, T, C) floats and y (B, T) tag ids in 0..C-1 or IGNORE, of the same B and T."""
    check_tensor("logits", logits, "(B, T, C)")
    check_float("logits", logits)
    if logits.ndim != 3:
        raise ValueError(f"masked_loss: expected logits (B, T, C), got shape {tuple(logits.shape)}")
    check_labels("y", y, logits.shape[-1], "(B, T)", ignore_index=IGNORE, what="tag")
    if logits.shape[:2] != y.shape:
        raise ValueError(f"masked_loss: expected logits (B, T, C) and y (B, T) with the same B, T, "
                         f"got {tuple(logits.shape)} and {tuple(y.shape)}")


def masked_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the tagged tokens only (``y != IGNORE``); logits ``(B, T, C)``, y ``(B, T)``."""
    _check_logits_and_tags(logits, y)
    tagged = y != IGNORE  # (B, T) True at the tokens that carry a tag
    if not bool(tagged.any()):
        raise ValueError("masked_loss: the batch has no tagged token; expected at least one name")
    return nn.functional.cross_entropy(logits[tagged], y[tagged])


def tagging_loss(model: nn.Module, batch) -> torch.Tensor:
    """A loss_fn for ``rnnlab.training.loop``: ``batch = (x, y, lengths)``."""
    x, y, lengths = check_batch("tagging_loss", batch, ("x", "y", "lengths"))
    return masked_loss(model(x, lengths), y)


@torch.no_grad()
def predict(model: nn.Module, lines: list[TaggedLine], vocab: Vocab, batch_size: int = 256):
    """Gold and predicted tag ids of every tagged token of ``lines``: two 1-D int64 tensors."""
    if isinstance(lines, TaggedLine) or not lines:
        raise ValueError(f"predict: expected lines, a non-empty list of TaggedLine (at least one line), got {lines!r}")
    batch_size = check_int("batch_size", batch_size, 1)
    gold, pred = [], []
    with evaluating(model):
        for start in range(0, len(lines), batch_size):
            x, y, lengths = pad_batch(lines[start:start + batch_size], vocab)
            tagged = y != IGNORE  # (B, T)
            gold.append(y[tagged])
            pred.append(model(x.to(device_of(model)), lengths).argmax(-1).cpu()[tagged])
    return torch.cat(gold), torch.cat(pred)


@torch.no_grad()
def tag_line(model: nn.Module, line: TaggedLine, vocab: Vocab) -> list:
    """The model's tag (a name from :data:`TAGS`) for each name of ``line``; ``None`` elsewhere."""
    if not isinstance(line, TaggedLine):
        raise TypeError(f"tag_line: expected line to be a TaggedLine (from python_lines), got {type(line).__name__}")
    x, y, lengths = pad_batch([line], vocab)
    with evaluating(model):
        ids = model(x.to(device_of(model)), lengths).argmax(-1)[0].tolist()
    return [TAGS[i] if tag is not None else None for i, tag in zip(ids, line.tags)]
