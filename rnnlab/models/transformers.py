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

    TransformerLM  (decoder-only, as GPT and nanoGPT; 07's character model, 12's generation)
        x ids (B, T) -> embed + positions -> N encoder layers, causal, with a key/value cache
          -> logits (B, T, V)

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
  state being a :class:`KVCache`: the context window read so far (at most ``max_len`` ids) and every
  layer's keys and values for it. So :func:`rnnlab.models.char_lm.evaluate_nll` and
  :func:`rnnlab.decoding.sampling.generate` take it, and with ``initial_state(B)`` and
  ``step(x_t, state)`` it has the streaming interface of :mod:`rnnlab.models.streaming_lms`
  (notebook 12's memory against length).

Masks follow ``rnnlab.nn`` (and ``torch.nn``): bool **True = NOT allowed** (padding, the future).
:class:`rnnlab.models.seq2seq.Memory` keeps 08's ``valid`` (True = real position); the decoder
passes ``~memory.valid`` as the memory's key padding mask.

:func:`record_attention` collects every attention layer's per-head weights alpha (B, H, L, S)
during a forward pass, for the attention maps.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_ids, check_int, check_lengths
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
        max_len = check_int("max_len", max_len, 1, what="the longest sequence")
        self.kind, self.max_len = kind, max_len
        if kind == "sinusoidal":
            self.register_buffer("pe", sinusoidal_positions(max_len, d_model), persistent=False)  # (max_len, d)
        elif kind == "learned":
            self.learned = LearnedPositions(max_len, d_model)

    def extra_repr(self) -> str:
        return f"kind={self.kind!r}, max_len={self.max_len}"

    def forward(self, x: torch.Tensor, start: int = 0) -> torch.Tensor:
        """x (B, T, d) at positions start .. start + T - 1 -> x + P[start:start + T] (B, T, d)."""
        T = x.shape[-2]
        if start + T > self.max_len:
            raise ValueError(f"positions: expected at most max_len = {self.max_len} positions, got "
                             f"{start + T}" + (f" ({start} read before, {T} new)" if start else ""))
        if self.kind == "none":
            return x
        table = self.pe.to(x.dtype) if self.kind == "sinusoidal" else self.learned.weight  # (max_len, d)
        return x + table[start:start + T]  # (T, d) broadcasts over the batch


def _build_trunk(module: nn.Module, layer, vocab_size, d_model, nhead, num_layers, dim_feedforward, dropout,
                 max_len, positions, norm_first, padding_idx=None, vocab_name="vocab_size", least_vocab=2) -> None:
    """Give ``module`` what every transformer here starts with, in this order (the order of their
    random initialisation): ``embed`` (V, d), ``positions``, ``layers`` (``num_layers`` of ``layer``)
    and the final ``norm`` (pre-norm; post-norm normalises inside each layer)."""
    vocab_size = check_int(vocab_name, vocab_size, least_vocab)
    d_model, nhead = check_int("d_model", d_model, 1), check_int("nhead", nhead, 1)
    dim_feedforward = check_int("dim_feedforward", dim_feedforward, 1)
    if d_model % nhead:
        raise ValueError(f"d_model: expected d_model divisible by nhead (each head gets d_model / nhead numbers), "
                         f"got d_model = {d_model}, nhead = {nhead}")
    module.vocab_size, module.max_len = vocab_size, max_len
    module.embed = nn.Embedding(vocab_size, d_model, padding_idx=padding_idx)
    module.positions = AddPositions(positions, max_len, d_model)
    num_layers = check_int("num_layers", num_layers, 1)
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
                     max_len, positions, norm_first, padding_idx=PAD,
                     vocab_name="vocab_size (PAD and at least one token)")

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
                     max_len, positions, norm_first, padding_idx=PAD,
                     vocab_name="vocab_size (PAD, BOS, EOS and at least one token)", least_vocab=4)
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
        check_int("src_vocab (PAD and at least one token)", src_vocab, 2)
        check_int("tgt_vocab (PAD, BOS, EOS and at least one token)", tgt_vocab, 4)
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
@dataclass
class KVCache:
    """A :class:`TransformerLM`'s state between calls: the window it has read, and what each layer keeps of it.

    ids     (B, n) int64: the n <= max_len tokens of the context window, oldest first (n = 0 at the start)
    layers  L pairs (K, V), one per layer, each (B, nhead, n, d_model / nhead): that layer's keys
            and values of those n tokens (what ``TransformerEncoderLayer.forward_cached`` returns)

    The keys and values are what attention needs of the past: 2 L B n d_model numbers. The ids
    are kept so that the window can slide once it is full (see :meth:`TransformerLM.forward`).
    """

    ids: torch.Tensor
    layers: list

    @property
    def length(self) -> int:
        """n, the number of positions in the window."""
        return self.ids.shape[1]


