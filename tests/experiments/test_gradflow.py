"""rnnlab.experiments.gradflow and rnnlab.plots.gradflow_plots: the numbers notebook 03 rests on."""
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from rnnlab.experiments import gradflow
from rnnlab.plots import gradflow_plots as gfplots


def _torch_jacobian_norms(W_hh, W_xh, b_h, x, nonlinearity):
    """||dh_T/dh_t||_2 for t = 0..T by torch autograd, re-running the recurrence from h_t."""
    act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "linear": lambda a: a}[nonlinearity]
    W_hh, W_xh, b_h, x = (torch.tensor(v) for v in (W_hh, W_xh, b_h, x))
    T, n = x.shape[0], W_hh.shape[0]
    hs = [torch.zeros(n, dtype=torch.float64)]
    for k in range(T):
        hs.append(act(W_hh @ hs[-1] + W_xh @ x[k] + b_h))

    def h_T_from(h, t):
        for k in range(t, T):
            h = act(W_hh @ h + W_xh @ x[k] + b_h)
        return h

    return np.array([
        np.linalg.norm(torch.autograd.functional.jacobian(lambda h: h_T_from(h, t), hs[t]).numpy(), 2)
        for t in range(T + 1)
    ])


@pytest.mark.parametrize("nonlinearity", gradflow.NONLINEARITIES)
def test_jacobian_norms_match_autograd(nonlinearity):
    rng = np.random.default_rng(1)
    n, D, T = 5, 3, 7
    W_hh = gradflow.recurrent_matrix(n, 1.3, "gaussian", seed=2)
    W_xh, b_h, x = rng.normal(size=(n, D)), rng.normal(size=n), rng.normal(size=(T, D))
    a, h = gradflow.rnn_forward(x, W_hh, W_xh, b_h, nonlinearity=nonlinearity)
    assert a.shape == h.shape == (T, n)
    ours = gradflow.jacobian_norms(W_hh, a, nonlinearity)
    assert ours.shape == (T + 1,) and ours[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(ours, _torch_jacobian_norms(W_hh, W_xh, b_h, x, nonlinearity), rtol=1e-10, atol=1e-14)


def test_measured_norms_never_exceed_the_bound():
    for scale, nonlinearity, init in itertools.product([0.3, 0.9, 1.0, 1.7, 3.0], gradflow.NONLINEARITIES, gradflow.INITS):
        flow = gradflow.measure_gradient_flow(scale, T=60, nonlinearity=nonlinearity, init=init, n=16)
        ok = np.isfinite(flow.norms)
        assert ok.sum() > 1
        assert np.all(flow.norms[ok] <= flow.bound[ok] * (1 + 1e-9) + 1e-300), (scale, nonlinearity, init)
        assert flow.below_bound


def test_gamma_and_condition_quantities():
    assert gradflow.GAMMA == {"tanh": 1.0, "relu": 1.0, "linear": 1.0, "sigmoid": 0.25}
    a = np.linspace(-20, 20, 4001)
    for f, gamma in gradflow.GAMMA.items():
        assert gradflow.activation_derivative(a, f).max() <= gamma + 1e-12
    W = np.array([[3.0, 1.0], [0.0, 2.0]])
    assert gradflow.spectral_radius(W) == pytest.approx(3.0)
    assert gradflow.largest_singular_value(W) == pytest.approx(np.linalg.svd(W, compute_uv=False)[0])
    bound = gradflow.pascanu_bound(W, "sigmoid", T=10)
    assert bound.shape == (11,) and bound[0] == pytest.approx((0.25 * gradflow.largest_singular_value(W)) ** 10)
    Q = gradflow.recurrent_matrix(8, 0.7, "orthogonal", seed=0)
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), 0.7, rtol=1e-12)
    np.testing.assert_array_equal(gradflow.recurrent_matrix(3, 2.0, "identity"), 2 * np.eye(3))


def test_nilpotent_matrix_has_radius_zero_but_exploding_gradients():
    flow = gradflow.nilpotent_example(T=12)
    W = np.array([[8.0, 8.0], [-8.0, -8.0]])
    assert np.all(W @ W == 0)
    assert flow.spectral_radius < 1e-6
    assert flow.sigma_max == pytest.approx(16.0)
    assert np.all(np.diff(flow.norms) < 0), "the norm should grow at every step back"
    assert flow.norms[0] > 1e9 and flow.verdict == "explodes" and flow.below_bound
    linear = gradflow.nilpotent_example(T=12, nonlinearity="linear")
    assert np.all(linear.norms[:-2] == 0)


