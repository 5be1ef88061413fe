"""A pointer network (Vinyals, Fortunato & Jaitly 2015): attention *is* the output.

An LSTM encoder reads the n inputs into states h_1..h_n; an LSTM decoder, at output step i
with state s_i, scores every input position with additive attention (Bahdanau et al. 2014)

    e_ij     = v^T tanh(W_1 h_j + W_2 s_i)          (B, N) scores, one per input position
    e_ij     = -inf   where position j is masked     (already chosen, when the answer is a permutation)
    alpha_i  = softmax_j(e_i)                        (B, N) the distribution over input positions

and alpha_i is the output: no vocabulary, so the output space grows with the input. The
decoder's next input is the embedded input it pointed at (the true one under teacher forcing,
its own argmax when decoding greedily). With ``end=True`` a learned *end* position is appended
at index n (N = n + 1 positions), so the model can stop (the convex hull has a variable length).

    model = PointerNet(input_size=2, hidden_size=64, end=True)
    out = model(points)                    # greedy: out.pointers (B, n + 1), out.alpha (B, n + 1, n + 1)
    out = model(points, targets=y)         # teacher forcing: out.log_probs (B, S, N)
"""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.recurrent import LSTM

PAD = -1


class PointerAttention(nn.Module):
    """Additive attention over positions: ``e_j = v^T tanh(W_1 h_j + W_2 s)``, masked, softmaxed."""

    def __init__(self, hidden_size: int, attention_size: int | None = None):
        super().__init__()
        A = attention_size or hidden_size
        self.W1 = nn.Linear(hidden_size, A, bias=False)   # keys h_j
        self.W2 = nn.Linear(hidden_size, A, bias=False)   # query s
        self.v = nn.Linear(A, 1, bias=False)

    def scores(self, keys: torch.Tensor, s: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """keys = W_1 h (B, N, A), precomputed once; s (B, H); mask (B, N) bool, True = excluded.

        Returns the scores e (B, N), ``-inf`` at masked positions.
        """
        e = self.v(torch.tanh(keys + self.W2(s)[:, None, :])).squeeze(-1)   # (B, N)
        if mask is not None:
            e = e.masked_fill(mask, float("-inf"))
        return e

    def forward(self, h: torch.Tensor, s: torch.Tensor, mask: torch.Tensor | None = None):
        """h (B, N, H) keys, s (B, H) query, mask (B, N) -> (alpha (B, N), e (B, N))."""
        e = self.scores(self.W1(h), s, mask)
        return torch.softmax(e, dim=-1), e


class PointerOutput(NamedTuple):
    """``log_probs`` (B, S, N) = log alpha; ``alpha`` (B, S, N); ``pointers`` (B, S) int64."""

    log_probs: torch.Tensor
    alpha: torch.Tensor
    pointers: torch.Tensor


class PointerNet(nn.Module):
    """LSTM encoder, LSTM decoder, and :class:`PointerAttention` as the output layer.

    Args:
        input_size: features per input element (1 for numbers, 2 for points).
        hidden_size: H, of the encoder, the decoder and the attention.
        end: append a learned end position at index n (for variable-length answers).
        mask_chosen: mask positions already pointed at (answers that are permutations or
            sets); the end position is never masked, and after it only the end stays open.
    """

    def __init__(self, input_size: int, hidden_size: int = 64, end: bool = False, mask_chosen: bool = True):
        super().__init__()
        self.input_size, self.hidden_size, self.end, self.mask_chosen = input_size, hidden_size, end, mask_chosen
        self.embed = nn.Linear(input_size, hidden_size)
        self.encoder = LSTM(hidden_size, hidden_size, batch_first=True)
        self.decoder = LSTMCell(hidden_size, hidden_size)
        self.attention = PointerAttention(hidden_size)
        self.go = nn.Parameter(torch.randn(hidden_size) * 0.1)          # first decoder input
        self.end_embedding = nn.Parameter(torch.randn(hidden_size) * 0.1) if end else None

    def _check(self, x, targets):
        if not isinstance(x, torch.Tensor) or x.ndim != 3 or x.shape[-1] != self.input_size:
            got = tuple(x.shape) if hasattr(x, "shape") else type(x).__name__
            raise ValueError(f"PointerNet: expected x of shape (B, n, {self.input_size}), got {got}")
        if x.shape[0] == 0:
            raise ValueError(f"PointerNet: the batch is empty (x has shape {tuple(x.shape)}); expected B >= 1")
        if x.shape[1] == 0:
            raise ValueError(f"PointerNet: expected n >= 1 inputs per example, got shape {tuple(x.shape)}")
        if targets is not None:
            if targets.ndim != 2 or targets.shape[0] != x.shape[0]:
                raise ValueError(f"PointerNet: expected targets of shape (B, S) with B = {x.shape[0]} "
                                 f"(the batch of x), got {tuple(targets.shape)}")
            N = x.shape[1] + int(self.end)
            if targets.numel() and (targets.max() >= N or targets.min() < PAD):
                raise ValueError(f"PointerNet: expected targets in 0..{N - 1} (or {PAD} = padding), "
                                 f"got values in [{int(targets.min())}, {int(targets.max())}]")

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None, steps: int | None = None) -> PointerOutput:
        """x (B, n, D). With ``targets`` (B, S), teacher forcing for S steps; else greedy decoding
        for ``steps`` steps (default N = n + end). Returns a :class:`PointerOutput`."""
        self._check(x, targets)
        B, n, _ = x.shape
        emb = self.embed(x)                                                  # (B, n, H)
        if self.end:
            emb = torch.cat([emb, self.end_embedding.expand(B, 1, -1)], 1)   # (B, N, H), end at n
        N = emb.shape[1]
        h, (hn, cn) = self.encoder(emb)                                      # h (B, N, H): keys h_j
        keys = self.attention.W1(h)                                          # (B, N, A), once
        state = (hn[0], cn[0])                                               # decoder starts where the encoder ended
        inp = self.go.expand(B, -1)                                          # (B, H)
        chosen = torch.zeros(B, N, dtype=torch.bool, device=x.device)
        finished = torch.zeros(B, dtype=torch.bool, device=x.device)
        rows = torch.arange(B, device=x.device)
        S = targets.shape[1] if targets is not None else (steps or N)
        all_log_probs, all_alpha, pointers = [], [], []
        for i in range(S):
            state = self.decoder(inp, state)
            s = state[0]                                                     # query s_i (B, H)
            mask = self._mask(chosen, finished) if self.mask_chosen else None
            e = self.attention.scores(keys, s, mask)                         # (B, N)
            log_alpha = torch.log_softmax(e, dim=-1)
            ptr = log_alpha.argmax(-1)                                       # greedy pointer (B,)
            nxt = ptr if targets is None else targets[:, i].clamp(min=0)     # what the decoder reads next
            if targets is not None:
                nxt = torch.where(targets[:, i] == PAD, torch.full_like(nxt, N - 1), nxt)
            chosen = chosen.clone()
            chosen[rows, nxt] = True
            if self.end:
                finished = finished | (nxt == N - 1)
            inp = emb[rows, nxt]                                             # (B, H)
            all_log_probs.append(log_alpha)
            all_alpha.append(log_alpha.exp())
            pointers.append(ptr)
        return PointerOutput(torch.stack(all_log_probs, 1), torch.stack(all_alpha, 1), torch.stack(pointers, 1))

    def _mask(self, chosen: torch.Tensor, finished: torch.Tensor) -> torch.Tensor:
        """(B, N) True = excluded: chosen positions; the end never; after the end, all but the end."""
        mask = chosen.clone()
        if self.end:
            mask[:, -1] = False
            mask = mask | finished[:, None]
            mask[:, -1] = False
        return mask


