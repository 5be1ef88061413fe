"""Transformers for the course's tasks, built from ``rnnlab.nn``'s layers (notebook 11).

Two models, each a few layers of :mod:`rnnlab.nn.transformer` between an embedding and a read-out:

    TransformerSeq2Seq  (encoder-decoder, Vaswani et al. 2017; 08's date task)
        src ids (B, S), lengths (B,)
          -> embed + positions                 (B, S, d)
          -> N encoder layers, padding keys masked              memory h_j (B, S, d)
        tgt_in (B, T) = BOS y_1 .. y_{T-1}
          -> embed + positions                 (B, T, d)
          -> N decoder layers: causal self-attention, cross-attention to the memory
          -> W_hy                              logits (B, T, V), every step in one pass

    TransformerLM  (decoder-only, as GPT and nanoGPT; 07's character model)
        x ids (B, T) -> embed + positions -> N encoder layers with a causal mask -> logits (B, T, V)

Both put a LayerNorm after the last layer when the layers are pre-norm (``norm_first=True``,
the default here, as GPT-2 and nanoGPT): pre-norm leaves the residual stream unnormalised.

They keep the interfaces of the recurrent models, so the course's helpers work unchanged:

- ``TransformerSeq2Seq``: ``model(src, lengths, tgt_in)`` -> logits, ``model.encoder(src, lengths)``
  -> ``(Memory, state)``, ``model.decoder.step(y_prev, state, memory)`` -> ``(logits (B, V), state)``;
  so :func:`rnnlab.models.seq2seq.seq2seq_loss`, :func:`~rnnlab.models.seq2seq.greedy_decode`,
  :func:`~rnnlab.models.seq2seq.sequence_logprob` and :func:`rnnlab.decoding.beam.beam_decode` take it as they take
  08's ``Seq2Seq``. The decoder's "state" is the prefix of tokens it has been fed, (B, t): at every
  step it re-reads the whole prefix (no key/value cache here; notebook 12 measures one).
- ``TransformerLM``: ``model(x, state)`` -> ``(logits, state)`` like :class:`rnnlab.models.char_lm.CharLSTM`, the
  state being the last ``max_len`` ids read (the context window), so :func:`rnnlab.models.char_lm.evaluate_nll`
  and :func:`rnnlab.decoding.sampling.generate` take it too.

Masks follow ``rnnlab.nn`` (and ``torch.nn``): bool **True = NOT allowed** (padding, the future).
:class:`rnnlab.models.seq2seq.Memory` keeps 08's ``valid`` (True = real position); the decoder
passes ``~memory.valid`` as the memory's key padding mask.

:func:`record_attention` collects every attention layer's per-head weights alpha (B, H, L, S)
during a forward pass, for the attention maps.
"""
from __future__ import annotations

from contextlib import contextmanager

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_ids, check_lengths
from rnnlab.course.runtime import evaluating
from rnnlab.data.vocab import PAD, valid_mask
from rnnlab.models.seq2seq import Memory
from rnnlab.nn.multihead import MultiheadAttention, causal_mask
from rnnlab.nn.positions import LearnedPositions, sinusoidal_positions
from rnnlab.nn.transformer import TransformerDecoderLayer, TransformerEncoderLayer

POSITIONS = ("sinusoidal", "learned", "none")


class AddPositions(nn.Module):
    """x (B, T, d) -> x + P[:T] (B, T, d): where each token is, added to what it is.

    kind: "sinusoidal" (fixed table, :func:`rnnlab.nn.sinusoidal_positions`), "learned"
    (:class:`rnnlab.nn.LearnedPositions`, one trained vector per position) or "none" (x unchanged:
    attention then sees a set, not a sequence). Positions 0 .. max_len - 1.
    """

    def __init__(self, kind: str, max_len: int, d_model: int):
        super().__init__()
        if kind not in POSITIONS:
            raise ValueError(f"positions: expected one of {POSITIONS}, got {kind!r}")
        if not isinstance(max_len, int) or max_len < 1:
            raise ValueError(f"max_len: expected an int >= 1 (the longest sequence), got {max_len!r}")
        self.kind, self.max_len = kind, max_len
        if kind == "sinusoidal":
            self.register_buffer("pe", sinusoidal_positions(max_len, d_model), persistent=False)  # (max_len, d)
        elif kind == "learned":
            self.learned = LearnedPositions(max_len, d_model)

    def extra_repr(self) -> str:
        return f"kind={self.kind!r}, max_len={self.max_len}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        T = x.shape[-2]
        if T > self.max_len:
            raise ValueError(f"positions: expected at most max_len = {self.max_len} positions, got {T}")
        if self.kind == "sinusoidal":
            return x + self.pe[:T].to(x.dtype)  # (T, d) broadcasts over the batch
        if self.kind == "learned":
            return self.learned(x)
        return x


