"""rnnlab.nn.ctc_loss: CTC by hand equals torch's F.ctc_loss (value and gradient, float64) and the sum
over every alignment enumerated by brute force; collapse and the Viterbi alignment."""
import itertools
import math

import pytest
import torch
import torch.nn.functional as F

from rnnlab.nn.ctc_loss import best_alignment, collapse, ctc_alpha, ctc_loss


def _case(T, B, C, S, seed, repeats=False):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(T, B, C, dtype=torch.float64, generator=g, requires_grad=True)
    targets = torch.randint(1, C, (B, S), generator=g)
    if repeats:
        targets[:, 1] = targets[:, 0]                     # a repeat: needs a blank between its copies
    input_lengths = torch.randint(max(1, T // 2), T + 1, (B,), generator=g)
    input_lengths[0] = T
    target_lengths = torch.randint(0, S + 1, (B,), generator=g)
    target_lengths[0] = S
    return logits, targets, input_lengths, target_lengths


CASES = [(5, 3, 3, 2, 0, False), (8, 4, 5, 4, 1, True), (12, 2, 4, 5, 2, True), (20, 5, 7, 6, 3, False),
         (3, 2, 2, 3, 4, False), (6, 3, 3, 3, 5, True)]


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("T, B, C, S, seed, repeats", CASES)
def test_value_and_gradient_equal_torch(T, B, C, S, seed, repeats, reduction, zero_infinity):
    logits, targets, il, tl = _case(T, B, C, S, seed, repeats)
    ours = ctc_loss(logits.log_softmax(2), targets, il, tl, reduction=reduction, zero_infinity=zero_infinity)
    theirs = F.ctc_loss(logits.log_softmax(2), targets, il, tl, reduction=reduction, zero_infinity=zero_infinity)
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-10)
    if zero_infinity or bool(torch.isfinite(theirs).all()):
        # torch's kernel returns the gradient of the logits under a log_softmax: compare through one
        g_ours, = torch.autograd.grad(ours.sum(), logits)
        g_theirs, = torch.autograd.grad(theirs.sum(), logits)
        torch.testing.assert_close(g_ours, g_theirs, rtol=1e-8, atol=1e-10)


def test_impossible_alignments_give_inf_and_zero_infinity_gives_zero_loss_and_gradient():
    logits = torch.randn(3, 2, 4, dtype=torch.float64, requires_grad=True)
    targets = torch.tensor([[2, 2, 3], [1, 2, 0]])        # 2 2 3 needs 4 frames (a blank between the 2s)
    il, tl = torch.tensor([3, 3]), torch.tensor([3, 2])
    loss = ctc_loss(logits.log_softmax(2), targets, il, tl, reduction="none")
    assert math.isinf(loss[0].item()) and math.isfinite(loss[1].item())
    torch.testing.assert_close(loss, F.ctc_loss(logits.log_softmax(2), targets, il, tl, reduction="none"))
    zeroed = ctc_loss(logits.log_softmax(2), targets, il, tl, reduction="none", zero_infinity=True)
    assert zeroed[0] == 0
    grad, = torch.autograd.grad(zeroed.sum(), logits)
    assert torch.isfinite(grad).all() and (grad[:, 0] == 0).all() and (grad[:, 1] != 0).any()


def test_concatenated_targets_equal_padded_ones():
    logits, targets, il, tl = _case(9, 3, 5, 4, 7, True)
    flat = torch.cat([targets[b, :n] for b, n in enumerate(tl.tolist())])
    lp = logits.log_softmax(2)
    torch.testing.assert_close(ctc_loss(lp, flat, il, tl, reduction="none"), ctc_loss(lp, targets, il, tl, reduction="none"))
    torch.testing.assert_close(ctc_loss(lp, flat, il, tl), F.ctc_loss(lp, flat, il, tl))


def _brute_force(log_probs, target, blank=0):
    """log of the sum over all C^T alignments that collapse to target, and the best one."""
    T, C = log_probs.shape
    total, best = [], (-math.inf, None)
    for path in itertools.product(range(C), repeat=T):
        if collapse(list(path), blank) == list(target):
            score = float(sum(log_probs[t, c] for t, c in enumerate(path)))
            total.append(score)
            best = max(best, (score, list(path)))
    return (torch.logsumexp(torch.tensor(total, dtype=torch.float64), 0).item() if total else -math.inf), best


@pytest.mark.parametrize("T, C, target, blank", [(1, 2, [1], 0), (4, 3, [1, 2], 0), (5, 3, [1, 1], 0),
                                                 (6, 3, [2, 1, 2], 0), (6, 3, [1, 1, 1], 0), (6, 2, [], 0),
                                                 (5, 3, [0, 1], 2), (3, 3, [1, 1, 2], 0)])
def test_equals_brute_force_enumeration_of_alignments(T, C, target, blank):
    lp = torch.randn(T, C, dtype=torch.float64, generator=torch.Generator().manual_seed(T * 10 + C)).log_softmax(1)
    exact, (best_score, best_path) = _brute_force(lp, target, blank)
    _, log_p = ctc_alpha(lp[:, None], torch.tensor([target or [blank ^ 1]]), [T], [len(target)], blank)
    if exact == -math.inf:                              # [1, 1, 2] in 3 frames: no alignment
        assert log_p.item() == -math.inf
        return
    assert log_p.item() == pytest.approx(exact, abs=1e-10)
    if target:
        path, score = best_alignment(lp, target, blank)
        assert score == pytest.approx(best_score, abs=1e-12) and collapse(path, blank) == target
        assert score == pytest.approx(float(sum(lp[t, c] for t, c in enumerate(path))), abs=1e-12)


def test_gradient_with_respect_to_log_probs_is_the_true_derivative():
    lp = torch.randn(5, 2, 4, dtype=torch.float64, requires_grad=True)
    targets, il, tl = torch.tensor([[1, 2], [3, 3]]), torch.tensor([5, 4]), torch.tensor([2, 2])
    assert torch.autograd.gradcheck(lambda x: ctc_loss(x, targets, il, tl, reduction="sum"), (lp,))


@pytest.mark.parametrize("ids, blank, expected", [([1, 1, 0, 1, 2, 2], 0, [1, 1, 2]), ([0, 0, 0], 0, []),
                                                  ([3, 3, 3], 0, [3]), ([2, 0, 2, 1], 2, [0, 1]), ([], 0, []),
                                                  (torch.tensor([1, 0, 0, 1]), 0, [1, 1])])
def test_collapse_merges_repeats_then_drops_blanks(ids, blank, expected):
    assert collapse(ids, blank) == expected


LP, TG, IL, TL = torch.zeros(4, 2, 3).log_softmax(2), torch.tensor([[1, 2], [2, 0]]), torch.tensor([4, 3]), torch.tensor([2, 1])


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(log_probs=LP.numpy()), TypeError, r"log_probs: expected a torch tensor"),
    (dict(log_probs=LP.long()), TypeError, r"floating-point"),
    (dict(log_probs=LP[:, 0]), ValueError, r"\(T, B, C\), got a 2-D.*log_probs\[:, None\]"),
    (dict(targets=torch.tensor([[1, 3], [2, 0]])), ValueError, r"label 3 at position \(0, 1\).*C = 3"),
    (dict(targets=torch.tensor([[1, 0], [2, 0]])), ValueError, r"label 0 at position \(0, 1\).*other than the blank 0"),
    (dict(targets=TG.float()), TypeError, r"targets: expected integer.*float"),
    (dict(targets=TG[:1]), ValueError, r"targets: expected B = 2 rows"),
    (dict(targets=torch.tensor([1, 2])), ValueError, r"sum\(target_lengths\) = 3 ids, got 2"),
    (dict(input_lengths=torch.tensor([5, 3])), ValueError, r"input_lengths: expected every length in 1..T = 4.*5 at position 0"),
    (dict(input_lengths=torch.tensor([4])), ValueError, r"input_lengths: expected one length per sequence, shape \(2,\)"),
    (dict(input_lengths=torch.tensor([4.0, 3.0])), TypeError, r"input_lengths: expected integer lengths"),
    (dict(target_lengths=torch.tensor([3, 1])), ValueError, r"every length <= S = 2"),
    (dict(blank=3), ValueError, r"blank: expected an int in 0..2"),
    (dict(reduction="avg"), ValueError, r"reduction: expected one of \('mean', 'sum', 'none'\), got 'avg'"),
    (dict(zero_infinity="yes"), TypeError, r"zero_infinity: expected True or False"),
])
def test_bad_inputs_are_named(kwargs, error, match):
    args = dict(log_probs=LP, targets=TG, input_lengths=IL, target_lengths=TL) | kwargs
    with pytest.raises(error, match=match):
        ctc_loss(**args)


@pytest.mark.parametrize("args, error, match", [
    ((torch.zeros(3, 3), [1, 1, 1]), ValueError, r"T >= S \+ repeats = 5"),
    ((torch.zeros(3, 3), [1, 0]), ValueError, r"blank 0 is not a label.*position 1"),
    ((torch.zeros(3, 3), [1, 5]), ValueError, r"ids in \[0, 2\], got 5 at position 1"),
    ((torch.zeros(2, 3, 3), [1]), ValueError, r"\(T, C\) of one sequence"),
    ((torch.zeros(3, 3), [[1]]), ValueError, r"one labelling, a 1-D"),
])
def test_best_alignment_bad_inputs(args, error, match):
    with pytest.raises(error, match=match):
        best_alignment(*args)


def test_collapse_bad_inputs():
    with pytest.raises(ValueError, match=r"one alignment, a 1-D sequence"):
        collapse([[1, 2], [0, 1]])
    with pytest.raises(TypeError, match=r"floats are not ids"):
        collapse([0.5, 1.0])
