"""A pointer network (Vinyals, Fortunato & Jaitly 2015): attention *is* the output.

An LSTM encoder reads the n inputs into states h_1..h_n; an LSTM decoder, at output step i
with state s_i, scores every input position with additive attention (Bahdanau et al. 2014;
:class:`PointerAttention` is :class:`rnnlab.models.attention.AdditiveAttention` plus an exclusion mask)

    e_ij     = v^T tanh(W_h h_j + W_s s_i)          (B, N) scores, one per input position
    e_ij     = -inf   where position j is excluded   (already chosen, when the answer is a permutation)
    alpha_i  = softmax_j(e_i)                        (B, N) the distribution over input positions

and alpha_i is the output: no vocabulary, so the output space grows with the input. The
decoder's next input is the embedded input it pointed at (the true one under teacher forcing,
its own argmax when decoding greedily). With ``end=True`` a learned *end* position is appended
at index n (N = n + 1 positions), so the model can stop (the convex hull has a variable length).

    model = PointerNet(input_size=2, hidden_size=64, end=True)
    out = model(points)                    # greedy: out.pointers (B, n + 1), out.alpha (B, n + 1, n + 1)
    out = model(points, targets=y)         # teacher forcing: out.log_probs (B, S, N)
    ptrs, logp = pointer_beam_search(model, points, beam_width=5)   # (B, 5, n + 1), (B, 5): best first
"""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from rnnlab.checks import check_batch, check_float_input, check_int, check_rank, check_shape, check_size, check_tensor
from rnnlab.course.runtime import evaluating, on_model_device
from rnnlab.data.vocab import IGNORE
from rnnlab.decoding.beam import beam_search
from rnnlab.models.attention import AdditiveAttention
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.recurrent import LSTM


class PointerAttention(AdditiveAttention):
    """:class:`~rnnlab.models.attention.AdditiveAttention` whose weights *are* the output.

    The parameters (``W_h``, ``W_s``, ``v``) and the score ``e_j = v^T tanh(W_h h_j + W_s s)`` are
    AdditiveAttention's; two things differ. ``exclude`` (B, N) marks the positions to leave out
    (True = excluded: already chosen), the opposite sense of Attention's ``valid`` (True = real);
    they get ``e_j = -inf`` and so exactly zero weight. And :meth:`forward` returns the
    distribution over positions and the scores, ``(alpha, e)``, not a context vector.
    """

    def __init__(self, hidden_size: int, attention_size: int | None = None):
        super().__init__(hidden_size, hidden_size, attention_size)   # W_h (keys), W_s (query), v

    def scores(self, s: torch.Tensor, keys: torch.Tensor, exclude: torch.Tensor | None = None) -> torch.Tensor:
        """s (B, H) query; keys = W_h h (B, N, A), projected once; exclude (B, N) bool, True = excluded.

        Returns the scores e (B, N), ``-inf`` at excluded positions.
        """
        e = super().scores(s, keys)                                  # (B, N) v^T tanh(W_h h_j + W_s s)
        if exclude is not None:
            e = e.masked_fill(exclude, float("-inf"))
        return e

    def forward(self, s: torch.Tensor, h: torch.Tensor, exclude: torch.Tensor | None = None):
        """s (B, H) query, h (B, N, H) keys, exclude (B, N) bool -> (alpha (B, N), e (B, N))."""
        check_float_input("PointerAttention: query s", s, self.W_s.weight.dtype, "(B, H)")
        check_float_input("PointerAttention: keys h", h, self.W_h.weight.dtype, "(B, N, H)")
        check_rank("PointerAttention: query s", s, 2, "(B, H)")
        check_rank("PointerAttention: keys h", h, 3, "(B, N, H)")
        check_size("PointerAttention: query s", s, 1, self.query_size, "hidden size H")
        check_size("PointerAttention: keys h", h, 2, self.key_size, "hidden size H")
        check_size("PointerAttention: keys h", h, 0, s.shape[0], "batch size B (of the query s)")
        if h.shape[1] == 0:
            raise ValueError(f"PointerAttention: keys h have no positions (shape {tuple(h.shape)}); expected N >= 1")
        if exclude is not None:
            if exclude.dtype != torch.bool:
                raise TypeError(f"PointerAttention: expected exclude to be a bool tensor (True = excluded), "
                                f"got dtype {exclude.dtype}")
            check_shape("PointerAttention: exclude", exclude, tuple(h.shape[:2]), "(B, N), as the keys h")
            full = exclude.all(-1)
            if bool(full.any()):
                raise ValueError(f"PointerAttention: rows {full.nonzero().flatten().tolist()[:5]} exclude every "
                                 f"position; at least one must stay open (its softmax would be 0/0)")
        e = self.scores(s, self.project_keys(h), exclude)
        return torch.softmax(e, dim=-1), e