class TransformerLM(nn.Module):
    """A decoder-only (GPT-style) transformer language model, with a key/value cache.

    Args: vocab_size (V), d_model (d), nhead, num_layers (L), dim_feedforward, dropout; max_len:
    the context window (positions 0 .. max_len - 1); positions: "learned" (default, as GPT),
    "sinusoidal" or "none"; norm_first: pre-norm (default) or post-norm.

    embed (V, d) -> + positions -> L :class:`rnnlab.nn.TransformerEncoderLayer`s, causal -> [LayerNorm,
    pre-norm only] -> head W_hy (d -> V). The logits at position t depend on x_1 .. x_t only.

    Interface (x: int64 token ids), that of ``CharLSTM`` and of notebook 12's streaming models::

        logits, state = model(x, state=None)      x (B, T) -> logits (B, T, V), state a KVCache
        state = model.initial_state(B)            an empty KVCache
        logits, state = model.step(x_t, state)    x_t (B,) -> logits (B, V), the cache one token longer
        loss = model.loss(x, y)                   x, y (B, T): mean cross-entropy, no state
    """

    def __init__(self, vocab_size, d_model=64, nhead=4, num_layers=2, dim_feedforward=256, dropout=0.0,
                 max_len=128, positions="learned", norm_first=True):
        super().__init__()
        _build_trunk(self, TransformerEncoderLayer, vocab_size, d_model, nhead, num_layers, dim_feedforward, dropout,
                     max_len, positions, norm_first)
        self.head = nn.Linear(d_model, vocab_size)  # W_hy, b_y

    def initial_state(self, batch_size: int, device=None) -> KVCache:
        """An empty cache for ``batch_size`` sequences: ids (B, 0), L pairs (K, V) of (B, nhead, 0, d_model / nhead)."""
        batch_size = check_int("batch_size", batch_size, 1)
        w = self.head.weight
        device = w.device if device is None else device
        attn = self.layers[0].self_attn
        empty = torch.zeros(batch_size, attn.num_heads, 0, attn.head_dim, device=device, dtype=w.dtype)
        return KVCache(torch.zeros(batch_size, 0, dtype=torch.int64, device=device),
                       [(empty, empty) for _ in self.layers])

    def forward(self, x: torch.Tensor, state: KVCache | None = None):
        """x (B, T) int64 ids, state: the :class:`KVCache` of the ids read before (or None) -> logits (B, T, V), state.

        The new positions attend to the cached ones and to themselves: the logits are those of a
        causal pass over ``[state.ids, x]``, for x's positions, computed without re-reading the
        window. When the window would pass ``max_len`` ids it slides: the model re-reads the last
        ``max_len`` ids of ``[state.ids, x]`` from position 0, as a new window. So a long text can be
        read in chunks, as :func:`rnnlab.models.char_lm.evaluate_nll` and
        :func:`rnnlab.decoding.sampling.generate` do; x itself may hold at most ``max_len`` ids.

        The state is updated in place, layer by layer (so a layer's old keys and values are freed as
        soon as its new ones exist), and returned; None starts from ``initial_state(B)``.
        """
        check_ids("x", x, self.vocab_size, "(B, T)", self.max_len)
        B, T = x.shape
        state = self.initial_state(B, x.device) if state is None else self._checked(state, B)
        read, start = x, state.length
        if start + T > self.max_len:  # the window slides: read its last max_len ids again, from position 0
            read, start = torch.cat([state.ids, x], 1)[:, -self.max_len:], 0
            fresh = self.initial_state(B, x.device)
            state.ids, state.layers = fresh.ids, fresh.layers
        h = self.positions(self.embed(read), start)  # (B, L, d), L = len(read)
        for k, layer in enumerate(self.layers):
            h, state.layers[k] = layer.forward_cached(h, state.layers[k])  # cache (B, nhead, start + L, d / nhead)
        state.ids = torch.cat([state.ids, read], 1)  # (B, start + L)
        logits = self.head(self.norm(h))  # (B, L, V)
        return logits[:, -T:], state

    def step(self, x_t: torch.Tensor, state: KVCache):
        """x_t (B,) ids, the cache of n tokens -> logits (B, V) of the next token, the cache of n + 1 tokens."""
        check_ids("x_t", x_t, self.vocab_size, "(B,)")
        logits, state = self(x_t[:, None], state)  # (B, 1, V)
        return logits[:, 0], state

    def _checked(self, state, B: int) -> KVCache:
        """``state`` if it is a KVCache for B sequences and this model's layers, else a clear error."""
        if not isinstance(state, KVCache):
            raise TypeError(f"state: expected the KVCache returned by the previous call or by initial_state(B), "
                            f"got {type(state).__name__}")
        if state.ids.shape[0] != B or len(state.layers) != len(self.layers):
            raise ValueError(f"state: expected a KVCache of B = {B} sequences (x's) and {len(self.layers)} layers, "
                             f"got {state.ids.shape[0]} sequences and {len(state.layers)} layers")
        return state

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of predicting y (B, T) from x (B, T), each window read on its own."""
        check_ids("x", x, self.vocab_size, "(B, T)", self.max_len)
        check_ids("y", y, self.vocab_size, "(B, T)")
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
