"""The course's initialisers, applied in place to any rnnlab (or torch.nn) recurrent module.

Each weight matrix stacks G gate blocks on its rows (G = 1 RNN, 4 LSTM, 3 GRU); every
block is initialised as its own layer:

    orthogonal_recurrent_   each (H, H) block of W_hh orthogonal: W W^T = I, so the
                            recurrence neither grows nor shrinks h at the start (notebook 03)
    xavier_input_           each (H, D) block of W_ih Xavier/Glorot uniform
    forget_bias_            LSTM forget-gate bias b_f = value (1.0: remember by default,
                            Jozefowicz et al. 2015); it sits in bias_ih, bias_hh's slice is 0
    course_init_            all of the above, with the other biases 0

Works on cells, layers and any module holding them (parameters named weight_ih*,
weight_hh*, bias_ih*, bias_hh*, as in rnnlab.nn and torch.nn).
"""
from __future__ import annotations

import torch
from torch import nn

from rnnlab.nn.cell import RecurrentCell
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.recurrent import LSTM, Recurrent

_RECURRENT = (RecurrentCell, Recurrent, nn.RNNBase, nn.RNNCellBase)  # a layer owns its cells' parameters
_LSTMS = (LSTMCell, LSTM, nn.LSTM, nn.LSTMCell)


def _params(module: nn.Module, prefix: str):
    """(owner, its hidden size H, parameter) for each parameter named prefix* in module."""
    for owner in module.modules():
        if isinstance(owner, _RECURRENT):
            for name, p in owner.named_parameters(recurse=False):
                if name.startswith(prefix):
                    yield owner, owner.hidden_size, p


def _init_blocks_(module: nn.Module, prefix: str, init_) -> nn.Module:
    """Apply init_ to each (H, ·) gate block of every parameter named prefix*."""
    with torch.no_grad():
        for _, H, w in _params(module, prefix):
            for block in w.split(H):
                init_(block)
    return module


def orthogonal_recurrent_(module: nn.Module) -> nn.Module:
    """Each (H, H) gate block of every W_hh (G*H, H) := a random orthogonal matrix."""
    return _init_blocks_(module, "weight_hh", nn.init.orthogonal_)


def xavier_input_(module: nn.Module) -> nn.Module:
    """Each (H, D) gate block of every W_ih (G*H, D) := Xavier/Glorot uniform."""
    return _init_blocks_(module, "weight_ih", nn.init.xavier_uniform_)


@torch.no_grad()
def forget_bias_(module: nn.Module, value: float = 1.0) -> nn.Module:
    """LSTM forget-gate bias: rows H..2H of bias_ih := value, of bias_hh := 0 (sum = value)."""
    for prefix, fill in (("bias_ih", value), ("bias_hh", 0.0)):
        for owner, H, b in _params(module, prefix):
            if isinstance(owner, _LSTMS):
                b[H:2 * H] = fill
    return module


@torch.no_grad()
def course_init_(module: nn.Module, forget_bias: float = 1.0) -> nn.Module:
    """Orthogonal W_hh blocks, Xavier W_ih blocks, zero biases, LSTM forget bias; in place."""
    orthogonal_recurrent_(module)
    xavier_input_(module)
    for prefix in ("bias_ih", "bias_hh"):
        for _, _, b in _params(module, prefix):
            b.zero_()
    return forget_bias_(module, forget_bias)
