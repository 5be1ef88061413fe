"""Notebook 07's pictures of language-model training: stateful batches and learning curves."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def draw_streams(text: str, batch_size: int = 3, seq_len: int = 8, num_batches: int = 3, ax=None):
    """How :class:`~rnnlab.data.char_batches.StatefulBatches` cuts ``text`` for truncated BPTT.

    Rows are the B streams, columns the characters; each colour is one batch (T columns).
    Arrows: the hidden state carried from one batch to the next, detached.
    """
    per_stream = (len(text) - 1) // batch_size
    used = num_batches * seq_len
    if per_stream < used:
        raise ValueError(f"draw_streams: expected at least {batch_size * used + 1} characters, got {len(text)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.32 * used + 1.5, 0.55 * batch_size + 1.1))
    for b in range(batch_size):
        for j in range(used):
            k = j // seq_len
            ch = text[b * per_stream + j]
            ax.add_patch(plt.Rectangle((j, -b - 0.4), 0.95, 0.8, color=f"C{k}", alpha=0.25))
            ax.text(j + 0.47, -b, {"\n": "↵", " ": "␣"}.get(ch, ch), ha="center", va="center",
                    family="monospace", fontsize=9)
        for k in range(1, num_batches):
            ax.annotate("", xy=(k * seq_len + 0.1, -b + 0.42), xytext=(k * seq_len - 0.9, -b + 0.42),
                        arrowprops=dict(arrowstyle="->", color="k", lw=1))
    for k in range(num_batches):
        ax.text(k * seq_len + seq_len / 2, 0.75, f"batch {k}", ha="center", color=f"C{k}", fontsize=9)
    ax.set_yticks([-b for b in range(batch_size)], [f"stream {b}" for b in range(batch_size)])
    ax.set_xlim(-0.2, used + 0.2)
    ax.set_ylim(-batch_size + 0.4, 1.1)
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"B = {batch_size} streams read T = {seq_len} characters per batch; arrows: state carried (detached)",
                 fontsize=9)
    return ax


def draw_learning_curve(log, baselines: dict, ax=None, title: str = ""):
    """Training loss (bits/char, per step) and held-out bpc at each evaluation, with baseline lines.

    ``log``: a :class:`rnnlab.training.loop.TrainLog` whose ``evals`` hold ``{"valid_bpc": ...}``;
    ``baselines``: name -> held-out bpc, drawn as horizontal lines.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.4))
    ax.plot(log.steps, np.asarray(log.losses) / np.log(2), color="C0", alpha=0.6, label="training batches")
    steps = [s for s, m in log.evals]
    ax.plot(steps, [m["valid_bpc"] for _, m in log.evals], "o-", color="C1", label="LSTM, held-out")
    for k, (name, bpc) in enumerate(baselines.items()):
        ax.axhline(bpc, ls="--", color=f"C{k + 2}", label=f"{name}, held-out ({bpc:.2f})")
    if baselines:
        ax.set_ylim(top=max(ax.get_ylim()[1], max(baselines.values()) + 0.2))
    ax.set_xlabel("training step")
    ax.set_ylabel("bits per character")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax
