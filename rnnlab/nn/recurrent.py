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
"""
from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from rnnlab.checks import check_float, check_nonempty, check_rank, check_shape, check_size
from rnnlab.nn.gru_cell import GRUCell
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.rnn_cell import RNNCell


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
    """Base of ``RNN``, ``LSTM``, ``GRU``: a stack of cells, ``cells[layer * dirs + dir]``."""

    cell_class: type = None

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **cell_kwargs):
        super().__init__()
        if not (isinstance(num_layers, int) and num_layers >= 1):
            raise ValueError(f"num_layers: expected an int >= 1, got {num_layers!r}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout: expected a probability in [0, 1], got {dropout}")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout acts between recurrent layers (not after the last), so a "
                          f"non-zero dropout expects num_layers > 1, got dropout={dropout} "
                          f"and num_layers={num_layers}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        self.cells = nn.ModuleList(
            self.cell_class(input_size if layer == 0 else hidden_size * self.num_directions,
                            hidden_size, bias, device=device, dtype=dtype, **cell_kwargs)
            for layer in range(num_layers) for _ in range(self.num_directions)
        )

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, bias={self.bias}, "
                f"batch_first={self.batch_first}, dropout={self.dropout}, bidirectional={self.bidirectional}")

    def forward(self, input, hx=None):
        """As ``torch.nn.RNN/LSTM/GRU``.

        input: (T, B, D), (B, T, D) with batch_first, unbatched (T, D), or a PackedSequence.
        hx:    (L*dirs, B, H), unbatched (L*dirs, H), zeros when None (LSTM: tuple (h0, c0));
               for a PackedSequence, B in the original (unsorted) batch order.
        Returns (output, h_n) (LSTM: (output, (h_n, c_n))) with output (T, B, dirs*H)
        ((B, T, dirs*H) with batch_first, (T, dirs*H) unbatched, or a PackedSequence) and
        h_n, c_n shaped like hx: each sequence's state after its own last step.
        """
        data, batch_sizes, unbatched, layout = self._to_packed_rows(input)
        state = self._initial_state(hx, data, int(batch_sizes[0]), unbatched, layout)
        sorted_indices = input.sorted_indices if layout == "packed" else None
        if sorted_indices is not None:  # states follow the sequences into sorted order
            state = tuple(s.index_select(1, sorted_indices) for s in state)
        data, final = self._run_layers(data, batch_sizes, state)  # (N, dirs*H), tuple of (L*dirs, B, H)
        if layout == "packed":
            if input.unsorted_indices is not None:
                final = tuple(s.index_select(1, input.unsorted_indices) for s in final)
            output = PackedSequence(data, batch_sizes, input.sorted_indices, input.unsorted_indices)
        else:
            output = data.view(len(batch_sizes), -1, data.shape[-1])  # (T, B, dirs*H)
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
        if isinstance(input, PackedSequence):
            data = input.data
            check_float("input.data", data)
            check_rank("input.data", data, 2, "(N, D) of a PackedSequence")
            check_size("input.data", data, -1, self.input_size, "input_size D")
            return data, input.batch_sizes, False, "packed"
        check_float("input", input)
        layout = "(T, B, D) or unbatched (T, D)" if not self.batch_first else "(B, T, D) or unbatched (T, D)"
        check_rank("input", input, (2, 3), layout)
        check_size("input", input, -1, self.input_size, "input_size D")
        unbatched = input.dim() == 2
        check_nonempty("input", input, 0 if unbatched or not self.batch_first else 1)
        x = input.unsqueeze(1) if unbatched else input.transpose(0, 1) if self.batch_first else input
        check_nonempty("input (time-major)", x, 1, "batch size B")
        T, B = x.shape[:2]
        return x.reshape(T * B, -1), torch.full((T,), B, dtype=torch.int64), unbatched, layout

    def _initial_state(self, hx, data, B, unbatched, layout):
        """hx (or zeros) as a tuple of (L*dirs, B, H), after checking its shapes."""
        L = self.num_layers * self.num_directions
        if hx is None:
            return tuple(data.new_zeros(L, B, self.hidden_size) for _ in range(self.cell_class.num_states))
        states = (hx,) if self.cell_class.num_states == 1 else tuple(hx)
        names = ("hx",) if len(states) == 1 else ("hx[0] (h_0)", "hx[1] (c_0)")
        want = (L, self.hidden_size) if unbatched else (L, B, self.hidden_size)
        what = "(num_layers * num_directions, H) for unbatched input" if unbatched else \
            f"(num_layers * num_directions, B, H) for input {layout}"
        for name, s in zip(names, states):
            check_float(name, s)
            check_shape(name, s, want, what)
        return tuple(s.unsqueeze(1) for s in states) if unbatched else states

    @classmethod
    def from_torch(cls, module: nn.Module, **kwargs):
        """A copy of ``torch.nn.RNN/LSTM/GRU`` ``module``: same config, dtype, device, weights.

        Extra keyword arguments go to the constructor (e.g. a GRU ``convention``).
        """
        if getattr(module, "proj_size", 0):
            raise ValueError(f"from_torch: LSTM projections are not supported, got proj_size={module.proj_size}")
        if hasattr(module, "nonlinearity"):
            kwargs.setdefault("nonlinearity", module.nonlinearity)
        p = module.weight_ih_l0
        new = cls(module.input_size, module.hidden_size, module.num_layers, bias=module.bias,
                  batch_first=module.batch_first, dropout=module.dropout, bidirectional=module.bidirectional,
                  device=p.device, dtype=p.dtype, **kwargs)
        with torch.no_grad():
            for k, cell in enumerate(new.cells):
                suffix = f"_l{k // new.num_directions}" + ("_reverse" if k % new.num_directions else "")
                for name, param in cell.named_parameters():
                    param.copy_(getattr(module, name + suffix))
        return new


class RNN(Recurrent):
    """Elman RNN layers, as ``torch.nn.RNN``; ``nonlinearity`` "tanh" or "relu". See ``Recurrent.forward``."""

    cell_class = RNNCell

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, nonlinearity=nonlinearity)


class LSTM(Recurrent):
    """LSTM layers, as ``torch.nn.LSTM`` (no ``proj_size``); ``fused`` as in ``LSTMCell``."""

    cell_class = LSTMCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None, *, fused=True):
        if proj_size != 0:
            raise ValueError(f"proj_size: rnnlab's LSTM has no projection, expected 0, got {proj_size}")
        self.proj_size = 0
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, fused=fused)


class GRU(Recurrent):
    """GRU layers, as ``torch.nn.GRU``; ``convention`` "torch" (default), "cho" or "chung" (see gru_cell)."""

    cell_class = GRUCell

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, *, convention="torch"):
        self.convention = convention
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, convention=convention)
