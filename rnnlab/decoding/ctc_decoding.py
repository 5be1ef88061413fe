"""Reading a CTC recogniser's per-frame log-probabilities as labellings (notebook 13).

- Greedy (best path): the arg-max class at every frame, then collapse (merge repeats, drop blanks).
  Fast, but it finds the most likely *alignment*, not the most likely *labelling*: a labelling's
  probability is summed over all its alignments, and many middling alignments can outweigh one good
  one.
- Prefix beam search (Hannun et al. 2014, here without a language model): keep the ``beam_width``
  most probable *prefixes* (labellings so far), each with two log-probabilities, of all alignments
  of the frames so far that read it and end in a blank (``p_b``) or in its last label (``p_nb``).
  At frame t, with y = that frame's probabilities, prefix l with last label e:

      l        += (p_b + p_nb) y(blank)       a blank: still l
      l        += p_nb y(e)                   e repeated without a blank between: still l
      l + c    += (p_b + p_nb) y(c)   c != e  a new label
      l + e    += p_b y(e)                    e again, after a blank: a new copy

  (sums of probabilities, done in log space). The best prefix at the end maximises
  ``p_b + p_nb`` among those kept: an approximation of the most probable labelling.

Log-probabilities come batch-first, ``(B, T, C)`` with lengths ``(B,)``, as the recogniser writes
them, or one sequence ``(T, C)`` for :func:`prefix_beam_search`.
"""
from __future__ import annotations

import math

import torch

from rnnlab.checks import check_float, check_int, check_lengths, check_number, check_rank, check_tensor
from rnnlab.nn.ctc_loss import check_one_sequence, collapse


def _check_log_probs(log_probs, lengths, blank):
    check_tensor("log_probs", log_probs, "(B, T, C)")
    check_float("log_probs", log_probs)
    check_rank("log_probs", log_probs, 3, "(B, T, C), batch first (one sequence: log_probs[None])")
    B, T, C = log_probs.shape
    if B == 0 or T == 0:
        raise ValueError(f"log_probs: expected at least one sequence of at least one frame, got shape {(B, T, C)}")
    check_lengths("lengths", lengths, B, T)
    return check_int("blank", blank, 0, C - 1, what=f"the blank's class id, one of the C = {C} classes")


def ctc_greedy_decode(log_probs: torch.Tensor, lengths: torch.Tensor, blank: int = 0) -> list[list[int]]:
    """Best path: ``log_probs (B, T, C)``, ``lengths (B,)`` -> per sequence the collapsed arg-max
    labels (a list of label ids, no blanks)."""
    blank = _check_log_probs(log_probs, lengths, blank)
    best = log_probs.argmax(-1).cpu()                                  # (B, T)
    return [collapse(best[b, :int(n)], blank) for b, n in enumerate(lengths.tolist())]


def _add(a: float, b: float) -> float:
    """log(exp(a) + exp(b)), -inf safe."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


def prefix_beam_search(log_probs: torch.Tensor, beam_width: int = 8, blank: int = 0,
                       prune: float | None = None) -> list[tuple[tuple[int, ...], float]]:
    """Prefix beam search over one sequence ``log_probs (T, C)`` -> the kept prefixes, best first, as
    ``(labels, log p)`` where ``log p`` sums the probabilities of the alignments of ``labels`` that the
    search kept (the exact ``log p(labels | x)`` when nothing was pruned along the way).

    ``beam_width``: prefixes kept after each frame. ``prune``: if given, a frame's classes with
    log-probability below it are not tried (speed; e.g. ``math.log(1e-3)``).
    """
    T, C, blank = check_one_sequence(log_probs, blank, "ctc_beam_decode")
    beam_width = check_int("beam_width", beam_width, 1, what="prefixes kept per frame")
    if prune is not None:
        prune = check_number("prune", prune, high=0, what="a log-probability threshold; None tries every class")
    lp = log_probs.detach().to(torch.float64).cpu().tolist()
    beams = {(): (0.0, -math.inf)}                                    # prefix -> (log p_b, log p_nb)
    for t in range(T):
        y = lp[t]
        classes = [c for c in range(C) if prune is None or y[c] >= prune] or [max(range(C), key=y.__getitem__)]
        nxt: dict = {}

        def add(prefix, b=-math.inf, nb=-math.inf):
            old_b, old_nb = nxt.get(prefix, (-math.inf, -math.inf))
            nxt[prefix] = (_add(old_b, b), _add(old_nb, nb))

        for prefix, (p_b, p_nb) in beams.items():
            total = _add(p_b, p_nb)
            last = prefix[-1] if prefix else None
            for c in classes:
                if c == blank:
                    add(prefix, b=total + y[c])
                elif c == last:
                    add(prefix, nb=p_nb + y[c])                   # the same label, no blank between
                    add(prefix + (c,), nb=p_b + y[c])             # a new copy after a blank
                else:
                    add(prefix + (c,), nb=total + y[c])
        beams = dict(sorted(nxt.items(), key=lambda kv: -_add(*kv[1]))[:beam_width])
    return [(prefix, _add(*p)) for prefix, p in beams.items()]


def ctc_beam_decode(log_probs: torch.Tensor, lengths: torch.Tensor, beam_width: int = 8, blank: int = 0,
                    prune: float | None = None) -> list[list[int]]:
    """:func:`prefix_beam_search` on each sequence of ``log_probs (B, T, C)`` up to its length ``(B,)``
    -> per sequence the best labelling (a list of label ids)."""
    blank = _check_log_probs(log_probs, lengths, blank)
    return [list(prefix_beam_search(log_probs[b, :int(n)], beam_width, blank, prune)[0][0])
            for b, n in enumerate(lengths.tolist())]
