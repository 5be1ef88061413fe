"""rnnlab.training.error_rates: edit distance, corpus unit error rate, word error rate (jiwer)."""
import jiwer
import numpy as np
import pytest
import torch

from rnnlab.training.error_rates import edit_distance, unit_error_rate, word_error_rate


@pytest.mark.parametrize("ref, hyp, expected", [
    ([], [], 0), ([1, 2, 3], [1, 2, 3], 0), ([1, 2, 3], [], 3), ([], [4, 5], 2), ([1, 2, 3], [1, 3], 1),
    ([1, 2, 3], [1, 4, 3], 1), ([1, 2], [2, 1], 2), ([5, 1, 2, 3], [1, 2, 3, 5], 2),
    (np.array([7, 8, 9]), torch.tensor([7, 9, 9, 8]), 2),
])
def test_edit_distance(ref, hyp, expected):
    assert edit_distance(ref, hyp) == expected
    assert edit_distance(hyp, ref) == expected          # symmetric


def test_unit_error_rate_is_total_edits_over_total_reference_length():
    refs, hyps = [[1, 2, 3, 4], [5, 6]], [[1, 2, 4], [5, 6, 7, 7]]
    assert unit_error_rate(refs, hyps) == pytest.approx((1 + 2) / 6)
    assert unit_error_rate([[1]], [[2, 3, 4]]) == 3.0     # insertions can take it above 1


def test_word_error_rate_equals_jiwer_and_counts_empty_hypotheses_as_deletions():
    refs, hyps = ["pa tosa ti", "kus sefo", "ika"], ["pa tos ti", "kus sefo sefo", "ika"]
    assert word_error_rate(refs, hyps) == pytest.approx(jiwer.wer(refs, hyps)) == pytest.approx(2 / 6)
    assert word_error_rate(refs, ["pa tosa ti", "", "ika"]) == pytest.approx(2 / 6)
    assert word_error_rate(["pa ti"], [""]) == 1.0


@pytest.mark.parametrize("fn, args, error, match", [
    (unit_error_rate, ([[1, 2]], [[1], [2]]), ValueError, r"one hypothesis per reference, got 1 references and 2"),
    (unit_error_rate, ([], []), ValueError, r"at least one reference"),
    (unit_error_rate, ([[]], [[1]]), ValueError, r"every reference is empty"),
    (unit_error_rate, ("pa", "pa"), TypeError, r"refs: expected a list with one sequence of ids per utterance, got str"),
    (unit_error_rate, ([[1.5]], [[1]]), TypeError, r"floats are not ids"),
    (word_error_rate, (["pa"], [[1, 2]]), TypeError, r"hyps\[0\]: expected a string of words.*speech.decode"),
    (word_error_rate, (["  "], ["pa"]), ValueError, r"refs\[0\]: expected at least one word"),
    (word_error_rate, ("pa ti", "pa ti"), TypeError, r"refs: expected a list with one string"),
    (edit_distance, ([[1, 2]], [1]), ValueError, r"ref: expected one 1-D sequence.*unit_error_rate"),
    (edit_distance, ("abc", [1]), TypeError, r"ref: expected integer ids"),
])
def test_bad_inputs_are_named(fn, args, error, match):
    with pytest.raises(error, match=match):
        fn(*args)
