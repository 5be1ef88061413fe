"""Second derivatives, forward-mode AD and torch.func through the fused LSTM, against torch.nn.LSTM.

The fused loop (rnnlab/nn/lstm_scan.py) has a hand-written first-order backward. These tests
check that every other way of differentiating it gives torch.nn.LSTM's numbers (float64, same
weights): a gradient penalty, hvp, gradgradcheck, a third derivative, forward-mode AD, and the
torch.func transforms; on padded and packed input, bidirectional and 2 layers.
"""
import pytest
import torch
from torch.autograd import forward_ad
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from rnnlab.nn import LSTM, LSTMCell
from rnnlab.nn.cell import RecurrentCell
from rnnlab.nn.lstm_scan import LSTMScan, lstm_scan

TOL = 1e-10
T, B, D, H = 4, 3, 2, 3
LENGTHS = torch.tensor([4, 2, 1])  # packed input: sorted longest first, two sequences end early

# (num_layers, bidirectional, packed)
CONFIGS = {
    "1 layer": (1, False, False),
    "2 layers": (2, False, False),
    "bidirectional": (1, True, False),
    "packed": (1, False, True),
    "packed, bidirectional, 2 layers": (2, True, True),
}


def pair(num_layers, bidirectional, seed=0):
    """torch.nn.LSTM and rnnlab's fused copy of it (float64, the same weights)."""
    torch.manual_seed(seed)
    ref = torch.nn.LSTM(D, H, num_layers, bidirectional=bidirectional, dtype=torch.float64)
    ours = LSTM.from_torch(ref)
    assert all(cell.fused for cell in ours.cells)  # the default: the path under test
    return ours, ref


def output(module, x, packed, state=None):
    """The output rows (N, dirs*H) and final h, c of ``module`` on x (T, B, D), padded or packed
    (the lengths LENGTHS)."""
    inp = pack_padded_sequence(x, LENGTHS) if packed else x
    out, (h, c) = module(inp, state)
    return (out.data if isinstance(out, PackedSequence) else out), h, c


def scalar(module, x, packed, state=None):
    """A loss that uses every output, non-linear in them so that its Hessian is not trivial."""
    y, h, c = output(module, x, packed, state)
    return y.pow(3).sum() + (h * c).sum()


def matching_params(ours, ref):
    """Pairs (ours, torch's) of the same parameter. from_torch copies every weight exactly and
    random weights are distinct, so we pair them by value: independent of how rnnlab names them."""
    pairs = []
    for p in ref.parameters():
        matches = [q for q in ours.parameters() if q.shape == p.shape and torch.equal(q, p)]
        assert len(matches) == 1, "from_torch should copy each torch parameter exactly once"
        pairs.append((matches[0], p))
    assert len(pairs) == len(list(ours.parameters()))
    return pairs


def inputs(num_layers, bidirectional, seed=1):
    """x (T, B, D) and h0, c0 (layers * directions, B, H), float64."""
    torch.manual_seed(seed)
    L = num_layers * (2 if bidirectional else 1)
    return (torch.randn(T, B, D, dtype=torch.float64), torch.randn(L, B, H, dtype=torch.float64),
            torch.randn(L, B, H, dtype=torch.float64))


# -- reverse over reverse ----------------------------------------------------------------------
@pytest.mark.parametrize("num_layers, bidirectional, packed", CONFIGS.values(), ids=CONFIGS.keys())
def test_gradient_penalty_matches_torch(num_layers, bidirectional, packed):
    """grad(loss, x, create_graph=True), then backward of |grad|^2: every leaf's gradient as torch's."""
    ours, ref = pair(num_layers, bidirectional)
    x0, h00, c00 = inputs(num_layers, bidirectional)
    results = []
    for module in (ours, ref):
        x, h0, c0 = (t.clone().requires_grad_() for t in (x0, h00, c00))
        gx, gh = torch.autograd.grad(scalar(module, x, packed, (h0, c0)), (x, h0), create_graph=True)
        penalty = gx.square().sum() + gh.square().sum()
        penalty.backward()
        results.append((gx, x.grad, h0.grad, c0.grad))
    for a, b in zip(*results):
        torch.testing.assert_close(a, b, rtol=0, atol=TOL)
    assert results[1][1].abs().max() > 1e-3  # a second derivative that is not zero to compare
    for q, p in matching_params(ours, ref):
        assert p.grad is not None and p.grad.abs().max() > 0
        torch.testing.assert_close(q.grad, p.grad, rtol=0, atol=TOL)


