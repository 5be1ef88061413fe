"""minGRU / minLSTM: the parallel log-space scan against the sequential loop, and their errors."""
import pytest
import torch

from rnnlab.nn.mingru import MinGRU, MinLSTM, g, log_g, scan_parallel_log, scan_sequential

MODELS = [MinGRU, MinLSTM]


def _model(cls, D=3, H=5, seed=0):
    torch.manual_seed(seed)
    return cls(D, H, dtype=torch.float64)


def test_g_is_positive_continuous_and_log_g_is_its_log():
    x = torch.linspace(-30, 30, 2001, dtype=torch.float64)
    assert (g(x) > 0).all()
    torch.testing.assert_close(log_g(x), torch.log(g(x)), rtol=1e-9, atol=0)  # log(sigmoid) loses digits far left
    zero = torch.zeros(1, dtype=torch.float64)
    torch.testing.assert_close(g(zero), torch.sigmoid(zero))  # both halves give 0.5 at 0
    assert torch.isfinite(log_g(torch.tensor([-1e4, 1e4], dtype=torch.float64))).all()


def test_scan_parallel_log_matches_scan_sequential_for_any_sign_of_h0():
    torch.manual_seed(0)
    a = torch.rand(2, 50, 4, dtype=torch.float64) * 0.9 + 0.05
    b = torch.rand(2, 50, 4, dtype=torch.float64) + 0.1
    h0 = torch.randn(2, 4, dtype=torch.float64)  # negative entries too
    torch.testing.assert_close(scan_parallel_log(a.log(), b.log(), h0), scan_sequential(a, b, h0),
                               rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(scan_parallel_log(a.log(), b.log()), scan_sequential(a, b, torch.zeros(2, 4,
                               dtype=torch.float64)), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize("with_h0", [False, True])
def test_parallel_equals_sequential_with_gradients(cls, with_h0):
    model = _model(cls)
    torch.manual_seed(1)
    x = torch.randn(4, 37, 3, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(4, 5, dtype=torch.float64, requires_grad=True) if with_h0 else None
    upstream = torch.randn(4, 37, 5, dtype=torch.float64)
    results = []
    for mode in ("parallel", "sequential"):
        h, h_T = model(x, h0, mode=mode)
        leaves = [x, *model.parameters()] + ([h0] if with_h0 else [])
        grads = torch.autograd.grad((h * upstream).sum() + h_T.sum(), leaves)
        results.append([h, h_T, *grads])
    for p, s in zip(*results):
        torch.testing.assert_close(p, s, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cls", MODELS)
def test_step_matches_forward(cls):
    model = _model(cls)
    x = torch.randn(2, 9, 3, dtype=torch.float64)
    h0 = torch.randn(2, 5, dtype=torch.float64)
    h_all, h_T = model(x, h0)
    h = h0
    for t in range(9):
        h = model.step(x[:, t], h)
        torch.testing.assert_close(h, h_all[:, t], rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(h, h_T)


@pytest.mark.parametrize("cls", MODELS)
def test_unbatched_input_gives_unbatched_output(cls):
    model = _model(cls)
    x = torch.randn(6, 3, dtype=torch.float64)
    h, h_T = model(x, torch.ones(5, dtype=torch.float64))
    assert h.shape == (6, 5) and h_T.shape == (5,)
    hb, _ = model(x[None], torch.ones(1, 5, dtype=torch.float64))
    torch.testing.assert_close(h, hb[0])


@pytest.mark.parametrize("cls", MODELS)
def test_long_sequence_is_stable(cls):
    """T = 4096: the cumulative log-decay reaches thousands; the scan must stay finite and exact."""
    model = _model(cls)
    torch.manual_seed(2)
    x = torch.randn(2, 4096, 3, dtype=torch.float64) * 3
    h0 = torch.randn(2, 5, dtype=torch.float64)
    h_par, _ = model(x, h0)
    h_seq, _ = model(x, h0, mode="sequential")
    assert torch.isfinite(h_par).all()
    torch.testing.assert_close(h_par, h_seq, rtol=1e-9, atol=1e-12)
    x32 = x.float().requires_grad_()
    model32 = cls(3, 5)
    model32.load_state_dict({k: v.float() for k, v in model.state_dict().items()})
    h32, _ = model32(x32, h0.float())
    h32.sum().backward()
    assert torch.isfinite(h32).all() and torch.isfinite(x32.grad).all()
    torch.testing.assert_close(h32.double(), h_seq, rtol=1e-2, atol=1e-4)  # float32: ~1e-4 relative


@pytest.mark.parametrize("cls", MODELS)
def test_saturated_gates_stay_finite(cls):
    model = _model(cls)
    with torch.no_grad():
        model.linear.weight.mul_(100)  # gates pinned at 0 or 1, candidates huge or tiny
    x = torch.randn(2, 300, 3, dtype=torch.float64)
    h_par, _ = model(x)
    assert torch.isfinite(h_par).all()
    torch.testing.assert_close(h_par, model(x, mode="sequential")[0], rtol=1e-8, atol=1e-10)


def test_parameter_counts_follow_the_paper():
    assert sum(p.numel() for p in MinGRU(3, 5).parameters()) == 2 * 5 * (3 + 1)
    assert sum(p.numel() for p in MinLSTM(3, 5).parameters()) == 3 * 5 * (3 + 1)


@pytest.mark.parametrize("bad, error, parts", [
    (dict(x=torch.randn(2, 4, 7)), ValueError, ("x:", "input_size D = 3", "got 7")),
    (dict(x=torch.randn(2, 4, 3, 1)), ValueError, ("x:", "(B, T, D)", "unbatched (T, D)", "(2, 4, 3, 1)")),
    (dict(x=torch.randint(0, 3, (2, 4, 3))), TypeError, ("x:", "floating-point", "got torch.int64")),
    (dict(x=torch.randn(2, 0, 3)), ValueError, ("x:", "T is 0", "(2, 0, 3)")),
    (dict(x=torch.randn(2, 4, 3), h0=torch.randn(3, 5)), ValueError, ("h0", "(2, 5)", "(B, H)", "got (3, 5)")),
    (dict(x=torch.randn(2, 4, 3), mode="fast"), ValueError, ("mode", "('parallel', 'sequential')", "got 'fast'")),
])
@pytest.mark.parametrize("cls", MODELS)
def test_bad_inputs_say_what_was_expected(cls, bad, error, parts, raises_naming):
    model = cls(3, 5)
    with raises_naming(error, *parts):
        model(**bad)


@pytest.mark.parametrize("cls", MODELS)
def test_bad_sizes_and_step_inputs(cls, raises_naming):
    with raises_naming(ValueError, "hidden_size", "int >= 1", "got 0"):
        cls(3, 0)
    model = cls(3, 5)
    with raises_naming(ValueError, "h:", "(2, 5)", "(B, H)", "got (5,)"):
        model.step(torch.randn(2, 3), torch.randn(5))
    with raises_naming(ValueError, "x_t", "input_size D = 3", "got 4"):
        model.step(torch.randn(2, 4), torch.randn(2, 5))
