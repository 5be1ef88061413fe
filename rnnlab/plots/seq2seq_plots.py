"""Notebook 08's pictures: the encoder-decoder, training curves per feeding rule, the bottleneck."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def draw_encoder_decoder(source: str, target: str, ax=None):
    """Boxes: the encoder reads ``source``, hands one vector c to the decoder, which writes ``target``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(0.42 * (len(source) + len(target)) + 2.5, 2.4))
    S = len(source)
    for j, ch in enumerate(source):
        ax.add_patch(plt.Rectangle((j, 0), 0.9, 0.9, color="C0", alpha=0.25))
        ax.text(j + 0.45, -0.45, "␣" if ch == " " else ch, ha="center", va="center", family="monospace", fontsize=9)
    cx = S + 0.6
    ax.add_patch(plt.Rectangle((cx, 0), 0.9, 0.9, color="C3", alpha=0.6))
    ax.text(cx + 0.45, 0.45, "c", ha="center", va="center", color="white", fontsize=11, weight="bold")
    ax.annotate("", xy=(cx, 0.45), xytext=(S - 0.1, 0.45), arrowprops=dict(arrowstyle="->", lw=1.5))
    x0 = cx + 1.6
    outs = list(target) + ["⟨eos⟩"]
    ins = ["⟨bos⟩"] + list(target)
    for t, (i, o) in enumerate(zip(ins, outs)):
        ax.add_patch(plt.Rectangle((x0 + t, 0), 0.9, 0.9, color="C1", alpha=0.25))
        ax.text(x0 + t + 0.45, -0.45, i, ha="center", va="center", family="monospace", fontsize=7 if len(i) > 1 else 9)
        ax.text(x0 + t + 0.45, 1.35, o, ha="center", va="center", family="monospace", fontsize=7 if len(o) > 1 else 9)
    ax.annotate("", xy=(x0, 0.45), xytext=(cx + 0.95, 0.45), arrowprops=dict(arrowstyle="->", lw=1.5))
    ax.text(S / 2, 1.35, "encoder reads x_1 .. x_S", ha="center", color="C0", fontsize=9)
    ax.text(x0 + len(outs) / 2, 2.0, "decoder writes y_t, fed y_{t-1} and c", ha="center", color="C1", fontsize=9)
    ax.set_xlim(-0.3, x0 + len(outs) + 0.2)
    ax.set_ylim(-0.9, 2.3)
    ax.axis("off")
    return ax


def draw_training_curves(logs: dict, ax_loss=None, ax_acc=None, metric: str = "exact"):
    """Per run: training loss (left) and held-out greedy exact-match at each evaluation (right).

    ``logs``: name -> :class:`rnnlab.training.loop.TrainLog` whose ``evals`` hold ``{metric: ...}``.
    """
    if ax_loss is None or ax_acc is None:
        _, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.4))
    for k, (name, log) in enumerate(logs.items()):
        ax_loss.plot(log.steps, log.losses, color=f"C{k}", alpha=0.8, label=name)
        steps = [s for s, _ in log.evals]
        ax_acc.plot(steps, [100 * m[metric] for _, m in log.evals], "o-", color=f"C{k}", label=name)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("training step")
    ax_loss.set_ylabel("training cross-entropy (nats/token)")
    ax_acc.set_xlabel("training step")
    ax_acc.set_ylabel("held-out exact match, greedy (%)")
    ax_acc.set_ylim(-2, 102)
    ax_acc.legend(fontsize=8)
    return ax_loss, ax_acc


def draw_accuracy_by_length(lengths, correct, bins, ax=None, label: str = "", color: str = "C0"):
    """Exact-match accuracy (%) per input-length bin, with each bin's count written above it.

    lengths (N,) source lengths; correct (N,) bool; bins: bin edges (a value v falls in [e_i, e_{i+1})).
    Returns (centres, accuracy %, counts) of the non-empty bins.
    """
    lengths, correct = np.asarray(lengths), np.asarray(correct, dtype=float)
    idx = np.digitize(lengths, bins) - 1
    centres, acc, counts = [], [], []
    for i in range(len(bins) - 1):
        sel = idx == i
        if sel.sum():
            centres.append((bins[i] + bins[i + 1] - 1) / 2)
            acc.append(100 * correct[sel].mean())
            counts.append(int(sel.sum()))
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.4))
    ax.plot(centres, acc, "o-", color=color, label=label)
    for x, a, n in zip(centres, acc, counts):
        ax.annotate(f"n={n}", (x, a), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
    ax.set_xlabel("input length (characters)")
    ax.set_ylabel("exact match (%)")
    return np.array(centres), np.array(acc), np.array(counts)
