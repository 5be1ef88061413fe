"""Notebook 06's pictures: a confusion matrix and forecasts against the truth."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def confusion_figure(cm: np.ndarray, labels, title: str = ""):
    """Row-normalised confusion matrix (C, C): row = true class, column = predicted; counts written in."""
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] != len(labels):
        raise ValueError(f"confusion_figure: expected a square (C, C) matrix with C = {len(labels)}, got {cm.shape}")
    rates = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(0.7 * len(labels) + 2.5, 0.6 * len(labels) + 1.5))
    im = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if rates[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    fig.colorbar(im, ax=ax, label="fraction of the true class")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def forecast_figure(years, series, test_years, forecasts: dict, title: str = "", context: int = 80):
    """The series (last ``context`` points) and each forecast (name -> values on ``test_years``)."""
    years, series = np.asarray(years), np.asarray(series)
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.plot(years[-context:], series[-context:], color="k", lw=1.5, label="observed")
    styles = {0: "-", 1: "--", 2: ":"}
    for k, (name, values) in enumerate(forecasts.items()):
        ax.plot(test_years, values, styles.get(k % 3, "-"), lw=1.5, color=f"C{k}", label=name)
    ax.axvspan(test_years[0] - 0.5, test_years[-1] + 0.5, color="0.9", zorder=0)
    ax.text(test_years[0], ax.get_ylim()[1] * 0.95, " held-out test segment", va="top", fontsize=8, color="0.4")
    ax.set_xlabel("year")
    ax.set_ylabel("sunspot number")
    ax.legend(fontsize=8, ncol=4, loc="upper left", bbox_to_anchor=(0, -0.18))
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