class PointerOutput(NamedTuple):
    """``log_probs`` (B, S, N) = log alpha; ``alpha`` (B, S, N); ``pointers`` (B, S) int64."""

    log_probs: torch.Tensor
    alpha: torch.Tensor
    pointers: torch.Tensor


class PointerNet(nn.Module):
    """LSTM encoder, LSTM decoder, and :class:`PointerAttention` as the output layer.

    Args:
        input_size: features per input element (1 for numbers, 2 for points; a vocabulary
            size for one-hot tokens, where the linear embedding is an embedding table).
        hidden_size: H, of the encoder, the decoder and the attention.
        end: append a learned end position at index n (for variable-length answers).
        mask_chosen: mask positions already pointed at (answers that are permutations or
            sets); the end position is never masked, and after it only the end stays open.
    """

    def __init__(self, input_size: int, hidden_size: int = 64, end: bool = False, mask_chosen: bool = True):
        super().__init__()
        input_size, hidden_size = check_int("input_size", input_size, 1), check_int("hidden_size", hidden_size, 1)
        self.input_size, self.hidden_size, self.end, self.mask_chosen = input_size, hidden_size, end, mask_chosen
        self.embed = nn.Linear(input_size, hidden_size)
        self.encoder = LSTM(hidden_size, hidden_size, batch_first=True)
        self.decoder = LSTMCell(hidden_size, hidden_size)
        self.attention = PointerAttention(hidden_size)
        self.go = nn.Parameter(torch.randn(hidden_size) * 0.1)          # first decoder input
        self.end_embedding = nn.Parameter(torch.randn(hidden_size) * 0.1) if end else None

    def _check(self, x, targets=None, steps=None):
        layout = f"(B, n, {self.input_size})"
        check_float_input("PointerNet: x", x, self.embed.weight.dtype, layout)
        if x.ndim != 3 or x.shape[-1] != self.input_size:
            raise ValueError(f"PointerNet: expected x of shape {layout}, got {tuple(x.shape)}")
        if x.shape[0] == 0:
            raise ValueError(f"PointerNet: the batch is empty (x has shape {tuple(x.shape)}); expected B >= 1")
        if x.shape[1] == 0:
            raise ValueError(f"PointerNet: expected n >= 1 inputs per example, got shape {tuple(x.shape)}")
        N = x.shape[1] + int(self.end)
        if targets is not None:
            check_tensor("PointerNet: targets", targets, "(B, S) int64 positions")
            if targets.dtype != torch.int64:
                raise TypeError(f"PointerNet: expected targets of dtype torch.int64 (positions of x), "
                                f"got {targets.dtype}")
            if targets.ndim != 2 or targets.shape[0] != x.shape[0]:
                raise ValueError(f"PointerNet: expected targets of shape (B, S) with B = {x.shape[0]} "
                                 f"(the batch of x), got {tuple(targets.shape)}")
            if targets.shape[1] == 0:
                raise ValueError(f"PointerNet: expected targets with S >= 1 steps, got shape {tuple(targets.shape)}")
            bad = (targets >= N) | ((targets < 0) & (targets != IGNORE))
            if bool(bad.any()):
                where = tuple(int(i) for i in bad.nonzero()[0])
                raise ValueError(f"PointerNet: targets hold position {int(targets[where])} at {where}, outside the "
                                 f"N = {N} positions; expected targets in 0..{N - 1} (or {IGNORE} = padding)")
        if steps is not None:
            most = N if self.mask_chosen and not self.end else None
            steps = check_int("steps", steps, None, fn="PointerNet")
            if steps < 1 or (most is not None and steps > most):
                limit = f"1 <= steps <= N = {most} (after N steps every position is chosen)" if most else "steps >= 1"
                raise ValueError(f"PointerNet: expected {limit}, got steps = {steps!r}")

    def encode(self, x: torch.Tensor):
        """x (B, n, D) -> (emb (B, N, H), keys = W_h h (B, N, A), the encoder's final state (h, c)).

        ``emb`` holds the embedded inputs (and the end position at index n), what the decoder
        reads after pointing at them; ``keys`` are projected once per sequence.
        """
        B = x.shape[0]
        emb = self.embed(x)                                                  # (B, n, H)
        if self.end:
            emb = torch.cat([emb, self.end_embedding.expand(B, 1, -1)], 1)   # (B, N, H), end at n
        h, (hn, cn) = self.encoder(emb)                                      # h (B, N, H): keys h_j
        return emb, self.attention.project_keys(h), (hn[0], cn[0])          # keys (B, N, A)

    def step(self, inp: torch.Tensor, state: tuple, keys: torch.Tensor, exclude: torch.Tensor | None):
        """One output step: inp (B, H), state (h, c) (B, H), keys (B, N, A), exclude (B, N) bool
        -> (log alpha (B, N), new state). The new state's h is the query s_i."""
        state = self.decoder(inp, state)
        e = self.attention.scores(state[0], keys, exclude)                   # (B, N), -inf where excluded
        return torch.log_softmax(e, dim=-1), state

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None, steps: int | None = None) -> PointerOutput:
        """x (B, n, D). With ``targets`` (B, S), teacher forcing for S steps; else greedy decoding
        for ``steps`` steps (default N = n + end). Returns a :class:`PointerOutput`."""
        self._check(x, targets, None if targets is not None else steps)
        B = x.shape[0]
        emb, keys, state = self.encode(x)        # decoder starts where the encoder ended
        N = emb.shape[1]
        inp = self.go.expand(B, -1)                                          # (B, H)
        chosen = torch.zeros(B, N, dtype=torch.bool, device=x.device)
        finished = torch.zeros(B, dtype=torch.bool, device=x.device)
        rows = torch.arange(B, device=x.device)
        S = targets.shape[1] if targets is not None else (steps or N)
        all_log_probs, all_alpha, pointers = [], [], []
        for i in range(S):
            exclude = self.excluded(chosen, finished) if self.mask_chosen else None
            log_alpha, state = self.step(inp, state, keys, exclude)          # (B, N)
            ptr = log_alpha.argmax(-1)                                       # greedy pointer (B,)
            nxt = ptr if targets is None else targets[:, i].clamp(min=0)     # what the decoder reads next
            if targets is not None:
                nxt = torch.where(targets[:, i] == IGNORE, torch.full_like(nxt, N - 1), nxt)
            chosen = chosen.clone()
            chosen[rows, nxt] = True
            if self.end:
                finished = finished | (nxt == N - 1)
            inp = emb[rows, nxt]                                             # (B, H)
            all_log_probs.append(log_alpha)
            all_alpha.append(log_alpha.exp())
            pointers.append(ptr)
        return PointerOutput(torch.stack(all_log_probs, 1), torch.stack(all_alpha, 1), torch.stack(pointers, 1))

    def excluded(self, chosen: torch.Tensor, finished: torch.Tensor) -> torch.Tensor:
        """chosen (B, N) bool, finished (B,) bool -> (B, N) bool, True = excluded at the next step: the
        positions already chosen; the end position never; after the end, every position but the end."""
        excluded = chosen.clone()
        if self.end:
            excluded[:, -1] = False
            excluded = excluded | finished[:, None]
            excluded[:, -1] = False
        return excluded


