"""Notebook 07's pictures of decoding: next-character distributions and the sampling widget.

The computations live in :mod:`rnnlab.decoding.sampling`; this module only draws, so the widget
callback can be timed headless (``benchmarks/sampling_widget.py``).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from rnnlab.decoding.sampling import generate, next_distribution, next_logits


def _label(ch: str) -> str:
    return {"\n": "\\n", " ": "␣", "\t": "\\t"}.get(ch, ch)


def draw_distribution(ax, probs, vocab, *, top: int = 20, title: str = "", color: str = "C0", order=None):
    """Bars of probs (V,) on ``ax`` for the characters ``order`` (default: the ``top`` most likely)."""
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")[:top] if order is None else np.asarray(order)
    ax.bar(range(len(order)), probs[order], color=color)
    ax.set_xticks(range(len(order)), [_label(vocab.itos[i]) for i in order], fontsize=8)
    kept = int((probs > 0).sum())
    ax.set_title(f"{title}  ({kept} of {len(probs)} characters possible)" if title else "", fontsize=9)
    ax.set_ylim(0, 1)
    return ax


def draw_decoding(model, vocab, prompt: str, settings: list[dict], top: int = 20):
    """One panel per decoding setting (kwargs of ``next_distribution``) for the character after ``prompt``.

    Every panel shows the same characters: the ``top`` most likely under the model.
    """
    logits = next_logits(model, vocab, prompt)
    order = torch.argsort(-logits, stable=True)[:top].numpy()  # the model's top characters, in every panel
    fig, axes = plt.subplots(len(settings), 1, figsize=(8, 1.6 * len(settings)), sharex=False)
    axes = np.atleast_1d(axes)
    for k, (ax, kw) in enumerate(zip(axes, settings)):
        probs = next_distribution(logits, **kw).numpy()
        title = ", ".join(f"{name}={value}" for name, value in kw.items()) or "the model's p"
        draw_distribution(ax, probs, vocab, title=title, color=f"C{k}", order=order)
        ax.set_ylabel("p")
    fig.suptitle(f"next character after {prompt[-30:]!r}", fontsize=10)
    fig.tight_layout()
    return fig


def draw_sampling(model, vocab, prompt: str = "The ", temperature: float = 1.0, top_p: float = 1.0,
                  length: int = 200, seed: int = 0, top: int = 20):
    """Widget callback: the next-character distribution under the settings, and a sample.

    Returns ``(fig, text)``: the figure shows the model's p (grey) and the distribution
    that is sampled from after temperature and top-p (blue); ``text`` is ``length``
    characters sampled after ``prompt`` with a ``torch.Generator`` seeded by ``seed``.
    """
    logits = next_logits(model, vocab, prompt)
    raw = torch.softmax(logits, -1).numpy()
    shaped = next_distribution(logits, temperature=temperature, top_p=top_p).numpy()
    order = np.argsort(-raw, kind="stable")[:top]
    fig, ax = plt.subplots(figsize=(8, 2.4))
    xs = np.arange(len(order))
    ax.bar(xs - 0.2, raw[order], width=0.4, color="0.7", label="model p")
    ax.bar(xs + 0.2, shaped[order], width=0.4, color="C0", label=f"T={temperature:.2f}, top-p={top_p:.2f}")
    ax.set_xticks(xs, [_label(vocab.itos[i]) for i in order], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("p(next char)")
    ax.set_title(f"after {prompt[-30:]!r}: {int((shaped > 0).sum())} of {len(raw)} characters can be drawn",
                 fontsize=9)
    ax.legend(fontsize=8)
    text = generate(model, vocab, prompt, length, temperature=temperature, top_p=top_p,
                    generator=torch.Generator().manual_seed(seed))
    return fig, text
