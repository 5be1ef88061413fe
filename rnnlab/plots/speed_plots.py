"""Notebook 12's pictures: who waits for whom, tokens/s, memory against length, the speed ladder."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.experiments.speed import loglog_slope
from rnnlab.models.streaming_lms import kv_cache_bytes, lstm_state_bytes



def _log_axes(ax, xlabel: str, ylabel: str, base_x: int = 2):
    """Log x (base ``base_x``) and log y, the labels, the legend and a grid: how every speed panel ends."""
    ax.set_xscale("log", base=base_x)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    return ax

def draw_dependencies(T: int = 8, axes=None):
    """Three panels over T positions: what each computation must wait for.

    RNN: h_t needs h_{t-1}, T steps in a row. Attention: every position at once, t looks at
    all j <= t (T^2 / 2 pairs, one round). Scan (Hillis & Steele): round k combines each
    position with the one 2^k back, so every prefix is ready after log2 T rounds.
    """
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(12, 3.2))
    xs = np.arange(T)
    arrow = dict(arrowstyle="->", lw=0.9, shrinkA=4, shrinkB=4)

    ax = axes[0]  # the recurrence: a chain
    for t in xs:
        ax.scatter([t], [-t], s=90, color="C0", zorder=3)
        if t:
            ax.annotate("", xy=(t, -t), xytext=(t - 1, -(t - 1)), arrowprops={**arrow, "color": "C0"})
    ax.set_title(f"RNN: {T} steps, one after another", fontsize=10)
    ax.set_ylabel("rounds, one after another ↓", fontsize=9)

    ax = axes[1]  # attention: all pairs j <= t in one round
    for t in xs:
        for j in range(t):
            ax.annotate("", xy=(t, -1), xytext=(j, 0), arrowprops={**arrow, "color": "C1", "alpha": 0.35})
    ax.scatter(xs, np.zeros(T), s=90, color="C1", zorder=3)
    ax.scatter(xs, -np.ones(T), s=90, color="C1", zorder=3)
    ax.set_title(f"attention: 1 round, {T * (T - 1) // 2} pairs", fontsize=10)

    ax = axes[2]  # scan: log2 T rounds
    rounds = int(np.ceil(np.log2(T)))
    for k in range(rounds + 1):
        ax.scatter(xs, np.full(T, -k), s=90, color="C2", zorder=3)
    for k in range(rounds):
        step = 2 ** k
        for t in xs:
            ax.annotate("", xy=(t, -k - 1), xytext=(t, -k), arrowprops={**arrow, "color": "C2", "alpha": 0.5})
            if t >= step:
                ax.annotate("", xy=(t, -k - 1), xytext=(t - step, -k), arrowprops={**arrow, "color": "C2"})
    ax.set_title(f"scan: {rounds} rounds (log2 {T}), T·log2 T work", fontsize=10)

    for ax in axes:
        ax.set_xticks(xs, [f"{t + 1}" for t in xs], fontsize=8)
        ax.set_xlabel("position t", fontsize=9)
        ax.set_yticks([])
        ax.margins(0.08)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    return axes


def draw_tokens_per_second(lengths, throughput: dict, params: dict | None = None, ax=None):
    """Training tokens/s (forward + backward) against sequence length T, one line per model.

    throughput: name -> list of tokens/s, one per length; params: name -> parameter count.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for k, (name, tps) in enumerate(throughput.items()):
        label = name if params is None else f"{name} ({params[name] / 1e3:.1f} k params)"
        ax.plot(lengths, tps, "o-", color=f"C{k}", label=label)
    return _log_axes(ax, "sequence length T", "training tokens / s (forward + backward)")


def draw_memory_vs_length(results: dict, ax=None, log: bool = False):
    """Memory while generating: bytes the state holds (solid) and each step's peak (dashed), in kB.

    results: name -> the dict :func:`rnnlab.models.streaming_lms.memory_vs_length` returns.
    log: log-log axes (a constant is flat, a linear growth has slope 1).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    for k, (name, r) in enumerate(results.items()):
        n = np.asarray(r["length"])
        ax.plot(n, np.asarray(r["state_bytes"]) / 1e3, "-", color=f"C{k}", label=f"{name}: state")
        ax.plot(n, np.asarray(r["peak_bytes"]) / 1e3, "--", color=f"C{k}", alpha=0.7, label=f"{name}: peak of the step")
    ax.set_xlabel("tokens generated n")
    ax.set_ylabel("memory (kB)")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    return ax


_MARKERS = "os^vDP*X"


def _style(name, k, colors):
    """(colour, marker) of a line: by its position in ``colors`` if given there, else by k."""
    if colors and name in colors:
        return colors[name], _MARKERS[list(colors).index(name) % len(_MARKERS)]
    return f"C{k}", _MARKERS[k % len(_MARKERS)]


def draw_ladder(lengths, medians: dict, ax=None, colors: dict | None = None):
    """Forward + backward time against T per rung, log-log; the legend gives each line's slope.

    medians: rung name -> list of median seconds, one per length. Slope 1 = time proportional to T.
    colors: rung name -> matplotlib colour, to match another panel (default: C0, C1, ... in order).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    for k, (name, ts) in enumerate(medians.items()):
        slope = round(loglog_slope(lengths, ts), 2) + 0.0  # + 0.0: no "-0.00"
        color, marker = _style(name, k, colors)
        ax.plot(lengths, np.asarray(ts) * 1e3, marker=marker, color=color,
                label=f"{name} (slope {slope:.2f})")
    return _log_axes(ax, "sequence length T", "forward + backward (ms)")


def draw_op_counts(lengths, counts: dict, ax=None, colors: dict | None = None):
    """Tensor operations (forward + backward) against T per rung, log-log, slope in the legend.

    counts: rung name -> list of :func:`rnnlab.experiments.speed.count_ops` results, one per length.
    On a GPU every operation is at least one kernel launch.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    for k, (name, c) in enumerate(counts.items()):
        slope = round(loglog_slope(lengths, c), 2) + 0.0
        color, marker = _style(name, k, colors)
        ax.plot(lengths, c, marker=marker, color=color, label=f"{name} (slope {slope:.2f})")
    return _log_axes(ax, "sequence length T", "tensor operations (kernel launches on a GPU)")


def draw_state_memory(layers: int = 32, d_model: int = 4096, tokens: int = 4096, batch: int = 1,
                      bytes_per_number: int = 2, ax=None):
    """The widget's picture: KV cache vs LSTM state (H = d_model) over 1..``tokens``, in MiB, log scale."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.6))
    n = np.unique(np.geomspace(1, max(tokens, 1), 200).astype(int))
    kv = [kv_cache_bytes(layers, d_model, k, batch, bytes_per_number) / 2**20 for k in n]
    rnn = lstm_state_bytes(layers, d_model, batch, bytes_per_number) / 2**20
    ax.plot(n, kv, color="C2", label="transformer: KV cache")
    ax.plot(n, np.full(len(n), rnn), color="C0", label="LSTM (H = d_model): (h, c)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("tokens in the context n")
    ax.set_ylabel("MiB")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"after {tokens:,} tokens: KV cache {kv[-1]:,.1f} MiB, LSTM state {rnn:,.3f} MiB "
                 f"({kv[-1] / rnn:,.0f}x)", fontsize=9)
    return ax
