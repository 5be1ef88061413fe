"""Connectionist temporal classification (Graves et al. 2006) by hand, mirroring ``F.ctc_loss``.

A recogniser writes, at every frame t, a distribution ``y_t`` over the C classes: the blank
(id ``blank``, "nothing new here") and the labels. An *alignment* is one class per frame; it reads as
a labelling after :func:`collapse` (merge repeats, then drop blanks): ``--pp-a--`` and ``-p--aa-``
both read ``pa``. CTC's probability of a labelling l is the sum over all alignments that read l of
the product of their frames' probabilities, and the loss is ``-log`` of it.

The sum has exponentially many terms, but a lattice computes it (the forward, or alpha, recursion).
Put a blank between the labels and at both ends: ``l' = - l_1 - l_2 - ... - l_S -`` (2S + 1
states). ``alpha_t(s)`` is the log-probability of the frames 0..t ending in state s; a path may stay
in its state, step to the next, or skip the blank between two *different* labels:

    alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1), alpha_{t-1}(s-2) [if l'_s != blank and
                 l'_s != l'_{s-2}]) + log y_t(l'_s)
    log p(l | x) = logsumexp(alpha_{T-1}(2S), alpha_{T-1}(2S - 1))

In log space (sums of probabilities as logsumexp), so nothing underflows. A repeated label
(``pp``) must have a blank between its two copies, so it needs T >= S + (number of repeats) frames;
with fewer, no alignment exists and the loss is ``inf`` (``zero_infinity=True`` makes it 0, gradient
0). The gradient comes by autograd through the recursion. Note: torch's own kernel returns, as the
"gradient" with respect to ``log_probs``, the gradient with respect to the logits *before* a
log_softmax (``exp(log_probs) - posterior``); compare the two through ``log_softmax(logits)``.

:func:`best_alignment` is the same lattice with max in place of logsumexp (Viterbi): the single most
likely alignment of a labelling.

Shapes follow torch: ``log_probs (T, B, C)``, ``targets (B, S)`` padded (or 1-D, concatenated),
``input_lengths (B,)``, ``target_lengths (B,)``.
"""
from __future__ import annotations

import torch

from rnnlab.checks import as_ids, check_bool, check_float, check_int, check_rank, check_tensor

REDUCTIONS = ("mean", "sum", "none")


def collapse(ids, blank: int = 0) -> list[int]:
    """The labelling an alignment reads as: merge runs of the same class, then drop the blanks.
    ``ids`` (T,) (a list, array or tensor of class ids) -> a list of label ids (``[1, 1, 0, 1, 2, 2]`` -> ``[1, 1, 2]``)."""
    blank = check_int("blank", blank, 0, what="the blank's class id")
    ids = as_ids("ids", ids, hint="; pass one alignment, a 1-D sequence of class ids")
    if ids.ndim != 1:
        raise ValueError(f"ids: expected one alignment, a 1-D sequence of class ids (T,), got shape {ids.shape}; "
                         f"collapse each sequence of a batch on its own, up to its length")
    out, previous = [], None
    for i in ids.tolist():
        if i != previous and i != blank:
            out.append(i)
        previous = i
    return out


def _logsumexp(*xs: torch.Tensor) -> torch.Tensor:
    """logsumexp of same-shape tensors elementwise, with value -inf AND gradient 0 where all are -inf
    (torch.logsumexp gives NaN gradients there, which zero_infinity could not clean up)."""
    x = torch.stack(xs)
    m = x.max(0).values
    m_safe = torch.where(torch.isinf(m), torch.zeros_like(m), m)
    total = torch.exp(x - m_safe).sum(0)
    positive = total > 0
    return torch.where(positive, torch.log(torch.where(positive, total, torch.ones_like(total))) + m_safe,
                       torch.full_like(total, float("-inf")))


