"""The speed ladder: one recurrent layer, forward + backward, implemented ever faster.

Each rung runs the same job — a layer over x (B, T, D) with H hidden units, then the
gradient of sum(h) with respect to the input and every weight — and each removes a cost
the rung below pays:

    numpy loop        rnnlab.byhand.lstm: NumPy, one step at a time, backward written out
    torch loop        rnnlab.nn.LSTMCell called once per step, under autograd (~10 graph nodes a step)
    hoisted + fused   rnnlab.nn.LSTM: W_ih x_t for all t in one matmul, four gates in one addmm,
                      a hand-written backward for the time loop (rnnlab/nn/lstm_scan.py)
    torch.nn.LSTM     the whole loop in C++: oneDNN on the CPU, cuDNN on a GPU
    minGRU loop       rnnlab.nn.MinGRU(mode="sequential"): gates from x_t only, but still a loop
    minGRU scan       the same minGRU by the log-space parallel scan: no Python loop over time
    torch.nn.GRU      torch's GRU: cuDNN on a GPU (the target's reference), a C++ loop of ATen ops on a CPU

The LSTM rungs compute the same function (weights copied from one ``torch.nn.LSTM``); the
minGRU rungs compute another, cheaper model (2H(D+1) parameters against the LSTM's 4H(D+H+2)).
"""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from rnnlab.byhand.lstm import lstm_backward, lstm_forward
from rnnlab.checks import check_int
from rnnlab.nn import LSTM, LSTMCell
from rnnlab.nn.mingru import MinGRU

RUNGS = {
    "numpy loop": "NumPy, one step at a time, backward written out (rnnlab.byhand.lstm)",
    "torch loop": "rnnlab.nn.LSTMCell once per step, under autograd",
    "hoisted + fused": "rnnlab.nn.LSTM: input projection hoisted, gates fused, hand-written backward",
    "torch.nn.LSTM": "torch's own LSTM (oneDNN on CPU, cuDNN on GPU)",
    "minGRU loop": "rnnlab.nn.MinGRU, sequential mode (a Python loop over t)",
    "minGRU scan": "rnnlab.nn.MinGRU, parallel mode (log-space scan, no loop)",
    "torch.nn.GRU": "torch's own GRU (cuDNN on GPU; on CPU a C++ loop of ATen ops)",
}
LADDER = ("numpy loop", "torch loop", "hoisted + fused", "torch.nn.LSTM", "minGRU scan")


def _clear(tensors) -> None:
    for t in tensors:
        t.grad = None


def _torch_rung(module, x, run, autocast_dtype):
    """fn() running module on x and backpropagating sum(h); grads are cleared after each call."""
    leaves = [x, *module.parameters()]
    ctx = (lambda: torch.autocast(x.device.type, dtype=autocast_dtype)) if autocast_dtype else contextlib.nullcontext

    def fn():
        with ctx():
            h = run(module, x)
        h.float().sum().backward()
        _clear(leaves)

    return fn


def _plain_loop(cell: LSTMCell, x: torch.Tensor) -> torch.Tensor:
    """x (B, T, D) -> every h_t (B, T, H), calling the cell once per step."""
    h = c = x.new_zeros(x.shape[0], cell.hidden_size)
    hs = []
    for x_t in x.unbind(1):  # (B, D) each; unbind has one backward node for all steps
        h, c = cell(x_t, (h, c))
        hs.append(h)
    return torch.stack(hs, 1)


def make_rung(name: str, B: int, T: int, D: int, H: int, device="cpu", dtype=torch.float32,
              autocast_dtype=None, seed: int = 0):
    """A callable that runs rung ``name`` (a key of ``RUNGS``) forward + backward once.

    Sizes: x (B, T, D), hidden H. ``device``: where the torch rungs run (the NumPy rung always
    runs on the CPU). ``autocast_dtype`` (e.g. torch.bfloat16): run the torch rungs' forward
    under ``torch.autocast`` (automatic mixed precision); None: plain ``dtype``.
    """
    if name not in RUNGS:
        raise ValueError(f"make_rung: expected one of {list(RUNGS)}, got {name!r}")
    B, T, D, H = (check_int(what, value, 1, fn="make_rung") for what, value in (("B", B), ("T", T), ("D", D), ("H", H)))
    device = torch.device(device)
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    ref = torch.nn.LSTM(D, H, batch_first=True)  # every LSTM rung gets these weights
    x_cpu = torch.randn(B, T, D, generator=gen)
    if name == "numpy loop":
        npd = np.float32 if dtype == torch.float32 else np.float64
        W_xh, W_hh, b_h = (p.detach().numpy().astype(npd) for p in
                           (ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0 + ref.bias_hh_l0))
        x_np, zeros = x_cpu.numpy().astype(npd), np.zeros((B, H), dtype=npd)
        ones = np.ones((B, T, H), dtype=npd)

        def numpy_fn():
            hs, _, cache = lstm_forward(x_np, zeros, zeros, W_xh, W_hh, b_h)
            lstm_backward(ones, cache)

        return numpy_fn
    x = x_cpu.to(device=device, dtype=dtype).requires_grad_()
    kw = dict(device=device, dtype=dtype)
    if name == "torch loop":
        cell = LSTMCell(D, H, **kw)
        with torch.no_grad():
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(cell, p).copy_(getattr(ref, p + "_l0"))
        return _torch_rung(cell, x, _plain_loop, autocast_dtype)
    if name == "hoisted + fused":
        return _torch_rung(LSTM.from_torch(ref.to(**kw)), x, lambda m, x: m(x)[0], autocast_dtype)
    if name == "torch.nn.LSTM":
        return _torch_rung(ref.to(**kw), x, lambda m, x: m(x)[0], autocast_dtype)
    if name == "torch.nn.GRU":
        return _torch_rung(torch.nn.GRU(D, H, batch_first=True, **kw), x, lambda m, x: m(x)[0], autocast_dtype)
    mode = "sequential" if name == "minGRU loop" else "parallel"
    return _torch_rung(MinGRU(D, H, **kw), x, lambda m, x: m(x, mode=mode)[0], autocast_dtype)


def ladder_contenders(names, B: int, T: int, D: int, H: int, **kwargs) -> dict:
    """name -> fn() for each rung in ``names``, all at the same sizes (see :func:`make_rung`)."""
    return {name: make_rung(name, B, T, D, H, **kwargs) for name in names}
