"""Attention scores: Bahdanau's additive and Luong's dot, general and concat (notebook 09).

A query ``s`` (B, Q) -- the decoder's state -- scores every key ``h_j`` (B, S, K) -- the
encoder's outputs, one per source position -- and the context is the weighted mean of them:

    additive (Bahdanau et al. 2014)   e_j = v^T tanh(W_h h_j + W_s s)
    dot      (Luong et al. 2015)      e_j = s^T h_j                      (needs Q == K)
    general  (Luong et al. 2015)      e_j = s^T W_a h_j
    concat   (Luong et al. 2015)      e_j = v^T tanh(W_a [s; h_j])

    alpha = softmax_j(e), over the real positions only    (B, S); padding gets exactly 0
    c     = sum_j alpha_j h_j                              (B, K) the context

Luong's concat and Bahdanau's additive score are the same function (W_a [s; h] = W_s s + W_h h);
the papers differ in *where* they use it (see ``rnnlab.models.attention_decoders``).

Every layer has the same interface::

    attention = AdditiveAttention(query_size=Q, key_size=K)
    c, alpha = attention(s, h, valid)       # s (B, Q), h (B, S, K), valid (B, S) bool, True = real

``valid`` is :class:`rnnlab.models.seq2seq.Memory`'s: True where a position holds a real token
(:func:`rnnlab.data.vocab.valid_mask` of the lengths).
``s`` and ``h`` are tensors of the layer's dtype (float64 into a float32 layer raises, as in
``torch.nn``; inside ``torch.autocast`` mixed dtypes are allowed).
Keys that do not change from step to step can be projected once with ``project_keys(h)`` and
passed as ``keys=``; :meth:`Attention.scores` takes the projected keys.
"""
from __future__ import annotations

import torch
from torch import nn

from rnnlab.checks import check_float_input, check_int, check_rank, check_shape, check_size, check_tensor

SCORES = ("dot", "general", "concat")


def masked_softmax(e: torch.Tensor, valid: torch.Tensor | None) -> torch.Tensor:
    """softmax over the last axis of ``e`` (B, S), where ``valid`` (B, S) is True; 0 elsewhere.

    Masked positions are set to -inf before the softmax, so they receive exactly zero weight
    and do not change the weights of the others. Raises if a row has no real position (its
    softmax would be 0/0).
    """
    if valid is None:
        return torch.softmax(e, dim=-1)
    check_tensor("valid", valid, "(B, S) bool, True = real position")
    if valid.dtype != torch.bool:
        raise TypeError(f"valid: expected a bool tensor (True = real position), got dtype {valid.dtype}")
    check_shape("valid", valid, tuple(e.shape), "(B, S), the shape of the scores e")
    empty = ~valid.any(-1)
    if bool(empty.any()):
        rows = empty.nonzero().flatten().tolist()
        raise ValueError(f"valid: every row needs at least one real (True) position; rows {rows[:5]} have none "
                         f"(an empty source sequence?)")
    return torch.softmax(e.masked_fill(~valid, float("-inf")), dim=-1)


def _sizes(query_size, key_size, attention_size) -> tuple:
    """(Q, K, A) checked: K and A default to Q (None), and every size is an int >= 1."""
    Q = check_int("query_size", query_size, 1)
    K = Q if key_size is None else check_int("key_size", key_size, 1)
    A = Q if attention_size is None else check_int("attention_size", attention_size, 1)
    return Q, K, A


