"""Tiny random inputs for every cell, to run a forward pass on and print the shapes of.

``example_inputs(cell)`` returns a dict in the order that cell's ``*_forward`` takes its
arguments, so ``rnn_forward(*example_inputs("elman").values())`` just runs::

    cell      keys (shapes)
    elman     x (B, T, D), h0 (B, H), W_xh (H, D), W_hh (H, H), b_h (H,)
    lstm      x, h0, c0 (B, H), W_xh (4H, D), W_hh (4H, H), b_h (4H,)
    gru       x, h0, W_xh (3H, D), W_hh (3H, H), b_xh, b_hh (3H,)
    jordan    x, y0 (B, V), W_xh (H, D), W_yh (H, V), b_h (H,), W_hy (V, H), b_y (V,)

Everything is float64 with moderate weights (tanh away from saturation), which is what
a gradient check wants.
"""
from __future__ import annotations

import numpy as np

from rnnlab.checks import check_int

GATES = {"elman": 1, "gru": 3, "lstm": 4}


def example_inputs(cell: str, B: int = 2, T: int = 4, D: int = 3, H: int = 5, V: int = 4, seed: int = 0) -> dict:
    """Random float64 inputs for ``cell`` in ``("elman", "lstm", "gru", "jordan")``; see the module docstring."""
    if cell not in (*GATES, "jordan"):
        raise ValueError(f"cell: expected one of 'elman', 'lstm', 'gru', 'jordan', got {cell!r}")
    B, T, D, H, V = (check_int(name, n, 1) for name, n in zip("BTDHV", (B, T, D, H, V)))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, T, D))
    if cell == "jordan":
        return {
            "x": x,
            "y0": rng.standard_normal((B, V)),
            "W_xh": rng.standard_normal((H, D)) * 0.5,
            "W_yh": rng.standard_normal((H, V)) * 0.4,
            "b_h": rng.standard_normal(H) * 0.1,
            "W_hy": rng.standard_normal((V, H)) * 0.5,
            "b_y": rng.standard_normal(V) * 0.1,
        }
    G = GATES[cell]
    states = {"h0": rng.standard_normal((B, H))}
    if cell == "lstm":
        states["c0"] = rng.standard_normal((B, H))
    weights = {"W_xh": rng.standard_normal((G * H, D)) * 0.5, "W_hh": rng.standard_normal((G * H, H)) * 0.4}
    if cell == "gru":  # two biases: torch's reset gate scales the hidden side's b_hn
        biases = {"b_xh": rng.standard_normal(G * H) * 0.1, "b_hh": rng.standard_normal(G * H) * 0.1}
    else:
        biases = {"b_h": rng.standard_normal(G * H) * 0.1}
    return {"x": x, **states, **weights, **biases}
