"""Scaled dot-product and multi-head attention written out, as ``torch.nn.MultiheadAttention``.

Vaswani et al. (2017), "Attention is all you need", section 3.2. In the course's symbols a
query ``s`` scores every key ``h_j``; here the queries, keys and values are learned projections:

    e     = q k^T / sqrt(d_k) + mask      (..., L, S)  scores, one per (query, key) pair
    alpha = softmax over the keys of e    (..., L, S)  every row sums to 1
    c     = alpha v                       (..., L, d_v) the contexts

Masks follow ``torch.nn.MultiheadAttention``:

    bool   True = NOT allowed to attend: the score becomes -inf, so the weight is exactly 0
    float  added to the scores (0 = allowed, -inf = not allowed, anything else a bias)

Careful: two other conventions exist. ``torch.nn.functional.scaled_dot_product_attention``
reads a bool mask the other way (True = may attend), and so does ``rnnlab.models.attention``
(True = real position). A query whose every key is masked gets NaN weights, as in torch.

Multi-head attention, with B batch, L queries, S keys, E = embed_dim, H heads, d = E / H:

    q = query W_q^T + b_q       (B, L, E) -> split heads -> (B, H, L, d)
    k = key   W_k^T + b_k       (B, S, E) -> split heads -> (B, H, S, d)
    v = value W_v^T + b_v       (B, S, E) -> split heads -> (B, H, S, d)
    c, alpha = scaled_dot_product_attention(q, k, v)   (B, H, L, d), (B, H, L, S)
    out = merge heads(c) W_o^T + b_o                   (B, H, L, d) -> (B, L, E) -> (B, L, E)

Each head attends in its own d-dimensional subspace; the output projection mixes the heads.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_float, check_rank, check_shape, check_size


def causal_mask(T: int, S: int | None = None, device=None, offset: int = 0) -> torch.Tensor:
    """Bool (T, S) mask, S = T by default: True = NOT allowed, so query t sees keys j <= offset + t.

    ``offset``: how many keys come before the first query's own position (a key/value cache of
    ``offset`` earlier positions; query t is then position offset + t). 0: True above the diagonal.
    """
    S = T if S is None else S
    return torch.ones(T, S, dtype=torch.bool, device=device).triu(1 + offset)


def mask_to_bias(mask: torch.Tensor, dtype: torch.dtype, name: str = "mask") -> torch.Tensor:
    """A mask as a float bias to add to the scores: bool True -> -inf, False -> 0; float as it is."""
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask, float("-inf"))
    if mask.is_floating_point():
        return mask.to(dtype)
    raise TypeError(f"{name}: expected a bool mask (True = not allowed) or a float mask (added to the "
                    f"scores), got dtype {mask.dtype}")


def scaled_dot_product_attention(q, k, v, attn_mask=None, key_padding_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None):
    """softmax(q k^T / sqrt(d_k) + masks) v, written out.

    q (..., L, d_k), k (..., S, d_k), v (..., S, d_v): the leading axes ``...`` (e.g. (B, H))
    must broadcast. Masks (bool True = not allowed, float = added to the scores):
      attn_mask         (L, S), or any shape that broadcasts to the scores (..., L, S)
      key_padding_mask  (B, S) with B = q.shape[0] (or (S,)): the keys every query must ignore
      is_causal         also hide keys j > i from query i (``causal_mask(L, S)``)
    dropout_p: dropout on the weights alpha (pass 0.0 when not training).
    scale: multiplies q k^T; default 1 / sqrt(d_k).
    Returns (c, alpha): the contexts c (..., L, d_v) and the weights alpha (..., L, S).
    """
    check_size("k", k, -1, q.shape[-1], "d_k (the last size of q)")
    check_size("v", v, -2, k.shape[-2], "number of keys S (of k)")
    L, S = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    e = (q * scale) @ k.transpose(-2, -1)  # (..., L, d_k) @ (..., d_k, S) -> (..., L, S)
    if attn_mask is not None:
        e = e + mask_to_bias(attn_mask, e.dtype, "attn_mask")
    if key_padding_mask is not None:
        pad = mask_to_bias(key_padding_mask, e.dtype, "key_padding_mask")  # (B, S) or (S,)
        if pad.dim() == 2:  # (B, S) -> (B, 1, ..., 1, S): the same keys hidden from every query
            pad = pad.view(pad.shape[0], *[1] * (e.dim() - 2), S)
        e = e + pad
    if is_causal:
        e = e.masked_fill(causal_mask(L, S, device=e.device), float("-inf"))
    alpha = torch.softmax(e, dim=-1)  # (..., L, S)
    if dropout_p > 0.0:
        alpha = F.dropout(alpha, dropout_p)
    return alpha @ v, alpha  # (..., L, S) @ (..., S, d_v) -> (..., L, d_v)


class MultiheadAttention(nn.Module):
    """Multi-head attention with the arguments, parameters and forward of ``torch.nn.MultiheadAttention``.

    Parameters, named as torch's so that its ``state_dict`` loads directly:
      in_proj_weight (3E, E): W_q, W_k, W_v stacked on the rows    (when kdim = vdim = E)
      q_proj_weight (E, E), k_proj_weight (E, kdim), v_proj_weight (E, vdim)  (otherwise)
      in_proj_bias (3E,): b_q, b_k, b_v;  out_proj.weight (E, E), out_proj.bias (E,): W_o, b_o
    ``add_bias_kv`` and ``add_zero_attn`` are not supported (must be False).
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be positive, got {embed_dim} and {num_heads}")
        if embed_dim % num_heads != 0:
            raise ValueError(f"embed_dim: expected a multiple of num_heads = {num_heads} (each head gets "
                             f"embed_dim / num_heads features), got embed_dim = {embed_dim}")
        for name, flag in (("add_bias_kv", add_bias_kv), ("add_zero_attn", add_zero_attn)):
            if flag:
                raise ValueError(f"{name}: not supported by rnnlab's MultiheadAttention, expected False, got {flag}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout: expected a probability in [0, 1], got {dropout}")
        E = embed_dim
        self.embed_dim, self.num_heads, self.head_dim = E, num_heads, E // num_heads
        self.kdim = E if kdim is None else kdim
        self.vdim = E if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == E and self.vdim == E
        self.dropout, self.batch_first = float(dropout), batch_first
        self.bias_k = self.bias_v = None  # torch's attributes, always None here
        self.add_zero_attn = False
        kw = dict(device=device, dtype=dtype)
        if self._qkv_same_embed_dim:
            self.in_proj_weight = nn.Parameter(torch.empty(3 * E, E, **kw))  # (3E, E) rows W_q; W_k; W_v
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = nn.Parameter(torch.empty(E, E, **kw))  # (E, E)
            self.k_proj_weight = nn.Parameter(torch.empty(E, self.kdim, **kw))  # (E, kdim)
            self.v_proj_weight = nn.Parameter(torch.empty(E, self.vdim, **kw))  # (E, vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = nn.Parameter(torch.empty(3 * E, **kw))  # (3E,) b_q; b_k; b_v
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = nn.Linear(E, E, bias=bias, **kw)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's initialisation: Xavier-uniform projections, zero biases (out_proj.weight as nn.Linear)."""
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                nn.init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            nn.init.zeros_(self.in_proj_bias)
            nn.init.zeros_(self.out_proj.bias)

    def extra_repr(self) -> str:
        extra = "" if self._qkv_same_embed_dim else f", kdim={self.kdim}, vdim={self.vdim}"
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
                f"bias={self.in_proj_bias is not None}, batch_first={self.batch_first}" + extra)

    def projections(self):
        """The weights (W_q, W_k, W_v), shapes (E, E), (E, kdim), (E, vdim), and biases (b_q, b_k, b_v)."""
        if self._qkv_same_embed_dim:
            weights = self.in_proj_weight.chunk(3)  # (3E, E) -> 3 x (E, E)
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        biases = (None,) * 3 if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        return weights, biases

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False, cache=None):
        """Attend from ``query`` to ``key``/``value``, as ``torch.nn.MultiheadAttention.forward``.

        query (L, B, E), key (S, B, kdim), value (S, B, vdim); (B, L, E) etc. with batch_first;
        unbatched (L, E), (S, kdim), (S, vdim).
        key_padding_mask: (B, S) (unbatched (S,)), True (or -inf) marks padding keys.
        attn_mask: (L, S), or (B * num_heads, L, S) with row b * num_heads + h for batch b, head h
                   ((num_heads, L, S) unbatched). Bool True = not allowed; float added to the scores.
        is_causal: torch takes it as a hint that attn_mask is causal and then requires one; here the
                   causal mask is applied on top of attn_mask, which may also be left out.
        Returns (attn_output, attn_weights): attn_output shaped like query; attn_weights (B, L, S)
        averaged over heads, or (B, num_heads, L, S) with average_attn_weights=False ((L, S) and
        (num_heads, L, S) unbatched); None when need_weights is False.

        cache (rnnlab's addition): (K, V), each (B, num_heads, n, head_dim), the keys and values of n
        earlier positions; then query i is position n + i, the masks cover n + S keys, and the
        result is (attn_output, attn_weights, (K', V')) with n + S positions: see ``_append_to_cache``.
        """
        q_in, k_in, v_in, unbatched = self._batch_first_inputs(query, key, value)
        B, L, E = q_in.shape
        S, H, d = k_in.shape[1], self.num_heads, self.head_dim
        n = 0 if cache is None else self._check_cache(cache, B, unbatched, tuple(query.shape))
        key_padding_mask = self._check_key_padding_mask(key_padding_mask, B, n + S, unbatched)  # (B, n + S)
        attn_mask = self._check_attn_mask(attn_mask, B, L, n + S, unbatched)  # (L, n + S) or (B, H, L, n + S)

        # 1. project, then split the features into H heads of d:  (B, L, E) -> (B, L, H, d) -> (B, H, L, d)
        (W_q, W_k, W_v), (b_q, b_k, b_v) = self.projections()
        q = F.linear(q_in, W_q, b_q).reshape(B, L, H, d).transpose(1, 2)  # (B, H, L, d)
        k = F.linear(k_in, W_k, b_k).reshape(B, S, H, d).transpose(1, 2)  # (B, H, S, d)
        v = F.linear(v_in, W_v, b_v).reshape(B, S, H, d).transpose(1, 2)  # (B, H, S, d)
        if cache is not None:  # behind the n cached keys and values: (B, H, n + S, d)
            k, v, attn_mask, is_causal = self._append_to_cache(cache, k, v, attn_mask, is_causal, L)

        # 2. attention in every head at once
        c, alpha = scaled_dot_product_attention(
            q, k, v, attn_mask, key_padding_mask, dropout_p=self.dropout if self.training else 0.0,
            is_causal=is_causal)  # c (B, H, L, d), alpha (B, H, L, S)

        # 3. merge the heads back side by side, then mix them:  (B, H, L, d) -> (B, L, H, d) -> (B, L, E)
        out = self.out_proj(c.transpose(1, 2).reshape(B, L, E))  # (B, L, E)

        weights = None
        if need_weights:
            weights = alpha.mean(dim=1) if average_attn_weights else alpha  # (B, L, S) or (B, H, L, S)
            weights = weights[0] if unbatched else weights
        if unbatched:
            return out[0], weights  # (L, E)
        out = out if self.batch_first else out.transpose(0, 1)
        return (out, weights) if cache is None else (out, weights, (k, v))

    def _append_to_cache(self, cache, k, v, attn_mask, is_causal, L):
        """The key/value cache (rnnlab's addition to torch's forward), for ``forward(..., cache=(K, V))``.

        cache (K, V), each (B, H, n, d): the projected keys and values of n earlier positions (n = 0:
        empty tensors); k, v (B, H, S, d): the new ones. Returns (K', V'), each (B, H, n + S, d), the
        new ones after the cached ones, and the mask for L queries that are positions n .. n + L - 1:
        with ``is_causal``, query i sees keys 0 .. n + i (``causal_mask(L, n + S, offset=n)``, added to
        any attn_mask, which covers all n + S keys, as key_padding_mask does); then is_causal = False.
        ``forward`` returns (attn_output, attn_weights (B, [H,] L, n + S), (K', V')).
        ``rnnlab.nn.TransformerEncoderLayer.forward_cached`` is built on it.
        """
        n, S = cache[0].shape[2], k.shape[2]
        if n:
            k, v = torch.cat([cache[0], k], dim=2), torch.cat([cache[1], v], dim=2)  # (B, H, n + S, d)
        if is_causal and L > 1:  # one query alone (L = 1) may see every key
            blocked = causal_mask(L, n + S, device=k.device, offset=n)  # (L, n + S) True = NOT allowed
            attn_mask = blocked if attn_mask is None else \
                mask_to_bias(attn_mask, k.dtype, "attn_mask") + mask_to_bias(blocked, k.dtype)
        return k, v, attn_mask, False  # is_causal is done: scaled_dot_product_attention's puts query 0 at key 0

    # -- input checks -------------------------------------------------------------------
    def _batch_first_inputs(self, query, key, value):
        """Check query, key, value; return them as (B, L, E), (B, S, kdim), (B, S, vdim) and ``unbatched``."""
        for name, x in (("query", query), ("key", key), ("value", value)):
            check_float(name, x)
        seq = "(B, L, E)" if self.batch_first else "(L, B, E)"
        check_rank("query", query, (2, 3), f"{seq} or unbatched (L, E)")
        unbatched = query.dim() == 2
        layout = "unbatched (S, E) like the 2-D query" if unbatched else \
            ("(B, S, E)" if self.batch_first else "(S, B, E)") + " like the 3-D query"
        check_rank("key", key, query.dim(), layout)
        check_rank("value", value, query.dim(), layout)
        check_size("query", query, -1, self.embed_dim, "embed_dim E")
        check_size("key", key, -1, self.kdim, "kdim")
        check_size("value", value, -1, self.vdim, "vdim")
        b, t = (None, 0) if unbatched else (0, 1) if self.batch_first else (1, 0)  # batch and time axes
        check_size("value", value, t, key.shape[t], "number of keys S (of key)")
        if not unbatched:
            check_size("key", key, b, query.shape[b], "batch size B (of query)")
            check_size("value", value, b, query.shape[b], "batch size B (of query)")
        if unbatched:
            return query[None], key[None], value[None], True  # (1, L, E), (1, S, kdim), (1, S, vdim)
        if not self.batch_first:
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        return query, key, value, False

    def _check_cache(self, cache, B, unbatched, query_shape) -> int:
        """A (K, V) cache, each (B, num_heads, n, head_dim) of the query's dtype: return n."""
        if unbatched:
            raise ValueError(f"cache: expected a batched query (B, L, E) or (L, B, E) with a cache, got an unbatched "
                             f"(L, E) one of shape {query_shape}; add a batch axis with query[None]")
        if not (isinstance(cache, (tuple, list)) and len(cache) == 2 and all(isinstance(t, torch.Tensor) for t in cache)):
            raise TypeError(f"cache: expected a pair (K, V) of tensors, each (B, num_heads, n, head_dim), "
                            f"got {type(cache).__name__}")
        K, V = cache
        shape = (B, self.num_heads, K.shape[2] if K.dim() == 4 else 0, self.head_dim)
        for name, t in (("cache K", K), ("cache V", V)):
            check_shape(name, t, shape, "(B, num_heads, n, head_dim)")
        return K.shape[2]

    def _check_key_padding_mask(self, mask, B, S, unbatched):
        """None, or the mask as (B, S)."""
        if mask is None:
            return None
        if unbatched:
            check_shape("key_padding_mask", mask, (S,), "(S,) for an unbatched query")
            return mask[None]
        check_shape("key_padding_mask", mask, (B, S), "(B, S): batch size, number of keys")
        return mask

    def _check_attn_mask(self, mask, B, L, S, unbatched):
        """None, or the mask as (L, S) or (B, H, L, S)."""
        if mask is None:
            return None
        H = self.num_heads
        check_rank("attn_mask", mask, (2, 3), "(L, S) or (B * num_heads, L, S)")
        if mask.dim() == 2:
            check_shape("attn_mask", mask, (L, S), "(L, S): number of queries, number of keys")
            return mask
        if unbatched:
            check_shape("attn_mask", mask, (H, L, S), "(num_heads, L, S) for an unbatched query")
        else:
            check_shape("attn_mask", mask, (B * H, L, S), "(B * num_heads, L, S)")
        return mask.reshape(B, H, L, S)  # row b * H + h -> [b, h]

    @classmethod
    def from_torch(cls, module: nn.Module):
        """A copy of ``torch.nn.MultiheadAttention`` ``module``: same config, dtype, device, weights."""
        if module.bias_k is not None or module.add_zero_attn:
            raise ValueError("from_torch: add_bias_kv and add_zero_attn are not supported, expected a module "
                             f"without them, got add_bias_kv={module.bias_k is not None}, "
                             f"add_zero_attn={module.add_zero_attn}")
        p = module.out_proj.weight
        new = cls(module.embed_dim, module.num_heads, dropout=module.dropout, bias=module.in_proj_bias is not None,
                  kdim=module.kdim, vdim=module.vdim, batch_first=module.batch_first, device=p.device, dtype=p.dtype)
        new.load_state_dict(module.state_dict())
        return new.train(module.training)
