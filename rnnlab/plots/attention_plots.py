"""Notebook 09's pictures: attention drawn as an alignment, scores against input length, the widget.

The attention itself lives in :mod:`rnnlab.models.attention` and :mod:`rnnlab.models.attention_decoders`;
:func:`greedy_decode(..., return_alpha=True) <rnnlab.models.seq2seq.greedy_decode>` collects the
weights alpha (B, L, S) of every output step over the source. This module only draws, so the
widget callback :func:`alignment_figure` can be tested and timed headless
(``benchmarks/attention_widget.py``).

Axes as in Bahdanau et al. (2014, Figure 3): the source characters x_j along the x axis, the
output characters y_i down the y axis, alpha_ij as the colour (white 0, dark blue 1).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.models.attention_decoders import align
#: What the three metrics of the length experiment are called on the y axes.
METRICS = {"exact": "exact match (%)", "bleu": "character BLEU", "chrf": "chrF"}
#: Longest input the widget decodes; longer text is refused with a message, not drawn.
MAX_CHARS = 60


def _np(a) -> np.ndarray:
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def char_label(ch: str) -> str:
    """A character as an axis label: a space is drawn as '␣' so that it can be seen."""
    return {" ": "␣", "\t": "\\t", "\n": "\\n"}.get(ch, ch)


def draw_alignment(alpha, source, output, ax=None, title: str = "", colorbar: bool = True, highlight=None):
    """Heatmap of the attention weights alpha (L, S) of one example.

    alpha: (L, S) array or tensor, row i = output step i (a distribution over the source);
    source: the S source characters (a string, or S labels), along x;
    output: the L output labels (characters, '⟨eos⟩' for the last step if it ended), down y;
    highlight: optional (start, stop) source columns to outline, e.g. the month's word.
    Returns ``ax``; the heatmap is ``ax.images[0]`` (its data is alpha). With L = 0 or S = 0
    the axes say so in words instead of drawing an empty image.
    """
    alpha = _np(alpha).astype(float)
    source, output = list(source), list(output)
    if alpha.ndim != 2 or alpha.shape != (len(output), len(source)):
        raise ValueError(f"draw_alignment: expected alpha of shape (L, S) = ({len(output)}, {len(source)}) "
                         f"(one row per output label, one column per source character), got {alpha.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=alignment_figsize(len(source), len(output)))
    if alpha.size == 0:
        ax.text(0.5, 0.5, "nothing to draw: " + ("no output steps" if not output else "an empty source"),
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        if title:
            ax.set_title(title, fontsize=9)
        return ax
    S, L = len(source), len(output)
    small = 8 if max(S, L) <= 30 else 6
    im = ax.imshow(alpha, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(S), [char_label(c) for c in source], fontsize=small, family="monospace")
    ax.set_yticks(range(L), [char_label(c) for c in output], fontsize=small, family="monospace")
    ax.tick_params(length=0)
    # plain text, not $mathtext$: mathtext would cost a third of the widget's redraw
    ax.set_xlabel("source character x_j", fontsize=9)
    ax.set_ylabel("output character y_i", fontsize=9)
    if highlight is not None:
        start, stop = highlight
        ax.add_patch(plt.Rectangle((start - 0.5, -0.5), stop - start, L, fill=False, ec="C3", lw=1.5, ls="--"))
    if title:
        ax.set_title(title, fontsize=9)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.035, pad=0.02).set_label("α_ij", fontsize=9)
    return ax


def alignment_figsize(S: int, L: int) -> tuple[float, float]:
    """A figure size (inches) that gives each of S columns and L rows room, capped at 12 x 6."""
    return min(2.2 + 0.27 * S, 12.0), min(1.4 + 0.27 * L, 6.0)


def alignment_figure(model, src_vocab, tgt_vocab, text: str, reference: str | None = None, max_len: int = 14,
                     max_chars: int = MAX_CHARS, title: str = ""):
    """Widget callback: decode ``text`` greedily (:func:`rnnlab.models.attention_decoders.align`)
    and draw where each output character looked.

    model: a :class:`rnnlab.models.seq2seq.Seq2Seq` whose decoder keeps its weights in ``.alpha``
    (``BahdanauDecoder``, ``LuongDecoder``); ``text`` is stripped and lower-cased first.
    reference: the expected output, if known (a test example), to say right or wrong.

    Returns ``(fig, message)``. ``fig`` is ``None`` when there is nothing to draw -- empty
    text, more than ``max_chars`` characters, characters outside the vocabulary -- and the
    message then says why in words, never a traceback. Otherwise ``message`` gives the output
    and its probability; the figure holds one axes, whose image is alpha (L, S).
    """
    if not hasattr(model.decoder, "alpha"):
        raise TypeError(f"alignment_figure: expected a model with an attention decoder (one that keeps .alpha), "
                        f"got {type(model.decoder).__name__}")
    text = (text or "").strip().lower()
    if not text:
        return None, "Type a date in one of the six languages, e.g. '14 juillet 1987'."
    if len(text) > max_chars:
        return None, (f"That is {len(text)} characters; the widget draws inputs of at most {max_chars} "
                      f"(the longest dates the model was trained on have about 35). Shorten it.")
    try:
        found = align(model, src_vocab, tgt_vocab, text, max_len=max_len)
    except ValueError as err:
        return None, f"Cannot read this input: {err}"
    message = f"output {found.output!r}   p = {found.p:.3f}"
    if found.cut:
        message += f"   (no ⟨eos⟩ within {max_len} steps: the output was cut)"
    if reference is not None:
        message += "   ✓ correct" if found.output == reference else f"   ✗ expected {reference!r}"
    fig, ax = plt.subplots(figsize=alignment_figsize(len(text), len(found.labels)))
    draw_alignment(found.alpha, text, found.labels, ax=ax, title=title or f"{text!r} → {found.output!r}")
    return fig, message


def draw_scores_by_length(lengths, scores: dict, trained=None, axes=None, metrics=tuple(METRICS)):
    """One panel per metric against input length, one line per model.

    lengths: (K,) the input lengths tested; scores: {model label: {metric: (K,) values on 0..100}};
    trained: (min, max) lengths seen in training, shaded; axes: one per metric (made if None).
    Returns the axes.
    """
    lengths = np.asarray(lengths)
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(4 * len(metrics), 3.3), sharex=True)
    axes = np.atleast_1d(axes)
    if len(axes) != len(metrics):
        raise ValueError(f"draw_scores_by_length: expected {len(metrics)} axes (one per metric), got {len(axes)}")
    for ax, metric in zip(axes, metrics):
        if trained is not None:
            ax.axvspan(trained[0] - 0.5, trained[1] + 0.5, color="0.92", zorder=0,
                       label="lengths seen in training")
        for k, (label, by_metric) in enumerate(scores.items()):
            values = np.asarray(by_metric[metric], dtype=float)
            if values.shape != lengths.shape:
                raise ValueError(f"draw_scores_by_length: {label!r} {metric}: expected {lengths.shape[0]} values "
                                 f"(one per length), got shape {values.shape}")
            ax.plot(lengths, values, "o-", color=f"C{k}", ms=4, label=label)
        ax.set_xlabel("input length L (characters)")
        ax.set_ylabel(METRICS.get(metric, metric))
        ax.set_ylim(-3, 103)
    axes[-1].legend(fontsize=8, loc="best")
    return axes


def draw_attention_sketch(source: str, target: str, alpha, axes=None):
    """Two panels: without attention every y_i reads one vector c; with it, y_i reads sum_j alpha_ij h_j.

    alpha (L, S), L = len(target), S = len(source): the line from y_i to x_j is drawn with
    width and opacity proportional to alpha_ij. Returns the two axes.
    """
    alpha = _np(alpha).astype(float)
    S, L = len(source), len(target)
    if alpha.shape != (L, S):
        raise ValueError(f"draw_attention_sketch: expected alpha of shape (L, S) = ({L}, {S}), got {alpha.shape}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 2.8))
    xs = np.linspace(0, 1, S) if S > 1 else np.array([0.5])
    ys = np.linspace(0, 1, L) if L > 1 else np.array([0.5])
    for ax, attend in zip(axes, (False, True)):
        for x, ch in zip(xs, source):
            ax.text(x, 0, char_label(ch), ha="center", va="center", family="monospace", fontsize=11,
                    bbox=dict(boxstyle="round,pad=0.3", fc="#c6dbef", ec="none"))
        for y, ch in zip(ys, target):
            ax.text(y, 1, char_label(ch), ha="center", va="center", family="monospace", fontsize=11,
                    bbox=dict(boxstyle="round,pad=0.3", fc="#fdd0a2", ec="none"))
        if attend:
            for i in range(L):
                for j in range(S):
                    a = alpha[i, j]
                    if a > 0.02:
                        ax.plot([xs[j], ys[i]], [0.08, 0.92], color="C0", lw=4 * a, alpha=min(1.0, 0.15 + a))
            ax.set_title(r"with attention: $y_i$ reads $c_i = \sum_j \alpha_{ij} h_j$, its own mix of every $h_j$",
                         fontsize=9)
        else:
            ax.text(0.5, 0.5, "c", ha="center", va="center", fontsize=12, color="white", weight="bold",
                    bbox=dict(boxstyle="round,pad=0.4", fc="C3", ec="none"))
            for x in xs:
                ax.plot([x, 0.5], [0.08, 0.45], color="0.6", lw=0.8)
            for y in ys:
                ax.plot([0.5, y], [0.55, 0.92], color="0.6", lw=0.8)
            ax.set_title("without attention (notebook 08): everything passes through one vector c", fontsize=9)
        ax.text(-0.08, 0, "$x_j$", ha="right", va="center", fontsize=10)
        ax.text(-0.08, 1, "$y_i$", ha="right", va="center", fontsize=10)
        ax.set_xlim(-0.15, 1.05)
        ax.set_ylim(-0.15, 1.15)
        ax.set_axis_off()
    return axes
