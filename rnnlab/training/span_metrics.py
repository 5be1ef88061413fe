"""Scores of BIO tag sequences: span F1 (seqeval) and how many sequences break BIO (notebook 14).

A tagger is judged on whole entities (spans), not tokens: "Anna Maria Smith" tagged
``B-PER I-PER O`` is one wrong span, though two of three tokens are right. :func:`span_prf` is
seqeval's precision, recall and F1 over spans (its default, conlleval's reading: an ``I-X`` after
``O`` starts a new span, as the CoNLL evaluations that Huang et al. 2015 and Lample et al. 2016
report did).

A sequence is *invalid* when some ``I-X`` does not follow ``B-X`` or ``I-X`` (it starts the
sentence, follows ``O``, or follows a tag of another type). A softmax head picks each tag alone and
can produce them; a CRF with BIO constraints never does::

    span_prf([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]])   # {'precision': 0.0, 'recall': 0.0, 'f1': 0.0}
    invalid_transitions(["O", "I-PER", "I-PER"])                  # 1
    count_invalid([["O", "I-PER"], ["B-LOC", "I-LOC"]])           # 1 sequence
"""
from __future__ import annotations

from rnnlab.checks import ArgumentKindError


def _check_tags(name: str, tags) -> list[str]:
    """One sequence of BIO tags as a list of str: ``"O"``, ``"B-X"`` or ``"I-X"``."""
    if isinstance(tags, str) or not hasattr(tags, "__iter__"):
        raise ArgumentKindError(f"{name}: expected a sequence of BIO tags (a list of str such as ['B-PER', 'O']), "
                                f"got {type(tags).__name__} {tags!r:.40}")
    tags = list(tags)
    for k, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise ArgumentKindError(f"{name}: expected BIO tag names (str), got {type(tag).__name__} {tag!r:.20} at "
                                    f"position {k}; turn ids into names first, e.g. [TAGS[i] for i in ids]")
        if tag != "O" and not (len(tag) > 2 and tag[:2] in ("B-", "I-")):
            raise ValueError(f"{name}: expected BIO tags ('O', 'B-X' or 'I-X'), got {tag!r} at position {k}")
    return tags


def _check_batch(name: str, sequences) -> list[list[str]]:
    if isinstance(sequences, str) or not hasattr(sequences, "__iter__"):
        raise ArgumentKindError(f"{name}: expected a list of tag sequences, got {type(sequences).__name__}")
    sequences = list(sequences)
    if not sequences:
        raise ValueError(f"{name}: expected at least one tag sequence, got none")
    if all(isinstance(t, str) for t in sequences):
        raise ArgumentKindError(f"{name}: expected a list of tag sequences, got one sequence of str "
                                f"{sequences[:3]!r}...; wrap it: [tags]")
    return [_check_tags(f"{name}[{k}]", seq) for k, seq in enumerate(sequences)]


def invalid_transitions(tags) -> int:
    """How many ``I-X`` of one sequence do not follow ``B-X`` or ``I-X`` (the first tag follows nothing)."""
    tags = _check_tags("invalid_transitions: tags", tags)
    before = ["O"] + tags[:-1]
    return sum(1 for prev, tag in zip(before, tags)
               if tag.startswith("I-") and prev not in (f"B-{tag[2:]}", f"I-{tag[2:]}"))


def count_invalid(sequences) -> int:
    """How many of ``sequences`` (a list of BIO tag lists) hold at least one invalid transition."""
    sequences = _check_batch("count_invalid: sequences", sequences)
    return sum(1 for seq in sequences if invalid_transitions(seq) > 0)


def span_prf(gold, pred) -> dict:
    """Span precision, recall and F1 (micro over all entity types) by seqeval: ``gold`` and ``pred`` are
    lists of BIO tag sequences, sentence by sentence of the same lengths. Returns floats in [0, 1]."""
    from seqeval.metrics import f1_score, precision_score, recall_score

    gold, pred = _check_batch("span_prf: gold", gold), _check_batch("span_prf: pred", pred)
    if len(gold) != len(pred):
        raise ValueError(f"span_prf: expected as many predicted sequences as gold ones, got {len(pred)} and {len(gold)}")
    for k, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise ValueError(f"span_prf: sentence {k} has {len(g)} gold tags and {len(p)} predicted; expected one "
                             f"predicted tag per token (cut padding off with the lengths)")
    return {"precision": float(precision_score(gold, pred, zero_division=0)),
            "recall": float(recall_score(gold, pred, zero_division=0)),
            "f1": float(f1_score(gold, pred, zero_division=0))}
