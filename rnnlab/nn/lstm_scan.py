"""An LSTM layer's time loop with a hand-written backward (CS231n style), for speed.

Under plain autograd every one of the ~10 tensor ops of a step records a graph node, and
the backward pays for each node and computes dW_hh one step at a time. Here the forward
runs without a graph and saves what the backward needs; the backward walks the steps in
reverse with the LSTM derivatives written out, and forms dW_hh in one matmul at the end.
On a 2-core CPU this cuts forward+backward by about 20-35% against the same loop
under autograd, to within about 2x of torch's oneDNN kernels (benchmarks/lstm_speed.py).
``LSTMCell.step`` is the reference it is tested against (tests/nn/test_nn_lstm_scan.py).

Layout as ``RecurrentCell.scan``: rows are time-major packed, batch_sizes[t] sequences
(the first ones; sorted longest first) run at step t.

    xp (N, 4H)  W_ih x_t + b_ih + b_hh for every step   h0, c0 (B, H)   weight_hh (4H, H)
    returns y (N, H) = every h_t, and the final h, c (B, H) of each sequence.

Why there are two more paths. A hand-written backward gives first derivatives only: its
in-place arithmetic records no graph, so a second derivative through it would silently be
zero. So, to stay interchangeable with ``torch.nn.LSTM``:

  * double backward (a gradient penalty, ``hvp``, ``gradgradcheck``: any backward run with
    ``create_graph=True``): the backward notices that grad mode is on, runs the step loop
    again under autograd from the saved inputs, and differentiates that, so the gradient it
    returns has a graph of its own. Slower, but only when asked for; plain training keeps
    the fast backward. The price: the forward also keeps xp, (N, 4H), alive for it.
  * forward-mode AD (``torch.autograd.forward_ad``) and torch.func transforms (``grad``,
    ``vmap``, ``jvp``, ``jacrev``, ``hessian``, ...): ``lstm_scan`` sees them coming and runs
    ``scan_under_autograd`` instead of the fused loop; every transform knows its plain ops.
"""
from __future__ import annotations

import torch
from torch.autograd import forward_ad

from rnnlab.checks import check_float, check_int, check_rank, check_same_dtype, check_shape, check_tensor


def lstm_step(xp_t, h, c, weight_hh):
    """One step in plain torch ops, as ``LSTMCell.step``: xp_t (n, 4H), h, c (n, H) -> h_t, c_t."""
    i, f, g, o = torch.addmm(xp_t, h, weight_hh.t()).chunk(4, 1)  # pre-activations, (n, H) each
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def scan_under_autograd(xp, h0, c0, weight_hh, batch_sizes):
    """The loop ``LSTMScan`` fuses, in plain ops that autograd and torch.func differentiate
    to any order: ``RecurrentCell.scan`` with ``lstm_step``, the same layout, shapes, results."""
    h, c, ys, ended = h0, c0, [], []
    for xp_t, n in zip(xp.split(batch_sizes), batch_sizes):
        if n < h.shape[0]:  # the last rows' sequences are over: keep their state
            ended.append((h[n:], c[n:]))
            h, c = h[:n], c[:n]
        h, c = lstm_step(xp_t, h, c, weight_hh)
        ys.append(h)
    ended.append((h, c))
    h_n, c_n = (torch.cat(parts[::-1]) for parts in zip(*ended))
    return torch.cat(ys), h_n, c_n


def _needs_plain_ops(*tensors) -> bool:
    """Is a torch.func transform running, is a tensor batched by a vmap (also the older one
    behind ``is_grads_batched`` and gradcheck's batched check), or does it carry a
    forward-mode tangent? Then the fused loop cannot serve: its in-place and ``out=`` ops
    have no jvp or vmap rule. (torch has no public test for the first two.)"""
    functorch = torch._C._functorch
    return torch._C._are_functorch_transforms_active() or any(
        functorch.is_functorch_wrapped_tensor(t) or functorch.is_legacy_batchedtensor(t)
        or forward_ad.unpack_dual(t).tangent is not None for t in tensors)


