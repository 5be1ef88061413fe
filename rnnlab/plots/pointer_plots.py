"""Notebook 10's pictures: where a pointer network points, how it generalises in n, and its tours."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np



def _unit_square(ax, title: str = ""):
    """Frame a drawing of points in the unit square: equal axes, no ticks, an optional title."""
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax

def _np(a):
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def draw_pointer_heatmap(alpha, input_labels, ax=None, title: str = ""):
    """Heatmap of alpha (S, N): row i = output step i, column j = input position j.

    ``input_labels`` (N strings) name the columns, e.g. the numbers to sort. Each row is one
    distribution over the input positions; a sharp row points at one input.
    """
    alpha = _np(alpha)
    if alpha.ndim != 2 or alpha.shape[1] != len(input_labels):
        raise ValueError(f"draw_pointer_heatmap: expected alpha (S, N) with N = {len(input_labels)} "
                         f"labels, got shape {alpha.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * alpha.shape[1] + 1.5, 0.4 * alpha.shape[0] + 1.2))
    im = ax.imshow(alpha, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(alpha.shape[1]), input_labels, rotation=90, fontsize=8)
    ax.set_yticks(range(alpha.shape[0]), [f"i={i + 1}" for i in range(alpha.shape[0])], fontsize=8)
    ax.set_xlabel("input position j (its value)")
    ax.set_ylabel("output step i")
    if title:
        ax.set_title(title, fontsize=10)
    plt.colorbar(im, ax=ax, fraction=0.04, label=r"$\alpha_{ij}$")
    return ax


def draw_hull_pointers(points, pointers, true_hull, alpha_step=None, ax=None, title: str = ""):
    """Points on the plane, the true hull (dashed grey) and the model's pointers (arrows).

    ``pointers``: the decoded positions (the end position n and what follows are dropped).
    ``alpha_step`` (N,): one output step's attention, drawn as the size of a ring per point.
    """
    pts = _np(points)
    n = len(pts)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.6))
    seq = []
    for p in _np(pointers).tolist():
        if p >= n:
            break
        seq.append(p)
    hull = [int(i) for i in true_hull if 0 <= i < n]
    if hull:
        ring = pts[hull + hull[:1]]
        ax.plot(ring[:, 0], ring[:, 1], "--", color="0.6", lw=1.5, label="true hull")
    ax.scatter(pts[:, 0], pts[:, 1], s=14, color="k", zorder=3)
    if alpha_step is not None:
        a = _np(alpha_step)[:n]
        ax.scatter(pts[:, 0], pts[:, 1], s=600 * a, facecolors="none", edgecolors="C3", lw=1.5, zorder=4,
                   label=r"$\alpha$ at step 1")
    for a, b in zip(seq, seq[1:] + seq[:1]):
        ax.annotate("", xy=pts[b], xytext=pts[a],
                    arrowprops=dict(arrowstyle="->", color="C0", lw=1.3, shrinkA=3, shrinkB=3))
    for k, p in enumerate(seq):
        ax.text(pts[p, 0] + 0.02, pts[p, 1] + 0.02, str(k + 1), color="C0", fontsize=8)
    return _unit_square(ax, title)


def draw_length_generalisation(results: dict, trained: tuple, ax=None, title: str = "",
                               ylabel: str = "exact match (greedy)"):
    """A rate vs n (exact match by default), one line per task or model; the trained range shaded.

    ``results``: {label: {n: rate in [0, 1]}}; ``trained``: (n_min, n_max).
    """
    if len(trained) != 2 or trained[0] > trained[1]:
        raise ValueError(f"draw_length_generalisation: expected trained = (n_min, n_max), got {trained!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    ax.axvspan(trained[0] - 0.5, trained[1] + 0.5, color="0.9", label="lengths seen in training")
    for k, (label, by_n) in enumerate(results.items()):
        ns = sorted(by_n)
        ax.plot(ns, [by_n[n] for n in ns], "o-", color=f"C{k}", label=label)
    ax.set_xlabel("n (number of inputs)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def draw_tour(points, tour, reference=None, alpha_step=None, ax=None, title: str = "",
              labels=("model's tour", "optimal tour"), step: int | None = None):
    """A closed tour through ``points`` (n, 2) as arrows; ``reference`` (n,) dashed grey beneath.

    ``alpha_step`` (n,): one output step's attention, drawn as the size of a ring per point
    (``step``, counted from 1, names that step in the legend).
    """
    pts = _np(points)
    n = len(pts)
    order = [int(i) for i in _np(tour).tolist()]
    if pts.ndim != 2 or pts.shape[1] != 2 or sorted(order) != list(range(n)):
        raise ValueError(f"draw_tour: expected points (n, 2) and a tour that is a permutation of 0..n-1, "
                         f"got points {pts.shape} and tour {order}")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.6))
    if reference is not None:
        ref = [int(i) for i in _np(reference).tolist()]
        ring = pts[ref + ref[:1]]
        ax.plot(ring[:, 0], ring[:, 1], "--", color="0.6", lw=2.5, label=labels[1])
    ax.scatter(pts[:, 0], pts[:, 1], s=14, color="k", zorder=3)
    ax.scatter(pts[order[0], 0], pts[order[0], 1], s=60, marker="s", facecolors="none", edgecolors="k", zorder=3)
    if alpha_step is not None:
        a = _np(alpha_step)[:n]
        ax.scatter(pts[:, 0], pts[:, 1], s=600 * a, facecolors="none", edgecolors="C3", lw=1.5, zorder=4,
                   label=r"$\alpha$" + (f" at step {step}" if step else ""))
    for a, b in zip(order, order[1:] + order[:1]):
        ax.annotate("", xy=pts[b], xytext=pts[a],
                    arrowprops=dict(arrowstyle="->", color="C0", lw=1.3, shrinkA=3, shrinkB=3))
    ax.plot([], [], color="C0", lw=1.3, label=labels[0])
    return _unit_square(ax, title)
