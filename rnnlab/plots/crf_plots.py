"""Notebook 14's figure: a CRF's learned transition scores as a heatmap (drawing only)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.nn.crf import CRF


def draw_transitions(crf: CRF, tag_names=None, ax=None, title: str = "learned transition scores A[i, j]"):
    """Heatmap of ``crf``'s transitions (row: the tag before, column: the tag after), with the start and end
    scores as an extra first row and last column; forbidden entries (-inf) are left blank and marked
    with an x. Returns the axes."""
    if not isinstance(crf, CRF):
        raise TypeError(f"draw_transitions: expected crf, an rnnlab.nn.CRF (e.g. model.crf), got {type(crf).__name__}")
    names = tag_names if tag_names is not None else crf.tag_names or [str(k) for k in range(crf.num_tags)]
    names = list(names)
    if len(names) != crf.num_tags or not all(isinstance(n, str) for n in names):
        raise ValueError(f"draw_transitions: expected {crf.num_tags} tag names (str), got {names!r:.80}")
    start, A, end = (s.detach().cpu().double().numpy() for s in crf.scores())
    K = crf.num_tags
    grid = np.full((K + 1, K + 1), np.nan)                # row 0: start; column K: end
    grid[0, :K], grid[1:, :K], grid[1:, K] = start, A, end
    shown = np.where(np.isfinite(grid), grid, np.nan)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.5 * (K + 1), 0.8 + 0.45 * (K + 1)))
    limit = float(np.nanmax(np.abs(shown))) if np.isfinite(shown).any() else 1.0
    image = ax.imshow(np.ma.masked_invalid(shown), cmap="RdBu_r", vmin=-limit, vmax=limit)
    for i, j in zip(*np.nonzero(np.isneginf(grid))):
        ax.text(j, i, "x", ha="center", va="center", color="grey", fontsize=8)
    ax.set_xticks(range(K + 1), names + ["<end>"], rotation=90)
    ax.set_yticks(range(K + 1), ["<start>"] + names)
    ax.set_xlabel("tag after (j)")
    ax.set_ylabel("tag before (i)")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return ax