@pytest.mark.parametrize("num_layers, bidirectional, packed", CONFIGS.values(), ids=CONFIGS.keys())
def test_hvp_matches_torch(num_layers, bidirectional, packed):
    """torch.autograd.functional.hvp (its grad_outputs need no grad: once silently zero)."""
    ours, ref = pair(num_layers, bidirectional)
    x, _, _ = inputs(num_layers, bidirectional)
    v = torch.randn_like(x)
    ours_hv = torch.autograd.functional.hvp(lambda z: scalar(ours, z, packed), x, v)[1]
    ref_hv = torch.autograd.functional.hvp(lambda z: scalar(ref, z, packed), x, v)[1]
    assert ref_hv.abs().max() > 1e-3
    torch.testing.assert_close(ours_hv, ref_hv, rtol=0, atol=TOL)


@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_of_autograd_functional_matches_torch(vectorize):
    """vectorize=True runs the backward under the (older) vmap behind is_grads_batched."""
    ours, ref = pair(1, True)
    x = inputs(1, True)[0][:2, :2]  # (2, 2, D): a small Hessian
    hessians = [torch.autograd.functional.hessian(lambda z, m=m: scalar(m, z, False), x, vectorize=vectorize)
                for m in (ours, ref)]
    torch.testing.assert_close(*hessians, rtol=0, atol=TOL)


def test_third_derivative_matches_torch():
    ours, ref = pair(2, True)
    x0 = inputs(2, True)[0]
    v = torch.randn_like(x0)
    results = []
    for module in (ours, ref):
        x = x0.clone().requires_grad_()
        (g,) = torch.autograd.grad(scalar(module, x, True), x, create_graph=True)
        (hv,) = torch.autograd.grad((g * v).sum(), x, create_graph=True)
        (third,) = torch.autograd.grad(hv.square().sum(), x)
        results.append(third)
    torch.testing.assert_close(*results, rtol=0, atol=TOL)


@pytest.mark.parametrize("num_layers, bidirectional, packed", CONFIGS.values(), ids=CONFIGS.keys())
def test_layer_passes_gradgradcheck(num_layers, bidirectional, packed):
    ours, _ = pair(num_layers, bidirectional)
    x, h0, c0 = inputs(num_layers, bidirectional)
    leaves = [t.clone().requires_grad_() for t in (x[:3, :2], h0[:, :2], c0[:, :2])]  # (3, 2, D), (L, 2, H) x2
    lengths = torch.tensor([3, 1])

    def f(x, h0, c0):
        out, (h, c) = ours(pack_padded_sequence(x, lengths) if packed else x, (h0, c0))
        return (out.data if packed else out), h, c

    assert torch.autograd.gradgradcheck(f, leaves)


def test_scan_passes_gradgradcheck_in_every_mode():
    """lstm_scan itself, weight_hh included; reverse over reverse, forward over reverse, and
    the batched (vmapped) backward that gradcheck also tries."""
    torch.manual_seed(0)
    args = [torch.randn(*s, dtype=torch.float64, requires_grad=True) for s in [(7, 12), (3, 3), (3, 3), (12, 3)]]
    f = lambda *a: lstm_scan(*a, [3, 2, 2])  # noqa: E731
    assert torch.autograd.gradcheck(f, args, check_forward_ad=True, check_batched_grad=True,
                                    check_batched_forward_grad=True)
    assert torch.autograd.gradgradcheck(f, args, check_fwd_over_rev=True, check_batched_grad=True)


def test_plain_training_keeps_the_fast_backward(monkeypatch):
    """A first-order backward never recomputes (that is the speed); only create_graph=True does."""
    calls = []
    slow = LSTMScan.backward_under_autograd
    monkeypatch.setattr(LSTMScan, "backward_under_autograd",
                        staticmethod(lambda *a: calls.append(1) or slow(*a)))
    ours, _ = pair(2, True)
    x = inputs(2, True)[0].requires_grad_()
    scalar(ours, x, True).backward()
    assert calls == []
    (g,) = torch.autograd.grad(scalar(ours, x, True), x, create_graph=True)
    assert len(calls) == 4  # one per (layer, direction)
    assert g.requires_grad


def test_first_derivatives_unchanged_against_torch():
    ours, ref = pair(2, True)
    x0 = inputs(2, True)[0]
    grads = []
    for module in (ours, ref):
        x = x0.clone().requires_grad_()
        scalar(module, x, True).backward()
        grads.append(x.grad)
    torch.testing.assert_close(*grads, rtol=0, atol=TOL)
    for q, p in matching_params(ours, ref):
        torch.testing.assert_close(q.grad, p.grad, rtol=0, atol=TOL)