def _check_inputs(log_probs, targets, input_lengths, target_lengths, blank) -> tuple:
    """Checks every argument as torch would need it; returns targets as (B, S) and the lengths as int64."""
    check_tensor("log_probs", log_probs, "(T, B, C)")
    check_float("log_probs", log_probs)
    if log_probs.ndim == 2:
        raise ValueError(f"log_probs: expected (T, B, C), got a 2-D tensor {tuple(log_probs.shape)}; for one "
                         f"sequence pass log_probs[:, None] and one-element lengths")
    check_rank("log_probs", log_probs, 3, "(T, B, C): time first, as F.ctc_loss (use x.transpose(0, 1) for (B, T, C))")
    T, B, C = log_probs.shape
    if T == 0 or B == 0:
        raise ValueError(f"log_probs: expected at least one frame and one sequence, got shape {(T, B, C)}")
    blank = check_int("blank", blank, 0, C - 1, what=f"the blank's class id, one of the C = {C} classes")
    lengths = []
    for name, x in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
        if isinstance(x, (list, tuple)):
            x = torch.tensor(x)
        check_tensor(name, x, f"({B},)")
        if x.is_floating_point() or x.dtype == torch.bool:
            raise TypeError(f"{name}: expected integer lengths ({B},), got dtype {x.dtype}")
        if tuple(x.shape) != (B,):
            raise ValueError(f"{name}: expected one length per sequence, shape ({B},) (B from log_probs "
                             f"(T, B, C) = {tuple(log_probs.shape)}), got shape {tuple(x.shape)}")
        lengths.append(x.to(torch.int64).cpu())
    input_lengths, target_lengths = lengths
    if bool(((input_lengths < 1) | (input_lengths > T)).any()):
        b = int(((input_lengths < 1) | (input_lengths > T)).nonzero()[0])
        raise ValueError(f"input_lengths: expected every length in 1..T = {T} (the frames of log_probs), got "
                         f"{int(input_lengths[b])} at position {b}")
    check_tensor("targets", targets, "(B, S) padded or (sum(target_lengths),) concatenated")
    if targets.is_floating_point() or targets.dtype == torch.bool:
        raise TypeError(f"targets: expected integer class ids, got dtype {targets.dtype}; floats are not ids")
    check_rank("targets", targets, (1, 2), "(B, S) padded or (sum(target_lengths),) concatenated")
    if bool((target_lengths < 0).any()):
        raise ValueError(f"target_lengths: expected lengths >= 0, got {target_lengths.tolist()}")
    if targets.ndim == 1:  # torch's concatenated form: cut it into a padded (B, S)
        if targets.shape[0] != int(target_lengths.sum()):
            raise ValueError(f"targets: a 1-D targets holds the targets concatenated, so expected "
                             f"sum(target_lengths) = {int(target_lengths.sum())} ids, got {targets.shape[0]}")
        padded = torch.full((B, max(int(target_lengths.max()), 1)), blank, dtype=torch.int64)
        for b, piece in enumerate(torch.split(targets.cpu().to(torch.int64), target_lengths.tolist())):
            padded[b, :len(piece)] = piece
        targets = padded
    if targets.shape[0] != B:
        raise ValueError(f"targets: expected B = {B} rows (B from log_probs (T, B, C)), got shape {tuple(targets.shape)}")
    S = targets.shape[1]
    if bool((target_lengths > S).any()):
        raise ValueError(f"target_lengths: expected every length <= S = {S} (the columns of targets), got "
                         f"{target_lengths.tolist()}")
    targets = targets.to(torch.int64)
    real = torch.arange(S)[None, :] < target_lengths[:, None]                       # (B, S)
    bad = real & ((targets.cpu() < 0) | (targets.cpu() >= C) | (targets.cpu() == blank))
    if bool(bad.any()):
        b, s = (int(i) for i in bad.nonzero()[0])
        raise ValueError(f"targets: label {int(targets[b, s])} at position ({b}, {s}) is not a label: expected ids in "
                         f"[0, {C - 1}] (C = {C} classes) other than the blank {blank}")
    return targets, input_lengths, target_lengths, blank


