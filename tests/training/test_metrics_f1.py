import numpy as np
import pytest
import torch

from rnnlab.training.metrics import accuracy, confusion_matrix, macro_f1, per_class_prf


def test_f1_against_hand_computation():
    gold = [0, 0, 0, 1, 1, 2]
    pred = [0, 0, 1, 1, 2, 2]
    # class 0: TP 2, FP 0, FN 1 -> P 1, R 2/3, F1 0.8
    # class 1: TP 1, FP 1, FN 1 -> P 1/2, R 1/2, F1 1/2
    # class 2: TP 1, FP 1, FN 0 -> P 1/2, R 1, F1 2/3
    r = per_class_prf(gold, pred, 3)
    np.testing.assert_allclose(r["precision"], [1, 0.5, 0.5])
    np.testing.assert_allclose(r["recall"], [2 / 3, 0.5, 1])
    np.testing.assert_allclose(r["f1"], [0.8, 0.5, 2 / 3])
    assert r["support"].tolist() == [3, 2, 1]
    assert macro_f1(gold, pred, 3) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert accuracy(torch.tensor(gold), torch.tensor(pred)) == pytest.approx(4 / 6)
    assert confusion_matrix(gold, pred, 3).tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_absent_class_scores_zero_not_nan():
    r = per_class_prf([0, 0], [0, 0], 2)
    assert r["f1"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize("gold, pred, n, message", [
    ([0, 1], [0], 2, "same number"),
    (np.zeros(0, dtype=int), np.zeros(0, dtype=int), 2, "at least one"),
    ([0, 3], [0, 1], 2, "label sets"),
    ([0.5, 1.0], [0, 1], 2, "integer"),
])
def test_bad_input(gold, pred, n, message):
    with pytest.raises(ValueError, match=message):
        per_class_prf(np.asarray(gold), np.asarray(pred), n)
