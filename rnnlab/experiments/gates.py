"""Read the gates of a (trained) LSTM or GRU cell over one input sequence.

``LSTMCell.step`` and ``GRUCell.step`` return only the new state; these functions run the
cell one step at a time and keep what its ``gates`` method returns at every step, for drawing
(notebook 04). The gate equations live once, in the cells (``rnnlab.nn``); the result's ``h``
equals what the layer computes (tested in ``tests/experiments/test_gates.py``)::

    trace = lstm_gates(model.rnn.cells[0], x[0])     # x[0]: (T, D) -> dict of (T, H) arrays
    trace["f"]                                       # the forget gate f_t of every unit

LSTM gates (course symbols): ``i f g o`` and the cell ``c``; GRU: ``r z`` and the candidate ``n``.
"""
from __future__ import annotations

import numpy as np
import torch

from rnnlab.nn.gru_cell import GRUCell
from rnnlab.nn.lstm_cell import LSTMCell


def _sequence(cell, x) -> torch.Tensor:
    x = torch.as_tensor(x, dtype=cell.weight_ih.dtype).detach()
    if x.ndim != 2 or x.shape[1] != cell.input_size:
        raise ValueError(
            f"{type(cell).__name__} gates: expected one sequence x of shape (T, D) = (T, {cell.input_size}), "
            f"got {tuple(x.shape)}; "
            f"for a batch (B, T, D) pass x[b]"
        )
    if x.shape[0] < 1:
        raise ValueError(f"{type(cell).__name__} gates: expected a sequence of at least one step, got T = 0")
    return x


def lstm_gates(cell: LSTMCell, x) -> dict:
    """Every gate of ``cell`` over ``x`` ``(T, D)``, starting from ``h_0 = c_0 = 0``.

    Returns ``{"i", "f", "g", "o", "c", "h"}``, each a NumPy array ``(T, H)``: row ``t`` is
    step ``t``'s input gate, forget gate, candidate, output gate, cell state and hidden state.
    """
    if not isinstance(cell, LSTMCell):
        raise TypeError(f"lstm_gates: expected an rnnlab.nn.LSTMCell, got {type(cell).__name__}")
    x = _sequence(cell, x)
    H = cell.hidden_size
    h, c = x.new_zeros(1, H), x.new_zeros(1, H)
    out = {k: [] for k in "ifgoch"}
    with torch.no_grad():                                   # reading, not training
        for xp_t in cell.project_input(x):                  # (T, 4H): W_ih x_t + b_ih + b_hh
            i, f, g, o = cell.gates(xp_t[None], (h, c))      # each (1, H): the cell's own equations
            h, c = cell.step(xp_t[None], (h, c))
            for k, v in zip("ifgoch", (i, f, g, o, c, h)):
                out[k].append(v[0])
    return {k: torch.stack(v).cpu().numpy() for k, v in out.items()}


def gru_gates(cell: GRUCell, x) -> dict:
    """Every gate of ``cell`` over ``x`` ``(T, D)`` from ``h_0 = 0``, in the cell's convention.

    Returns ``{"r", "z", "n", "h"}``, each a NumPy array ``(T, H)``: reset gate, update gate,
    candidate and hidden state. (In the "torch" and "cho" conventions z near 1 *keeps* the
    old state; in "chung" it takes the candidate.)
    """
    if not isinstance(cell, GRUCell):
        raise TypeError(f"gru_gates: expected an rnnlab.nn.GRUCell, got {type(cell).__name__}")
    x = _sequence(cell, x)
    H = cell.hidden_size
    h = x.new_zeros(1, H)
    out = {k: [] for k in "rznh"}
    with torch.no_grad():                                   # reading, not training
        for xp_t in cell.project_input(x):                  # (T, 3H): W_ih x_t + b_ih
            r, z, n = cell.gates(xp_t[None], (h,))          # each (1, H): the cell's own equations
            (h,) = cell.step(xp_t[None], (h,))
            for k, v in zip("rznh", (r, z, n, h)):
                out[k].append(v[0])
    return {k: torch.stack(v).cpu().numpy() for k, v in out.items()}


def gate_reaction(trace: dict, gate: str, steps) -> float:
    """How much gate ``gate`` changes at ``steps``: mean |value at t - value at t - 1| there,
    over units, divided by the same mean over all other steps (> 1: the gate reacts there).
    """
    values = np.asarray(trace[gate])
    jumps = np.abs(np.diff(values, axis=0, prepend=values[:1]))    # (T, H)
    steps = np.asarray(list(steps), dtype=int)
    others = np.setdiff1d(np.arange(1, len(values)), steps)
    if steps.size == 0 or others.size == 0:
        raise ValueError(f"gate_reaction: expected some marked steps and some other steps among 1..{len(values) - 1}, "
                         f"got marked steps {steps.tolist()}")
    return float(jumps[steps].mean() / max(jumps[others].mean(), 1e-12))
