"""Span F1 (seqeval) and invalid BIO sequences (rnnlab.training.span_metrics)."""
import pytest

from rnnlab.checks import ArgumentKindError
from rnnlab.training.span_metrics import count_invalid, invalid_transitions, span_prf


@pytest.mark.parametrize("tags, n", [
    (["O", "B-PER", "I-PER", "O"], 0), (["I-PER"], 1), (["O", "I-PER", "I-PER"], 1), (["B-LOC", "I-PER"], 1),
    (["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-DATE"], 2), ([], 0), (["B-PER", "B-PER", "I-PER"], 0),
])
def test_invalid_transitions(tags, n):
    assert invalid_transitions(tags) == n


def test_count_invalid_counts_sequences_not_transitions():
    assert count_invalid([["O", "I-PER", "O", "I-LOC"], ["B-LOC", "I-LOC"], ["I-ORG"]]) == 2


def test_span_prf_counts_whole_spans():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG"]]
    pred = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG"]]  # PER cut short: a wrong span
    out = span_prf(gold, pred)
    assert out == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3})
    assert span_prf(gold, gold)["f1"] == 1.0


@pytest.mark.parametrize("call, error, match", [
    (lambda: invalid_transitions("B-PER I-PER"), ArgumentKindError, r"expected a sequence of BIO tags"),
    (lambda: invalid_transitions([1, 2]), ArgumentKindError, r"tag names \(str\), got int 1 at position 0"),
    (lambda: invalid_transitions(["O", "PER"]), ValueError, r"got 'PER' at position 1"),
    (lambda: count_invalid(["O", "B-PER"]), ArgumentKindError, r"one sequence of str .* wrap it"),
    (lambda: count_invalid([]), ValueError, r"at least one tag sequence"),
    (lambda: span_prf([["O"]], [["O"], ["O"]]), ValueError, r"as many predicted sequences as gold ones, got 2 and 1"),
    (lambda: span_prf([["O", "O"]], [["O"]]), ValueError, r"sentence 0 has 2 gold tags and 1 predicted"),
    (lambda: span_prf([["O"]], [["X-PER"]]), ValueError, r"pred\[0\]: expected BIO tags .*'X-PER'"),
])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
