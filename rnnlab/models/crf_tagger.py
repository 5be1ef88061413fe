"""BiLSTM + softmax and BiLSTM + CRF taggers of BIO entities, sharing one encoder (notebook 14).

Both read word ids ``x`` ``(B, T)`` with ``lengths`` ``(B,)`` through the same :class:`EmissionEncoder`
(embedding -> bidirectional LSTM, packed -> a linear layer to K scores per token, the *emissions*
``(B, T, K)``). They differ only in the head:

    SoftmaxTagger   each token's tag alone: cross-entropy per token, argmax per token
    CRFTagger       the whole sequence: CRF negative log-likelihood, Viterbi decoding

So at equal encoder sizes the CRF adds exactly ``K^2 + 2K`` parameters (transitions, start, end;
:func:`crf_extra_parameters`). The data is :mod:`rnnlab.tasks.entities`::

    model = CRFTagger(torch.nn.LSTM, len(words), len(tags))
    loss = model.loss(x, y, lengths)                 # y (B, T) tag ids, IGNORE at padding
    best = model.decode(x, lengths)                  # (B, T) tag ids, IGNORE at padding
    gold, pred = predict_tags(model, test, words, tags)   # lists of tag-name lists, for span_prf
"""
from __future__ import annotations

import torch
from torch import nn

from rnnlab.checks import check_batch, check_int, check_labels
from rnnlab.course.runtime import device_of, evaluating
from rnnlab.data.vocab import IGNORE, Vocab
from rnnlab.models.tagger import Tagger
from rnnlab.nn.crf import CRF, bio_constraints
from rnnlab.tasks.entities import TaggedSentence, _check_sentences, pad_sentences


def crf_extra_parameters(num_tags: int) -> int:
    """The parameters a CRF head adds to a softmax tagger of ``num_tags`` = K tags: K^2 + 2K."""
    K = check_int("num_tags", num_tags, 1, fn="crf_extra_parameters")
    return K * K + 2 * K


class EmissionEncoder(Tagger):
    """Notebook 05's :class:`rnnlab.models.tagger.Tagger`, bidirectional, with K tags: embedding ->
    bidirectional ``rnn_class`` (packed: padding is never read) -> Linear to K scores.

    ``forward(x (B, T), lengths (B,))`` -> emissions ``(B, T, K)`` (the bias only at padding).
    ``rnn_class``: ``torch.nn.LSTM`` or ``rnnlab.nn.LSTM`` (GRU, RNN too); ``num_layers`` and ``dropout``
    go to it.
    """

    def __init__(self, rnn_class, vocab_size: int, num_tags: int, embed_size: int = 32, hidden_size: int = 64,
                 **rnn_kwargs):
        super().__init__(rnn_class, vocab_size, embed_size, hidden_size, num_tags=num_tags, bidirectional=True,
                         **rnn_kwargs)


