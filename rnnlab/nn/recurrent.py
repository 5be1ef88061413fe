"""Multi-layer, bidirectional recurrent layers that mirror ``torch.nn.RNN/LSTM/GRU``.

One driver serves all three. It works on the packed layout of
``torch.nn.utils.rnn.PackedSequence``: rows are time-major, the first batch_sizes[t]
(longest-first) sequences run at step t. A padded batch is the special case
batch_sizes = [B] * T, so padded and packed input take the same path:

    input (T, B, D)  ->  data (N = T*B, D), batch_sizes [B]*T
    for each layer, for each direction:
        xp       = cell.project_input(data)             (N, G*H)  all steps in one matmul
        y, state = cell.scan(xp, state_0, batch_sizes)  (N, H), tuple of (B, H)
    data = [y_forward, y_reverse] side by side (N, num_directions*H), dropout between layers

The reverse direction reverses each sequence within its own length (a fixed permutation
of the rows, ``reversal_index``), runs forwards, and permutes the outputs back.

Parameters are torch.nn's, by name and order, so that ``state_dict``/``load_state_dict`` go
from torch.nn to rnnlab and back. For layer l and direction suffix "" or "_reverse":

    weight_ih_l{l}{suffix} (G*H, D_l)   weight_hh_l{l}{suffix} (G*H, H)   bias_ih_l{l}{suffix}, bias_hh_l{l}{suffix} (G*H,)

with D_0 = input_size and D_l = num_directions * H above. The layer owns them; its cells
(``cells[l * num_directions + direction]``, plain RNNCell/LSTMCell/GRUCell) compute with
the very same tensors under their own names (weight_ih, ...).
"""
from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from rnnlab.checks import (check_bool, check_float, check_gru_convention, check_int, check_nonempty, check_number,
                           check_rank, check_same_dtype, check_size, check_tensor)
from rnnlab.nn.cell import check_state
from rnnlab.nn.gru_cell import GRUCell
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.rnn_cell import RNNCell, check_nonlinearity


def reversal_index(batch_sizes: torch.Tensor) -> torch.Tensor:
    """Row permutation that reverses every sequence of a packed batch within its length.

    Step t of sequence b sits at row offset[t] + b; it goes to step L_b - 1 - t.
    batch_sizes (T,) int -> index (N,); the permutation is its own inverse.
    """
    T, B = len(batch_sizes), int(batch_sizes[0])
    offset = torch.cumsum(batch_sizes, 0) - batch_sizes  # (T,) first row of each step
    t, b = torch.arange(T).unsqueeze(1), torch.arange(B).unsqueeze(0)  # (T, 1), (1, B)
    running = b < batch_sizes.unsqueeze(1)  # (T, B): is sequence b still running at t?
    length = running.sum(0)  # (B,) L_b
    src = (offset[t] + b)[running]
    dst = (offset[(length[b] - 1 - t).clamp(min=0)] + b)[running]
    index = torch.empty_like(src)
    index[src] = dst
    return index