class LSTMScan(torch.autograd.Function):
    @staticmethod
    def forward(ctx, xp, h0, c0, weight_hh, batch_sizes):
        H = h0.shape[1]
        w_t = weight_hh.t().contiguous()  # (H, 4H); addmm is faster with it contiguous
        acts = xp.clone()  # (N, 4H): i, f, g, o after their nonlinearities (one copy, not one per step)
        c, tanh_c, y = (xp.new_empty(xp.shape[0], H) for _ in range(3))  # (N, H) each: c_t, tanh c_t, h_t
        steps = list(zip(*(buf.split(batch_sizes) for buf in (acts, c, tanh_c, y))))
        h_n, c_n = h0.clone(), c0.clone()  # (B, H)
        h_prev, c_prev = [], []  # per step, (n, H) views: the states the step starts from
        h_t, c_t = h0, c0
        for gates, c_t_new, tanh_c_t, y_t in steps:
            n = gates.shape[0]
            if n < h_t.shape[0]:  # sequences n.. ended at the previous step
                h_n[n:h_t.shape[0]], c_n[n:h_t.shape[0]] = h_t[n:], c_t[n:]
            h_prev.append(h_t[:n]), c_prev.append(c_t[:n])
            gates.addmm_(h_t[:n], w_t)  # (n, 4H) pre-activations: xp_t + h_{t-1} W_hh^T, in place
            gates[:, :2 * H].sigmoid_()  # i, f
            gates[:, 2 * H:3 * H].tanh_()  # g
            gates[:, 3 * H:].sigmoid_()  # o
            i, f, g, o = gates.chunk(4, 1)
            torch.mul(f, c_t[:n], out=c_t_new).addcmul_(i, g)  # c_t = f * c_{t-1} + i * g
            torch.tanh(c_t_new, out=tanh_c_t)
            torch.mul(o, tanh_c_t, out=y_t)  # h_t = o * tanh(c_t)
            h_t, c_t = y_t, c_t_new
        h_n[:h_t.shape[0]], c_n[:h_t.shape[0]] = h_t, c_t
        # the inputs themselves too (no copy): a double backward recomputes from them
        ctx.save_for_backward(acts, torch.cat(h_prev), torch.cat(c_prev), tanh_c, xp, h0, c0, weight_hh)
        ctx.batch_sizes = batch_sizes
        return y, h_n, c_n

    @staticmethod
    def backward(ctx, dy, dh_n, dc_n):
        # Grad mode is on here only under create_graph=True: the caller wants the gradient
        # to be differentiable again, which the in-place loop below cannot give.
        if torch.is_grad_enabled() or _needs_plain_ops(dy, dh_n, dc_n):
            return LSTMScan.backward_under_autograd(ctx, dy, dh_n, dc_n)
        acts, h_prev, c_prev, tanh_c, *_, weight_hh = ctx.saved_tensors
        H = tanh_c.shape[1]
        i, f, g, o = acts.chunk(4, 1)  # each (N, H)
        # d(gate pre-activation) = [dc, dc, dc, dh] * factor: the chain rule through
        # c_t = f c_{t-1} + i g and h_t = o tanh(c_t), times each nonlinearity's slope
        # read off its output (sigma' = s (1 - s), tanh' = 1 - t^2); for all steps at once.
        factor = torch.cat([g, c_prev, i, tanh_c], 1)  # (N, 4H)
        factor.mul_(torch.addcmul(acts, acts, acts, value=-1))  # * s - s^2 (in place: N is large)
        torch.addcmul(i, i * g, g, value=-1, out=factor[:, 2 * H:3 * H])  # g: i (1 - g^2)
        o_dtanh = torch.addcmul(o, o * tanh_c, tanh_c, value=-1)  # (N, H): d h_t / d c_t
        d_gates = torch.empty_like(acts)  # (N, 4H): dL/d(pre-activations)
        dh, dc = dh_n.clone(), dc_n.clone()  # (B, H): gradient reaching each state
        bufs = (dy, o_dtanh, f, factor, d_gates)
        for dy_t, o_dtanh_t, f_t, factor_t, d_gates_t in reversed(list(zip(*(b.split(ctx.batch_sizes) for b in bufs)))):
            n = dy_t.shape[0]
            dh_t = dh[:n] + dy_t  # h_t feeds the output y_t and the next step
            dc_t = torch.addcmul(dc[:n], dh_t, o_dtanh_t)
            d_ifg = d_gates_t.view(n, 4, H)[:, :3]  # (n, 3, H) view: d/d i, f, g all scale dc_t
            torch.mul(factor_t.view(n, 4, H)[:, :3], dc_t[:, None, :], out=d_ifg)
            torch.mul(factor_t[:, 3 * H:], dh_t, out=d_gates_t[:, 3 * H:])  # d/d o scales dh_t
            torch.mul(dc_t, f_t, out=dc[:n])
            torch.mm(d_gates_t, weight_hh, out=dh[:n])
        d_weight_hh = d_gates.t() @ h_prev  # (4H, H) = sum_t d_gates_t^T h_{t-1}, one matmul
        return d_gates, dh, dc, d_weight_hh, None

    @staticmethod
    def backward_under_autograd(ctx, dy, dh_n, dc_n):
        """The same gradients as ``backward``, as a differentiable function of the inputs and
        of dy, dh_n, dc_n: run the loop again under autograd from the saved inputs (which
        carry their own graphs) and let autograd differentiate it."""
        inputs = ctx.saved_tensors[4:]  # xp, h0, c0, weight_hh
        wanted = [k for k in range(4) if ctx.needs_input_grad[k]]  # the rest are constants here
        create_graph = torch.is_grad_enabled()  # False when only a vmap over this backward sent us
        with torch.enable_grad():
            outputs = scan_under_autograd(*inputs, ctx.batch_sizes)
            grads = torch.autograd.grad(outputs, [inputs[k] for k in wanted], (dy, dh_n, dc_n),
                                        create_graph=create_graph, allow_unused=True)
        result = [None] * 5
        for k, grad in zip(wanted, grads):
            result[k] = grad
        return tuple(result)


