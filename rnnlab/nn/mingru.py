"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs all we needed?"), sequential or by a parallel scan.

Take the GRU and the LSTM and drop the previous state from every gate: the gates then depend
on x_t alone, and the recurrence that is left is *linear* in h,

    minGRU   z_t  = sigma(W_z x_t + b_z)                 update gate            (B, H)
             h~_t = g(W_h x_t + b_h)                      candidate, > 0         (B, H)
             h_t  = (1 - z_t) * h_{t-1} + z_t * h~_t

    minLSTM  f_t = sigma(W_f x_t + b_f),  i_t = sigma(W_i x_t + b_i),  h~_t = g(W_h x_t + b_h)
             f'_t = f_t / (f_t + i_t),    i'_t = i_t / (f_t + i_t)       (the paper's normalisation)
             h_t  = f'_t * h_{t-1} + i'_t * h~_t

Both are h_t = a_t * h_{t-1} + b_t with a_t, b_t computed for every t at once (one matmul, no
loop). A linear recurrence unrolls into sums, which a *scan* computes in O(log T) parallel steps:

    h_t = A_t h_0 + A_t * sum_{k<=t} b_k / A_k,      A_t = a_1 a_2 ... a_t

In log space (Heinsen 2023), with a*_t = sum_{k<=t} log a_k (a cumsum):

    h_t = exp(a*_t) h_0 + exp(a*_t + logcumsumexp_{k<=t}(log b_k - a*_k))

``cumsum`` and ``logcumsumexp`` are both scans: on a GPU each is one kernel over all T steps; on
a CPU one C++ loop. Working with logs needs a_t > 0 and b_t > 0: a_t = 1 - z_t is a sigmoid,
and the paper's activation g keeps the candidate positive,

    g(x) = x + 0.5 (x >= 0),  sigmoid(x) (x < 0);     log g(x) = log(x + 0.5) or -softplus(-x)

log(1 - z) = -softplus(k) and log z = -softplus(-k) for z = sigma(k), computed without ever
forming z. The paper puts log h_0 into the same logcumsumexp and so needs h_0 > 0; the h_0 term
is linear, so here it is added outside the log (exp(a*_t) h_0) and h_0 may be any real state.

Shapes: batch-first, x (B, T, D) or unbatched (T, D); h_0 (B, H) or (H,); outputs h (B, T, H)
and the final state h_T (B, H). Parameters: one ``linear`` (D -> G*H) with G = 2 gate blocks
(z, h~) for minGRU and 3 (f, i, h~) for minLSTM, stacked on the rows in that order.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_float, check_int, check_nonempty, check_rank, check_shape, check_size

MODES = ("parallel", "sequential")


def g(x: torch.Tensor) -> torch.Tensor:
    """The paper's positive activation: x + 0.5 for x >= 0, sigmoid(x) below (continuous at 0)."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x: torch.Tensor) -> torch.Tensor:
    """log g(x), computed stably: log(x + 0.5) for x >= 0, -softplus(-x) = log sigmoid(x) below."""
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), -F.softplus(-x))


def scan_sequential(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
    """h_t = a_t * h_{t-1} + b_t, one step at a time (the readable loop).

    a, b (B, T, H); h0 (B, H) -> h (B, T, H), the states after steps 1..T.
    """
    h, hs = h0, []
    for a_t, b_t in zip(a.unbind(1), b.unbind(1)):  # unbind: one backward node for all t, not T
        h = a_t * h + b_t  # (B, H)
        hs.append(h)
    return torch.stack(hs, 1)


def scan_parallel_log(log_a: torch.Tensor, log_b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """The same recurrence with a_t = exp(log_a_t), b_t = exp(log_b_t), by a log-space scan.

    log_a, log_b (B, T, H); h0 (B, H) any real, or None for zeros -> h (B, T, H).
    Heinsen (2023): a*_t = cumsum(log a)_t, h_t = exp(a*_t) h0 + exp(a*_t + logcumsumexp(log b - a*)_t).
    """
    a_star = torch.cumsum(log_a, dim=1)  # (B, T, H): log A_t = log(a_1 ... a_t)
    h = torch.exp(a_star + torch.logcumsumexp(log_b - a_star, dim=1))  # A_t * sum_k b_k / A_k
    if h0 is not None:
        h = h + torch.exp(a_star) * h0.unsqueeze(1)  # + A_t h_0
    return h


class _MinRNN(nn.Module):
    """What minGRU and minLSTM share: the input projection, input checks, the two modes."""

    num_gates = 2

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        fn = type(self).__name__
        input_size = check_int("input_size", input_size, 1, fn=fn)
        hidden_size = check_int("hidden_size", hidden_size, 1, fn=fn)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.linear = nn.Linear(input_size, self.num_gates * hidden_size, bias=bias, device=device, dtype=dtype)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.linear.bias is not None}"

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None, mode: str = "parallel"):
        """x (B, T, D) or unbatched (T, D); h0 (B, H) / (H,) or None (zeros).

        ``mode``: "parallel" (the log-space scan) or "sequential" (the loop); equal results.
        Returns (h, h_T): every state h (B, T, H) ((T, H) unbatched) and the last one (B, H) ((H,)).
        """
        if mode not in MODES:
            raise ValueError(f"{type(self).__name__}: expected mode to be one of {MODES}, got {mode!r}")
        x, h0, unbatched = self._check(x, h0)
        k = self.linear(x)  # (B, T, G*H): every step's gate pre-activations in one matmul
        if mode == "parallel":
            log_a, log_b = self.log_coefficients(k)
            h = scan_parallel_log(log_a, log_b, h0)
        else:
            a, b = self.coefficients(k)
            h = scan_sequential(a, b, h0 if h0 is not None else x.new_zeros(x.shape[0], self.hidden_size))
        h_T = h[:, -1]
        return (h[0], h_T[0]) if unbatched else (h, h_T)

    def step(self, x_t: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """One step for streaming inference: x_t (B, D), h (B, H) -> h_t (B, H). Constant memory."""
        check_float("x_t", x_t)
        check_rank("x_t", x_t, 2, "(B, D)")
        check_size("x_t", x_t, -1, self.input_size, "input_size D")
        check_shape("h", h, (x_t.shape[0], self.hidden_size), "(B, H)")
        a, b = self.coefficients(self.linear(x_t))
        return a * h + b

    def _check(self, x, h0):
        """x -> (B, T, D), h0 -> (B, H) or None, and whether x was unbatched."""
        name = type(self).__name__
        check_float("x", x)
        check_rank("x", x, (2, 3), f"(B, T, D) or unbatched (T, D) for {name} (batch-first)")
        check_size("x", x, -1, self.input_size, "input_size D")
        unbatched = x.dim() == 2
        x = x.unsqueeze(0) if unbatched else x
        check_nonempty("x", x, 1)
        if h0 is not None:
            check_float("h0", h0)
            want = (self.hidden_size,) if unbatched else (x.shape[0], self.hidden_size)
            check_shape("h0", h0, want, "(H,) for an unbatched x" if unbatched else "(B, H)")
            h0 = h0.unsqueeze(0) if unbatched else h0
        return x, h0, unbatched

    def coefficients(self, k):
        """k (..., G*H) pre-activations -> a, b (..., H) with h_t = a * h_{t-1} + b."""
        raise NotImplementedError

    def log_coefficients(self, k):
        """k (..., G*H) -> log a, log b (..., H), computed without forming a and b."""
        raise NotImplementedError


class MinGRU(_MinRNN):
    """minGRU: h_t = (1 - z_t) h_{t-1} + z_t g(W_h x_t + b_h), z_t = sigma(W_z x_t + b_z).

    ``linear``: weight (2H, D), bias (2H,), rows z then h~. See the module docstring.
    ``forward(x, h0=None, mode="parallel")`` -> (h (B, T, H), h_T (B, H)); ``step(x_t, h)`` -> h_t.
    """

    num_gates = 2

    def coefficients(self, k):
        k_z, k_h = k.chunk(2, -1)
        z = torch.sigmoid(k_z)
        return 1 - z, z * g(k_h)  # a = 1 - z, b = z * h~

    def log_coefficients(self, k):
        k_z, k_h = k.chunk(2, -1)
        return -F.softplus(k_z), -F.softplus(-k_z) + log_g(k_h)  # log(1 - z), log z + log h~


class MinLSTM(_MinRNN):
    """minLSTM: h_t = f'_t h_{t-1} + i'_t g(W_h x_t + b_h), with f', i' = f, i / (f + i).

    ``linear``: weight (3H, D), bias (3H,), rows f, i, h~. See the module docstring.
    ``forward(x, h0=None, mode="parallel")`` -> (h (B, T, H), h_T (B, H)); ``step(x_t, h)`` -> h_t.
    """

    num_gates = 3

    def coefficients(self, k):
        k_f, k_i, k_h = k.chunk(3, -1)
        f, i = torch.sigmoid(k_f), torch.sigmoid(k_i)
        return f / (f + i), i / (f + i) * g(k_h)

    def log_coefficients(self, k):
        k_f, k_i, k_h = k.chunk(3, -1)
        diff = F.softplus(-k_f) - F.softplus(-k_i)  # log i - log f
        return -F.softplus(diff), -F.softplus(-diff) + log_g(k_h)  # log f', log i' + log h~