class Recurrent(nn.Module):
    """Base of ``RNN``, ``LSTM``, ``GRU``: a stack of cells, ``cells[layer * dirs + dir]``.

    Holds torch's parameters (module docstring); ``all_weights``, ``flatten_parameters()``
    and ``reset_parameters()`` as torch.nn.RNNBase. Arguments are checked as torch checks
    them, and more: sizes are ints, flags are bools (a truthy "False" is refused).
    """

    cell_class: type = None

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **cell_kwargs):
        super().__init__()
        input_size, hidden_size = check_int("input_size", input_size, 1), check_int("hidden_size", hidden_size, 1)
        num_layers = check_int("num_layers", num_layers, 1)
        bias, batch_first = check_bool("bias", bias), check_bool("batch_first", batch_first)
        bidirectional = check_bool("bidirectional", bidirectional)
        check_number("dropout", dropout, 0, 1, what="the probability of zeroing an element")
        if dropout > 0 and num_layers == 1:  # torch's warning, word for word
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=3)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        cells, self._all_weights = [], []  # _all_weights: torch's names, one list per cell
        for layer in range(num_layers):
            for direction in range(self.num_directions):
                cell = self.cell_class(input_size if layer == 0 else hidden_size * self.num_directions,
                                       hidden_size, bias, device=device, dtype=dtype, **cell_kwargs)
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                names = [name + suffix for name in cell.parameter_names]
                for name, cell_name in zip(names, cell.parameter_names):
                    self.register_parameter(name, getattr(cell, cell_name))  # one tensor, two names
                self._all_weights.append(names)
                cells.append(cell)
        # A tuple, not a ModuleList: the cells are not submodules, so each parameter is counted
        # (state_dict, named_parameters, the optimiser) once, under torch's name.
        self._cells = tuple(cells)

    @property
    def cells(self) -> tuple:
        """The cells, ``cells[layer * num_directions + direction]``, each an RNNCell/LSTMCell/GRUCell.

        The layer's parameters are the ones that count: ``load_state_dict(..., assign=True)``,
        ``.to()``, ``torch.func.functional_call`` or a parametrization may replace them, so each
        read of ``cells`` first points every cell at the layer's current tensors.
        """
        for cell, names in zip(self._cells, self._all_weights):
            for cell_name, name in zip(cell.parameter_names, names):
                cell._parameters[cell_name] = getattr(self, name)
        return self._cells

    @property
    def all_weights(self) -> list:
        """As torch: one list per layer and direction, [weight_ih, weight_hh(, bias_ih, bias_hh)]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op, kept so that torch.nn code runs: torch packs its weights into one buffer for
        cuDNN; rnnlab's loops read them where they are."""

    def reset_parameters(self) -> None:
        """torch's default: every parameter uniform in [-1/sqrt(H), 1/sqrt(H)], in torch's order."""
        for cell in self.cells:
            cell.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"  # then what differs from the defaults, as torch
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False), ("dropout", 0.0),
                              ("bidirectional", False), ("nonlinearity", "tanh"), ("convention", "torch")):
            if getattr(self, name, default) != default:
                s += f", {name}={getattr(self, name)!r}"
        return s

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # Checkpoints saved before the layers took torch's names key the weights by cell,
        # "cells.{k}.weight_ih"; read them under the new names (torch.nn cannot load them).
        for k, names in enumerate(self._all_weights):
            for name, cell_name in zip(names, self._cells[k].parameter_names):
                old = f"{prefix}cells.{k}.{cell_name}"
                if old in state_dict and prefix + name not in state_dict:
                    state_dict[prefix + name] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, input, hx=None):
        """As ``torch.nn.RNN/LSTM/GRU``.

        input: (T, B, D), (B, T, D) with batch_first, unbatched (T, D), or a PackedSequence;
               of the weights' dtype; B = 0 is allowed (empty outputs), T = 0 is not.
        hx:    (L*dirs, B, H), unbatched (L*dirs, H), zeros when None (LSTM: tuple (h0, c0));
               for a PackedSequence, B in the original (unsorted) batch order.
        Returns (output, h_n) (LSTM: (output, (h_n, c_n))) with output (T, B, dirs*H)
        ((B, T, dirs*H) with batch_first, (T, dirs*H) unbatched, or a PackedSequence) and
        h_n, c_n shaped like hx: each sequence's state after its own last step.
        """
        data, batch_sizes, unbatched, layout = self._to_packed_rows(input)
        B = int(batch_sizes[0])
        state = self._initial_state(hx, data, B, unbatched, layout)
        sorted_indices = input.sorted_indices if layout == "packed" else None
        if sorted_indices is not None:  # states follow the sequences into sorted order
            state = tuple(s.index_select(1, sorted_indices) for s in state)
        data, final = self._run_layers(data, batch_sizes, state)  # (N, dirs*H), tuple of (L*dirs, B, H)
        if layout == "packed":
            if input.unsorted_indices is not None:
                final = tuple(s.index_select(1, input.unsorted_indices) for s in final)
            output = PackedSequence(data, batch_sizes, input.sorted_indices, input.unsorted_indices)
        else:
            output = data.view(len(batch_sizes), B, data.shape[-1])  # (T, B, dirs*H)
            output = output.squeeze(1) if unbatched else output.transpose(0, 1) if self.batch_first else output
            final = tuple(s.squeeze(1) for s in final) if unbatched else final
        return output, final[0] if len(final) == 1 else final

    def _run_layers(self, data, batch_sizes, state):
        """The driver. data (N, D), state tuple of (L*dirs, B, H) -> (N, dirs*H), final states."""
        sizes = batch_sizes.tolist()
        reverse = reversal_index(batch_sizes) if self.bidirectional else None
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self.num_directions):
                k = layer * self.num_directions + direction
                cell = self.cells[k]
                x = data if direction == 0 else data[reverse]
                y, final = cell.scan(cell.project_input(x), tuple(s[k] for s in state), sizes)
                outputs.append(y if direction == 0 else y[reverse])
                finals.append(final)
            data = torch.cat(outputs, 1) if self.bidirectional else outputs[0]
            if layer < self.num_layers - 1 and self.dropout > 0 and self.training:
                data = F.dropout(data, self.dropout, training=True)
        return data, tuple(torch.stack(s) for s in zip(*finals))

    def _to_packed_rows(self, input):
        """input -> data (N, D) time-major rows, batch_sizes (T,) int64, unbatched, layout."""
        dtype = self.weight_ih_l0.dtype
        fix = f"convert the input with .to({dtype}), or the model with model.to({{}})"
        if isinstance(input, PackedSequence):
            data = input.data
            check_float("input.data", data)
            check_rank("input.data", data, 2, "(N, D) of a PackedSequence")
            check_size("input.data", data, -1, self.input_size, "input_size D")
            check_same_dtype("input.data", data, dtype, fix.format(data.dtype))
            return data, input.batch_sizes, False, "packed"
        layout = "(T, B, D) or unbatched (T, D)" if not self.batch_first else "(B, T, D) or unbatched (T, D)"
        check_tensor("input", input, layout + " or a PackedSequence")
        check_float("input", input)
        check_rank("input", input, (2, 3), layout)
        check_size("input", input, -1, self.input_size, "input_size D")
        check_same_dtype("input", input, dtype, fix.format(input.dtype))
        unbatched = input.dim() == 2
        check_nonempty("input", input, 0 if unbatched or not self.batch_first else 1)
        x = input.unsqueeze(1) if unbatched else input.transpose(0, 1) if self.batch_first else input
        T, B = x.shape[:2]  # B = 0 (no sequences) runs through, as in torch
        return x.reshape(T * B, self.input_size), torch.full((T,), B, dtype=torch.int64), unbatched, layout

    def _initial_state(self, hx, data, B, unbatched, layout):
        """hx (or zeros) as a tuple of (L*dirs, B, H), after checking its shapes."""
        L = self.num_layers * self.num_directions
        n = self.cell_class.num_states
        if hx is None:
            return tuple(data.new_zeros(L, B, self.hidden_size) for _ in range(n))
        names = ("hx",) if n == 1 else ("hx[0] (h_0)", "hx[1] (c_0)")
        want = (L, self.hidden_size) if unbatched else (L, B, self.hidden_size)
        what = "(num_layers * num_directions, H) for unbatched input" if unbatched else \
            f"(num_layers * num_directions, B, H) for input {layout}"
        states = check_state(hx, n, names, want, what, data.dtype)
        return tuple(s.unsqueeze(1) for s in states) if unbatched else states

    @classmethod
    def from_torch(cls, module: nn.Module, **kwargs):
        """A copy of ``torch.nn.RNN/LSTM/GRU`` ``module``: same config, dtype, device, weights.

        The same as building the layer and ``load_state_dict(module.state_dict())``, which also
        works the other way round. Extra keyword arguments go to the constructor (e.g. a GRU
        ``convention``).
        """
        torch_cls = getattr(nn, cls.__name__)  # torch.nn.LSTM for rnnlab's LSTM, ...
        if not isinstance(module, (torch_cls, cls)):
            raise TypeError(f"from_torch: expected a torch.nn.{cls.__name__} (or an rnnlab one), "
                            f"got {type(module).__name__}")
        if getattr(module, "proj_size", 0):
            raise ValueError(f"from_torch: LSTM projections are not supported, got proj_size={module.proj_size}")
        for name in ("nonlinearity", "convention"):
            if hasattr(module, name):
                kwargs.setdefault(name, getattr(module, name))
        p = module.weight_ih_l0
        new = cls(module.input_size, module.hidden_size, module.num_layers, bias=bool(module.bias),
                  batch_first=bool(module.batch_first), dropout=module.dropout,
                  bidirectional=bool(module.bidirectional), device=p.device, dtype=p.dtype, **kwargs)
        new.load_state_dict(module.state_dict())
        return new


class RNN(Recurrent):
    """Elman RNN layers, as ``torch.nn.RNN``; ``nonlinearity`` "tanh" or "relu". See ``Recurrent.forward``."""

    cell_class = RNNCell

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        check_nonlinearity(nonlinearity)
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, nonlinearity=nonlinearity)


class LSTM(Recurrent):
    """LSTM layers, as ``torch.nn.LSTM`` (no ``proj_size``); ``fused`` as in ``LSTMCell``."""

    cell_class = LSTMCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None, *, fused=True):
        if check_int("proj_size", proj_size) != 0:
            raise ValueError(f"proj_size: rnnlab's LSTM has no projection, expected 0, got {proj_size}")
        self.proj_size = 0
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, fused=fused)


class GRU(Recurrent):
    """GRU layers, as ``torch.nn.GRU``; ``convention`` "torch" (default), "cho" or "chung" (see gru_cell)."""

    cell_class = GRUCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, *, convention="torch"):
        check_gru_convention(convention)
        self.convention = convention
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, convention=convention)
