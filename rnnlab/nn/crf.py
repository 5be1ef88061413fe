"""A linear-chain conditional random field (CRF) over K tags, batched (notebook 14).

torch.nn has no CRF, so this module's API follows the pytorch-crf package's in spirit, batch-first.
A tag sequence ``y_1..y_T`` of a sentence with emission scores ``E`` ``(T, K)`` (from a BiLSTM) scores

    s(y) = start[y_1] + sum_t E[t, y_t] + sum_{t>1} A[y_{t-1}, y_t] + end[y_T]

with ``A`` ``(K, K)`` the transition scores (row: the tag before, column: the tag after), and

    p(y | x) = exp(s(y)) / Z,     log Z = logsumexp over all K^T sequences of s(y).

``log Z`` comes from the forward algorithm in log space (O(T K^2), not K^T):

    alpha_1[j] = start[j] + E[1, j]
    alpha_t[j] = logsumexp_i(alpha_{t-1}[i] + A[i, j]) + E[t, j]
    log Z      = logsumexp_j(alpha_T[j] + end[j])

and the best sequence from Viterbi: the same recursion with max for logsumexp, keeping the argmax
(the backpointers) to walk back from the best last tag. The CRF adds ``K^2 + 2K`` parameters.

Padded batches: ``emissions`` ``(B, T, K)`` and ``lengths`` ``(B,)``; a sequence's steps past its
length change nothing. Constraints (:func:`bio_constraints`): transitions that are not allowed get a
score of ``-inf``, so no path uses them (True = not allowed, as torch's masks)::

    crf = CRF(len(TAGS), constraints=bio_constraints(TAGS))   # I-X only after B-X or I-X
    loss = crf.nll(emissions, tags, lengths)                   # mean over sentences
    best, score = crf.decode(emissions, lengths)               # (B, T) tag ids, IGNORE at padding
"""
from __future__ import annotations

import torch
from torch import nn

from rnnlab.checks import (check_float, check_int, check_labels, check_lengths, check_nonempty, check_rank,
                           check_same_dtype, check_size, check_tensor)
from rnnlab.data.vocab import IGNORE

REDUCTIONS = ("none", "sum", "mean", "token_mean")