def lstm_scan(xp, h0, c0, weight_hh, batch_sizes):
    """Run the LSTM recurrence over packed rows; see the module docstring for shapes.

    Under a torch.func transform or with forward-mode tangents this runs
    ``scan_under_autograd`` (same results, plain autograd speed) instead of the fused loop.
    """
    batch_sizes = _check_scan_inputs(xp, h0, c0, weight_hh, batch_sizes)
    if _needs_plain_ops(xp, h0, c0, weight_hh):
        return scan_under_autograd(xp, h0, c0, weight_hh, batch_sizes)
    return LSTMScan.apply(xp, h0, c0, weight_hh, batch_sizes)


def _check_scan_inputs(xp, h0, c0, weight_hh, batch_sizes) -> list[int]:
    """Check tensors, dtypes, shapes and batch_sizes before the loop; return batch_sizes as ints."""
    tensors = {"xp": (xp, "(N, 4H)"), "h0": (h0, "(B, H)"), "c0": (c0, "(B, H)"), "weight_hh": (weight_hh, "(4H, H)")}
    for name, (t, layout) in tensors.items():
        check_tensor(name, t, layout)
        check_float(name, t)
        check_rank(name, t, 2, layout)
    for name in ("xp", "h0", "c0"):  # float64 state into float32 weights: refused, as torch does
        check_same_dtype(name, tensors[name][0], weight_hh.dtype, f"convert it with {name}.to({weight_hh.dtype})")
    if isinstance(batch_sizes, torch.Tensor) or hasattr(batch_sizes, "__array__"):  # PackedSequence's, NumPy's
        batch_sizes = batch_sizes.tolist()
    if not isinstance(batch_sizes, (list, tuple)):
        raise TypeError(f"batch_sizes: expected a list of ints (or PackedSequence.batch_sizes), got {batch_sizes!r}")
    least = 1 if h0.shape[0] else 0  # a batch of no sequences (B = 0, as torch accepts) runs no row at any step
    sizes = [check_int(f"batch_sizes[{t}]", n, minimum=least) for t, n in enumerate(batch_sizes)]
    if not sizes or any(a < b for a, b in zip(sizes, sizes[1:])):
        raise ValueError(f"batch_sizes: expected a non-empty, non-increasing list of positive ints "
                         f"(sequences sorted longest first, as PackedSequence.batch_sizes), got {sizes}")
    H = weight_hh.shape[1]
    check_shape("weight_hh", weight_hh, (4 * H, H), "(4H, H): the gates i, f, g, o stacked")
    check_shape("xp", xp, (sum(sizes), 4 * H), f"(N = sum(batch_sizes), 4H) for batch_sizes {sizes}")
    for name in ("h0", "c0"):
        check_shape(name, tensors[name][0], (sizes[0], H), "(B = batch_sizes[0], H)")
    return sizes
