"""Encoder-decoder (seq2seq) without attention, built on ``rnnlab.nn`` (notebook 08).

    source ids (B, S), lengths (B,)
      -> Encoder: embedding, GRU/LSTM over the packed source    outputs h_j (B, S, H)
                                                                context c = h_S (B, H)
      -> Decoder, one step at a time, t = 1 .. T:
             input  [embed(y_{t-1}); c]   (B, E + H)            c fed at every step (Cho et al. 2014)
             state  s_t = cell(input, s_{t-1}),  s_0 = the encoder's final state
             logits W_hy s_t + b_y        (B, V)

Teacher forcing feeds the true y_{t-1}; free running feeds the model's own previous
arg-max; scheduled sampling (Bengio et al. 2015) flips a coin per example and step,
feeding the truth with probability ``teacher_forcing``.

The decoder sees the source only through :class:`Memory`. This decoder reads just the
context ``c``; an attention decoder (notebook 09) subclasses :class:`Decoder`, overrides
:meth:`Decoder.step` and reads ``memory.outputs`` as keys and values, ``memory.valid`` for
which of them are real.

Token ids follow :mod:`rnnlab.data.vocab`: ``PAD`` = 0, ``BOS`` = 1, ``EOS`` = 2.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.checks import check_batch, check_ids, check_int, check_lengths, check_number
from rnnlab.course.runtime import evaluating, on_model_device
from rnnlab.data.vocab import BOS, EOS, PAD, valid_mask
from rnnlab.nn.gru_cell import GRUCell
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.recurrent import GRU, LSTM

CELLS = {"gru": (GRU, GRUCell), "lstm": (LSTM, LSTMCell)}


def _check_cell(cell: str) -> None:
    if cell not in CELLS:
        raise ValueError(f"cell: expected one of {tuple(CELLS)}, got {cell!r}")


#: What a vocabulary needs at least: a source PAD and one token; a target PAD, BOS, EOS and one token.
SRC_VOCAB_NAME = "src_vocab (PAD and at least one token)"
TGT_VOCAB_NAME = "tgt_vocab (PAD, BOS, EOS and at least one token)"


def _check_sizes(vocab_name: str, vocab_size, least: int, embed, hidden) -> tuple:
    """The sizes of an encoder or a decoder, checked: (vocab_size, embed, hidden) as ints."""
    return (check_int(vocab_name, vocab_size, least), check_int("embed", embed, 1), check_int("hidden", hidden, 1))


def check_targets(name: str, tgt, vocab_size: int) -> None:
    """Whole targets ``tgt`` (B, T) = BOS y_1 .. EOS, PAD after: ids of the vocabulary, T >= 2."""
    check_ids(name, tgt, vocab_size, "(B, T)")
    if tgt.shape[1] < 2:
        raise ValueError(f"{name}: expected at least 2 positions (BOS, then at least one target token) (B, T), "
                         f"got shape {tuple(tgt.shape)}: no target to predict")


@dataclass
class Memory:
    """What the encoder hands the decoder, batch on dim 0.

    outputs (B, S, H): every h_j (zeros past each length); valid (B, S) bool: True at real steps;
    context (B, H): the final state h_S of each sequence, the fixed-size summary;
    cache: tensors (B, ...) a decoder derives from the memory once per source, e.g. an
    attention decoder's projected keys, so they are not recomputed at every step.
    """

    outputs: torch.Tensor
    valid: torch.Tensor
    context: torch.Tensor
    cache: dict = field(default_factory=dict)

    def index(self, rows: torch.Tensor) -> "Memory":
        """The memory of ``rows`` (n,) of the batch, e.g. one source repeated for a beam."""
        cache = {name: value[rows] for name, value in self.cache.items()}
        return Memory(self.outputs[rows], self.valid[rows], self.context[rows], cache)


class Encoder(nn.Module):
    """ids (B, S) padded with PAD, lengths (B,) -> (Memory, final state tuple of (B, H))."""

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 128, cell: str = "gru"):
        super().__init__()
        _check_cell(cell)
        vocab_size, embed, hidden = _check_sizes(SRC_VOCAB_NAME.replace("src_vocab", "vocab_size"), vocab_size, 2,
                                                 embed, hidden)
        self.embed = nn.Embedding(vocab_size, embed, padding_idx=PAD)
        self.rnn = CELLS[cell][0](embed, hidden, batch_first=True)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor):
        check_ids("src", ids, self.embed.num_embeddings, "(B, S)")
        check_lengths("lengths", lengths, ids.shape[0], ids.shape[1])
        x = self.embed(ids)  # (B, S, E)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, final = self.rnn(packed)  # final: (1, B, H) or a tuple (h_n, c_n)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])  # (B, S, H)
        state = tuple(s[0] for s in final) if isinstance(final, tuple) else (final[0],)  # each (B, H)
        return Memory(out, valid_mask(lengths.to(ids.device), ids.shape[1]), state[0]), state


class Decoder(nn.Module):
    """One step: previous token y_{t-1} (B,), state, memory -> logits (B, V), new state."""

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 128, cell: str = "gru"):
        super().__init__()
        _check_cell(cell)
        vocab_size, embed, hidden = _check_sizes(TGT_VOCAB_NAME.replace("tgt_vocab", "vocab_size"), vocab_size, 4,
                                                 embed, hidden)
        self.cell_name = cell
        self.embed = nn.Embedding(vocab_size, embed, padding_idx=PAD)
        self.cell = CELLS[cell][1](embed + hidden, hidden)
        self.out = nn.Linear(hidden, vocab_size)  # W_hy, b_y

    def step(self, y_prev: torch.Tensor, state: tuple, memory: Memory):
        x = torch.cat([self.embed(y_prev), memory.context], -1)  # (B, E + H): [embed(y_{t-1}); c]
        state = self.cell.step(self.cell.project_input(x), state)  # tuple of (B, H)
        return self.out(state[0]), state  # (B, V)


class Seq2Seq(nn.Module):
    """Encoder + decoder. ``forward`` trains; ``rnnlab.decoding`` (greedy, beam) decodes."""

    def __init__(self, src_vocab: int, tgt_vocab: int, embed: int = 32, hidden: int = 128, cell: str = "gru",
                 decoder: Decoder | None = None):
        super().__init__()
        _check_cell(cell)
        src_vocab, _, hidden = _check_sizes(SRC_VOCAB_NAME, src_vocab, 2, embed, hidden)
        tgt_vocab = check_int(TGT_VOCAB_NAME, tgt_vocab, 4)
        if decoder is not None:
            _check_decoder(decoder, tgt_vocab, hidden, cell)
        self.encoder = Encoder(src_vocab, embed, hidden, cell)
        self.decoder = decoder if decoder is not None else Decoder(tgt_vocab, embed, hidden, cell)

    def forward(self, src, lengths, tgt_in, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
        """Logits (B, T, V) for the decoder inputs ``tgt_in`` (B, T) = BOS y_1 .. y_{T-1}.

        teacher_forcing: probability of feeding the true y_{t-1} at each step (per example);
        1.0 is teacher forcing, 0.0 free running (the model's own arg-max, no gradient through it).
        """
        teacher_forcing = check_number("teacher_forcing (a probability)", teacher_forcing, 0.0, 1.0)
        check_ids("tgt_in", tgt_in, self.decoder.embed.num_embeddings, "(B, T)")
        memory, state = self.encoder(src, lengths)
        _check_same_batch(tgt_in, src)
        y_prev, logits = tgt_in[:, 0], []
        for t in range(tgt_in.shape[1]):
            if t > 0:
                guess = logits[-1].argmax(-1).detach()  # the model's own previous output
                if teacher_forcing == 1.0:
                    y_prev = tgt_in[:, t]
                elif teacher_forcing == 0.0:
                    y_prev = guess
                else:
                    coin = torch.rand(tgt_in.shape[0], generator=generator, device=tgt_in.device)
                    y_prev = torch.where(coin < teacher_forcing, tgt_in[:, t], guess)
            step_logits, state = self.decoder.step(y_prev, state, memory)
            logits.append(step_logits)
        return torch.stack(logits, 1)


def _check_same_batch(tgt_in, src) -> None:
    """tgt_in (B, T) holds the targets of src's B sequences."""
    if tgt_in.shape[0] != src.shape[0]:
        raise ValueError(f"tgt_in: expected batch size B = {src.shape[0]} (src's), got {tgt_in.shape[0]} "
                         f"(shape {tuple(tgt_in.shape)}); src, lengths and tgt_in hold the same sequences")


def _check_decoder(decoder, tgt_vocab: int, hidden: int, cell: str) -> None:
    """A decoder handed to :class:`Seq2Seq` must fit its encoder: the same cell, hidden size and vocabulary."""
    if not isinstance(decoder, Decoder):
        raise TypeError(f"decoder: expected a rnnlab.models.seq2seq.Decoder (e.g. BahdanauDecoder(tgt_vocab, embed, "
                        f"hidden)), got {type(decoder).__name__}")
    if decoder.cell.hidden_size != hidden:
        raise ValueError(f"decoder: its hidden size {decoder.cell.hidden_size} differs from the encoder's hidden = "
                         f"{hidden}; the decoder starts from the encoder's final state, so build both with one size")
    if decoder.cell_name != cell:
        raise ValueError(f"decoder: its cell is {decoder.cell_name!r}, the encoder's is cell = {cell!r}; the decoder "
                         f"starts from the encoder's final state, so build both with one cell")
    if decoder.embed.num_embeddings != tgt_vocab:
        raise ValueError(f"decoder: it writes {decoder.embed.num_embeddings} tokens, expected tgt_vocab = {tgt_vocab}")


def seq2seq_loss(model: Seq2Seq, batch, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
    """Mean cross-entropy over the non-PAD target tokens of ``(src, lengths, tgt)``, tgt = BOS .. EOS."""
    src, lengths, tgt = check_batch("seq2seq_loss", batch, ("src", "lengths", "tgt"))
    check_targets("tgt", tgt, model.decoder.embed.num_embeddings)
    logits = model(src, lengths, tgt[:, :-1], teacher_forcing, generator)  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(), ignore_index=PAD)


def inverse_sigmoid(step: int, k: float) -> float:
    """Bengio et al.'s (2015) decay of the teacher-forcing probability: k / (k + exp(step / k))."""
    step = check_number("step", step, 0)
    k = check_number("k", k, above=0, what="the decay's time scale, in steps")
    return k / (k + math.exp(min(step / k, 700.0)))


@on_model_device
@torch.no_grad()
def sequence_logprob(model: Seq2Seq, src, lengths, tgt) -> torch.Tensor:
    """log p(y | x) (B,) of whole targets ``tgt`` (B, T) = BOS y_1 .. EOS, PAD after (teacher forced)."""
    check_targets("tgt", tgt, model.decoder.embed.num_embeddings)
    with evaluating(model):
        logp = model(src, lengths, tgt[:, :-1]).log_softmax(-1)  # (B, T-1, V)
    picked = logp.gather(2, tgt[:, 1:, None])[..., 0]
    return (picked * (tgt[:, 1:] != PAD)).sum(1)


def step_function(model: Seq2Seq, memory: Memory):
    """``step(tokens (n,), state) -> (log-probs (n, V), state)`` for one source's ``memory`` (1, ...).

    The form :func:`rnnlab.decoding.beam.beam_search` expects: the memory is repeated for the n beams.
    """
    def step(tokens, state):
        rows = torch.zeros(tokens.shape[0], dtype=torch.int64, device=tokens.device)
        logits, state = model.decoder.step(tokens, state, memory.index(rows))
        return logits.log_softmax(-1), state

    return step
