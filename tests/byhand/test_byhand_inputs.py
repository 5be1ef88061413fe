"""Bad input to the sequence functions: each error names what was expected and what came."""
import numpy as np
import pytest

from rnnlab.byhand import (
    example_inputs, gru_backward, gru_forward, jordan_forward, lstm_backward, lstm_forward, rnn_backward,
    rnn_forward,
)

B, T, D, H, V = 2, 4, 3, 5, 6


def elman(x=None, h0=None, W_xh=None, nonlinearity="tanh"):
    """Call rnn_forward with good arguments, except those given."""
    x = np.zeros((B, T, D)) if x is None else x
    h0 = np.zeros((B, H)) if h0 is None else h0
    W_xh = np.zeros((H, D)) if W_xh is None else W_xh
    return rnn_forward(x, h0, W_xh, np.zeros((H, H)), np.zeros(H), nonlinearity)


def gated(forward, gates, x=None, h0=None, W_hh=None, bias=None):
    """Call lstm_forward (gates=4: one bias b_h) or gru_forward (gates=3: b_xh, b_hh) with good
    arguments, except those given; ``bias`` replaces the last bias (b_h or b_hh)."""
    x = np.zeros((B, T, D)) if x is None else x
    states = [np.zeros((B, H)) if h0 is None else h0] + [np.zeros((B, H))] * (gates == 4)  # c0
    W_hh = np.zeros((gates * H, H)) if W_hh is None else W_hh
    biases = [np.zeros(gates * H)] * (gates == 3) + [np.zeros(gates * H) if bias is None else bias]
    return forward(x, *states, np.zeros((gates * H, D)), W_hh, *biases)


@pytest.mark.parametrize(
    "kwargs, error, parts",
    [
        ({"x": np.zeros((T, D))}, ValueError, ("x:", "3-D", "(B, T, D)", "(4, 3)", "(2-D)")),
        ({"x": np.zeros((B, T, D + 1))}, ValueError, ("x:", "input size D", "W_xh", "= 3", "dim 2", "got 4")),
        ({"h0": np.zeros((B + 1, H))}, ValueError, ("h0", "(2, 5)", "(B, H)", "B = 2 from x", "got (3, 5)")),
        ({"h0": np.zeros(H)}, ValueError, ("h0", "(2, 5)", "got (5,)")),
        ({"x": np.zeros((B, T, D), dtype=np.int64)}, TypeError, ("x:", "floating-point", "got int64")),
        ({"x": np.zeros((B, 0, D))}, ValueError, ("x:", "T is 0", "(2, 0, 3)")),
        ({"W_xh": np.zeros((H + 1, D))}, ValueError, ("W_xh", "(5, 3)", "(H, D)", "H = 5", "D = 3", "got (6, 3)")),
        ({"nonlinearity": "sigmoid"}, ValueError, ("nonlinearity", "'tanh'", "'relu'", "got 'sigmoid'")),
    ],
)
def test_elman_rejects_bad_input(kwargs, error, parts, raises_naming):
    with raises_naming(error, *parts):
        elman(**kwargs)


@pytest.mark.parametrize("forward, gates, name, bias", [(lstm_forward, 4, "4*H", "b_h"), (gru_forward, 3, "3*H", "b_hh")])
def test_gated_cells_reject_bad_input(forward, gates, name, bias, raises_naming):
    with raises_naming(ValueError, "x:", "input size D", "W_xh", "= 3", "dim 2", "got 2"):
        gated(forward, gates, x=np.zeros((B, T, 2)))
    with raises_naming(ValueError, "W_hh", f"({gates * H}, 5)", f"({name}, H)", "H = 5", "got (5, 5)"):
        gated(forward, gates, W_hh=np.zeros((H, H)))
    with raises_naming(ValueError, bias, f"({gates * H},)", f"({name},)", "got (5,)"):
        gated(forward, gates, bias=np.zeros(H))
    with raises_naming(ValueError, "h0", "(2, 5)", "got (2, 4)"):
        gated(forward, gates, h0=np.zeros((B, H - 1)))
    with raises_naming(ValueError, "x:", "T is 0", "(2, 0, 3)"):
        gated(forward, gates, x=np.zeros((B, 0, D)))
    with raises_naming(TypeError, "x:", "floating-point", "got int32"):
        gated(forward, gates, x=np.zeros((B, T, D), dtype=np.int32))


def test_lstm_checks_c0_too(raises_naming):
    with raises_naming(ValueError, "c0", "(2, 5)", "got (2, 6)"):
        lstm_forward(np.zeros((B, T, D)), np.zeros((B, H)), np.zeros((B, H + 1)),
                     np.zeros((4 * H, D)), np.zeros((4 * H, H)), np.zeros(4 * H))


@pytest.mark.parametrize("backward, cache", [
    (rnn_backward, lambda: elman()[1]),
    (gru_backward, lambda: gated(gru_forward, 3)[1]),
    (lstm_backward, lambda: gated(lstm_forward, 4)[2]),
])
def test_backward_rejects_an_upstream_gradient_of_the_wrong_shape(backward, cache, raises_naming):
    with raises_naming(ValueError, "dhs", "(2, 4, 5)", "(B, T, H)", "shape of hs", "got (2, 3, 5)"):
        backward(np.zeros((B, T - 1, H)), cache())


def test_jordan_rejects_bad_input(raises_naming):
    good = dict(x=np.zeros((B, T, D)), y0=None, W_xh=np.zeros((H, D)), W_yh=np.zeros((H, V)), b_h=np.zeros(H),
                W_hy=np.zeros((V, H)), b_y=np.zeros(V))
    with raises_naming(ValueError, "W_yh", "(5, 6)", "(H, V)", "got (5, 5)"):
        jordan_forward(**{**good, "W_yh": np.zeros((H, H))})
    with raises_naming(ValueError, "y0", "(2, 6)", "(B, V)", "got (2, 5)"):
        jordan_forward(**{**good, "y0": np.zeros((B, H))})
    with raises_naming(ValueError, "x:", "T is 0", "(2, 0, 3)"):
        jordan_forward(**{**good, "x": np.zeros((B, 0, D))})


def test_example_inputs_fit_their_cells(raises_naming):
    hs, _ = rnn_forward(*example_inputs("elman").values())
    assert hs.shape == (2, 4, 5)
    hs, cs, _ = lstm_forward(*example_inputs("lstm", B=3, T=2, D=4, H=6).values())
    assert hs.shape == cs.shape == (3, 2, 6)
    hs, _ = gru_forward(*example_inputs("gru").values())
    assert hs.shape == (2, 4, 5)
    hs, ys, _ = jordan_forward(*example_inputs("jordan", V=7).values())
    assert ys.shape == (2, 4, 7)
    with raises_naming(ValueError, "cell", "'elman'", "'lstm'", "'gru'", "'jordan'", "got 'rnn'"):
        example_inputs("rnn")
