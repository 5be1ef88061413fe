"""Notebook 05's figures: tokens coloured by tag, per-class F1 bars, and the tagging widget's callback."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.models.tagger import tag_line
from rnnlab.tasks.tagging import TAGS, python_lines

#: One colour per tag (and light grey for untagged tokens), the same in every figure.
TAG_COLOURS = {"other": "#bbbbbb", "call": "#1f77b4", "owner": "#2ca02c", "assigned": "#d62728", None: "#f2f2f2"}


def draw_tagged_line(tokens: list[str], rows: dict, title: str = ""):
    """One row of coloured boxes per entry of ``rows`` (``name -> tags``, one tag or None per token).

    A wrong tag (different from the first row, taken as the truth) is drawn with a thick black edge.
    Returns the figure.
    """
    if not tokens:
        raise ValueError("draw_tagged_line: expected at least one token, got none")
    for name, tags in rows.items():
        if len(tags) != len(tokens):
            raise ValueError(f"draw_tagged_line: row {name!r} has {len(tags)} tags for {len(tokens)} tokens")
    widths = [max(1.0, 0.32 * len(t) + 0.4) for t in tokens]
    left = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    names = list(rows)
    truth = rows[names[0]]
    fig, ax = plt.subplots(figsize=(min(16, 0.9 + 0.42 * sum(widths)), 0.7 + 0.55 * (len(names) + 1)))
    for k, tok in enumerate(tokens):
        ax.text(left[k] + widths[k] / 2, len(names) + 0.1, tok, ha="center", va="center", family="monospace", fontsize=9)
    for r, name in enumerate(names):
        y = len(names) - 1 - r
        for k, tag in enumerate(rows[name]):
            wrong = r > 0 and tag != truth[k]
            ax.add_patch(plt.Rectangle((left[k] + 0.05, y - 0.4), widths[k] - 0.1, 0.8, color=TAG_COLOURS[tag],
                                       ec="black" if wrong else "none", lw=2.0 if wrong else 0))
    ax.set_yticks(range(len(names)), names[::-1])
    ax.set_xlim(0, sum(widths))
    ax.set_ylim(-0.6, len(names) + 0.5)
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=TAG_COLOURS[t]) for t in TAGS]
    ax.legend(handles, TAGS, ncol=len(TAGS), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    if title:
        ax.set_title(title, pad=22, fontsize=10)
    return fig


def draw_f1_bars(scores: dict, title: str = "held-out per-class F1"):
    """Grouped bars: ``scores`` maps a model name to its per-class F1 ``(len(TAGS),)``. Returns the figure."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    n = len(scores)
    x = np.arange(len(TAGS) + 1)
    for k, (name, f1) in enumerate(scores.items()):
        values = np.append(np.asarray(f1, dtype=float), np.mean(f1))
        ax.bar(x + (k - (n - 1) / 2) * 0.8 / n, values, 0.8 / n, label=name)
    ax.set_xticks(x, list(TAGS) + ["macro"])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return fig


def compare_taggers(code: str, models: dict, vocab):
    """Widget callback: tag the first logical line of ``code`` with every model in ``models``.

    Draws the true tags (read off the next token) and each model's tags; returns the figure.
    Code that does not tokenize is reported in the title instead of raising.
    """
    try:
        line = python_lines(code)[0]
    except ValueError as err:
        fig, ax = plt.subplots(figsize=(7, 0.8))
        ax.axis("off")
        ax.set_title(f"cannot tag this: {err}", fontsize=9)
        return fig
    rows = {"truth": line.tags}
    for name, model in models.items():
        rows[name] = tag_line(model, line, vocab)
    return draw_tagged_line(line.tokens, rows, title="names tagged by role (black edge: wrong)")