def _build_trunk(module: nn.Module, layer, vocab_size, d_model, nhead, num_layers, dim_feedforward, dropout,
                 max_len, positions, norm_first, padding_idx=None) -> None:
    """Give ``module`` what every transformer here starts with, in this order (the order of their
    random initialisation): ``embed`` (V, d), ``positions``, ``layers`` (``num_layers`` of ``layer``)
    and the final ``norm`` (pre-norm; post-norm normalises inside each layer)."""
    module.vocab_size, module.max_len = vocab_size, max_len
    module.embed = nn.Embedding(vocab_size, d_model, padding_idx=padding_idx)
    module.positions = AddPositions(positions, max_len, d_model)
    if not isinstance(num_layers, int) or num_layers < 1:
        raise ValueError(f"num_layers: expected an int >= 1, got {num_layers!r}")
    module.layers = nn.ModuleList(layer(d_model, nhead, dim_feedforward=dim_feedforward, dropout=dropout,
                                        batch_first=True, norm_first=norm_first) for _ in range(num_layers))
    module.norm = nn.LayerNorm(d_model) if norm_first else nn.Identity()


# -- encoder-decoder --------------------------------------------------------------------------
class TransformerEncoder(nn.Module):
    """src ids (B, S) padded with PAD, lengths (B,) -> (Memory, state) as :class:`rnnlab.models.seq2seq.Encoder`.

    Memory.outputs (B, S, d): the encoded h_j, zeros past each length; Memory.valid (B, S) True =
    real position (08's); Memory.context (B, d): the mean of the real h_j (unused by the
    transformer decoder, which attends to every h_j). state = (an empty prefix (B, 0),): the decoder
    starts with no tokens read.
    """

    def __init__(self, vocab_size, d_model=64, nhead=4, num_layers=2, dim_feedforward=128, dropout=0.0,
                 max_len=64, positions="sinusoidal", norm_first=True):
        super().__init__()
        _build_trunk(self, TransformerEncoderLayer, vocab_size, d_model, nhead, num_layers, dim_feedforward, dropout,
                     max_len, positions, norm_first, padding_idx=PAD)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor):
        check_ids("src", ids, self.vocab_size, "(B, S)", self.max_len)
        B, S = ids.shape
        check_lengths("lengths", lengths, B, S)
        valid = valid_mask(lengths.to(ids.device), S)  # (B, S) True = real position
        x = self.positions(self.embed(ids))  # (B, S, d)
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=~valid)  # rnnlab.nn: True = padding, NOT allowed
        x = self.norm(x) * valid[..., None]  # (B, S, d), zeros past each length
        context = x.sum(1) / lengths.to(x.device, x.dtype)[:, None]  # (B, d)
        return Memory(x, valid, context), (ids.new_zeros((B, 0)),)