def _tag_names(fn: str, tags) -> list[str]:
    if isinstance(tags, str) or not hasattr(tags, "__iter__"):
        raise TypeError(f"{fn}: expected tags, a list of tag names such as ['O', 'B-PER', 'I-PER'], "
                        f"got {type(tags).__name__} {tags!r:.40}")
    tags = list(tags)
    if not tags:
        raise ValueError(f"{fn}: expected at least one tag name, got none")
    bad = next((k for k, t in enumerate(tags) if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(f"{fn}: expected tag names (str), got {type(tags[bad]).__name__} {tags[bad]!r} at index {bad}")
    if len(set(tags)) != len(tags):
        raise ValueError(f"{fn}: expected distinct tag names, got {tags}")
    return tags


def bio_constraints(tags) -> dict:
    """Which transitions BIO forbids, as masks (True = not allowed) for :class:`CRF`'s ``constraints``.

    tags: the K tag names in id order (``"O"``, ``"B-X"``, ``"I-X"``). ``I-X`` may follow only ``B-X`` or
    ``I-X``, so it may not start a sentence either. Returns ``{"start": (K,), "transitions": (K, K),
    "end": (K,)}`` bool tensors; ``transitions[i, j]`` is the step from tag i to tag j.
    """
    tags = _tag_names("bio_constraints", tags)
    for k, t in enumerate(tags):
        if t != "O" and not (len(t) > 2 and t[:2] in ("B-", "I-")):
            raise ValueError(f"bio_constraints: expected BIO tags ('O', 'B-X' or 'I-X'), got {t!r} at index {k}")
    K = len(tags)
    inside = [t[2:] if t.startswith("I-") else None for t in tags]  # the type an I- tag continues
    start = torch.tensor([kind is not None for kind in inside])
    transitions = torch.zeros(K, K, dtype=torch.bool)
    for j, kind in enumerate(inside):
        if kind is not None:
            for i, before in enumerate(tags):
                transitions[i, j] = before not in (f"B-{kind}", f"I-{kind}")
    return {"start": start, "transitions": transitions, "end": torch.zeros(K, dtype=torch.bool)}


class CRF(nn.Module):
    """A linear-chain CRF over ``num_tags`` = K tags: ``start`` (K,), ``end`` (K,), ``transitions`` (K, K).

    constraints: None, or the dict of :func:`bio_constraints` (masks, True = not allowed); forbidden
        scores are ``-inf`` in every computation (the parameters under them are never used).
    tag_names: the K names, for messages (a gold sequence that breaks a constraint names its tags).

    Every method takes ``emissions`` ``(B, T, K)`` of the module's dtype and optional ``lengths``
    ``(B,)`` (each in 1..T; None: every sequence is T long). Initial scores are uniform in
    [-0.1, 0.1], as pytorch-crf's.
    """

    def __init__(self, num_tags: int, constraints: dict | None = None, tag_names=None):
        super().__init__()
        K = self.num_tags = check_int("num_tags", num_tags, 1, fn="CRF", what="the number of tags K")
        self.start = nn.Parameter(torch.empty(K).uniform_(-0.1, 0.1))
        self.end = nn.Parameter(torch.empty(K).uniform_(-0.1, 0.1))
        self.transitions = nn.Parameter(torch.empty(K, K).uniform_(-0.1, 0.1))   # [i, j]: tag i -> tag j
        self.tag_names = None if tag_names is None else _tag_names("CRF: tag_names", tag_names)
        if self.tag_names is not None and len(self.tag_names) != K:
            raise ValueError(f"CRF: expected {K} tag_names (one per tag), got {len(self.tag_names)}")
        masks = {"start": (K,), "transitions": (K, K), "end": (K,)}
        if constraints is not None:
            if not isinstance(constraints, dict) or set(constraints) != set(masks):
                raise TypeError(f"CRF: expected constraints, a dict with keys {sorted(masks)} (bio_constraints "
                                f"makes one), got {constraints!r:.80}")
            for key, shape in masks.items():
                mask = constraints[key]
                check_tensor(f"CRF: constraints[{key!r}]", mask, str(shape))
                if mask.dtype != torch.bool or tuple(mask.shape) != shape:
                    raise ValueError(f"CRF: expected constraints[{key!r}] a bool mask of shape {shape} (K = {K}), "
                                     f"got {mask.dtype} of shape {tuple(mask.shape)}")
            if bool(constraints["start"].all()) or bool(constraints["end"].all()):
                raise ValueError("CRF: the constraints forbid every first (or every last) tag; no sequence is left")
        for key, shape in masks.items():
            mask = torch.zeros(shape, dtype=torch.bool) if constraints is None else constraints[key].clone()
            self.register_buffer(f"forbidden_{key}", mask)

    def extra_repr(self) -> str:
        return f"num_tags={self.num_tags}, constrained={bool(self.forbidden_transitions.any())}"

    # --- the scores, with forbidden ones at -inf ---------------------------------------------------
    def scores(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(start (K,), transitions (K, K), end (K,))`` as used: -inf where the constraints forbid."""
        return (self.start.masked_fill(self.forbidden_start, float("-inf")),
                self.transitions.masked_fill(self.forbidden_transitions, float("-inf")),
                self.end.masked_fill(self.forbidden_end, float("-inf")))

    def _inputs(self, fn: str, emissions, lengths) -> tuple[torch.Tensor, torch.Tensor]:
        """Check emissions (B, T, K) and lengths (B,); return lengths (all T when None) and the
        (B, T) mask, True at the real positions."""
        check_tensor(f"{fn}: emissions", emissions, "(B, T, K)")
        check_float(f"{fn}: emissions", emissions)
        check_rank(f"{fn}: emissions", emissions, 3, "(B, T, K)")
        check_size(f"{fn}: emissions", emissions, 2, self.num_tags, "the number of tags K")
        check_nonempty(f"{fn}: emissions", emissions, 1)
        check_nonempty(f"{fn}: emissions", emissions, 0, "batch size B")
        check_same_dtype(f"{fn}: emissions", emissions, self.transitions.dtype,
                         f"convert with .to({self.transitions.dtype}), or the CRF with crf.to({emissions.dtype})")
        B, T, _ = emissions.shape
        if lengths is None:
            lengths = torch.full((B,), T, dtype=torch.int64, device=emissions.device)
        check_lengths(f"{fn}: lengths", lengths, B, T)
        lengths = lengths.to(emissions.device)
        return lengths, torch.arange(T, device=emissions.device)[None, :] < lengths[:, None]

    def _tags(self, fn: str, tags, emissions, real) -> None:
        check_labels(f"{fn}: tags", tags, self.num_tags, "(B, T)", ignore_index=IGNORE, what="tag")
        if tuple(tags.shape) != tuple(emissions.shape[:2]):
            raise ValueError(f"{fn}: expected tags (B, T) = {tuple(emissions.shape[:2])} as emissions (B, T, K), "
                             f"got {tuple(tags.shape)}")
        hole = real & (tags == IGNORE)
        if bool(hole.any()):
            b, t = (int(i) for i in hole.nonzero()[0])
            raise ValueError(f"{fn}: tags: expected a tag at every position within the lengths, got IGNORE "
                             f"({IGNORE}) at position ({b}, {t}) of a sequence of length {int(real[b].sum())}")

    # --- the forward algorithm, a path's score, the loss ---------------------------------------
    def log_partition(self, emissions: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """log Z of each sequence by the forward algorithm in log space: ``(B,)``."""
        lengths, real = self._inputs("CRF.log_partition", emissions, lengths)
        start, A, end = self.scores()
        alpha = start + emissions[:, 0]                                              # (B, K)
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha[:, :, None] + A[None], dim=1) + emissions[:, t]   # (B, K): j after any i
            alpha = torch.where(real[:, t, None], step, alpha)                       # padding: keep alpha
        return torch.logsumexp(alpha + end, dim=1)

    def score(self, emissions: torch.Tensor, tags: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """s(y) of the given tag sequences ``tags`` ``(B, T)`` (IGNORE allowed past each length): ``(B,)``.
        -inf for a sequence that the constraints forbid."""
        lengths, real = self._inputs("CRF.score", emissions, lengths)
        self._tags("CRF.score", tags, emissions, real)
        start, A, end = self.scores()
        y = tags.masked_fill(~real, 0)                                                # (B, T), padding -> tag 0
        emitted = emissions.gather(2, y[:, :, None])[:, :, 0].masked_fill(~real, 0).sum(1)      # (B,)
        moved = A[y[:, :-1], y[:, 1:]].masked_fill(~real[:, 1:], 0).sum(1)          # steps t-1 -> t inside
        last = y.gather(1, (lengths - 1)[:, None])[:, 0]                              # (B,) the tag at T_b
        return start[y[:, 0]] + emitted + moved + end[last]

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, lengths: torch.Tensor | None = None,
            reduction: str = "mean") -> torch.Tensor:
        """-log p(tags | x) = log Z - s(tags). ``reduction``: ``"none"`` ``(B,)``, ``"sum"``, ``"mean"`` (over
        sequences) or ``"token_mean"`` (the sum over all real tokens, the scale of a per-token
        cross-entropy). A gold sequence the constraints forbid raises ``ValueError`` (its NLL is inf)."""
        if reduction not in REDUCTIONS:
            raise ValueError(f"CRF.nll: expected reduction in {REDUCTIONS}, got {reduction!r}")
        lengths, real = self._inputs("CRF.nll", emissions, lengths)
        gold = self.score(emissions, tags, lengths)
        if not bool(torch.isfinite(gold).all()):
            self._explain_forbidden(tags, lengths)
        out = self.log_partition(emissions, lengths) - gold                           # (B,)
        if reduction == "none":
            return out
        if reduction == "sum":
            return out.sum()
        return out.mean() if reduction == "mean" else out.sum() / lengths.sum()

    forward = nll

    def _explain_forbidden(self, tags, lengths) -> None:
        name = (lambda i: repr(self.tag_names[i])) if self.tag_names else (lambda i: f"tag {i}")
        for b in range(tags.shape[0]):
            y = tags[b, :int(lengths[b])].tolist()
            if self.forbidden_start[y[0]]:
                raise ValueError(f"CRF.nll: tags: sequence {b} starts with {name(y[0])}, which the constraints "
                                 f"forbid as a first tag (its probability is 0, its NLL inf)")
            for t in range(1, len(y)):
                if self.forbidden_transitions[y[t - 1], y[t]]:
                    raise ValueError(f"CRF.nll: tags: sequence {b} steps from {name(y[t - 1])} to {name(y[t])} at "
                                     f"position {t}, which the constraints forbid (its NLL would be inf)")
            if self.forbidden_end[y[-1]]:
                raise ValueError(f"CRF.nll: tags: sequence {b} ends with {name(y[-1])}, which the constraints forbid")
        raise ValueError("CRF.nll: a gold sequence scores -inf (non-finite emissions?)")

    # --- marginals (forward-backward) and Viterbi ---------------------------------------------
    def marginals(self, emissions: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """p(y_t = k | x) by forward-backward: ``(B, T, K)``, each real row sums to 1, zeros at padding.
        (They equal the gradient of log Z with respect to the emissions.)"""
        lengths, real = self._inputs("CRF.marginals", emissions, lengths)
        start, A, end = self.scores()
        B, T, K = emissions.shape
        alphas = [start + emissions[:, 0]]
        for t in range(1, T):
            step = torch.logsumexp(alphas[-1][:, :, None] + A[None], dim=1) + emissions[:, t]
            alphas.append(torch.where(real[:, t, None], step, alphas[-1]))
        # beta_t[i]: log-sum of every way to finish from tag i at t; end[] enters at each sequence's last step.
        beta = end.expand(B, K)
        betas = [beta]
        for t in range(T - 2, -1, -1):
            step = torch.logsumexp(A[None] + (emissions[:, t + 1] + betas[0])[:, None, :], dim=2)   # (B, K)
            betas.insert(0, torch.where(real[:, t + 1, None], step, betas[0]))
        log_z = torch.logsumexp(alphas[-1] + end, dim=1)                               # (B,)
        post = torch.stack([a + b for a, b in zip(alphas, betas)], 1) - log_z[:, None, None]    # (B, T, K)
        return post.exp().masked_fill(~real[:, :, None], 0.0)

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, lengths: torch.Tensor | None = None):
        """Viterbi: the best tag sequence of each sentence and its score s(y).

        Returns ``best`` ``(B, T)`` int64 tag ids (:data:`IGNORE` past each length) and ``score`` ``(B,)``.
        """
        lengths, real = self._inputs("CRF.decode", emissions, lengths)
        start, A, end = self.scores()
        B, T, K = emissions.shape
        delta = start + emissions[:, 0]                                                # (B, K) best score ending in j
        keep = torch.arange(K, device=emissions.device).expand(B, K)
        pointers = []                                                                  # T-1 of (B, K)
        for t in range(1, T):
            best, arg = (delta[:, :, None] + A[None]).max(dim=1)                      # over the tag before
            delta = torch.where(real[:, t, None], best + emissions[:, t], delta)
            pointers.append(torch.where(real[:, t, None], arg, keep))                  # padding: point to itself
        score, tag = (delta + end).max(dim=1)                                          # (B,), (B,)
        path = [tag]
        for arg in reversed(pointers):
            tag = arg.gather(1, tag[:, None])[:, 0]
            path.insert(0, tag)
        return torch.stack(path, 1).masked_fill(~real, IGNORE), score
