"""Drawing for notebook 02 (BPTT by hand), widget callbacks included.

- :func:`reach_figure` / :func:`reach_widget`: how far back the last step's loss sends
  gradient, full BPTT against truncated BPTT(k1=1, k2) (computed by :mod:`rnnlab.byhand.reach`).
- :func:`training_figure`: the character model's loss against the uniform and unigram baselines.
- :func:`temperature_widget`: samples of the trained character model at a chosen temperature.

Each ``*_figure`` returns ``(fig, result)``; each ``*_widget`` shows its output and
returns ``None`` (so ``ipywidgets.interact`` displays nothing twice). None raises for any
slider value.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch

from rnnlab.byhand.charmodel import sample, smooth
from rnnlab.byhand.reach import reach_curves
from rnnlab.plots.unrolled_plots import _node

FULL, TRUNC, CUT = "#1f77b4", "#d62728", "#eeeeee"


def draw_backward(T: int = 4, ax=None):
    """The unrolled Elman network with the gradient flowing back (orange): returns the axes.

    Each loss ``L_t`` sends gradient down to ``y_t`` and ``h_t``; each ``h_{t+1}`` sends
    gradient back to ``h_t`` through ``W_hh``, so ``dL/dh_t`` collects both.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 * T + 1.2, 4.0))
    grad = dict(arrowstyle="-|>", mutation_scale=14, lw=2, color="tab:orange")
    for t in range(1, T + 1):
        c = 1.4 * t
        _node(ax, c, 0.0, f"$x_{t}$", "#dbe9f6")
        _node(ax, c, 1.0, f"$h_{t}$", "#f9dcdc")
        _node(ax, c, 2.0, f"$y_{t}$", "#dcf2dc")
        _node(ax, c, 3.0, f"$L_{t}$", "#fde9c9")
        for y0, y1 in ((2.8, 2.2), (1.8, 1.2), (0.8, 0.2)):
            ax.add_patch(FancyArrowPatch((c + 0.1, y0), (c + 0.1, y1), **grad))
        ax.add_patch(FancyArrowPatch((c - 0.1, 0.2), (c - 0.1, 0.8), arrowstyle="-|>", mutation_scale=10,
                                     lw=1, color="#999999"))
        if t < T:
            ax.add_patch(FancyArrowPatch((c + 1.4 - 0.28, 0.95), (c + 0.28, 0.95), **grad))
            ax.add_patch(FancyArrowPatch((c + 0.28, 1.1), (c + 1.4 - 0.28, 1.1), arrowstyle="-|>",
                                         mutation_scale=10, lw=1, color="#999999"))
    ax.text(1.4 * T + 0.45, 1.0, "$\\partial L/\\partial h_t$ = from $L_t$\n+ from $h_{t+1}$",
            va="center", fontsize=10, color="tab:orange")
    ax.set_xlim(0.7, 1.4 * T + 2.2)
    ax.set_ylim(-0.45, 3.45)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("forward (grey) and backward (orange) through time", fontsize=11)
    return ax


def reach_figure(k2: int = 10, scale: float = 2.0, T: int = 40, seed: int = 0):
    """Two panels for a random Elman RNN (``W_hh`` scaled by ``scale``) on ``T`` steps.

    Left: ``||dL_{T-1}/dx_s||`` against how many steps back ``x_s`` is, full BPTT and
    TBPTT(1, k2). Right: the relative error of the truncated ``dW_hh`` for every ``k2``.
    -> fig, {"full": (T,), "truncated": (T,), "errors": (T,) for k2 = 1..T}, norms indexed by steps back.
    """
    T = max(int(T), 2)
    k2 = int(min(max(int(k2), 1), T))
    full, truncated_by_k2, errors = reach_curves(float(scale), T, int(seed))
    truncated = truncated_by_k2[k2]
    back = np.arange(T)  # steps back from the last input
    full_b, trunc_b = full[::-1], truncated[::-1]

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
    floor = 1e-12
    ax.axvspan(k2 - 0.5, T - 0.5, color=CUT, zorder=0)
    ax.semilogy(back, np.maximum(full_b, floor), ".-", color=FULL, label="full BPTT")
    kept = trunc_b > 0
    ax.semilogy(back[kept], trunc_b[kept], "o", mfc="none", color=TRUNC, label=f"truncated, k2 = {k2}")
    if (~kept).any():
        ax.text(min(k2, T - 1) + 0.3, 0.95, "truncated: exactly 0", transform=ax.get_xaxis_transform(),
                va="top", fontsize=9, color=TRUNC)
    ax.set_xlabel("steps back from the last input, T-1-s")
    ax.set_ylabel(r"$\|\partial L_{T-1}/\partial x_s\|$")
    ax.set_xlim(-0.5, T - 0.5)
    ax.set_title("gradient of the last loss on earlier inputs")
    ax.legend(loc="lower left", fontsize=9)

    ax2.plot(np.arange(1, T + 1), errors, ".-", color=TRUNC)
    ax2.axvline(k2, color="#444444", lw=1, ls="--")
    ax2.set_xlabel("truncation length k2")
    ax2.set_ylabel(r"relative error of truncated $dW_{hh}$")
    ax2.set_ylim(0, max(1.05, float(errors.max()) * 1.05))
    ax2.set_title(f"error of the truncated gradient (scale {scale:g})")
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.9, wspace=0.25)  # fixed: tight_layout costs ~50 ms
    return fig, {"full": full_b, "truncated": trunc_b, "errors": errors}


def reach_widget(k2: int = 10, scale: float = 2.0) -> None:
    """``interact`` callback: draw :func:`reach_figure` and show it."""
    reach_figure(k2, scale)
    plt.show()


def training_figure(losses, uniform: float, unigram: float, held_out: dict | None = None, beta: float = 0.99):
    """The per-update training loss (faint), its running average, and the two baselines.

    held_out: optional ``{update: held-out loss}`` drawn as points. -> fig, smoothed losses.
    """
    losses = np.asarray(losses, dtype=float)
    smoothed = smooth(losses, beta, start=uniform)
    steps = np.arange(1, len(losses) + 1)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    ax.plot(steps, losses, color=FULL, alpha=0.25, lw=0.8, label="loss of each update")
    ax.plot(steps, smoothed, color=FULL, lw=2, label=f"running average (β = {beta})")
    ax.axhline(uniform, color="#888888", ls=":", label=f"uniform guess, ln V = {uniform:.2f}")
    ax.axhline(unigram, color="#444444", ls="--", label=f"unigram, held-out = {unigram:.2f}")
    if held_out:
        ax.plot(list(held_out), list(held_out.values()), "s", color=TRUNC, label="held-out loss")
    ax.set_xlabel("update")
    ax.set_ylabel("cross-entropy (nats per character)")
    top = max([uniform + 0.6, *(v + 0.3 for v in (held_out or {}).values())])
    ax.set_ylim(min(1.5, float(losses.min()) - 0.1), top)
    ax.legend(fontsize=9, loc="upper right")
    ax.set_title("NumPy character model on Python's documentation")
    fig.tight_layout()
    return fig, smoothed


def temperature_widget(model, temperature: float = 1.0, prompt: str = "The ", length: int = 300, seed: int = 0) -> None:
    """``interact`` callback: print a sample of ``model`` at ``temperature`` (clamped to >= 0.05)."""
    temperature = max(float(temperature), 0.05)
    print(f"temperature {temperature:.2f}:\n")
    print(prompt + sample(model, length, prompt=prompt, temperature=temperature, seed=seed))