class TransformerDecoder(nn.Module):
    """Decoder layers over the target prefix; ``forward`` for all steps at once, ``step`` for one.

    forward(tgt_in (B, T), memory) -> logits (B, T, V): position t sees tgt_in[:, :t+1] (causal
    mask) and every real memory position. No target padding mask is needed: a PAD after EOS is
    only ever seen by later PAD positions, whose predictions the loss ignores.
    """

    def __init__(self, vocab_size, d_model=64, nhead=4, num_layers=2, dim_feedforward=128, dropout=0.0,
                 max_len=64, positions="sinusoidal", norm_first=True):
        super().__init__()
        _build_trunk(self, TransformerDecoderLayer, vocab_size, d_model, nhead, num_layers, dim_feedforward, dropout,
                     max_len, positions, norm_first, padding_idx=PAD)
        self.out = nn.Linear(d_model, vocab_size)  # W_hy, b_y

    def forward(self, tgt_in: torch.Tensor, memory: Memory) -> torch.Tensor:
        check_ids("tgt_in", tgt_in, self.vocab_size, "(B, T)", self.max_len)
        if tgt_in.shape[0] != memory.outputs.shape[0]:
            raise ValueError(f"tgt_in: expected batch size B = {memory.outputs.shape[0]} (the memory's), "
                             f"got {tgt_in.shape[0]}")
        T = tgt_in.shape[1]
        future = causal_mask(T, device=tgt_in.device)  # (T, T) True above the diagonal: NOT allowed
        y = self.positions(self.embed(tgt_in))  # (B, T, d)
        for layer in self.layers:
            y = layer(y, memory.outputs, tgt_mask=future, memory_key_padding_mask=~memory.valid)
        return self.out(self.norm(y))  # (B, T, V)

    def step(self, y_prev: torch.Tensor, state: tuple, memory: Memory):
        """y_prev (B,), state = (prefix (B, t),) -> logits (B, V) of the next token, (prefix + y_prev,)."""
        prefix = torch.cat([state[0], y_prev[:, None]], 1)  # (B, t + 1)
        return self(prefix, memory)[:, -1], (prefix,)  # re-reads the whole prefix


