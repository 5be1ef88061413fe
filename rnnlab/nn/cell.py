"""The parts every recurrent cell shares: parameters, input checks, the time loop.

A cell maps one input ``x_t`` (B, D) and the previous state to the next state. The
state is a tuple of (B, H) tensors: ``(h,)`` for RNN and GRU cells, ``(h, c)`` for LSTM.
Each cell has ``G`` gate blocks stacked on the rows of its weights, as in ``torch.nn``:

    weight_ih (G*H, D)   weight_hh (G*H, H)   bias_ih (G*H,)   bias_hh (G*H,)

A step is split in two so that a layer can do the expensive half for all time steps
at once ("hoisting" the input projection out of the loop):

    project_input(x)    W_ih x_t + b for every t in one matmul:  (N, D) -> (N, G*H)
    step(xp_t, state)   the recurrence proper: adds W_hh h_{t-1}, applies the gates.

``scan`` runs ``step`` over a whole (packed) sequence; see its docstring for the layout.
Inside a layer (``rnnlab.nn.RNN/LSTM/GRU``) the layer owns these parameters under torch's
names (``weight_ih_l0``, ...) and its cells use the same tensors; see ``recurrent.py``.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import (check_bool, check_float, check_int, check_rank, check_same_dtype, check_shape,
                           check_size, check_tensor)

#: A cell's parameters, in torch's order; the biases only with ``bias=True``.
PARAMETER_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def check_factory_dtype(dtype) -> None:
    """``dtype=`` of a constructor: None or a floating-point torch.dtype (weights are real numbers)."""
    if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(f"dtype: expected None or a floating-point torch.dtype such as torch.float64, got {dtype!r}")


def check_state(hx, num_states: int, names: tuple, shape: tuple, layout: str, dtype: torch.dtype) -> tuple:
    """An initial state ``hx`` as a tuple of ``num_states`` tensors, each checked.

    ``hx`` is one tensor (RNN, GRU) or a pair ``(h, c)`` (LSTM; a tuple or a list, as torch
    takes). Each must be a floating-point tensor of ``dtype`` and ``shape``; ``names`` name them
    in the messages, ``layout`` names the axes of ``shape``.
    """
    if num_states == 1:
        if not isinstance(hx, torch.Tensor) and isinstance(hx, (tuple, list)):
            raise TypeError(f"hx: expected one tensor {layout}, got a {type(hx).__name__} of {len(hx)}; "
                            f"only an LSTM takes a pair (h, c)")
        states = (hx,)
    else:
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            got = (f"a {type(hx).__name__} of {len(hx)}" if isinstance(hx, (tuple, list)) else
                   f"a tensor of shape {tuple(hx.shape)}" if isinstance(hx, torch.Tensor) else type(hx).__name__)
            raise TypeError(f"hx: expected a pair (h, c) of two tensors {layout} for an LSTM, got {got}")
        states = tuple(hx)
    for name, s in zip(names, states):
        check_tensor(name, s, layout)
        check_float(name, s)
        check_same_dtype(name, s, dtype, f"convert it with {name.split()[0]}.to({dtype})")
        check_shape(name, s, shape, layout)
    return states


class RecurrentCell(nn.Module):
    """Base class of ``RNNCell``, ``LSTMCell`` and ``GRUCell``; not used directly.

    Subclasses set ``num_gates`` (G), ``num_states`` (1 for ``(h,)``, 2 for ``(h, c)``)
    and write ``step``. As torch's cells, a cell takes ``input_size = 0`` or ``hidden_size = 0``
    (empty weights; the state is then (B, 0)).
    """

    num_gates = 1
    num_states = 1
    #: add b_hh to the hoisted projection (exact when b_hh enters the pre-activation
    #: linearly, as in RNN and LSTM cells; not in a torch-convention GRU, where r scales it).
    fold_recurrent_bias = True

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        input_size, hidden_size = check_int("input_size", input_size), check_int("hidden_size", hidden_size)
        bias = check_bool("bias", bias)
        check_factory_dtype(dtype)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        rows = self.num_gates * hidden_size
        kw = dict(device=device, dtype=dtype)
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size, **kw))  # (G*H, D)
        self.weight_hh = nn.Parameter(torch.empty(rows, hidden_size, **kw))  # (G*H, H)
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(rows, **kw))  # (G*H,)
            self.bias_hh = nn.Parameter(torch.empty(rows, **kw))  # (G*H,)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    @property
    def parameter_names(self) -> tuple:
        """The names of this cell's parameters, in torch's order (no biases with bias=False)."""
        return PARAMETER_NAMES if self.bias else PARAMETER_NAMES[:2]

    def reset_parameters(self) -> None:
        """torch's default: every weight and bias uniform in [-1/sqrt(H), 1/sqrt(H)] (0 when H = 0)."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")

    # -- the two halves of a step ---------------------------------------------------
    def project_input(self, x: torch.Tensor) -> torch.Tensor:
        """W_ih x + b_ih (+ b_hh when folded): (N, D) -> (N, G*H), all rows in one matmul."""
        bias = self.bias_ih
        if bias is not None and self.fold_recurrent_bias:
            bias = bias + self.bias_hh
        return F.linear(x, self.weight_ih, bias)

    def step(self, xp_t: torch.Tensor, state: tuple) -> tuple:
        """One time step from the projected input xp_t (n, G*H) and state tuple of (n, H)."""
        raise NotImplementedError

    def scan(self, xp: torch.Tensor, state: tuple, batch_sizes: list[int]):
        """Run ``step`` along a sequence in the packed layout (as ``PackedSequence.data``).

        xp:          (N, G*H) projected inputs, time-major: the first batch_sizes[0] rows
                     are t = 0, the next batch_sizes[1] rows t = 1, and so on.
        state:       tuple of (B, H), B = batch_sizes[0]; sequences sorted longest first,
                     so at step t the running sequences are rows 0 .. batch_sizes[t]-1.
        batch_sizes: non-increasing list of T ints (all B for a padded, full batch).
        Returns y (N, H), the h_t of every step in the same layout, and the final state:
        a tuple of (B, H) whose row b is sequence b's state after its own last step.
        """
        ys, ended = [], []
        for xp_t, n in zip(xp.split(batch_sizes), batch_sizes):  # one split: cheap backward
            if n < state[0].shape[0]:  # the last rows' sequences are over: keep their state
                ended.append(tuple(s[n:] for s in state))
                state = tuple(s[:n] for s in state)
            state = self.step(xp_t, state)
            ys.append(state[0])
        ended.append(state)
        final = tuple(torch.cat(parts[::-1]) for parts in zip(*ended))
        return torch.cat(ys), final

    # -- torch.nn.*Cell interface -----------------------------------------------------
    def forward(self, input: torch.Tensor, hx=None):
        """One step, as ``torch.nn.*Cell``: input (B, D) or unbatched (D,); B = 0 is allowed.

        hx: the previous state, (B, H) or (H,) (LSTM: a tuple ``(h, c)`` of those);
        zeros when None. Returns the next state in the same form.
        """
        check_tensor("input", input, "(B, D) or unbatched (D,)")
        check_float("input", input)
        check_rank("input", input, (1, 2), "(B, D) or unbatched (D,)")
        check_size("input", input, -1, self.input_size, "input_size D")
        dtype = self.weight_ih.dtype
        check_same_dtype("input", input, dtype, f"convert the input with input.to({dtype}), "
                                                f"or the cell with cell.to({input.dtype})")
        unbatched = input.dim() == 1
        x = input.unsqueeze(0) if unbatched else input  # (B, D)
        shape = (x.shape[0], self.hidden_size)
        if hx is None:
            state = tuple(x.new_zeros(shape) for _ in range(self.num_states))
        else:
            names = ("hx",) if self.num_states == 1 else ("hx[0] (h)", "hx[1] (c)")
            state = check_state(hx, self.num_states, names, shape[1:] if unbatched else shape,
                                "(H,) for unbatched input" if unbatched else "(B, H)", dtype)
            state = tuple(s.unsqueeze(0) if unbatched else s for s in state)
        state = self.step(self.project_input(x), state)
        state = tuple(s.squeeze(0) if unbatched else s for s in state)
        return state[0] if self.num_states == 1 else state

    @classmethod
    def from_torch(cls, cell: nn.Module, **kwargs):
        """A copy of ``torch.nn.*Cell`` ``cell``: same sizes, bias, dtype, device, weights.

        Extra keyword arguments go to the constructor (e.g. a GRU ``convention``). The same as
        building the cell and calling ``load_state_dict(cell.state_dict())``.
        """
        torch_cls = getattr(nn, cls.__name__)  # torch.nn.RNNCell for rnnlab's RNNCell, ...
        if not isinstance(cell, (torch_cls, cls)):
            raise TypeError(f"from_torch: expected a torch.nn.{cls.__name__} (or an rnnlab one), "
                            f"got {type(cell).__name__}")
        p = cell.weight_ih
        if hasattr(cell, "nonlinearity"):
            kwargs.setdefault("nonlinearity", cell.nonlinearity)
        new = cls(cell.input_size, cell.hidden_size, bias=bool(cell.bias), device=p.device, dtype=p.dtype, **kwargs)
        new.load_state_dict(cell.state_dict())
        return new
