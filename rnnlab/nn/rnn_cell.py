"""The vanilla (Elman) RNN cell, as ``torch.nn.RNNCell``.

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)        (or relu)

Shapes: x_t (B, D), h_t (B, H), weight_ih (H, D), weight_hh (H, H), biases (H,).
"""
from __future__ import annotations

import torch

from rnnlab.nn.cell import RecurrentCell

_NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


def check_nonlinearity(nonlinearity) -> None:
    """Raise ``ValueError`` unless ``nonlinearity`` is "tanh" or "relu" (torch's two; it checks a layer's
    when built and a cell's only when run, rnnlab checks both when built)."""
    if not isinstance(nonlinearity, str) or nonlinearity not in _NONLINEARITIES:
        raise ValueError(f"nonlinearity: unknown nonlinearity, expected 'tanh' or 'relu', got {nonlinearity!r}")


class RNNCell(RecurrentCell):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh); ``nonlinearity="relu"`` for relu.

    Same arguments, parameters and forward as ``torch.nn.RNNCell``:
    ``cell(x)`` with x (B, D) or (D,), optional hx (B, H) or (H,); returns h' of hx's shape.
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        check_nonlinearity(nonlinearity)
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"

    def step(self, xp_t: torch.Tensor, state: tuple) -> tuple:
        """xp_t (n, H) = W_ih x_t + b_ih + b_hh; state (h_{t-1},) (n, H) -> (h_t,)."""
        (h,) = state
        pre = torch.addmm(xp_t, h, self.weight_hh.t())  # xp_t + h W_hh^T, one fused op
        return (_NONLINEARITIES[self.nonlinearity](pre),)