class TransformerSeq2Seq(nn.Module):
    """Encoder + decoder, with the interface of :class:`rnnlab.models.seq2seq.Seq2Seq`.

    Args: src_vocab, tgt_vocab (V); d_model (d), nhead (H heads of d / H), num_layers (N encoder
    and N decoder layers), dim_feedforward, dropout; max_len: longest source and target;
    positions: "sinusoidal", "learned" or "none"; norm_first: pre-norm (default) or post-norm.
    """

    def __init__(self, src_vocab, tgt_vocab, d_model=64, nhead=4, num_layers=2, dim_feedforward=128,
                 dropout=0.0, max_len=64, positions="sinusoidal", norm_first=True):
        super().__init__()
        kw = dict(d_model=d_model, nhead=nhead, num_layers=num_layers, dim_feedforward=dim_feedforward,
                  dropout=dropout, max_len=max_len, positions=positions, norm_first=norm_first)
        self.encoder = TransformerEncoder(src_vocab, **kw)
        self.decoder = TransformerDecoder(tgt_vocab, **kw)

    def forward(self, src, lengths, tgt_in, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
        """Logits (B, T, V) for the decoder inputs ``tgt_in`` (B, T) = BOS y_1 .. y_{T-1}, in one pass.

        ``teacher_forcing`` must be 1.0: the decoder reads the true prefix at every position at once.
        (Scheduled sampling would need the model's own outputs, i.e. step-by-step decoding.)
        """
        if teacher_forcing != 1.0:
            raise ValueError(f"teacher_forcing: a transformer decoder trains on the true prefix in one pass, "
                             f"expected 1.0, got {teacher_forcing!r}")
        memory, _ = self.encoder(src, lengths)
        return self.decoder(tgt_in, memory)


# -- decoder-only language model --------------------------------------------------------------
class TransformerLM(nn.Module):
    """A character transformer language model (decoder-only, GPT-style), interface of ``CharLSTM``.

    Args: vocab_size (V), d_model (d), nhead, num_layers, dim_feedforward, dropout; max_len: the
    context window (longest input); positions: "learned" (default, as GPT), "sinusoidal" or "none";
    norm_first: pre-norm (default) or post-norm.

    Each layer is a :class:`rnnlab.nn.TransformerEncoderLayer` run with a causal mask, so the
    logits at position t depend on x_1 .. x_t only.
    """

    def __init__(self, vocab_size, d_model=64, nhead=4, num_layers=2, dim_feedforward=256, dropout=0.0,
                 max_len=128, positions="learned", norm_first=True):
        super().__init__()
        _build_trunk(self, TransformerEncoderLayer, vocab_size, d_model, nhead, num_layers, dim_feedforward, dropout,
                     max_len, positions, norm_first)
        self.head = nn.Linear(d_model, vocab_size)  # W_hy, b_y

    def forward(self, x: torch.Tensor, state: torch.Tensor | None = None):
        """x (B, T) int64 ids, state (B, t) ids read before (or None) -> logits (B, T, V), new state.

        The model reads ``[state, x]`` cut to its last ``max_len`` ids and returns the logits of x's
        positions; the new state is those (at most ``max_len``) ids: pass it to the next call to
        read a long text in chunks with a sliding context window, as :func:`rnnlab.models.char_lm.evaluate_nll`
        and :func:`rnnlab.decoding.sampling.generate` do. x itself may hold at most ``max_len`` ids.
        """
        check_ids("x", x, self.vocab_size, "(B, T)", self.max_len)
        T = x.shape[1]
        if state is not None:
            if state.ndim != 2 or state.shape[0] != x.shape[0] or state.dtype != torch.int64:
                raise ValueError(f"state: expected the ids returned by the previous call, int64 (B = {x.shape[0]}, t), "
                                 f"got {state.dtype} of shape {tuple(state.shape)}")
            x = torch.cat([state, x], 1)[:, -self.max_len:]  # (B, <= max_len): the context window
        L = x.shape[1]
        h = self.positions(self.embed(x))  # (B, L, d)
        future = causal_mask(L, device=x.device)  # (L, L) True above the diagonal: NOT allowed
        for layer in self.layers:
            h = layer(h, src_mask=future)
        logits = self.head(self.norm(h))  # (B, L, V)
        return logits[:, L - T:], x

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of predicting y (B, T) from x (B, T), each window read on its own."""
        if y.shape != x.shape:
            raise ValueError(f"y: expected the targets' shape to be x's {tuple(x.shape)}, got {tuple(y.shape)}")
        logits, _ = self(x)
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), y.reshape(-1))


def lm_loss(model: TransformerLM, batch) -> torch.Tensor:
    """``loss_fn`` for :func:`rnnlab.training.loop.train` with 07's ``StatefulBatches``: no state is carried."""
    return model.loss(batch.x, batch.y)


# -- attention weights ------------------------------------------------------------------------
@contextmanager
def record_attention(model: nn.Module):
    """Within the block, every ``rnnlab.nn.MultiheadAttention`` in ``model`` keeps its per-head weights.

    Yields a dict: module name (e.g. ``"decoder.layers.1.multihead_attn"``) -> alpha (B, H, L, S) of
    that module's latest call, detached. It asks each attention layer for ``need_weights=True,
    average_attn_weights=False`` (the layers themselves pass ``need_weights=False``); the outputs
    are unchanged. The hooks are removed on leaving the block.
    """
    maps, handles = {}, []

    def ask_for_weights(module, args, kwargs):
        return args, {**kwargs, "need_weights": True, "average_attn_weights": False}

    for name, module in model.named_modules():
        if isinstance(module, MultiheadAttention):
            def keep(module, args, kwargs, output, name=name):
                maps[name] = output[1].detach()  # (B, H, L, S)
            handles.append(module.register_forward_pre_hook(ask_for_weights, with_kwargs=True))
            handles.append(module.register_forward_hook(keep, with_kwargs=True))
    if not handles:
        raise ValueError(f"record_attention: {type(model).__name__} has no rnnlab.nn.MultiheadAttention layer")
    try:
        yield maps
    finally:
        for handle in handles:
            handle.remove()


@torch.no_grad()
def attention_maps(model: nn.Module, *inputs) -> tuple:
    """``(model(*inputs), {name: alpha (B, H, L, S)})`` in eval mode: every attention layer's weights.

    For a :class:`TransformerSeq2Seq`, ``inputs = (src, lengths, tgt_in)``; the names are
    ``encoder.layers.i.self_attn``, ``decoder.layers.i.self_attn`` and
    ``decoder.layers.i.multihead_attn`` (cross-attention, L = T target steps over S source positions).
    For a :class:`TransformerLM`, ``inputs = (x,)`` and the names are ``layers.i.self_attn``.
    """
    with evaluating(model), record_attention(model) as maps:
        out = model(*inputs)
    return out, dict(maps)
