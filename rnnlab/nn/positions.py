"""Positional encodings: attention alone does not know the order of its inputs.

Self-attention treats its inputs as a set: permute them and the outputs permute the same way.
Adding a vector that depends on the position t to the input x_t tells the model where it is.

Sinusoidal (Vaswani et al. 2017, section 3.5), fixed, for any length:

    PE[t, 2i]     = sin(t / 10000^(2i / d_model))
    PE[t, 2i + 1] = cos(t / 10000^(2i / d_model))

Each pair of columns is a clock turning at its own speed, from 2 pi per step (i = 0) to
2 pi per 10000 * 2 pi steps; PE[t + k] is a rotation of PE[t] that depends on k only.

Learned (as in BERT and GPT): one trained vector per position, up to a ``max_len``.
"""
from __future__ import annotations

import torch
from torch import nn

from rnnlab.checks import check_float, check_rank, check_size


def sinusoidal_positions(T: int, d_model: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """The (T, d_model) table PE above, rows t = 0 .. T-1 (d_model may be odd: the last column is a sin)."""
    if T < 0 or d_model <= 0:
        raise ValueError(f"sinusoidal_positions: expected T >= 0 and d_model >= 1, got T={T}, d_model={d_model}")
    t = torch.arange(T, device=device, dtype=torch.float64)[:, None]  # (T, 1)
    two_i = torch.arange(0, d_model, 2, device=device, dtype=torch.float64)  # (ceil(d/2),) 0, 2, 4, ...
    angle = t / 10000.0 ** (two_i / d_model)  # (T, ceil(d/2))
    pe = torch.empty(T, d_model, device=device, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)  # even columns 2i
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])  # odd columns 2i + 1
    return pe.to(dtype)


class LearnedPositions(nn.Module):
    """A trained vector per position: ``forward(x)`` returns x + weight[:T].

    weight (max_len, d_model), initialised N(0, 0.02^2) as in GPT-2.
    x: batch-first (B, T, d_model) or unbatched (T, d_model), T <= max_len; output of x's shape.
    """

    def __init__(self, max_len: int, d_model: int, device=None, dtype=None):
        super().__init__()
        if max_len <= 0 or d_model <= 0:
            raise ValueError(f"max_len and d_model must be positive, got {max_len} and {d_model}")
        self.max_len, self.d_model = max_len, d_model
        self.weight = nn.Parameter(torch.empty(max_len, d_model, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.normal_(self.weight, std=0.02)

    def extra_repr(self) -> str:
        return f"max_len={self.max_len}, d_model={self.d_model}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_float("x", x)
        check_rank("x", x, (2, 3), "(B, T, d_model) or unbatched (T, d_model)")
        check_size("x", x, -1, self.d_model, "d_model")
        T = x.shape[-2]
        if T > self.max_len:
            raise ValueError(f"x: expected at most max_len = {self.max_len} positions, got T = {T} "
                             f"(shape {tuple(x.shape)}); build LearnedPositions with a larger max_len")
        return x + self.weight[:T]  # (T, d_model) broadcasts over the batch
