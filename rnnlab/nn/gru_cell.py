"""The GRU cell in three conventions; ``"torch"`` (as ``torch.nn.GRUCell``) by default.

Gates r (reset), z (update), candidate n, blocks stacked on the rows in torch's order
r, z, n: weight_ih (3H, D), weight_hh (3H, H), biases (3H,). x_t (B, D), h_t (B, H).

    r = sigma(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z = sigma(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)

``convention="torch"`` (torch.nn.GRU; reset *after* the hidden matmul):
    n   = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn))
    h_t = (1 - z) * n + z * h_{t-1}                 z near 1 keeps the old state

``convention="cho"`` (Cho et al. 2014; reset *before* the hidden matmul):
    n   = tanh(W_in x_t + b_in + W_hn (r * h_{t-1}) + b_hn)
    h_t = (1 - z) * n + z * h_{t-1}

``convention="chung"`` (Chung et al. 2014): Cho's candidate, with the update written
    h_t = (1 - z) * h_{t-1} + z * n                 z near 1 takes the new candidate
This is only a relabelling z <-> 1 - z: since 1 - sigma(a) = sigma(-a), a "chung" cell equals
a "cho" cell whose z-rows of W_ih, W_hh, b_ih, b_hh are negated.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from rnnlab.checks import check_gru_convention
from rnnlab.nn.cell import RecurrentCell


class GRUCell(RecurrentCell):
    """GRU cell with torch's parameters and forward: ``cell(x, h) -> h'``.

    x (B, D) or (D,); h (B, H) or (H,), zeros when None. ``convention`` (keyword-only):
    ``"torch"`` (default), ``"cho"`` or ``"chung"``; see the module docstring.
    """

    num_gates = 3
    fold_recurrent_bias = False  # torch's r multiplies b_hn, so b_hh stays in the step

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None, *, convention="torch"):
        check_gru_convention(convention)
        self.convention = convention
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", convention={self.convention!r}"

    def gates(self, xp_t: torch.Tensor, state: tuple) -> tuple:
        """The reset gate r, update gate z and candidate n, each (n, H), for xp_t (n, 3H) =
        W_ih x_t + b_ih and state (h_{t-1},), in the cell's convention; what ``step`` computes
        with, and what notebook 04 draws."""
        (h,) = state
        H = self.hidden_size
        x_rz, x_n = xp_t.split([2 * H, H], 1)
        b = self.bias_hh
        if self.convention == "torch":
            h_rz, h_n = F.linear(h, self.weight_hh, b).split([2 * H, H], 1)  # one matmul
            r, z = torch.sigmoid(x_rz + h_rz).chunk(2, 1)
            n = torch.tanh(x_n + r * h_n)
        else:  # reset before the matmul, so W_hn waits for r
            W_rz, W_n = self.weight_hh.split([2 * H, H])
            b_rz, b_n = b.split([2 * H, H]) if b is not None else (None, None)
            r, z = torch.sigmoid(x_rz + F.linear(h, W_rz, b_rz)).chunk(2, 1)
            n = torch.tanh(x_n + F.linear(r * h, W_n, b_n))
        return r, z, n

    def step(self, xp_t: torch.Tensor, state: tuple) -> tuple:
        """xp_t (n, 3H) = W_ih x_t + b_ih; state (h_{t-1},) (n, H) -> (h_t,)."""
        (h,) = state
        r, z, n = self.gates(xp_t, state)
        if self.convention == "chung":
            return ((1 - z) * h + z * n,)
        return ((1 - z) * n + z * h,)
