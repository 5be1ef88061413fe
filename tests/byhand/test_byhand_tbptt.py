"""Truncated BPTT(k1, k2): full BPTT as a special case, exact gradients, and a limited reach."""
import math

import numpy as np
import pytest
import torch

from rnnlab.byhand import PARAM_NAMES, check_gradients, elman_lm_loss, init_elman_lm, rnn_forward, tbptt

B, T, D, H, V = 2, 7, 3, 5, 4


def make_problem(seed=0):
    """x (B, T, D), targets (B, T) in [0, V), h0 (B, H), params of an Elman RNN + softmax."""
    rng = np.random.default_rng(seed)
    params = init_elman_lm(D, H, V, seed=seed)
    params["W_hh"] *= 2.0  # a stronger recurrence, so gradients reach far back
    return rng.standard_normal((B, T, D)), rng.integers(0, V, size=(B, T)), rng.standard_normal((B, H)), params


def test_k1_equal_k2_equal_T_is_full_bptt():
    x, targets, h0, params = make_problem(1)
    (update,) = tbptt(x, targets, h0, params, k1=T, k2=T)
    loss, grads, hs = elman_lm_loss(x, targets, h0, params)
    assert update.loss == loss and update.steps == range(T) and update.reach == range(T)
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(update.grads[name], grads[name])
    np.testing.assert_array_equal(update.dx, grads["x"])
    np.testing.assert_array_equal(update.h, hs[:, -1])


def test_updates_partition_the_sequence_and_carry_the_state():
    x, targets, h0, params = make_problem(2)
    updates = list(tbptt(x, targets, h0, params, k1=3, k2=5))
    assert len(updates) == math.ceil(T / 3)
    assert [u.steps for u in updates] == [range(0, 3), range(3, 6), range(6, 7)]
    assert [u.reach for u in updates] == [range(0, 3), range(1, 6), range(4, 7)]  # the last one is short
    hs, _ = rnn_forward(x, h0, params["W_xh"], params["W_hh"], params["b_h"])
    for u in updates:  # the state carried forward is the true hidden state (params unchanged)
        np.testing.assert_allclose(u.h, hs[:, u.steps[-1]], atol=1e-14)
        assert u.dx.shape == (B, len(u.reach), D)


@pytest.mark.parametrize("k1, k2", [(2, 3), (3, 3), (1, 4)])
def test_each_update_is_the_exact_gradient_of_its_truncated_loss(k1, k2):
    """Finite differences of: the update's losses, run forward from the fixed (detached) state at `back`."""
    x, targets, h0, params = make_problem(3)
    hs, _ = rnn_forward(x, h0, params["W_xh"], params["W_hh"], params["b_h"])
    states = np.concatenate([h0[:, None], hs], axis=1)  # states[:, s] enters step s
    for u in tbptt(x, targets, h0, params, k1, k2):
        back, stop = u.reach.start, u.reach.stop
        counted = np.zeros((B, stop - back), dtype=bool)
        counted[:, u.steps.start - back :] = True
        window = x[:, back:stop].copy()

        def truncated_loss():
            return elman_lm_loss(window, targets[:, back:stop], states[:, back], params, counted)[0]

        errors = check_gradients(truncated_loss, {**params, "x": window}, {**u.grads, "x": u.dx})
        assert max(errors.values()) < 1e-7, (u.steps, errors)


def test_truncation_limits_how_far_back_the_gradient_reaches():
    """k1 = 1: update t holds only the loss at step t. Its gradient on x_s is exactly zero
    for s < t - k2 + 1 (outside `reach`), where full BPTT's is not; inside it is the same."""
    k2 = 3
    x, targets, h0, params = make_problem(4)
    for t, u in enumerate(tbptt(x, targets, h0, params, k1=1, k2=k2)):
        assert u.steps == range(t, t + 1) and u.reach == range(max(0, t - k2 + 1), t + 1)
        only_t = np.zeros((B, T), dtype=bool)
        only_t[:, t] = True
        _, full, _ = elman_lm_loss(x, targets, h0, params, counted=only_t)
        truncated_dx = np.zeros_like(x)
        truncated_dx[:, u.reach.start : u.reach.stop] = u.dx
        assert not truncated_dx[:, : max(0, t - k2 + 1)].any()  # exactly zero beyond the reach
        np.testing.assert_allclose(truncated_dx[:, u.reach.start :], full["x"][:, u.reach.start :], atol=1e-14)
        assert not full["x"][:, t + 1 :].any()  # the future never matters
        if t >= k2:  # full BPTT reaches further back, truncation measurably does not
            assert np.abs(full["x"][:, : t - k2 + 1]).min() > 1e-8
            assert np.abs(full["W_hh"] - u.grads["W_hh"]).max() > 1e-6


