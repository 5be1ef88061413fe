"""The LSTM cell, as ``torch.nn.LSTMCell`` (Hochreiter & Schmidhuber 1997, with forget gate).

    i = sigma(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)     input gate
    f = sigma(W_if x_t + b_if + W_hf h_{t-1} + b_hf)     forget gate
    g = tanh (W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)     candidate cell
    o = sigma(W_io x_t + b_io + W_ho h_{t-1} + b_ho)     output gate
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Shapes: x_t (B, D); h_t, c_t (B, H); weight_ih (4H, D), weight_hh (4H, H), biases (4H,),
gate blocks stacked on the rows in the order i, f, g, o (as torch).
"""
from __future__ import annotations

import torch

from rnnlab.checks import check_bool
from rnnlab.nn.cell import RecurrentCell
from rnnlab.nn.lstm_scan import lstm_scan


class LSTMCell(RecurrentCell):
    """LSTM cell with torch's parameters and forward: ``cell(x, (h, c)) -> (h', c')``.

    x (B, D) or (D,); h, c (B, H) or (H,), zeros when hx is None.
    ``fused`` (keyword-only, default True): when a layer runs this cell over a sequence,
    use ``lstm_scan`` (hand-written backward, faster; double backward, forward-mode AD and
    torch.func work too, at autograd's speed); ``fused=False`` runs ``step`` under autograd.
    """

    num_gates = 4
    num_states = 2

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None, *, fused=True):
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.fused = check_bool("fused", fused)

    def gates(self, xp_t: torch.Tensor, state: tuple) -> tuple:
        """The gates (i, f, g, o), each (n, H), for xp_t (n, 4H) = W_ih x_t + b_ih + b_hh and
        state (h_{t-1}, c_{t-1}); what ``step`` computes with, and what notebook 04 draws."""
        a = torch.addmm(xp_t, state[0], self.weight_hh.t())  # (n, 4H): all four gates, one matmul
        i, f, g, o = a.chunk(4, 1)
        return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)

    def step(self, xp_t: torch.Tensor, state: tuple) -> tuple:
        """xp_t (n, 4H) = W_ih x_t + b_ih + b_hh; state (h_{t-1}, c_{t-1}) (n, H) -> (h_t, c_t)."""
        i, f, g, o = self.gates(xp_t, state)
        c = f * state[1] + i * g
        h = o * torch.tanh(c)
        return h, c

    def scan(self, xp, state, batch_sizes):
        """As ``RecurrentCell.scan``; with ``fused`` the loop and its backward are hand-written.

        Any derivative torch.nn.LSTM has, this has too: ``lstm_scan`` recomputes under
        autograd for a double backward and hands torch.func transforms and forward-mode AD
        to the plain loop. A subclass that rewrites ``step`` or ``gates`` runs its own
        step (the fused loop knows only the equations above).
        """
        own_step = type(self).step is not LSTMCell.step or type(self).gates is not LSTMCell.gates
        if not self.fused or own_step:
            return super().scan(xp, state, batch_sizes)
        y, h, c = lstm_scan(xp, state[0], state[1], self.weight_hh, batch_sizes)
        return y, (h, c)