def _extended(targets: torch.Tensor, target_lengths: torch.Tensor, blank: int) -> tuple:
    """Blank-extended labels l' (B, 2S + 1) and where the skip s-2 -> s is allowed (B, 2S + 1)."""
    B, S = targets.shape
    real = torch.arange(S, device=targets.device)[None, :] < target_lengths[:, None].to(targets.device)
    labels = torch.where(real, targets, blank)                                      # padding -> blank
    ext = torch.full((B, 2 * S + 1), blank, dtype=torch.int64, device=targets.device)
    ext[:, 1::2] = labels
    skip = torch.zeros_like(ext, dtype=torch.bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def ctc_alpha(log_probs: torch.Tensor, targets: torch.Tensor, input_lengths, target_lengths,
              blank: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The forward recursion: ``alpha (T, B, 2S + 1)`` (log space; frames past a sequence's length
    repeat its last one) and ``log p(l | x)`` per sequence ``(B,)`` (``-inf``: no alignment exists)."""
    targets, input_lengths, target_lengths, blank = _check_inputs(log_probs, targets, input_lengths,
                                                                  target_lengths, blank)
    T, B, C = log_probs.shape
    device = log_probs.device
    targets = targets.to(device)
    ext, skip = _extended(targets, target_lengths, blank)                         # (B, L), L = 2S + 1
    L = ext.shape[1]
    emit = log_probs.gather(2, ext[None].expand(T, B, L))                         # (T, B, L): log y_t(l'_s)
    neg_inf = torch.full((B, 1), float("-inf"), dtype=log_probs.dtype, device=device)
    start = torch.arange(L, device=device)[None, :] < 2                           # a path starts at - or l_1
    alpha = torch.where(start, emit[0], float("-inf"))
    alphas = [alpha]
    running = input_lengths.to(device)
    for t in range(1, T):
        stay = alpha
        step = torch.cat([neg_inf, alpha[:, :-1]], 1)                             # from s - 1
        jump = torch.where(skip, torch.cat([neg_inf, neg_inf, alpha[:, :-2]], 1), float("-inf"))  # from s - 2
        new = _logsumexp(stay, step, jump) + emit[t]
        alpha = torch.where((t < running)[:, None], new, alpha)                   # past its length: frozen
        alphas.append(alpha)
    alpha_all = torch.stack(alphas)                                               # (T, B, L)
    last = (2 * target_lengths).to(device)                                        # index of the final blank
    end_blank = alpha.gather(1, last[:, None])[:, 0]
    end_label = torch.where(last > 0, alpha.gather(1, (last - 1).clamp(min=0)[:, None])[:, 0], float("-inf"))
    return alpha_all, _logsumexp(end_blank, end_label)


def ctc_loss(log_probs: torch.Tensor, targets: torch.Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> torch.Tensor:
    """``-log p(targets | log_probs)`` as ``F.ctc_loss`` computes it, by :func:`ctc_alpha`.

    ``reduction``: ``"none"`` -> (B,); ``"sum"``; ``"mean"`` (torch's: each loss divided by its target
    length, at least 1, then the mean over the batch). ``zero_infinity``: an impossible labelling's
    loss (inf) and its gradient become 0.
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction: expected one of {REDUCTIONS}, got {reduction!r}")
    zero_infinity = check_bool("zero_infinity", zero_infinity)
    _, log_p = ctc_alpha(log_probs, targets, input_lengths, target_lengths, blank)
    loss = -log_p                                                                 # (B,)
    if zero_infinity:
        loss = torch.where(torch.isinf(loss), torch.zeros_like(loss), loss)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    lengths = torch.as_tensor(target_lengths).to(device=loss.device, dtype=loss.dtype).clamp(min=1)
    return (loss / lengths).mean()


def check_one_sequence(log_probs, blank, for_a_batch: str) -> tuple[int, int, int]:
    """Check the per-frame log-probabilities ``(T, C)`` of one sequence (T >= 1) and the blank's id;
    return T, C and blank. ``for_a_batch`` says what to do with a batch instead."""
    check_tensor("log_probs", log_probs, "(T, C) of one sequence")
    check_float("log_probs", log_probs)
    check_rank("log_probs", log_probs, 2, f"(T, C) of one sequence (for a batch, {for_a_batch})")
    T, C = log_probs.shape
    if T == 0:
        raise ValueError(f"log_probs: expected at least one frame, got shape {(T, C)}")
    blank = check_int("blank", blank, 0, C - 1, what=f"the blank's class id, one of the C = {C} classes")
    return T, C, blank


def best_alignment(log_probs: torch.Tensor, target, blank: int = 0) -> tuple[list[int], float]:
    """The most likely alignment of one labelling (Viterbi over the CTC lattice).

    ``log_probs (T, C)`` of one sequence, ``target (S,)`` label ids -> (the alignment, T class ids
    whose :func:`collapse` is ``target``; its log-probability). ``ValueError`` if no alignment exists
    (T < S + repeats).
    """
    T, C, blank = check_one_sequence(log_probs, blank, "one sequence at a time")
    target = as_ids("target", target, C, hint="; pass one labelling (S,) of label ids")
    if target.ndim != 1:
        raise ValueError(f"target: expected one labelling, a 1-D sequence (S,), got shape {target.shape}")
    if (target == blank).any():
        raise ValueError(f"target: the blank {blank} is not a label, got it at position {int((target == blank).argmax())}")
    S = len(target)
    repeats = int((target[1:] == target[:-1]).sum()) if S > 1 else 0
    if T < S + repeats:
        raise ValueError(f"target: no alignment of {S} labels with {repeats} repeat(s) (each needs a blank between) "
                         f"fits in T = {T} frames; expected T >= S + repeats = {S + repeats}")
    with torch.no_grad():
        lp = log_probs.detach().to(torch.float64).cpu()
        tgt = torch.from_numpy(target)
        ext, skip = _extended(tgt[None], torch.tensor([S]), blank)
        ext, skip = ext[0], skip[0]
        L = len(ext)
        score = torch.full((L,), float("-inf"), dtype=torch.float64)
        score[:min(2, L)] = lp[0, ext[:min(2, L)]]
        back = torch.zeros((T, L), dtype=torch.int64)
        for t in range(1, T):
            options = torch.stack([score,
                                   torch.cat([torch.tensor([float("-inf")], dtype=torch.float64), score[:-1]]),
                                   torch.where(skip, torch.cat([torch.full((2,), float("-inf"), dtype=torch.float64),
                                                                score[:-2]]), float("-inf"))])  # (3, L)
            best, move = options.max(0)
            back[t] = move
            score = best + lp[t, ext]
        ends = [L - 1] + ([L - 2] if L > 1 else [])
        s = max(ends, key=lambda e: float(score[e]))
        total = float(score[s])
        path = [s]
        for t in range(T - 1, 0, -1):
            s = s - int(back[t, s])
            path.append(s)
    return [int(ext[s]) for s in reversed(path)], total
