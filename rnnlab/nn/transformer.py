"""Transformer encoder and decoder layers, as ``torch.nn.TransformerEncoderLayer/DecoderLayer``.

Vaswani et al. (2017), section 3.1. Each sub-layer (self-attention, cross-attention to the
encoder's ``memory``, a position-wise feed-forward net) sits in a residual connection with a
LayerNorm, after it (post-norm, the paper's and torch's default) or before it (``norm_first``,
pre-norm, as in GPT-2; Xiong et al. 2020 show it trains without a warm-up):

    post-norm:  x = norm(x + sublayer(x))        pre-norm:  x = x + sublayer(norm(x))

    encoder:  self-attention, feed-forward               (norm1, norm2)
    decoder:  self-attention (usually causal), cross-attention to memory, feed-forward
                                                         (norm1, norm2, norm3)
    feed-forward(x) = linear2(dropout(activation(linear1(x))))    d_model -> dim_feedforward -> d_model

Shapes: (T, B, d_model), (B, T, d_model) with ``batch_first``, or unbatched (T, d_model);
the output has the input's shape. Parameter names are torch's, so a torch layer's
``state_dict`` loads directly and ``from_torch`` copies one.

One addition to torch: ``TransformerEncoderLayer.forward_cached(x, cache) -> (y, cache)`` runs the
layer causally over new positions with a key/value cache of the earlier ones (a decoder-only
language model generating one token at a time; notebook 12).
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_float, check_rank, check_size
from rnnlab.nn.multihead import MultiheadAttention

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def _activation(activation):
    """"relu" or "gelu" -> the function; a callable (as torch allows) is kept as it is."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation: expected 'relu' or 'gelu' (or a callable), got {activation!r}")
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise ValueError(f"activation: expected 'relu', 'gelu' or a callable, got {activation!r}")
    return activation


