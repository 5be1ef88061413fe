"""Error rates of a recogniser: unit (phone, character) error rate by edit distance, and word error rate.

The edit (Levenshtein) distance between a reference and a hypothesis is the fewest substitutions,
deletions and insertions that turn one into the other. An error rate sums it over a test set and
divides by the total length of the references (not the mean of per-utterance rates, so a long
utterance weighs more):

    UER = sum_i edits(ref_i, hyp_i) / sum_i len(ref_i)        (units: phones, characters, ...)
    WER = the same over words, computed by ``jiwer``

Both can exceed 1 (a hypothesis with many insertions). Graves et al. (2006) report a 30.5 % phone
error rate of BLSTM-CTC on TIMIT; Graves et al. (2013) 17.7 % with deep bidirectional LSTMs.
"""
from __future__ import annotations

from rnnlab.checks import ArgumentKindError, as_ids


def edit_distance(ref, hyp) -> int:
    """The Levenshtein distance between two sequences of ids (lists, arrays or tensors (n,)): dynamic
    programming over one row of ``len(hyp) + 1`` costs."""
    ref = as_ids("ref", ref, check_range=False).tolist()
    hyp = as_ids("hyp", hyp, check_range=False).tolist()
    for name, seq in (("ref", ref), ("hyp", hyp)):
        if seq and isinstance(seq[0], list):
            raise ValueError(f"{name}: expected one 1-D sequence of ids, got a nested one; for a test set use "
                             f"unit_error_rate(refs, hyps)")
    row = list(range(len(hyp) + 1))                  # distances from ref[:0] to every hyp[:j]
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1,            # delete r
                                           row[j - 1] + 1,        # insert h
                                           diagonal + (r != h))   # substitute (free if equal)
    return row[-1]


def _pairs(refs, hyps, kind: str) -> tuple[list, list]:
    for name, x in (("refs", refs), ("hyps", hyps)):
        if isinstance(x, (str, bytes)) or not isinstance(x, (list, tuple)):
            raise ArgumentKindError(f"{name}: expected a list with one {kind} per utterance, got "
                                    f"{type(x).__name__} {x!r:.40}")
    if len(refs) != len(hyps):
        raise ValueError(f"refs, hyps: expected one hypothesis per reference, got {len(refs)} references and "
                         f"{len(hyps)} hypotheses")
    if not refs:
        raise ValueError("refs: expected at least one reference, got none (an empty test set)")
    return list(refs), list(hyps)


def unit_error_rate(refs, hyps) -> float:
    """Corpus unit error rate: total edits over total reference units. ``refs``, ``hyps``: lists of id
    sequences, one per utterance (e.g. targets and decoded labels)."""
    refs, hyps = _pairs(refs, hyps, "sequence of ids")
    total = sum(len(as_ids(f"refs[{i}]", r, check_range=False)) for i, r in enumerate(refs))
    if total == 0:
        raise ValueError("refs: every reference is empty, so the error rate is undefined; expected at least one unit")
    return sum(edit_distance(r, h) for r, h in zip(refs, hyps)) / total


def word_error_rate(refs, hyps) -> float:
    """Corpus word error rate by ``jiwer``: ``refs``, ``hyps`` lists of strings (words separated by
    spaces), one per utterance. An empty hypothesis counts all its reference's words as deleted."""
    import jiwer

    refs, hyps = _pairs(refs, hyps, "string")
    for name, texts in (("refs", refs), ("hyps", hyps)):
        bad = next((i for i, x in enumerate(texts) if not isinstance(x, str)), None)
        if bad is not None:
            raise ArgumentKindError(f"{name}[{bad}]: expected a string of words, got {type(texts[bad]).__name__} "
                                    f"{texts[bad]!r:.40}; turn unit ids into text first (e.g. speech.decode)")
    empty = next((i for i, r in enumerate(refs) if not r.split()), None)
    if empty is not None:
        raise ValueError(f"refs[{empty}]: expected at least one word in every reference, got {refs[empty]!r}")
    n_words = sum(len(r.split()) for r in refs)
    # jiwer refuses an empty hypothesis; one with no words is all deletions, counted here by hand.
    kept = [(r, h) for r, h in zip(refs, hyps) if h.split()]
    deleted = sum(len(r.split()) for r, h in zip(refs, hyps) if not h.split())
    if not kept:
        return deleted / n_words
    out = jiwer.process_words([r for r, _ in kept], [h for _, h in kept])
    return (out.substitutions + out.deletions + out.insertions + deleted) / n_words