# -- forward mode and torch.func ---------------------------------------------------------------
@pytest.mark.parametrize("packed", [False, True], ids=["padded", "packed"])
def test_forward_mode_ad_matches_torch(packed):
    ours, ref = pair(2, True)
    x = inputs(2, True)[0]
    v = torch.randn_like(x)
    tangents = []
    for module in (ours, ref):
        with forward_ad.dual_level():
            if packed:  # pack first (pack_padded_sequence has no forward AD), then the tangent
                p, pv = pack_padded_sequence(x, LENGTHS), pack_padded_sequence(v, LENGTHS)
                inp = PackedSequence(forward_ad.make_dual(p.data, pv.data), p.batch_sizes)
            else:
                inp = forward_ad.make_dual(x, v)
            out, (h, c) = module(inp)
            outs = (out.data if packed else out, h, c)
            tangents.append([forward_ad.unpack_dual(o).tangent for o in outs])
    for a, b in zip(*tangents):
        assert b is not None and b.abs().max() > 1e-3
        torch.testing.assert_close(a, b, rtol=0, atol=TOL)


def test_forward_mode_ad_in_the_weights_matches_torch():
    """A tangent on weight_hh only: the fused loop must not drop it."""
    ours, ref = pair(1, False)
    x = inputs(1, False)[0]
    q, p = next((q, p) for q, p in matching_params(ours, ref) if p is ref.weight_hh_l0)
    v = torch.randn_like(p)
    tangents = []
    for module, param in ((ours, q), (ref, p)):
        with forward_ad.dual_level():
            dual = forward_ad.make_dual(param.detach(), v)
            names = [n for n, t in module.named_parameters() if t is param]
            y = torch.func.functional_call(module, {names[0]: dual}, (x,))[0]
            tangents.append(forward_ad.unpack_dual(y).tangent)
    assert tangents[1].abs().max() > 1e-3
    torch.testing.assert_close(*tangents, rtol=0, atol=TOL)


def per_sample(transform):
    """torch.nn.LSTM itself fails under vmap: its reference is a loop over the samples."""
    return lambda f, xs: torch.stack([transform(f, x) for x in xs])


SUM_OF_SQUARES_GRAD = lambda f, x: torch.func.grad(lambda z: f(z).pow(2).sum())(x)  # noqa: E731
# name: (transform, how to get torch.nn.LSTM's answer; None: the same transform)
TRANSFORMS = {
    "grad": (lambda f, x: torch.func.grad(lambda z: f(z).sum())(x), None),
    "jvp": (lambda f, x: torch.func.jvp(f, (x,), (torch.ones_like(x),))[1], None),
    "vjp": (lambda f, x: torch.func.vjp(f, x)[1](torch.ones_like(f(x)))[0], None),
    "jacrev": (lambda f, x: torch.func.jacrev(f)(x), None),
    "jacfwd": (lambda f, x: torch.func.jacfwd(f)(x), None),
    "hessian": (lambda f, x: torch.func.hessian(lambda z: f(z).pow(3).sum())(x), None),
    "vmap": (lambda f, x: torch.func.vmap(f)(torch.stack([x, 2 * x])),
             lambda f, x: per_sample(lambda f, z: f(z))(f, torch.stack([x, 2 * x]))),
    "vmap of grad (per-sample gradients)": (
        lambda f, x: torch.func.vmap(lambda z: SUM_OF_SQUARES_GRAD(f, z))(torch.stack([x, -x])),
        lambda f, x: per_sample(SUM_OF_SQUARES_GRAD)(f, torch.stack([x, -x]))),
}


@pytest.mark.parametrize("transform, reference", TRANSFORMS.values(), ids=TRANSFORMS.keys())
def test_torch_func_transforms_match_torch(transform, reference):
    ours, ref = pair(1, True)
    x = inputs(1, True)[0][:3, :2]  # (3, 2, D) small: jacobians and hessians stay tiny
    got = transform(lambda z: ours(z)[0], x)
    want = (reference or transform)(lambda z: ref(z)[0], x)
    assert want.abs().max() > 1e-3
    torch.testing.assert_close(got, want, rtol=0, atol=TOL)


# -- a student's own step -----------------------------------------------------------------------
def test_a_subclass_with_its_own_step_runs_it_not_the_fused_loop():
    """The fused loop hard-codes the LSTM's equations: a rewritten step must not be skipped."""

    class ForgetfulLSTMCell(LSTMCell):
        def step(self, xp_t, state):
            h, c = super().step(xp_t, state)
            return h, 0.5 * c

    torch.manual_seed(0)
    cell = ForgetfulLSTMCell(D, H, dtype=torch.float64)
    assert cell.fused
    xp = torch.randn(6, 4 * H, dtype=torch.float64)
    h0 = c0 = torch.zeros(2, H, dtype=torch.float64)
    y, _ = cell.scan(xp, (h0, c0), [2, 2, 2])
    y_ref, _ = RecurrentCell.scan(cell, xp, (h0, c0), [2, 2, 2])
    torch.testing.assert_close(y, y_ref, rtol=0, atol=0)
    y_fused = lstm_scan(xp, h0, c0, cell.weight_hh, [2, 2, 2])[0]
    assert not torch.allclose(y, y_fused)  # the subclass's step does change the answer