class _Layer(nn.Module):
    """What both layers share: their sub-modules (torch's names, created in torch's order, so the same seed
    gives the same weights), input checks, ``from_torch``."""

    def __init__(self, blocks, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                 norm_first, bias, device, dtype):
        """``blocks``: 2 (self-attention, feed-forward) or 3 (cross-attention between them)."""
        super().__init__()
        if nhead < 1 or d_model % nhead:
            raise ValueError(f"{type(self).__name__}: expected d_model divisible by nhead (each head gets "
                             f"d_model / nhead numbers), got d_model = {d_model}, nhead = {nhead}")
        kw = dict(device=device, dtype=dtype)
        self.d_model, self.batch_first, self.norm_first = d_model, batch_first, norm_first
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        if blocks == 3:
            self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                     batch_first=batch_first, **kw)
        self.linear1 = nn.Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model, bias=bias, **kw)
        for k in range(1, blocks + 1):  # norm1 .. norm{blocks}, then dropout1 .. dropout{blocks}
            setattr(self, f"norm{k}", nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        for k in range(1, blocks + 1):
            setattr(self, f"dropout{k}", nn.Dropout(dropout))
        self.activation = _activation(activation)

    def _check(self, name, x, like=None):
        """x: (T, B, d_model) / (B, T, d_model) / (T, d_model); ``like``: a tensor whose rank and B it must share."""
        check_float(name, x)
        layout = "(B, T, d_model)" if self.batch_first else "(T, B, d_model)"
        check_rank(name, x, (2, 3) if like is None else like.dim(), f"{layout} or unbatched (T, d_model)")
        check_size(name, x, -1, self.d_model, "d_model")
        if like is not None and x.dim() == 3:
            b = 0 if self.batch_first else 1
            check_size(name, x, b, like.shape[b], "batch size B (of tgt)")

    def extra_repr(self) -> str:
        return f"norm_first={self.norm_first}, batch_first={self.batch_first}"

    @classmethod
    def from_torch(cls, module: nn.Module):
        """A copy of the torch layer ``module``: same config, activation, dtype, device, weights."""
        w = module.linear1.weight
        new = cls(module.linear1.in_features, module.self_attn.num_heads,
                  dim_feedforward=module.linear1.out_features, dropout=module.dropout.p,
                  activation=module.activation, layer_norm_eps=module.norm1.eps,
                  batch_first=module.self_attn.batch_first, norm_first=module.norm_first,
                  bias=module.linear1.bias is not None, device=w.device, dtype=w.dtype)
        new.load_state_dict(module.state_dict())
        return new.train(module.training)


class TransformerEncoderLayer(_Layer):
    """Self-attention then feed-forward, each with a residual and a LayerNorm.

    Same arguments, parameters and forward as ``torch.nn.TransformerEncoderLayer``;
    ``activation`` is "relu", "gelu" or a callable.
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__(2, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, bias, device, dtype)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """src (T, B, d_model) / (B, T, d_model) / (T, d_model) -> the same shape.

        src_mask (T, T) or (B * nhead, T, T); src_key_padding_mask (B, T) (unbatched (T,));
        bool True = not allowed, float added to the scores. ``is_causal``: see MultiheadAttention.
        """
        self._check("src", src)
        y, _ = self._sublayers(src, lambda x: (self._sa_block(x, src_mask, src_key_padding_mask, is_causal), None))
        return y

    def forward_cached(self, x, cache=None):
        """Causal self-attention over a key/value cache, then feed-forward: T new positions at once.

        x (B, T, d_model) with ``batch_first``, else (T, B, d_model): the new positions n .. n + T - 1.
        cache: (K, V), each (B, nhead, n, d_model / nhead), this layer's keys and values of the n
        positions before (the cache this method returned for them); None: n = 0.
        Returns (y, (K', V')): y of x's shape, and the cache of all n + T positions, K' and V' each
        (B, nhead, n + T, d_model / nhead) (the given one is not modified).

        Position n + i attends to positions 0 .. n + i, so y equals the last T positions of
        ``forward(prefix, is_causal=True)`` on the whole prefix of n + T positions, with pre-norm
        (``norm_first``) and post-norm alike: the norms and the feed-forward net act position by
        position, and only self-attention reads other positions, through the cache.
        """
        self._check("x", x)
        if x.dim() != 3:
            raise ValueError(f"x: expected {'(B, T, d_model)' if self.batch_first else '(T, B, d_model)'} "
                             f"with a cache, got the unbatched shape {tuple(x.shape)}; add a batch axis")
        if cache is None:
            B = x.shape[0 if self.batch_first else 1]
            empty = x.new_zeros(B, self.self_attn.num_heads, 0, self.self_attn.head_dim)
            cache = (empty, empty)
        return self._sublayers(x, lambda h: self._sa_block_cached(h, cache))

    def _sublayers(self, x, attend):
        """x -> the two residual sub-layers around ``attend`` (h -> (self-attention output, extra)): (x, extra)."""
        if self.norm_first:
            a, extra = attend(self.norm1(x))
            x = x + a
            x = x + self._ff_block(self.norm2(x))
        else:
            a, extra = attend(x)
            x = self.norm1(x + a)
            x = self.norm2(x + self._ff_block(x))
        return x, extra

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _sa_block_cached(self, x, cache):
        """Causal self-attention of x's positions over the cached ones and themselves: (output, new cache)."""
        x, _, cache = self.self_attn(x, x, x, need_weights=False, is_causal=True, cache=cache)
        return self.dropout1(x), cache

    def _ff_block(self, x):
        """linear2(dropout(activation(linear1(x)))): (..., d_model) -> (..., dim_feedforward) -> (..., d_model)."""
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoderLayer(_Layer):
    """Self-attention, cross-attention to ``memory``, feed-forward; each with a residual and a LayerNorm.

    Same arguments, parameters and forward as ``torch.nn.TransformerDecoderLayer``;
    ``activation`` is "relu", "gelu" or a callable.
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__(3, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, bias, device, dtype)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        """tgt (T, B, d_model), memory (S, B, d_model) (batch-first or unbatched likewise) -> tgt's shape.

        tgt_mask (T, T) or (B * nhead, T, T); memory_mask (T, S) or (B * nhead, T, S);
        tgt_key_padding_mask (B, T); memory_key_padding_mask (B, S) (unbatched (T,), (S,));
        bool True = not allowed, float added. ``*_is_causal``: see MultiheadAttention.
        """
        self._check("tgt", tgt)
        self._check("memory", memory, like=tgt)
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _mha_block(self, x, memory, attn_mask, key_padding_mask, is_causal):
        x = self.multihead_attn(x, memory, memory, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        """linear2(dropout(activation(linear1(x)))): (..., d_model) -> (..., dim_feedforward) -> (..., d_model)."""
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))
