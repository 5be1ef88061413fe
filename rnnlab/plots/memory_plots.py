"""How long an untrained RNN remembers its first input (notebook 01's widget): drawing only;
the measurement is :func:`rnnlab.experiments.unrolling.influence_curves`."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.experiments.unrolling import influence_curves

def draw_memory(scale: float = 1.0, T: int = 30, seed: int = 0):
    """Widget callback: influence of ``x_1`` on every later state, log scale; returns the figure."""
    curves = influence_curves(scale, T, seed)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    floor = 1e-30  # below this a state has forgotten x_1 for any practical purpose
    for name, values in curves.items():
        ax.semilogy(np.arange(1, T + 1), np.maximum(values, floor), marker=".", label=name)
    top = max(1e2, 10 * max(float(v.max()) for v in curves.values()))
    ax.set_ylim(floor, top)
    ax.set_xlabel("time step t")
    ax.set_ylabel("influence of $x_1$ on the state at t")
    ax.set_title(f"untrained networks, recurrent weight scale {scale:.2f}")
    ax.legend(loc="upper right")
    return fig
