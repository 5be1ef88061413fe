"""Notebook 16's figures: scenes with captions, attention per word over the image, the race (drawing only)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch


def _image(image) -> np.ndarray:
    """(3, S, S) tensor or array in [0, 1] -> (S, S, 3) array for imshow."""
    image = image.detach().cpu().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    if image.ndim != 3 or image.shape[0] != 3:
        raise ValueError(f"expected one image of shape (3, S, S), got shape {image.shape}")
    return np.clip(image.transpose(1, 2, 0), 0, 1)


def draw_scenes(images, captions, titles=None, per_row: int = 4):
    """A grid of scenes, each image (3, S, S) with its caption (str, wrapped) under it. Returns the figure."""
    if len(images) != len(captions):
        raise ValueError(f"draw_scenes: expected a caption per image, got {len(images)} images and "
                         f"{len(captions)} captions")
    rows = (len(images) + per_row - 1) // per_row
    fig, axes = plt.subplots(rows, per_row, figsize=(2.6 * per_row, 2.9 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < len(images):
            ax.imshow(_image(images[k]))
            words = captions[k].split()
            ax.set_title("\n".join(" ".join(words[i:i + 4]) for i in range(0, len(words), 4)), fontsize=8,
                         y=-0.02, va="top")
            if titles:
                ax.text(0.5, 1.02, titles[k], transform=ax.transAxes, ha="center", fontsize=8)
    fig.tight_layout()
    return fig


def draw_attention_per_word(image, words, alpha, grid: int, title: str | None = None, axes=None):
    """The image, then one panel per word: the attention alpha_t over the G x G grid (upsampled, white =
    more weight) laid over the image, the word under it.

    image (3, S, S); words: the T generated words; alpha (T, L = grid*grid), row t for word t.
    Returns the figure.
    """
    alpha = alpha.detach().cpu().numpy() if isinstance(alpha, torch.Tensor) else np.asarray(alpha)
    if alpha.ndim != 2 or alpha.shape[1] != grid * grid or alpha.shape[0] < len(words):
        raise ValueError(f"draw_attention_per_word: expected alpha of shape (T >= {len(words)}, L = {grid * grid}), "
                         f"got {alpha.shape}")
    pic = _image(image)
    S = pic.shape[0]
    if axes is None:
        fig, axes = plt.subplots(1, len(words) + 1, figsize=(1.35 * (len(words) + 1), 1.9))
    axes = np.atleast_1d(axes)
    fig = axes[0].figure
    axes[0].imshow(pic)
    axes[0].set_xlabel("image", fontsize=8)
    for t, (ax, word) in enumerate(zip(axes[1:], words)):
        ax.imshow(pic * 0.55)
        ax.imshow(alpha[t].reshape(grid, grid), cmap="gray", alpha=0.6, extent=(-0.5, S - 0.5, S - 0.5, -0.5),
                  vmin=0, vmax=max(float(alpha[t].max()), 1e-9), interpolation="nearest")
        ax.set_xlabel(word, fontsize=9)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def draw_race(scores: dict, metrics: tuple, seeds):
    """One panel per metric: a dot per seed for each contender. scores: {contender: {metric: [per seed]}}."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 3.0), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for k, (name, by_metric) in enumerate(scores.items()):
            values = by_metric[metric]
            ax.scatter([k] * len(values), values, color=f"C{k}", zorder=3)
        ax.set_xticks(range(len(scores)), list(scores))
        ax.set_xlim(-0.6, len(scores) - 0.4)
        ax.set_title(metric, fontsize=9)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{len(seeds)} seed{'s' * (len(seeds) > 1)} (one dot each)", fontsize=9)
    fig.tight_layout()
    return fig