@on_model_device
@torch.no_grad()
def pointer_beam_search(model: PointerNet, x: torch.Tensor, beam_width: int, steps: int | None = None):
    """Beam search over pointer sequences, one example at a time, with :func:`rnnlab.decoding.beam.beam_search`.

    x (B, n, D) -> ``pointers`` (B, K, S) int64 and ``log_probs`` (B, K): the K = ``beam_width``
    best sequences of each example by log-probability, best first; S = ``steps`` (default
    N = n + end). A model with an end position stops a sequence there (the end included, IGNORE
    after). Rows beyond the number of valid sequences (fewer than K exist for tiny n) are IGNORE
    with log p = -inf. Width 1 is greedy decoding.
    """
    model._check(x, None, steps)
    beam_width = check_int("beam_width", beam_width, 1, fn="pointer_beam_search", what="1 is greedy")
    with evaluating(model):
        return _beam_search(model, x, beam_width, steps)


def _beam_search(model: PointerNet, x: torch.Tensor, beam_width: int, steps: int | None):
    """The body of :func:`pointer_beam_search`, with the model in eval mode."""
    B, N = x.shape[0], x.shape[1] + int(model.end)
    S = steps or N
    emb, keys, state = model.encode(x)
    pointers = torch.full((B, beam_width, S), IGNORE, dtype=torch.int64)
    log_probs = torch.full((B, beam_width), float("-inf"))
    for b in range(B):
        emb_b, keys_b = emb[b], keys[b:b + 1]

        def step(tokens, st):                                 # tokens (k,): the last pointers
            h, c, chosen, started = st
            tokens = tokens.to(x.device)
            k = tokens.shape[0]
            first = ~started                                  # the first step reads the go input, not tokens
            inp = torch.where(first[:, None], model.go.expand(k, -1), emb_b[tokens.clamp(min=0)])
            chosen = chosen.clone()
            chosen[torch.arange(k, device=x.device)[~first], tokens[~first]] = True
            none_finished = torch.zeros(k, dtype=torch.bool, device=x.device)
            exclude = model.excluded(chosen, none_finished) if model.mask_chosen else None
            log_alpha, (h, c) = model.step(inp, (h, c), keys_b.expand(k, -1, -1), exclude)
            return log_alpha, (h, c, chosen, torch.ones_like(started))

        st0 = (state[0][b:b + 1], state[1][b:b + 1], torch.zeros(1, N, dtype=torch.bool, device=x.device),
               torch.zeros(1, dtype=torch.bool, device=x.device))
        hyps = beam_search(step, st0, bos=0, eos=N - 1 if model.end else None, beam_width=beam_width,
                           max_len=S)
        hyps = [hy for hy in hyps if hy.logprob > float("-inf")]
        hyps.sort(key=lambda hy: hy.logprob, reverse=True)
        for k, hy in enumerate(hyps[:beam_width]):
            pointers[b, k, :len(hy.tokens)] = torch.tensor(hy.tokens)
            log_probs[b, k] = hy.logprob
    return pointers, log_probs


