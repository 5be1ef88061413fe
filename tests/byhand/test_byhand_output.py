"""The output layer and softmax cross-entropy by hand: gradient checks, torch agreement, errors."""
import numpy as np
import pytest
import torch

from rnnlab.byhand import (
    check_gradients, gradcheck_layer, softmax_cross_entropy, temporal_affine_backward, temporal_affine_forward,
)

B, T, H, V = 2, 4, 5, 6


@pytest.mark.parametrize("shape", [(B, T, H), (B * T, H)])
def test_affine_backward_matches_finite_differences(shape):
    rng = np.random.default_rng(0)
    inputs = {"hs": rng.standard_normal(shape), "W_hy": rng.standard_normal((V, H)), "b_y": rng.standard_normal(V)}
    errors = gradcheck_layer(temporal_affine_forward, temporal_affine_backward, inputs)
    assert max(errors.values()) < 1e-7, errors


def test_affine_matches_torch_linear():
    rng = np.random.default_rng(1)
    hs, W_hy, b_y = rng.standard_normal((B, T, H)), rng.standard_normal((V, H)), rng.standard_normal(V)
    linear = torch.nn.Linear(H, V, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(W_hy))
        linear.bias.copy_(torch.from_numpy(b_y))
    hs_t = torch.from_numpy(hs).requires_grad_()
    dys = rng.standard_normal((B, T, V))
    ys_t = linear(hs_t)
    (ys_t * torch.from_numpy(dys)).sum().backward()
    ys, cache = temporal_affine_forward(hs, W_hy, b_y)
    dhs, dW_hy, db_y = temporal_affine_backward(dys, cache)
    np.testing.assert_allclose(ys, ys_t.detach().numpy(), rtol=0, atol=1e-12)
    for ours, theirs in [(dhs, hs_t.grad), (dW_hy, linear.weight.grad), (db_y, linear.bias.grad)]:
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=1e-10)


def make_scores(seed=0, shape=(B, T, V)):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) * 2, rng.integers(0, shape[-1], size=shape[:-1])


@pytest.mark.parametrize("shape", [(B, T, V), (B * T, V)])
@pytest.mark.parametrize("masked", [False, True])
def test_cross_entropy_gradient_matches_finite_differences(shape, masked):
    logits, targets = make_scores(2, shape)
    counted = (np.arange(targets.size).reshape(targets.shape) % 3 != 0) if masked else None
    loss, dlogits = softmax_cross_entropy(logits, targets, counted)
    f = lambda: softmax_cross_entropy(logits, targets, counted)[0]  # noqa: E731
    errors = check_gradients(f, {"logits": logits}, {"logits": dlogits})
    assert errors["logits"] < 1e-7, errors
    if masked:  # positions that do not count get no gradient
        assert not dlogits[~counted].any()


@pytest.mark.parametrize("masked", [False, True])
def test_cross_entropy_matches_torch(masked):
    logits, targets = make_scores(3)
    counted = np.random.default_rng(4).random((B, T)) < 0.6 if masked else np.ones((B, T), dtype=bool)
    logits_t = torch.from_numpy(logits).requires_grad_()
    per_position = torch.nn.functional.cross_entropy(
        logits_t.reshape(-1, V), torch.from_numpy(targets).reshape(-1), reduction="none"
    )
    weights = torch.from_numpy(counted.reshape(-1).astype(np.float64))
    loss_t = (per_position * weights).sum() / weights.sum()
    loss_t.backward()
    loss, dlogits = softmax_cross_entropy(logits, targets, counted if masked else None)
    assert abs(loss - loss_t.item()) < 1e-12
    np.testing.assert_allclose(dlogits, logits_t.grad.numpy(), rtol=0, atol=1e-12)


def test_cross_entropy_is_stable_for_huge_scores():
    logits, targets = make_scores(5)
    loss, dlogits = softmax_cross_entropy(logits, targets)
    with np.errstate(over="raise", invalid="raise"):
        big_loss, big_dlogits = softmax_cross_entropy(logits + 1e4, targets)  # softmax ignores shifts
        huge_loss, _ = softmax_cross_entropy(logits * 1e3, targets)
    assert abs(big_loss - loss) < 1e-9 and np.allclose(big_dlogits, dlogits, atol=1e-12)
    assert np.isfinite(huge_loss) and huge_loss > 100


def test_cross_entropy_of_uniform_scores_is_log_v():
    loss, _ = softmax_cross_entropy(np.zeros((B, T, V)), np.zeros((B, T), dtype=int))
    assert loss == pytest.approx(np.log(V), abs=1e-14)


@pytest.mark.parametrize(
    "targets, counted, error, parts",
    [
        (np.full((B, T), V), None, ValueError, ("targets", "class indices", f"[0, {V - 1}]", f"got {V}")),
        (np.full((B, T), -1), None, ValueError, ("targets", "class indices", "[0, 5]", "got -1")),
        (np.zeros((B, T), dtype=float), None, TypeError, ("targets", "integer", "float64")),
        (np.zeros((B, T + 1), dtype=int), None, ValueError, ("targets", "(2, 4)", "got (2, 5)")),
        (np.zeros((B, T), dtype=int), np.ones((B, T + 1)), ValueError, ("counted", "(2, 4)", "got (2, 5)")),
        (np.zeros((B, T), dtype=int), np.zeros((B, T)), ValueError, ("counted", "at least one", "none of 8")),
    ],
)
def test_cross_entropy_rejects_bad_targets_and_masks(targets, counted, error, parts, raises_naming):
    with raises_naming(error, *parts):
        softmax_cross_entropy(np.zeros((B, T, V)), targets, counted)


def test_cross_entropy_rejects_integer_or_flat_logits(raises_naming):
    with raises_naming(TypeError, "logits", "floating-point", "got int64"):
        softmax_cross_entropy(np.zeros((B, T, V), dtype=np.int64), np.zeros((B, T), dtype=int))
    with raises_naming(ValueError, "logits", "2-D or 3-D", "(B, T, V)", "(N, V)", "(6,)"):
        softmax_cross_entropy(np.zeros(V), np.zeros((), dtype=int))


def test_affine_rejects_a_wrong_hidden_size(raises_naming):
    with raises_naming(ValueError, "hs", "hidden size H", "W_hy", "= 5", "dim -1", "got 4"):
        temporal_affine_forward(np.zeros((B, T, 4)), np.zeros((V, H)), np.zeros(V))
    with raises_naming(ValueError, "b_y", "(6,)", "(V,)", "got (5,)"):
        temporal_affine_forward(np.zeros((B, T, H)), np.zeros((V, H)), np.zeros(H))