class Attention(nn.Module):
    """The interface: ``forward(s (B, Q), h (B, S, K), valid (B, S)) -> (c (B, K), alpha (B, S))``.

    Subclasses define :meth:`scores` (and :meth:`project_keys` if part of the key side can be
    computed once per source).
    """

    query_size: int
    key_size: int
    #: the last size of ``project_keys(h)`` (B, S, *): what ``keys=`` must have
    projected_size: int

    def project_keys(self, h: torch.Tensor) -> torch.Tensor:
        """The part of the score that depends on the keys only, (B, S, *); computed once per source."""
        return h

    def scores(self, s: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """s (B, Q), keys = project_keys(h) -> e (B, S)."""
        raise NotImplementedError

    def forward(self, s: torch.Tensor, h: torch.Tensor, valid: torch.Tensor | None = None,
                keys: torch.Tensor | None = None):
        name = type(self).__name__
        check_tensor(f"{name}: query s", s, "(B, Q)")
        weight = next(iter(self.parameters()), None)  # Luong's "dot" has none: then h must match s
        dtype = s.dtype if weight is None else weight.dtype
        check_float_input(f"{name}: query s", s, dtype, "(B, Q)")
        check_float_input(f"{name}: keys h", h, dtype, "(B, S, K)")
        check_rank(f"{name}: query s", s, 2, "(B, Q)")
        check_rank(f"{name}: keys h", h, 3, "(B, S, K)")
        check_size(f"{name}: query s", s, 1, self.query_size, "query size Q")
        check_size(f"{name}: keys h", h, 2, self.key_size, "key size K")
        check_size(f"{name}: keys h", h, 0, s.shape[0], "batch size B (of the query s)")
        if h.shape[1] == 0:
            raise ValueError(f"{name}: keys h have no positions (shape {tuple(h.shape)}); expected S >= 1")
        if keys is not None:
            check_tensor(f"{name}: keys", keys, "(B, S, *), project_keys(h)")
            want = (*h.shape[:2], getattr(self, "projected_size", keys.shape[-1]))
            if tuple(keys.shape) != want:
                raise ValueError(f"{name}: expected keys = project_keys(h) of shape {want}, got {tuple(keys.shape)}; "
                                 f"project the keys h that are passed with them")
        e = self.scores(s, self.project_keys(h) if keys is None else keys)  # (B, S)
        alpha = masked_softmax(e, valid)  # (B, S)
        c = torch.bmm(alpha[:, None, :], h)[:, 0]  # (B, K) = sum_j alpha_j h_j
        return c, alpha


class AdditiveAttention(Attention):
    """Bahdanau et al. (2014): ``e_j = v^T tanh(W_h h_j + W_s s)``, A = attention size."""

    def __init__(self, query_size: int, key_size: int | None = None, attention_size: int | None = None):
        super().__init__()
        self.query_size, self.key_size, A = _sizes(query_size, key_size, attention_size)
        self.projected_size = A
        self.W_h = nn.Linear(self.key_size, A, bias=False)  # keys h_j
        self.W_s = nn.Linear(query_size, A, bias=False)  # query s
        self.v = nn.Linear(A, 1, bias=False)

    def project_keys(self, h):
        return self.W_h(h)  # (B, S, A)

    def scores(self, s, keys):
        return self.v(torch.tanh(keys + self.W_s(s)[:, None, :])).squeeze(-1)  # (B, S)


class LuongAttention(Attention):
    """Luong, Pham & Manning (2015): ``score`` is ``"dot"``, ``"general"`` or ``"concat"``."""

    def __init__(self, query_size: int, key_size: int | None = None, score: str = "general",
                 attention_size: int | None = None):
        super().__init__()
        if score not in SCORES:
            raise ValueError(f"LuongAttention: expected score in {SCORES}, got {score!r}")
        self.query_size, self.key_size, A = _sizes(query_size, key_size, attention_size)
        self.score = score
        self.projected_size = query_size if score == "general" else self.key_size
        if score == "dot" and self.key_size != query_size:
            raise ValueError(f"LuongAttention: the dot score needs query size == key size, got "
                             f"{query_size} and {self.key_size}; use score='general' to map one onto the other")
        if score == "general":
            self.W_a = nn.Linear(self.key_size, query_size, bias=False)  # W_a h_j, (Q, K)
        if score == "concat":
            self.W_a = nn.Linear(query_size + self.key_size, A, bias=False)  # W_a [s; h_j]
            self.v = nn.Linear(A, 1, bias=False)

    def project_keys(self, h):
        return self.W_a(h) if self.score == "general" else h  # (B, S, Q) or h itself

    def scores(self, s, keys):
        if self.score == "concat":
            both = torch.cat([s[:, None, :].expand(-1, keys.shape[1], -1), keys], -1)  # (B, S, Q + K)
            return self.v(torch.tanh(self.W_a(both))).squeeze(-1)  # (B, S)
        return torch.bmm(keys, s[:, :, None]).squeeze(-1)  # (B, S): s^T h_j, or s^T (W_a h_j)
