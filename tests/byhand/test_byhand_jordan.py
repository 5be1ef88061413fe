"""The Jordan network by hand: the output is fed back; gradient checks (torch: test_byhand_autograd.py)."""
import numpy as np

from rnnlab.byhand import (
    example_inputs, gradcheck_layer, jordan_backward, jordan_forward, jordan_step_backward, jordan_step_forward,
    rnn_forward,
)

B, T, D, H, V = 2, 4, 3, 5, 4


def make_inputs(seed=0):
    """x (B, T, D), y0 (B, V), W_xh (H, D), W_yh (H, V), b_h (H,), W_hy (V, H), b_y (V,)."""
    return example_inputs("jordan", B, T, D, H, seed=seed)


def test_step_backward_matches_finite_differences():
    p = make_inputs(1)
    step = {"x": p["x"][:, 0], "y_prev": p["y0"], **{k: p[k] for k in list(p)[2:]}}

    def forward(*args):
        h, y, cache = jordan_step_forward(*args)
        return y, cache  # only y gets an upstream gradient

    errors = gradcheck_layer(forward, jordan_step_backward, step)
    assert max(errors.values()) < 1e-7, errors


def test_sequence_backward_matches_finite_differences():
    def forward(*args):
        hs, ys, cache = jordan_forward(*args)
        return ys, cache  # the loss sees the outputs ys

    errors = gradcheck_layer(forward, jordan_backward, make_inputs(2))
    assert set(errors) == {"x", "y0", "W_xh", "W_yh", "b_h", "W_hy", "b_y"}
    assert max(errors.values()) < 1e-7, errors


def test_the_output_not_the_hidden_state_is_fed_back():
    p = make_inputs(5)
    p["y0"] = None  # y_0 = 0
    hs, ys, _ = jordan_forward(*p.values())
    np.testing.assert_allclose(ys, hs @ p["W_hy"].T + p["b_y"], atol=1e-14)
    y_prev = np.concatenate([np.zeros((B, 1, V)), ys[:, :-1]], axis=1)  # y_{t-1}
    np.testing.assert_allclose(hs, np.tanh(p["x"] @ p["W_xh"].T + y_prev @ p["W_yh"].T + p["b_h"]), atol=1e-14)
    # an Elman RNN with the same input weights but h fed back computes something else
    elman_hs, _ = rnn_forward(p["x"], np.zeros((B, H)), p["W_xh"], np.zeros((H, H)) + 0.3, p["b_h"])
    assert np.abs(elman_hs - hs).max() > 1e-3
