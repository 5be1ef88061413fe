"""Exact match, character BLEU and chrF: checked by hand on small cases."""
import math

import pytest

from rnnlab.training.bleu import corpus_bleu, corpus_chrf, exact_match


def test_exact_match():
    assert exact_match(["ab", "cd", "ef"], ["ab", "cd", "eg"]) == pytest.approx(2 / 3)


def test_character_bleu_by_hand():
    # hyp "abcf" vs ref "abcd": 1-grams 3/4, 2-grams 2/3, 3-grams 1/2, 4-grams 0/1 -> smoothed by sacrebleu's
    # default 'exp' method (the 4-gram precision becomes 1 / (2 * 1)); equal lengths, so no brevity penalty.
    precisions = [3 / 4, 2 / 3, 1 / 2, 1 / 2]
    expected = 100 * math.exp(sum(math.log(p) for p in precisions) / 4)
    assert corpus_bleu(["abcf"], ["abcd"]) == pytest.approx(expected, rel=1e-9)
    assert corpus_bleu(["2023-03-07"], ["2023-03-07"]) == pytest.approx(100.0)


def test_brevity_penalty_applies_to_short_outputs():
    full = corpus_bleu(["abcdefgh"], ["abcdefgh"])
    short = corpus_bleu(["abcd"], ["abcdefgh"])  # every n-gram right, half the length
    assert full == pytest.approx(100.0) and short == pytest.approx(100 * math.exp(1 - 8 / 4))


def test_chrf_is_100_for_identical_and_lower_for_wrong():
    assert corpus_chrf(["hello"], ["hello"]) == pytest.approx(100.0)
    assert 0 < corpus_chrf(["hellp"], ["hello"]) < 100


def test_errors():
    with pytest.raises(ValueError, match="as many hypotheses as references, got 2 and 1"):
        exact_match(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="at least one pair"):
        corpus_bleu([], [])
    with pytest.raises(TypeError, match="hypotheses to be strings, got list"):
        corpus_chrf([["a"]], ["a"])