def test_k1_equal_k2_matches_torch_with_detach():
    """Chunked TBPTT as written in torch: h = h.detach() every k steps."""
    k = 3
    x, targets, h0, params = make_problem(5)
    rnn = torch.nn.RNN(D, H, batch_first=True, dtype=torch.float64)
    out = torch.nn.Linear(H, V, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(params["W_xh"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(params["W_hh"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(params["b_h"]))
        rnn.bias_hh_l0.zero_()
        out.weight.copy_(torch.from_numpy(params["W_hy"]))
        out.bias.copy_(torch.from_numpy(params["b_y"]))
    torch_params = {"W_xh": rnn.weight_ih_l0, "W_hh": rnn.weight_hh_l0, "b_h": rnn.bias_ih_l0,
                    "W_hy": out.weight, "b_y": out.bias}
    h = torch.from_numpy(h0)[None]
    for u, start in zip(tbptt(x, targets, h0, params, k1=k, k2=k), range(0, T, k), strict=True):
        rnn.zero_grad()
        out.zero_grad()
        hs, h = rnn(torch.from_numpy(x[:, start : start + k]), h.detach())  # no gradient into earlier chunks
        chunk_targets = torch.from_numpy(targets[:, start : start + k]).reshape(-1)
        loss = torch.nn.functional.cross_entropy(out(hs).reshape(-1, V), chunk_targets)
        loss.backward()
        assert abs(u.loss - loss.item()) < 1e-12
        for name, tensor in torch_params.items():
            np.testing.assert_allclose(u.grads[name], tensor.grad.numpy(), rtol=0, atol=1e-10)


def test_params_are_read_afresh_at_every_update():
    x, targets, h0, params = make_problem(6)
    updates = tbptt(x, targets, h0, params, k1=2, k2=2)
    next(updates)
    params["W_hy"][:] = 0.0  # as a training loop's in-place step would
    params["b_y"][:] = 0.0
    assert next(updates).loss == pytest.approx(np.log(V), abs=1e-14)  # uniform predictions now


def test_training_with_tbptt_learns_a_pattern_that_needs_memory():
    """Predict the next symbol of 0 0 1 1 2 2 3 3 0 0 ...: after a 0 comes 0 or 1, 50/50 for a
    model without memory (loss >= log 2 on those steps); with one step of memory, always right."""
    seq = np.repeat(np.arange(V), 2)[np.arange(64) % (2 * V)]
    x, targets = np.eye(V)[seq][None], np.roll(seq, -1)[None]
    params = init_elman_lm(V, 8, V, seed=0)
    for epoch in range(40):
        losses = []
        for u in tbptt(x, targets, np.zeros((1, 8)), params, k1=4, k2=8):
            for name, grad in u.grads.items():
                params[name] -= 0.5 * grad
            losses.append(u.loss)
    assert np.mean(losses) < 0.1 * np.log(2)


@pytest.mark.parametrize(
    "k1, k2, error, parts",
    [
        (3, 2, ValueError, ("k2", "k2 >= k1", "k1 = 3", "got k2 = 2")),
        (0, 2, ValueError, ("k1", "positive", "got 0")),
        (2.0, 2, TypeError, ("k1", "positive integer", "got 2.0")),
    ],
)
def test_bad_k_is_rejected(k1, k2, error, parts, raises_naming):
    x, targets, h0, params = make_problem(7)
    with raises_naming(error, *parts):
        tbptt(x, targets, h0, params, k1, k2)  # raises at the call, before any update


def test_bad_sequences_are_rejected(raises_naming):
    x, targets, h0, params = make_problem(8)
    with raises_naming(ValueError, "targets", "(2, 7)", "(B, T)", "got (2, 6)"):
        tbptt(x, targets[:, 1:], h0, params, 2, 2)
    with raises_naming(ValueError, "x:", "T is 0", "(2, 0, 3)"):
        tbptt(x[:, :0], targets[:, :0], h0, params, 2, 2)
