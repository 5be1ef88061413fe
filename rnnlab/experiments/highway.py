"""The gradient through time of RNN, LSTM and GRU cells, measured with autograd (notebook 04).

Notebook 03 measured ``||dh_T/dh_t||`` for a vanilla RNN as a product of one-step
Jacobians. Here the same product is formed for any rnnlab cell, with each one-step
Jacobian ``ds_t/ds_{t-1}`` taken by autograd (``torch.func.jacrev``) instead of a formula.
The state ``s_t`` is what the cell carries from step to step: ``h_t`` for RNN and GRU,
``(h_t, c_t)`` stacked for the LSTM (size ``2H``), because the gradient reaching step ``t``
flows through both. Then::

    ds_T/ds_t = ds_T/ds_{T-1} · ds_{T-1}/ds_{T-2} ··· ds_{t+1}/ds_t,    norms ||ds_T/ds_t||_2

In float64, never raising: norms beyond float32 are reported as overflow by the returned
:class:`rnnlab.experiments.gradflow.GradientFlow` (its ``bound`` is NaN: there is no simple bound here),
so the plots of notebook 03 draw it unchanged.
"""
from __future__ import annotations

import copy

import numpy as np
import torch

from rnnlab.checks import check_int, check_number
from rnnlab.experiments.gradflow import GradientFlow, product_norms  # noqa: F401 (product_norms is part of this module's API)
from rnnlab.nn.gru_cell import GRUCell
from rnnlab.nn.init import course_init_
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.rnn_cell import RNNCell
from rnnlab.tasks.adding import adding_problem

KINDS = ("RNN", "LSTM", "GRU")
#: "course": orthogonal W_hh blocks, Xavier W_ih, zero biases, LSTM forget bias 1
#: (rnnlab.nn.course_init_); "torch": torch's default, every parameter U[-1/sqrt(H), 1/sqrt(H)].
INITS = ("course", "torch")
_CELLS = {"RNN": RNNCell, "LSTM": LSTMCell, "GRU": GRUCell}


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name}: expected one of {choices}, got {value!r}")


def make_cell(kind: str, input_size: int = 2, hidden_size: int = 32, init: str = "course",
              scale: float = 1.0, keep_bias: float | None = None, seed: int = 0):
    """A float64 ``rnnlab.nn`` cell of ``kind`` (RNN, LSTM, GRU) with ``W_hh`` multiplied by ``scale``.

    ``init`` is one of :data:`INITS`. ``keep_bias``, if given, is the bias of the gate that
    *keeps* the state: the LSTM's forget gate ``b_f`` and the (torch-convention) GRU's update
    gate ``b_z``, written into ``bias_ih`` with ``bias_hh``'s share set to 0; the RNN has no
    such gate. ``None`` leaves the init's own (course: ``b_f = 1``, ``b_z = 0``). The global
    random state is left untouched (the weights come from ``seed``).
    """
    _check_choice("kind", kind, KINDS)
    _check_choice("init", init, INITS)
    input_size = check_int("input_size", input_size, 1, fn="make_cell")
    hidden_size = check_int("hidden_size", hidden_size, 1, fn="make_cell")
    scale = check_number("make_cell", scale, finite=True, expected="a finite scale")
    if keep_bias is not None:
        keep_bias = check_number("make_cell", keep_bias, finite=True, expected="a finite keep_bias or None")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        cell = _CELLS[kind](input_size, hidden_size, dtype=torch.float64)
        if init == "course":
            course_init_(cell)
    H = hidden_size
    with torch.no_grad():
        cell.weight_hh.mul_(scale)
        if keep_bias is not None and kind != "RNN":   # rows H..2H: f in (i, f, g, o), z in (r, z, n)
            cell.bias_ih[H:2 * H] = keep_bias
            cell.bias_hh[H:2 * H] = 0.0
    return cell