def pointer_loss(model: PointerNet, batch) -> torch.Tensor:
    """Cross-entropy of the true positions under teacher forcing; ``batch = (x, y)``, IGNORE skipped."""
    x, y = check_batch("pointer_loss", batch, ("x", "y"))
    out = model(x, targets=y)
    N = out.log_probs.shape[-1]
    return F.nll_loss(out.log_probs.reshape(-1, N), y.reshape(-1), ignore_index=IGNORE)


def exact_match(pointers: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(B,) bool: every non-IGNORE target position equals the prediction (pointers (B, S' >= S))."""
    check_tensor("exact_match: pointers", pointers, "(B, S')")
    check_tensor("exact_match: targets", targets, "(B, S)")
    if pointers.ndim != 2 or targets.ndim != 2 or pointers.shape[0] != targets.shape[0] \
            or pointers.shape[1] < targets.shape[1]:
        raise ValueError(f"exact_match: expected pointers (B, S' >= S) for targets (B, S) = {tuple(targets.shape)}, "
                         f"got {tuple(pointers.shape)}")
    p = pointers[:, :targets.shape[1]]
    return ((p == targets) | (targets == IGNORE)).all(1)


@on_model_device
@torch.no_grad()
def evaluate(model: PointerNet, x: torch.Tensor, y: torch.Tensor) -> dict:
    """Greedy decoding: exact-match rate and the share of target positions right (``x``, ``y`` a batch)."""
    model._check(x, y)
    with evaluating(model):
        out = model(x)
    p = out.pointers[:, :y.shape[1]]
    valid = y != IGNORE
    return {"exact": float(exact_match(out.pointers, y).float().mean()),
            "positions": float(((p == y) & valid).sum() / valid.sum())}


def is_permutation(pointers: torch.Tensor) -> torch.Tensor:
    """(B,) bool: each row of ``pointers`` (B, n) is a permutation of 0..n-1."""
    check_tensor("is_permutation: pointers", pointers, "(B, n)")
    if pointers.ndim != 2:
        raise ValueError(f"is_permutation: expected pointers (B, n), got shape {tuple(pointers.shape)}")
    n = pointers.shape[1]
    return (torch.sort(pointers, 1).values == torch.arange(n, device=pointers.device)).all(1)
