"""Drawing for notebook 04 (LSTM and GRU): gate heatmaps, the gradient highway, the long-range races.

The numbers come from :mod:`rnnlab.experiments.gates` (gate traces), :mod:`rnnlab.experiments.highway` (the gradient
through time of RNN, LSTM and GRU cells) and the tasks in :mod:`rnnlab.tasks`; this module
only draws. :func:`highway_widget` is an ``ipywidgets.interact`` callback that never raises
for a slider value: overflow is drawn as notebook 03 draws it.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.experiments.highway import highway_flows
from rnnlab.plots.gradflow_plots import plot_gradient_flow

#: One colour per model, the same in every figure of notebook 04.
COLORS = {"RNN": "#d62728", "LSTM": "#1f77b4", "GRU": "#2ca02c"}
MARK = "#ff7f0e"
_BOUNDED = {"i", "f", "o", "r", "z"}      # sigmoid gates: drawn on [0, 1]


def gate_heatmaps(trace: dict, x, gates=("i", "f", "o", "c"), marks=(), title: str = ""):
    """Heatmaps of ``gates`` (units × time) from a :mod:`rnnlab.experiments.gates` trace, under the input.

    ``trace``: dict of ``(T, H)`` arrays. ``x``: the input ``(T, D)``; its first channel is drawn
    as a line on top, and the steps in ``marks`` as dashed lines through every panel.
    Sigmoid gates use the scale [0, 1]; ``g``, ``n``, ``c`` and ``h`` a symmetric one. Returns the figure.
    """
    x = np.asarray(x)
    T = len(x)
    n = len(gates) + 1
    fig = plt.figure(figsize=(9, 1.2 + 1.45 * len(gates)))
    grid = fig.add_gridspec(n, 2, width_ratios=[1, 0.015], height_ratios=[0.7] + [1] * len(gates),
                            hspace=0.12, wspace=0.02, left=0.08, right=0.95, top=0.93, bottom=0.09)
    axes = [fig.add_subplot(grid[k, 0]) for k in range(n)]
    top = axes[0]
    colors = np.where(np.isin(np.arange(T), list(marks)), MARK, "#999999")
    top.bar(np.arange(T), x[:, 0], width=0.9, color=colors)
    top.set_ylabel("x_t", rotation=0, ha="right", va="center", fontsize=11)
    top.set_yticks([])
    for k, gate in enumerate(gates, start=1):
        ax = axes[k]
        values = np.asarray(trace[gate]).T                          # (H, T)
        if gate in _BOUNDED:
            kw = dict(vmin=0.0, vmax=1.0, cmap="viridis")
        else:
            top_value = max(float(np.abs(values).max()), 1e-6)
            kw = dict(vmin=-top_value, vmax=top_value, cmap="RdBu_r")
        image = ax.imshow(values, aspect="auto", interpolation="nearest", origin="lower",
                          extent=(-0.5, T - 0.5, 0.5, values.shape[0] + 0.5), **kw)
        ax.set_ylabel(f"{gate}_t", rotation=0, ha="right", va="center", fontsize=11)
        ax.set_yticks([1, values.shape[0]], ["1", str(values.shape[0])], fontsize=7)
        bar = fig.colorbar(image, cax=fig.add_subplot(grid[k, 1]))
        bar.ax.tick_params(labelsize=7)
    for ax in axes:
        ax.set_xlim(-0.5, T - 0.5)
        for m in marks:
            ax.axvline(m, color=MARK, ls="--", lw=1.2)
        if ax is not axes[-1]:
            ax.set_xticklabels([])
    axes[-1].set_xlabel("time step t   (dashed: the marked steps; rows: hidden units)")
    if title:
        top.set_title(title, fontsize=10)
    return fig


def flows_figure(flows: dict, title: str = "", figsize=(7.5, 3.8)):
    """``||ds_T/ds_t||`` against ``t`` (log y) for several models on one axes.

    ``flows`` maps a model name ("RNN", "LSTM", "GRU") to a :class:`rnnlab.experiments.gradflow.GradientFlow`.
    Overflow and underflow are marked as in notebook 03. Returns the figure.
    """
    fig, ax = plt.subplots(figsize=figsize)
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.13, top=0.88)
    notes = []
    for name, flow in flows.items():
        plot_gradient_flow(flow, ax, label=name, color=COLORS.get(name, None) or "#444444",
                           show_bound=False, notes=False)
        if flow.overflow_from is not None:
            notes.append(f"{name}: overflow beyond float32 for t ≤ {flow.overflow_from}")
    ax.set_ylabel("‖∂s_T / ∂s_t‖₂   (s = h; LSTM: (h, c))")
    if notes:
        ax.text(0.02, 0.03, "\n".join(notes), transform=ax.transAxes, color="#d62728", fontsize=9,
                va="bottom", bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    handles, labels = ax.get_legend_handles_labels()
    keep = [(h, l) for h, l in zip(handles, labels) if l in flows or l.startswith("overflow")]
    seen = {}
    for h, l in keep:
        seen.setdefault(l, h)
    ax.legend(seen.values(), seen.keys(), fontsize=8, loc="upper left")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def highway_figure(flows: dict, keep_bias: float, hidden_size: int = 32):
    """Draw the gradient highway of RNN, LSTM and GRU measured by
    :func:`rnnlab.experiments.highway.highway_flows` (``flows``, with the ``keep_bias`` and
    ``hidden_size`` it was measured with, for the title). Returns the figure."""
    any_flow = next(iter(flows.values()))
    return flows_figure(flows, title=(f"untrained cells, {any_flow.init} init, W_hh × {any_flow.scale:g}, "
                                      f"b_f = b_z = {keep_bias:g}, H = {hidden_size}, T = {any_flow.T}"))


def highway_widget(T=100, init="course", scale=1.0, keep_bias=1.0):
    """``ipywidgets.interact`` callback: measure the highway, draw it and show it."""
    highway_figure(highway_flows(T, init, scale, keep_bias), keep_bias)
    plt.show()


def race_figure(panels: list):
    """One panel per race: each contender's score for every seed (dots) and its min–max bar.

    ``panels``: a list of ``(title, results, baseline, ylabel)``; ``results`` is
    :func:`rnnlab.experiments.fair.compare`'s ``{name: Contender}``, ``baseline`` the do-nothing
    score, drawn as a dashed line. The scale is logarithmic when the scores span over a decade.
    Returns the figure.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    for ax, (title, results, baseline, ylabel) in zip(axes[0], panels):
        names = list(results)
        for k, name in enumerate(names):
            c = results[name]
            color = COLORS.get(name, "#444444")
            ax.plot([k, k], [min(c.scores), max(c.scores)], color=color, lw=6, alpha=0.3, solid_capstyle="round")
            ax.plot([k] * len(c.scores), c.scores, "o", color=color, ms=5)
        ax.axhline(baseline, color="#444444", ls="--", lw=1, label=f"baseline {baseline:.3g}")
        every = [v for c in results.values() for v in c.scores] + [baseline]
        if min(every) > 0 and max(every) / min(every) > 10:
            ax.set_yscale("log")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([f"{n}\nlr {results[n].lr:g}" for n in names], fontsize=8)
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