def state_jacobians(cell, x) -> np.ndarray:
    """One-step Jacobians ``ds_t/ds_{t-1}`` of ``cell`` along ``x`` ``(T, D)`` from a zero state.

    Returns ``(T, S, S)`` float64, row ``t - 1`` for step ``t``; ``S = H``, or ``2H`` for an
    LSTM (state ``(h, c)`` stacked in that order).
    """
    x = torch.as_tensor(x, dtype=cell.weight_ih.dtype)
    if x.ndim != 2 or x.shape[1] != cell.input_size or x.shape[0] < 1:
        raise ValueError(f"state_jacobians: expected x of shape (T, D) = (T >= 1, {cell.input_size}), "
                         f"got {tuple(x.shape)}")
    H = cell.hidden_size
    split = [H] * cell.num_states

    def step(s, xp_t):                                   # s (S,) -> s' (S,)
        state = tuple(part.unsqueeze(0) for part in s.split(split))
        return torch.cat(cell.step(xp_t.unsqueeze(0), state), dim=1).squeeze(0)

    with torch.no_grad():
        xp = cell.project_input(x)                       # (T, G*H)
        states = [x.new_zeros(H * cell.num_states)]      # s_0 .. s_{T-1}, each (S,)
        for xp_t in xp[:-1]:
            states.append(step(states[-1], xp_t))
        # every step's Jacobian at once: jacrev of one step, vectorised over the T steps
        jac = torch.func.vmap(torch.func.jacrev(step))(torch.stack(states), xp)   # (T, S, S)
    return jac.numpy()


def cell_flow(cell, x, init: str = "trained", scale: float = 1.0) -> GradientFlow:
    """Measure ``||ds_T/ds_t||`` of ``cell`` (any rnnlab cell, e.g. a trained layer's
    ``cells[0]``; copied to float64, the original is not touched) along ``x`` ``(T, D)``.

    Returns a :class:`rnnlab.experiments.gradflow.GradientFlow` (arrays ``(T + 1,)``) whose ``nonlinearity``
    field names the cell's kind; ``bound``, ``sigma_max``, ``spectral_radius`` and ``gamma`` are NaN.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"cell_flow: expected one sequence x of shape (T, D), got {x.shape}")
    kind = {RNNCell: "RNN", LSTMCell: "LSTM", GRUCell: "GRU"}.get(type(cell))
    if kind is None:
        raise TypeError(f"cell_flow: expected an rnnlab.nn RNNCell, LSTMCell or GRUCell, got {type(cell).__name__}")
    if cell.weight_ih.dtype != torch.float64:
        cell = copy.deepcopy(cell).double()
    norms = product_norms(state_jacobians(cell, x))
    nan = float("nan")
    return GradientFlow(t=np.arange(len(x) + 1), norms=norms, bound=np.full(len(x) + 1, np.nan),
                        sigma_max=nan, spectral_radius=nan, gamma=nan, nonlinearity=kind,
                        init=init, scale=float(scale))


def highway_flow(kind: str, x, init: str = "course", scale: float = 1.0, hidden_size: int = 32,
                 keep_bias: float | None = None, seed: int = 0) -> GradientFlow:
    """Measure ``||ds_T/ds_t||`` of an untrained ``kind`` cell (:func:`make_cell`) along ``x`` ``(T, D)``.

    Returns a :class:`rnnlab.experiments.gradflow.GradientFlow` as :func:`cell_flow`.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"highway_flow: expected one sequence x of shape (T, D), got {x.shape}")
    cell = make_cell(kind, x.shape[1], hidden_size, init, scale, keep_bias, seed)
    return cell_flow(cell, x, init, scale)


def highway_flows(T: int = 100, init: str = "course", scale: float = 1.0, keep_bias: float = 1.0,
                  hidden_size: int = 32, seed: int = 0) -> dict:
    """RNN, LSTM and GRU cells at initialisation on one adding-problem input of length ``T``:
    ``{"RNN": GradientFlow, "LSTM": ..., "GRU": ...}`` (notebook 04's widget and figures).

    ``scale`` multiplies every ``W_hh``; ``keep_bias`` is the LSTM's forget-gate bias ``b_f``
    and the GRU's update-gate bias ``b_z`` (see :func:`make_cell`).
    """
    T = check_int("T", T, 1, fn="highway_flows")
    x, _ = adding_problem(1, max(T, 2), generator=torch.Generator().manual_seed(seed))
    x = x[0, :T].numpy()                                          # (T, 2)
    return {kind: highway_flow(kind, x, init, scale, hidden_size, keep_bias, seed) for kind in ("RNN", "LSTM", "GRU")}
