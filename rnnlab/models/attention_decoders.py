"""Decoders that attend to every encoder state instead of one context vector (notebook 09).

Both subclass :class:`rnnlab.models.seq2seq.Decoder` and override its ``step``, so training
(:class:`~rnnlab.models.seq2seq.Seq2Seq`, ``seq2seq_loss``), greedy decoding and beam search work
unchanged. After each step the weights are kept in ``decoder.alpha`` (B, S), detached, for
heatmaps (``greedy_decode(..., return_alpha=True)`` collects them).

Bahdanau et al. (2014) attend *before* the recurrent step, with the previous state:

    c_i, alpha_i = attend(s_{i-1}, h)              additive score by default
    s_i          = cell([embed(y_{i-1}); c_i], s_{i-1})
    logits       = W_hy [s_i; c_i] + b_y

Luong et al. (2015) attend *after* it, with the current state, and feed the attentional
state h~ back in at the next step ("input feeding"):

    s_i          = cell([embed(y_{i-1}); h~_{i-1}], s_{i-1})      h~_0 = 0
    c_i, alpha_i = attend(s_i, h)                  dot, general (default) or concat score
    h~_i         = tanh(W_c [c_i; s_i])
    logits       = W_hy h~_i + b_y

Shapes: y_{i-1} (B,) ids; s (B, H); h = memory.outputs (B, S, H); c (B, H); logits (B, V).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from rnnlab.checks import check_int
from rnnlab.models.attention import AdditiveAttention, Attention, LuongAttention
from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.decoding.greedy import greedy_decode
from rnnlab.models.seq2seq import Decoder, Memory


def _keys(attention: Attention, memory: Memory) -> torch.Tensor:
    """The attention's projection of the keys, computed once per source and kept in the memory."""
    if "keys" not in memory.cache:
        memory.cache["keys"] = attention.project_keys(memory.outputs)
    return memory.cache["keys"]


class BahdanauDecoder(Decoder):
    """Attend with s_{i-1}, then step; ``attention`` defaults to :class:`AdditiveAttention`."""

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 128, cell: str = "gru",
                 attention: Attention | None = None):
        super().__init__(vocab_size, embed, hidden, cell)  # embed, cell([embed; c]) as before
        if attention is not None:
            if not isinstance(attention, Attention):
                raise TypeError(f"attention: expected a rnnlab.models.attention.Attention (e.g. AdditiveAttention("
                                f"{hidden}, {hidden})), got {type(attention).__name__}")
            if (attention.query_size, attention.key_size) != (hidden, hidden):
                raise ValueError(f"attention: expected query size and key size equal to hidden = {hidden} (the "
                                 f"decoder's state s and the encoder's h_j), got query size {attention.query_size} "
                                 f"and key size {attention.key_size}")
        self.attention = attention if attention is not None else AdditiveAttention(hidden, hidden)
        self.out = nn.Linear(2 * hidden, vocab_size)  # W_hy [s_i; c_i] + b_y
        self.alpha: torch.Tensor | None = None

    def step(self, y_prev: torch.Tensor, state: tuple, memory: Memory):
        c, alpha = self.attention(state[0], memory.outputs, memory.valid, _keys(self.attention, memory))
        x = torch.cat([self.embed(y_prev), c], -1)  # (B, E + H)
        state = self.cell.step(self.cell.project_input(x), state)
        self.alpha = alpha.detach()
        return self.out(torch.cat([state[0], c], -1)), state


class LuongDecoder(Decoder):
    """Step, then attend with s_i; input feeding. ``score``: "dot", "general" or "concat".

    The state it passes between steps is the cell's state with h~ appended: ``(s, h~)`` for a
    GRU, ``(s, c, h~)`` for an LSTM; the first step starts from the encoder's state and h~ = 0.
    """

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 128, cell: str = "gru",
                 score: str = "general"):
        super().__init__(vocab_size, embed, hidden, cell)  # cell([embed; h~]), out: W_hy h~ + b_y
        self.attention = LuongAttention(hidden, hidden, score)
        self.W_c = nn.Linear(2 * hidden, hidden, bias=False)
        self.cell_states = 2 if cell == "lstm" else 1
        self.alpha: torch.Tensor | None = None

    def step(self, y_prev: torch.Tensor, state: tuple, memory: Memory):
        n = self.cell_states
        cell_state = state[:n]
        h_tilde = state[n] if len(state) > n else torch.zeros_like(state[0])  # h~_{i-1} (B, H)
        x = torch.cat([self.embed(y_prev), h_tilde], -1)  # (B, E + H)
        cell_state = self.cell.step(self.cell.project_input(x), cell_state)
        s = cell_state[0]  # s_i (B, H)
        c, alpha = self.attention(s, memory.outputs, memory.valid, _keys(self.attention, memory))
        h_tilde = torch.tanh(self.W_c(torch.cat([c, s], -1)))  # (B, H)
        self.alpha = alpha.detach()
        return self.out(h_tilde), (*cell_state, h_tilde)


#: How special ids are written where a token is shown.
SPECIAL_LABELS = {PAD: "⟨pad⟩", BOS: "⟨bos⟩", EOS: "⟨eos⟩"}


@dataclass
class Alignment:
    """Where each output token of one greedy decoding looked: ``alpha`` (L, S), row i over the source.

    ``labels`` names the L output tokens (⟨eos⟩ included); ``output`` is the decoded string,
    ``p`` its probability; ``cut`` is True when no ⟨eos⟩ came within ``max_len`` steps.
    """

    source: str
    output: str
    labels: list
    alpha: torch.Tensor
    p: float
    cut: bool


@torch.no_grad()
def align(model, src_vocab, tgt_vocab, text: str, max_len: int = 14) -> Alignment:
    """Decode ``text`` greedily with a seq2seq model whose decoder attends (``BahdanauDecoder``,
    ``LuongDecoder``: it keeps its last weights in ``.alpha``) and return the :class:`Alignment`.

    Raises ``TypeError`` for a decoder without attention and ``ValueError`` (from ``src_vocab``)
    for characters outside the vocabulary.
    """
    if not hasattr(model.decoder, "alpha"):
        raise TypeError(f"align: expected a model with an attention decoder (one that keeps .alpha), "
                        f"got {type(model.decoder).__name__}")
    if not isinstance(text, str):
        raise TypeError(f"align: expected text to be one source as a str, got {type(text).__name__}")
    if not text:
        raise ValueError("align: expected a non-empty text to decode, got ''")
    check_int("max_len", max_len, 1)
    src, lengths = src_vocab.encode_batch([text])
    device = next(model.parameters()).device
    ids, logp, alpha = greedy_decode(model, src.to(device), lengths.to(device), max_len=max_len, return_alpha=True)
    ids = ids[0].tolist()
    steps = ids.index(EOS) + 1 if EOS in ids else len(ids)  # the steps the decoder really took
    return Alignment(source=text, output=tgt_vocab.decode(ids),
                     labels=[SPECIAL_LABELS.get(i) or tgt_vocab.itos[i] for i in ids[:steps]],
                     alpha=alpha[0, :steps].cpu(), p=math.exp(float(logp[0])), cut=EOS not in ids)
