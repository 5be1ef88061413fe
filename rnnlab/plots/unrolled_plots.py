"""Diagrams of an RNN unrolled in time (notebook 01): the same weights at every step.

Each weight matrix has one colour, so parameter sharing is visible: every
recurrent arrow is the same ``W_hh`` (Elman) or ``W_yh`` (Jordan).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

COLOURS = {"W_xh": "tab:blue", "W_hh": "tab:red", "W_hy": "tab:green", "W_yh": "tab:purple"}
ROWS = {"x": 0.0, "h": 1.0, "y": 2.0}


def _node(ax, x, y, text, colour):
    ax.add_patch(FancyBboxPatch((x - 0.28, y - 0.2), 0.56, 0.4, boxstyle="round,pad=0.02",
                                fc=colour, ec="black", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=12)


def _arrow(ax, start, end, weight, label=True, rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=2,
                                 color=COLOURS[weight], connectionstyle=f"arc3,rad={rad}"))
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        name = "$W_{" + weight[2:] + "}$"
        horizontal = abs(end[1] - start[1]) < 1e-9
        if horizontal:  # label above the arrow
            ax.text(mx, my + 0.14, name, color=COLOURS[weight], fontsize=10, ha="center", va="bottom")
        else:  # label beside it
            ax.text(mx + 0.06, my, name, color=COLOURS[weight], fontsize=10, ha="left", va="center")


def draw_unrolled(kind: str = "elman", T: int = 4, ax=None):
    """Draw ``T`` steps of an Elman or Jordan network; returns the axes.

    Elman feeds the hidden state forward (``h_{t-1} -> h_t`` through ``W_hh``);
    Jordan feeds the output forward (``y_{t-1} -> h_t`` through ``W_yh``).
    """
    if kind not in ("elman", "jordan"):
        raise ValueError(f"draw_unrolled: expected kind 'elman' or 'jordan', got {kind!r}")
    if not isinstance(T, int) or not 1 <= T <= 12:
        raise ValueError(f"draw_unrolled: expected T an int in [1, 12], got {T!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 * T + 1.2, 3.2))
    for t in range(1, T + 1):
        c = 1.4 * t
        _node(ax, c, ROWS["x"], f"$x_{t}$", "#dbe9f6")
        _node(ax, c, ROWS["h"], f"$h_{t}$", "#f9dcdc")
        _node(ax, c, ROWS["y"], f"$y_{t}$", "#dcf2dc")
        _arrow(ax, (c, ROWS["x"] + 0.2), (c, ROWS["h"] - 0.2), "W_xh", label=t == 1)
        _arrow(ax, (c, ROWS["h"] + 0.2), (c, ROWS["y"] - 0.2), "W_hy", label=t == 1)
        left = 0.8 if t == 1 else c - 1.4  # the first arrow starts after the h_0 / y_0 label
        if kind == "elman":
            _arrow(ax, (max(left, c - 1.4 + 0.28), ROWS["h"]), (c - 0.28, ROWS["h"]), "W_hh", label=t > 1)
        else:
            _arrow(ax, (max(left, c - 1.4 + 0.2), ROWS["y"] - 0.2), (c - 0.2, ROWS["h"] + 0.2), "W_yh", label=t > 1)
    if kind == "elman":
        ax.text(0.6, ROWS["h"], "$h_0$", ha="center", va="center", fontsize=12)
    else:
        ax.text(0.6, ROWS["y"], "$y_0$", ha="center", va="center", fontsize=12)
    ax.set_xlim(0.3, 1.4 * T + 0.6)
    ax.set_ylim(-0.45, 2.45)
    ax.set_aspect("equal")
    ax.axis("off")
    name = "Elman: the hidden state is fed back" if kind == "elman" else "Jordan: the output is fed back"
    ax.set_title(f"{name} — the same weights at every step", fontsize=11)
    return ax