def pointer_loss(model: PointerNet, batch) -> torch.Tensor:
    """Cross-entropy of the true positions under teacher forcing; ``batch = (x, y)``, PAD ignored."""
    x, y = batch
    out = model(x, targets=y)
    N = out.log_probs.shape[-1]
    return F.nll_loss(out.log_probs.reshape(-1, N), y.reshape(-1), ignore_index=PAD)


def exact_match(pointers: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(B,) bool: every non-PAD target position equals the prediction (pointers (B, S' >= S))."""
    if pointers.shape[0] != targets.shape[0] or pointers.shape[1] < targets.shape[1]:
        raise ValueError(f"exact_match: expected pointers (B, S' >= S) for targets (B, S) = {tuple(targets.shape)}, "
                         f"got {tuple(pointers.shape)}")
    p = pointers[:, :targets.shape[1]]
    return ((p == targets) | (targets == PAD)).all(1)


@torch.no_grad()
def evaluate(model: PointerNet, x: torch.Tensor, y: torch.Tensor) -> dict:
    """Greedy decoding: exact-match rate and the share of target positions right (``x``, ``y`` a batch)."""
    was = model.training
    model.eval()
    out = model(x)
    model.train(was)
    p = out.pointers[:, :y.shape[1]]
    valid = y != PAD
    return {"exact": float(exact_match(out.pointers, y).float().mean()),
            "positions": float(((p == y) & valid).sum() / valid.sum())}


def is_permutation(pointers: torch.Tensor) -> torch.Tensor:
    """(B,) bool: each row of ``pointers`` (B, n) is a permutation of 0..n-1."""
    n = pointers.shape[1]
    return (torch.sort(pointers, 1).values == torch.arange(n, device=pointers.device)).all(1)
