"""Scores for generated strings against references: exact match, BLEU and chrF (notebook 09).

BLEU (Papineni et al. 2002) and chrF (Popović 2015) come from sacrebleu, the reference
implementation machine-translation papers report with, so the numbers are comparable:

- BLEU here tokenises into characters (``tokenize="char"``): the course's outputs are
  character strings (dates, reversed letters), not sentences of words. It is the geometric
  mean of 1..4-gram precisions times a brevity penalty, 0..100.
- chrF is the F-score (beta = 2) of character n-grams up to 6, 0..100.

Every function takes two equal-length lists of strings, hypotheses and references (one reference
each); a single str, ids instead of strings or lists of unequal length raise, naming which::

    exact_match(["2023-03-07"], ["2023-03-07"])   # 1.0
    corpus_bleu(hyps, refs), corpus_chrf(hyps, refs)
"""
from __future__ import annotations

from collections.abc import Iterable

import sacrebleu

from rnnlab.checks import ArgumentKindError


def _check(name: str, hyps, refs) -> tuple[list[str], list[str]]:
    for what, texts in (("hypotheses", hyps), ("references", refs)):
        if isinstance(texts, str):  # list("abc") would score each character as a string of its own
            raise ArgumentKindError(f"{name}: expected {what} as a list of strings, got one str {texts!r:.40}; "
                                    f"wrap it in a list: [{texts!r:.20}]")
        if not isinstance(texts, Iterable):
            raise ArgumentKindError(f"{name}: expected {what} as a list of strings, got {type(texts).__name__}")
    hyps, refs = list(hyps), list(refs)
    if len(hyps) != len(refs):
        raise ValueError(f"{name}: expected as many hypotheses as references, got {len(hyps)} and {len(refs)}")
    if not hyps:
        raise ValueError(f"{name}: expected at least one pair of strings, got none")
    for what, texts in (("hypotheses", hyps), ("references", refs)):
        bad = [(k, t) for k, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            k, t = bad[0]
            hint = ("; decode ids first, e.g. [vocab.decode(row) for row in ids]" if hasattr(t, "shape") else
                    "; one reference per hypothesis" if isinstance(t, (list, tuple)) and what == "references" else "")
            raise TypeError(f"{name}: expected {what} to be strings, got {type(t).__name__} ({t!r:.40}) at "
                            f"index {k}{hint}")
    return hyps, refs


def exact_match(hyps, refs) -> float:
    """The fraction of hypotheses equal to their reference, 0..1."""
    hyps, refs = _check("exact_match", hyps, refs)
    return sum(h == r for h, r in zip(hyps, refs)) / len(hyps)


def corpus_bleu(hyps, refs) -> float:
    """Character-level corpus BLEU, 0..100 (sacrebleu, ``tokenize="char"``)."""
    hyps, refs = _check("corpus_bleu", hyps, refs)
    return float(sacrebleu.corpus_bleu(hyps, [refs], tokenize="char").score)


def corpus_chrf(hyps, refs) -> float:
    """Corpus chrF, 0..100 (sacrebleu's defaults: character 6-grams, beta = 2)."""
    hyps, refs = _check("corpus_chrf", hyps, refs)
    return float(sacrebleu.corpus_chrf(hyps, [refs]).score)
