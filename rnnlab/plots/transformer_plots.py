"""Notebook 11's pictures: attention weights and masks, positional encodings, heads, pre- vs post-norm.

The models live in :mod:`rnnlab.nn` and :mod:`rnnlab.models.transformers`; this module only draws,
so the widget callback :func:`head_figure` can be tested headless.

Heatmaps of attention weights put the keys (what is looked at, S of them) along x and the
queries (who looks, L of them) down y, as notebook 09's alignments: row i is alpha_i, a
distribution over the keys.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

_SHOWN = {" ": "␣", "\t": "\\t", "\n": "⏎"}



def _finish_training_axes(ax, ylabel: str, baselines: dict | None):
    """Horizontal reference lines ``baselines`` {label: value}, axis labels and the legend of a training plot."""
    for k, (label, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, color="0.5", ls=[":", "--", "-."][k % 3], lw=1, label=label)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax

def _np(a) -> np.ndarray:
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def labels(tokens) -> list[str]:
    """Characters (or token strings) as axis labels: a space drawn as '␣', a newline as '⏎'."""
    return [_SHOWN.get(t, t) for t in tokens]


def draw_recurrence_vs_attention(text: str, axes=None):
    """Two panels: an RNN reaches x_1 from x_T through T - 1 steps; causal self-attention in one.

    Top: the recurrence h_t = f(h_{t-1}, x_t), one arrow per step. Bottom: every position t
    attends to every j <= t directly (arcs drawn for the last position, and faintly for all).
    """
    T = len(text)
    if T < 2:
        raise ValueError(f"draw_recurrence_vs_attention: expected a text of at least 2 characters, got {text!r}")
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(0.55 * T + 1.5, 3.6))
    shown = labels(text)
    for ax in axes:
        for t, ch in enumerate(shown):
            ax.text(t, 0, ch, ha="center", va="center", family="monospace", fontsize=11,
                    bbox=dict(boxstyle="round,pad=0.3", fc="#c6dbef", ec="none"))
        ax.set_xlim(-0.8, T - 0.2)
        ax.set_axis_off()
    top, bottom = axes
    for t in range(T - 1):
        top.annotate("", xy=(t + 0.72, 0.45), xytext=(t + 0.28, 0.45),
                     arrowprops=dict(arrowstyle="->", color="C3", lw=1.5))
    top.set_ylim(-0.6, 1.0)
    top.set_title(f"recurrence: information from $x_1$ reaches step {T} through {T - 1} sequential updates of $h_t$",
                  fontsize=9)
    for i in range(T):
        for j in range(i):
            last = i == T - 1
            mid, half = (i + j) / 2, (i - j) / 2
            arc = np.linspace(0, np.pi, 30)
            bottom.plot(mid + half * np.cos(arc), 0.25 + 0.22 * half * np.sin(arc),
                        color="C0" if last else "0.75", lw=1.3 if last else 0.5, zorder=0 if not last else 1)
    bottom.set_ylim(-0.6, 0.45 + 0.11 * T)
    bottom.set_title(f"causal self-attention: position {T} reads every $x_j$, $j \\leq {T}$, in one step "
                     f"(all positions at once)", fontsize=9)
    return axes


def draw_weights(alpha, rows, cols, ax=None, title: str = "", colorbar: bool = False, vmax: float = 1.0,
                 xlabel: str = "key $j$", ylabel: str = "query $i$"):
    """Heatmap of attention weights alpha (L, S): queries ``rows`` (L labels) down y, keys ``cols`` (S) along x."""
    alpha = _np(alpha).astype(float)
    rows, cols = list(rows), list(cols)
    if alpha.shape != (len(rows), len(cols)):
        raise ValueError(f"draw_weights: expected alpha of shape (L, S) = ({len(rows)}, {len(cols)}) "
                         f"(one row per query label, one column per key label), got {alpha.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.5 + 0.3 * len(cols), 1.0 + 0.3 * len(rows)))
    im = ax.imshow(alpha, cmap="Blues", vmin=0.0, vmax=vmax, aspect="auto", interpolation="nearest")
    small = 8 if max(len(rows), len(cols)) <= 24 else 6
    ax.set_xticks(range(len(cols)), labels(cols), fontsize=small, family="monospace")
    ax.set_yticks(range(len(rows)), labels(rows), fontsize=small, family="monospace")
    ax.tick_params(length=0)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02).set_label(r"$\alpha_{ij}$", fontsize=9)
    return ax


def draw_mask(blocked, ax=None, title: str = "", rows=None, cols=None):
    """A bool mask ``blocked`` (L, S) in rnnlab.nn's convention, True = NOT allowed: drawn dark with a cross."""
    blocked = _np(blocked).astype(bool)
    L, S = blocked.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(0.35 * S + 1.2, 0.35 * L + 0.9))
    ax.imshow(np.where(blocked, 0.25, 0.95), cmap="gray", vmin=0, vmax=1, aspect="equal", interpolation="nearest")
    for i, j in zip(*np.nonzero(blocked)):
        ax.text(j, i, "×", ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks(range(S), labels(cols) if cols is not None else range(S), fontsize=8, family="monospace")
    ax.set_yticks(range(L), labels(rows) if rows is not None else range(L), fontsize=8, family="monospace")
    ax.tick_params(length=0)
    ax.set_xlabel("key $j$", fontsize=8)
    ax.set_ylabel("query $i$", fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def draw_positions(pe, dims=(0, 1, 8, 9, 30, 31), axes=None):
    """The sinusoidal table: heatmap of PE (T, d) on the left, a few of its columns as curves on the right."""
    pe = _np(pe).astype(float)
    T, d = pe.shape
    dims = [k for k in dims if k < d]
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 3.4), gridspec_kw=dict(width_ratios=[1.1, 1]))
    left, right = axes
    im = left.imshow(pe.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    left.set_xlabel("position $t$")
    left.set_ylabel("dimension (column of PE)")
    left.set_title(f"PE ({T} positions x {d} dimensions): fast clocks at the top, slow ones below", fontsize=9)
    left.figure.colorbar(im, ax=left, fraction=0.04, pad=0.02)
    t = np.arange(T)
    for k, dim in enumerate(dims):
        kind = "sin" if dim % 2 == 0 else "cos"
        period = 2 * np.pi * 10000 ** ((dim - dim % 2) / d)
        right.plot(t, pe[:, dim] + 2.4 * (len(dims) - 1 - k), color=f"C{k // 2}", lw=1.4 if kind == "sin" else 1.0,
                   ls="-" if kind == "sin" else "--", label=f"dim {dim}: {kind}, period {period:.1f}")
    right.set_yticks([])
    right.set_xlabel("position $t$")
    right.set_title("a few columns (shifted apart): each pair (sin, cos) turns at its own speed", fontsize=9)
    right.legend(fontsize=7, loc="upper right", framealpha=0.9)
    return axes


def draw_heads(alpha, rows, cols, axes=None, title: str = "", vmax: float = 1.0):
    """One heatmap per head: alpha (H, L, S). Returns the axes."""
    alpha = _np(alpha)
    if alpha.ndim != 3:
        raise ValueError(f"draw_heads: expected alpha of shape (H, L, S), got {alpha.shape}")
    H = alpha.shape[0]
    if axes is None:
        _, axes = plt.subplots(1, H, figsize=(min(3.2 * H, 14), 0.8 + 0.22 * len(list(rows))))
    axes = np.atleast_1d(axes)
    for h, ax in enumerate(axes):
        draw_weights(alpha[h], rows, cols, ax=ax, title=f"head {h + 1}", vmax=vmax,
                     xlabel="", ylabel="" if h else "query $i$")
    if title:
        axes[0].figure.suptitle(title, fontsize=10)
    return axes


def head_figure(maps: dict, name: str, rows, cols, example: int = 0, title: str = ""):
    """Widget callback: the per-head weights of attention layer ``name`` for one example.

    maps: ``{layer name: alpha (B, H, L, S)}`` from :func:`rnnlab.models.transformers.attention_maps`;
    rows, cols: the L query and S key labels of that example (the map is cut to them, so padding
    is not drawn). Returns the figure.
    """
    if name not in maps:
        raise ValueError(f"head_figure: expected a layer name among {sorted(maps)}, got {name!r}")
    alpha = _np(maps[name][example])[:, :len(list(rows)), :len(list(cols))]  # (H, L, S)
    H = alpha.shape[0]
    fig, axes = plt.subplots(1, H, figsize=(min(2.1 + 0.2 * len(list(cols)), 4.2) * H, 1.0 + 0.24 * len(list(rows))),
                             squeeze=False)
    draw_heads(alpha, rows, cols, axes=axes[0], title=title or name)
    fig.tight_layout()
    return fig


def draw_norm_experiment(depth_stats: dict, curves: dict, axes=None):
    """Pre- vs post-norm: residual-stream size per layer, last-layer gradient against depth, training curves.

    depth_stats: {"post"/"pre": {"rms": (N,) per layer, "depths": (K,), "last_grad": (K,)}};
    curves: {label: (steps, losses)}. Returns the three axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(14, 3.4))
    a, b, c = axes
    styles = {"post": dict(color="C3", marker="o", label="post-norm"), "pre": dict(color="C0", marker="s",
                                                                                   label="pre-norm")}
    for kind, stats in depth_stats.items():
        rms = np.asarray(stats["rms"])
        a.plot(np.arange(1, len(rms) + 1), rms, ms=4, **styles[kind])
        b.plot(stats["depths"], stats["last_grad"], ms=4, **styles[kind])
    a.set_xlabel("layer")
    a.set_ylabel("RMS of the residual stream $x$")
    a.set_title(f"after each layer of a {len(rms)}-layer stack, at initialisation", fontsize=9)
    a.legend(fontsize=8)
    b.set_xscale("log", base=2)
    b.set_xlabel("number of layers $N$")
    b.set_ylabel(r"$\|\partial \mathcal{L} / \partial W\|$, last layer's $W_2$")
    b.set_title("gradient of the last layer at initialisation", fontsize=9)
    b.legend(fontsize=8)
    for label, (steps, losses) in curves.items():  # colour: the norm's placement; line: depth, warm-up
        color = "C4" if "warm" in label else ("C0" if "pre" in label else "C3")
        deep = "N = 2" not in label
        c.plot(steps, losses, "--" if "warm" in label else ("-" if deep else ":"), color=color,
               lw=1.6 if deep else 1.2, alpha=1.0 if deep else 0.7, label=label)
    c.set_xlabel("training step")
    c.set_ylabel("training loss (nats/char)")
    c.set_title("training, no warm-up unless said", fontsize=9)
    c.legend(fontsize=7)
    return axes


def draw_curves(logs: dict, ax=None, metric: str = "exact", ylabel: str = "valid exact match (%)",
                scale: float = 100.0, baselines: dict | None = None):
    """Held-out metric at each evaluation of several runs: logs {label: TrainLog with evals {metric: ...}}."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4))
    for k, (label, log) in enumerate(logs.items()):
        steps = [s for s, _ in log.evals]
        ax.plot(steps, [scale * m[metric] for _, m in log.evals], "o-", ms=4, color=f"C{k}", label=label)
    return _finish_training_axes(ax, ylabel, baselines)


def draw_loss_curves(curves: dict, ax=None, ylabel: str = "training loss", baselines: dict | None = None,
                     smooth: int = 3):
    """Training curves {label: (steps, values)}, each a moving average over ``smooth`` logged points,
    with horizontal reference lines ``baselines`` {label: value}."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4))
    for k, (label, (steps, values)) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        if smooth > 1 and len(values) >= smooth:
            values = np.convolve(values, np.ones(smooth) / smooth, mode="valid")
            steps = np.asarray(steps)[smooth - 1:]
        ax.plot(steps, values, color=f"C{k}", lw=1.5, label=label)
    return _finish_training_axes(ax, ylabel, baselines)
