"""Notebook 01's computations and figures: random untrained RNNs and the first input's influence."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from rnnlab.experiments.unrolling import influence_curves
from rnnlab.plots.memory_plots import draw_memory
from rnnlab.plots.unrolled_plots import draw_unrolled
from rnnlab.experiments.unrolling import (elman_influence, elman_states, jordan_influence, jordan_states,
                              random_elman, random_jordan)


# torch.func.jvp loads decompositions through torch.jit.script, which torch itself deprecates
JVP_WARNING = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")


def _autograd_influence(states_fn, x):
    """||(ds_t/dx_1) u|| averaged over the batch, by torch's forward-mode JVP."""
    B, T, D = x.shape
    u = torch.zeros(B, T, D, dtype=torch.float64)
    u[:, 0, :] = 1 / np.sqrt(D)
    _, tangent = torch.func.jvp(states_fn, (torch.tensor(x),), (u,))
    return tangent.norm(dim=2).mean(dim=0).numpy()


@JVP_WARNING
def test_elman_influence_is_the_exact_jacobian_vector_product():
    x = np.random.default_rng(0).normal(size=(3, 12, 4))
    p = random_elman(4, 6, scale=1.3, seed=1)
    W_xh, W_hh = torch.tensor(p["W_xh"]), torch.tensor(p["W_hh"])

    def states(xt):
        h, out = torch.zeros(xt.shape[0], 6, dtype=torch.float64), []
        for t in range(xt.shape[1]):
            h = torch.tanh(xt[:, t] @ W_xh.T + h @ W_hh.T)
            out.append(h)
        return torch.stack(out, 1)

    assert np.allclose(states(torch.tensor(x)).numpy(), elman_states(x, p), atol=1e-14)
    np.testing.assert_allclose(elman_influence(x, p), _autograd_influence(states, x), rtol=1e-10)


@JVP_WARNING
def test_jordan_influence_is_the_exact_jacobian_vector_product():
    x = np.random.default_rng(0).normal(size=(3, 12, 4))
    p = random_jordan(4, 6, 3, scale=1.3, seed=1)
    W = {k: torch.tensor(v) for k, v in p.items()}

    def carried(xt):
        y, out = torch.zeros(xt.shape[0], 3, dtype=torch.float64), []
        for t in range(xt.shape[1]):
            h = torch.tanh(xt[:, t] @ W["W_xh"].T + y @ W["W_yh"].T + W["b_h"])
            y = h @ W["W_hy"].T + W["b_y"]
            out.append(y)
        return torch.stack(out, 1)

    assert np.allclose(carried(torch.tensor(x)).numpy(), jordan_states(x, p), atol=1e-14)
    np.testing.assert_allclose(jordan_influence(x, p), _autograd_influence(carried, x), rtol=1e-10)


def test_memory_grows_with_the_recurrent_scale():
    small, large = influence_curves(0.5, 40)["Elman"], influence_curves(1.5, 40)["Elman"]
    assert small[-1] < 1e-12 < 1e-3 < large[-1]
    assert np.all(np.diff(small) < 0)  # fades every step


def test_influence_rejects_bad_input(raises_naming):
    p = random_elman(4, 6)
    with raises_naming(ValueError, "x:", "3-D", "(B, T, D)", "(12, 4)"):
        elman_influence(np.zeros((12, 4)), p)
    with pytest.raises(ValueError, match="sequence length T is 0"):
        elman_influence(np.zeros((2, 0, 4)), p)
    with pytest.raises(TypeError, match="expected a floating-point dtype"):
        jordan_influence(np.zeros((2, 3, 4), dtype=int), random_jordan(4, 6, 3))


@pytest.mark.parametrize("scale,T", [(0.1, 5), (0.1, 100), (3.0, 5), (3.0, 100)])
def test_memory_widget_draws_at_every_slider_corner(scale, T):
    fig = draw_memory(scale, T)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2 and all(len(l.get_xdata()) == T for l in lines)
    assert all(np.all(np.isfinite(l.get_ydata())) for l in lines)
    plt.close(fig)


def test_unrolled_diagram_and_its_errors(raises_naming):
    ax = draw_unrolled("jordan", T=3)
    assert "Jordan" in ax.get_title()
    plt.close(ax.figure)
    with raises_naming(ValueError, "kind", "'elman'", "'jordan'", "got 'lstm'"):
        draw_unrolled("lstm")
    with pytest.raises(ValueError, match=r"\bT\b.*\[1, 12\].*got 20"):
        draw_unrolled("elman", T=20)