class _TaggerBase(nn.Module):
    def __init__(self, rnn_class, vocab_size: int, num_tags: int, embed_size: int = 32, hidden_size: int = 64,
                 **rnn_kwargs):
        super().__init__()
        self.encoder = EmissionEncoder(rnn_class, vocab_size, num_tags, embed_size, hidden_size, **rnn_kwargs)
        self.num_tags = self.encoder.num_tags

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Emissions ``(B, T, K)``."""
        return self.encoder(x, lengths)

    def _check_y(self, y, x) -> None:
        check_labels("y", y, self.num_tags, "(B, T)", ignore_index=IGNORE, what="tag")
        if tuple(y.shape) != tuple(x.shape):
            raise ValueError(f"{type(self).__name__}.loss: expected y (B, T) of x's shape {tuple(x.shape)}, "
                             f"got {tuple(y.shape)}")


class SoftmaxTagger(_TaggerBase):
    """BiLSTM + softmax: each token's tag chosen alone. ``loss``: mean cross-entropy over real tokens."""

    def loss(self, x: torch.Tensor, y: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        emissions = self(x, lengths)
        self._check_y(y, x)
        return nn.functional.cross_entropy(emissions.flatten(0, 1), y.flatten(), ignore_index=IGNORE)

    @torch.no_grad()
    def decode(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The argmax tag of each token: ``(B, T)`` int64, :data:`IGNORE` past each length."""
        best = self(x, lengths).argmax(-1)
        return best.masked_fill(torch.arange(x.shape[1], device=x.device)[None] >= lengths.to(x.device)[:, None],
                                IGNORE)


class CRFTagger(_TaggerBase):
    """BiLSTM + CRF: the same encoder, a :class:`rnnlab.nn.CRF` on its emissions.

    ``loss``: the CRF's NLL summed over sentences and divided by the real tokens (``token_mean``: the
    scale of the softmax tagger's per-token cross-entropy, so one learning-rate grid serves both).
    ``tag_names`` with ``constrained=True`` forbid invalid BIO transitions (:func:`bio_constraints`).
    """

    def __init__(self, rnn_class, vocab_size: int, num_tags: int, embed_size: int = 32, hidden_size: int = 64,
                 tag_names=None, constrained: bool = False, **rnn_kwargs):
        super().__init__(rnn_class, vocab_size, num_tags, embed_size, hidden_size, **rnn_kwargs)
        if constrained and tag_names is None:
            raise ValueError("CRFTagger: constrained=True needs tag_names (e.g. rnnlab.tasks.entities.TAGS) to "
                             "know which transitions BIO forbids")
        self.crf = CRF(self.num_tags, bio_constraints(tag_names) if constrained else None, tag_names)

    def loss(self, x: torch.Tensor, y: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        emissions = self(x, lengths)
        self._check_y(y, x)
        return self.crf.nll(emissions, y, lengths.to(emissions.device), reduction="token_mean")

    @torch.no_grad()
    def decode(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Viterbi's best tags: ``(B, T)`` int64, :data:`IGNORE` past each length."""
        return self.crf.decode(self(x, lengths), lengths.to(x.device))[0]


def entity_loss(model: nn.Module, batch) -> torch.Tensor:
    """A loss_fn for ``rnnlab.training.loop.train``: ``batch = (x, y, lengths)``, either tagger."""
    x, y, lengths = check_batch("entity_loss", batch, ("x", "y", "lengths"))
    if not isinstance(model, _TaggerBase):
        raise TypeError(f"entity_loss: expected a SoftmaxTagger or CRFTagger, got {type(model).__name__}")
    device = device_of(model)
    return model.loss(x.to(device), y.to(device), lengths)


@torch.no_grad()
def predict_tags(model: nn.Module, sentences, words: Vocab, tags: Vocab, batch_size: int = 256):
    """Gold and predicted tag names of ``sentences``: two lists of tag lists (one per sentence, its
    length), what :func:`rnnlab.training.span_metrics.span_prf` reads."""
    if not isinstance(model, _TaggerBase):
        raise TypeError(f"predict_tags: expected a SoftmaxTagger or CRFTagger, got {type(model).__name__}")
    sentences = _check_sentences("predict_tags", sentences)
    batch_size = check_int("batch_size", batch_size, 1, fn="predict_tags")
    gold, pred = [], []
    with evaluating(model):
        for start in range(0, len(sentences), batch_size):
            chunk = sentences[start:start + batch_size]
            x, _, lengths = pad_sentences(chunk, words, tags)
            best = model.decode(x.to(device_of(model)), lengths).cpu()
            for b, sentence in enumerate(chunk):
                gold.append(list(sentence.tags))
                pred.append([tags.itos[i] for i in best[b, :int(lengths[b])].tolist()])
    return gold, pred


__all__ = ["EmissionEncoder", "SoftmaxTagger", "CRFTagger", "crf_extra_parameters", "entity_loss", "predict_tags",
           "TaggedSentence"]