def test_clip_by_norm():
    g = np.array([3.0, 4.0])
    clipped, norm = gradflow.clip_by_norm(g, 1.0)
    assert norm == 5.0 and np.allclose(clipped, [0.6, 0.8])
    same, _ = gradflow.clip_by_norm(g, 10.0)
    assert np.array_equal(same, g)
    bad, norm = gradflow.clip_by_norm(np.array([np.inf, 1.0]), 1.0)
    assert not np.isfinite(norm) and np.all(np.isnan(bad))


def test_scalar_rnn_gradient_matches_finite_differences():
    w, b, eps = 1.3, -0.1, 1e-6
    g = gradflow.scalar_rnn_gradient(w, b)
    fd = [(gradflow.scalar_rnn_loss(w + eps, b) - gradflow.scalar_rnn_loss(w - eps, b)) / (2 * eps),
          (gradflow.scalar_rnn_loss(w, b + eps) - gradflow.scalar_rnn_loss(w, b - eps)) / (2 * eps)]
    np.testing.assert_allclose(g, fd, rtol=1e-5)


def test_hidden_gradient_norms_vanish_with_length():
    from rnnlab.models.long_range import RecallClassifier
    from rnnlab.tasks.recall import recall_first

    torch.manual_seed(0)
    model = RecallClassifier(8, 16, 4, rnn_class=torch.nn.RNN)
    x, y = recall_first(32, 30, generator=torch.Generator().manual_seed(0))
    g = gradflow.hidden_gradient_norms(model.rnn, model.head, x, y, torch.nn.functional.cross_entropy)
    assert g.shape == (30,) and np.all(np.isfinite(g))
    assert g[0] < 1e-4 * g[-1]


def test_widget_callbacks_survive_every_extreme_corner():
    overflowed = 0
    for scale, T, f, init in itertools.product((0.0, 4.0), (1, 300), gradflow.NONLINEARITIES, gradflow.INITS):
        flow = gradflow.measure_gradient_flow(scale, T, f, init)
        fig = gfplots.gradient_flow_figure(flow)
        fig.canvas.draw()
        plt.close(fig)
        assert flow.norms.shape == (T + 1,)
        if flow.overflow_from is not None:
            overflowed += 1
            texts = [t.get_text() for t in fig.axes[0].texts]
            assert any("overflow" in t for t in texts), texts
    assert overflowed > 0, "some corner (ReLU/linear at scale 4, T = 300) should overflow float32"
    for threshold in (1e-2, 1.0, 1e4):
        fig, info = gfplots.clipping_figure(threshold)
        fig.canvas.draw()
        plt.close(fig)
        assert np.linalg.norm(info["clipped_step"]) <= gradflow.CLIFF_LR * threshold * (1 + 1e-12)
    gfplots.gradient_flow_widget(4.0, 300, "linear", "gaussian")  # the interact callbacks themselves
    gfplots.clipping_widget(1e-2)
    plt.close("all")


def test_vanishing_quiz_feedback(capsys):
    right = {k: v[0] < 1 for k, v in gradflow.VANISHING_QUIZ.items()}
    assert gradflow.check_vanishing_guarantees(right)
    wrong = dict(right, **{"tanh, [[8, 8], [-8, -8]]": True})
    assert not gradflow.check_vanishing_guarantees(wrong)
    assert "sigma_max = 16" in capsys.readouterr().out


@pytest.mark.parametrize("call, parts", [
    (lambda: gradflow.measure_gradient_flow(1.0, 10, "softplus"), ("nonlinearity", "'tanh'", "got 'softplus'")),
    (lambda: gradflow.measure_gradient_flow(1.0, 10, "tanh", "xavier"), ("init", "'gaussian'", "got 'xavier'")),
    (lambda: gradflow.measure_gradient_flow(1.0, 0), ("positive int", "got 0")),
    (lambda: gradflow.spectral_radius(np.ones((2, 3))), ("W:", "square", "(n, n)", "(2, 3)")),
    (lambda: gradflow.jacobian_norms(np.eye(3), np.ones((5, 4)), "tanh"), ("(T, n)", "n = 3", "got (5, 4)")),
    (lambda: gradflow.rnn_forward(np.ones((4, 2)), np.eye(3), np.ones((3, 5))),
     ("W_xh", "(n, D) = (3, 2)", "got (3, 5)")),
    (lambda: gradflow.clip_by_norm(np.ones(3), 0.0), ("positive finite threshold", "got 0.0")),
    (lambda: gradflow.recurrent_matrix(0), ("positive int", "got 0")),
])
def test_bad_input_names_expected_and_given(raises_naming, call, parts):
    with raises_naming(ValueError, *parts):
        call()
