"""How long an untrained RNN remembers its first input (notebook 01's figure and widget)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.experiments.unrolling import elman_influence, jordan_influence, random_elman, random_jordan

D, H, V, B = 4, 32, 4, 8


def influence_curves(scale: float, T: int, seed: int = 0) -> dict:
    """``{"Elman": (T,), "Jordan": (T,)}``: the first input's influence at each step."""
    x = np.random.default_rng(seed).normal(size=(B, T, D))
    elman, jordan = random_elman(D, H, scale, seed), random_jordan(D, H, V, scale, seed)
    return {
        "Elman": elman_influence(x, elman),
        "Jordan": jordan_influence(x, jordan),
    }


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
