"""Tasks whose answers are positions of the input (notebook 10, pointer networks).

- **Sorting**: ``n`` numbers drawn uniformly from [0, 1); the answer is the order in which to
  read them to get them ascending, ``argsort(x)``. Guessing a permutation at random is exactly
  right with probability ``1 / n!``.
- **Planar convex hull**: ``n`` points drawn uniformly from the unit square; the answer is the
  indices of the hull's vertices, counter-clockwise, starting from the vertex with the smallest
  index (one canonical order per hull), then the *end* position ``n``. Computed exactly with
  Andrew's monotone chain (:func:`convex_hull`); points on an edge are not vertices.
- **TSP** (small ``n``): the shortest closed tour through ``n`` points, exactly, by the
  Held-Karp dynamic programme (:func:`tsp_optimal`, ``n <= 10``).

Every generator takes a ``torch.Generator`` so a batch is reproducible::

    x, y = sorting_batch(64, n=8, generator=torch.Generator().manual_seed(0))   # (B, n, 1), (B, n)
    p, y = hull_batch(64, n=10, generator=g)    # (B, n, 2), (B, n + 1): END = n, then PAD = -1
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import torch

PAD = -1


def _check_int(fn: str, name: str, value, least: int, hint: str = "") -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < least:
        raise ValueError(f"{fn}: expected {name} to be an int >= {least}, got {value!r}{hint}")


def sorting_batch(batch_size: int, n: int, generator: torch.Generator | None = None):
    """A batch of the sorting task.

    Returns:
        ``x`` (B, n, 1) float32, numbers in [0, 1); ``y`` (B, n) int64, ``y[b, i]`` is the
        position of the i-th smallest number of row b (``argsort``), a permutation of 0..n-1.
    """
    _check_int("sorting_batch", "batch_size", batch_size, 1)
    _check_int("sorting_batch", "n", n, 2, " (sorting one number is trivial)")
    x = torch.rand(batch_size, n, 1, generator=generator)
    y = torch.argsort(x[..., 0], dim=1)
    return x, y


def _cross(o, a, b) -> float:
    """z of (a - o) x (b - o): > 0 when o -> a -> b turns left (counter-clockwise)."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(points) -> list[int]:
    """Indices of the convex hull's vertices of ``points`` (n, 2), counter-clockwise.

    Andrew's monotone chain, O(n log n). The list starts at the vertex with the smallest
    index. Points on an edge of the hull are not vertices; of duplicate points, the one with
    the smallest index stands for all. A hull of fewer than three distinct, non-collinear
    points is degenerate: then the list holds the 1 or 2 extreme points.

    Raises:
        ValueError: not an (n, 2) array, or n < 3.
    """
    pts = np.asarray(points.detach().cpu() if hasattr(points, "detach") else points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"convex_hull: expected points of shape (n, 2), got {pts.shape}")
    if len(pts) < 3:
        raise ValueError(f"convex_hull: expected at least 3 points (n >= 3) for a planar hull, got {len(pts)}")
    # sort by (x, y), ties by index, so the first of duplicates is the one kept
    order = sorted(range(len(pts)), key=lambda i: (pts[i, 0], pts[i, 1], i))
    unique = [i for k, i in enumerate(order) if k == 0 or tuple(pts[i]) != tuple(pts[order[k - 1]])]
    if len(unique) < 3:
        return sorted(unique[:1] + unique[-1:]) if len(unique) == 2 else unique

    def half(seq):
        chain = []
        for i in seq:
            while len(chain) >= 2 and _cross(pts[chain[-2]], pts[chain[-1]], pts[i]) <= 0:
                chain.pop()          # not a left turn: chain[-1] is inside or on an edge
            chain.append(i)
        return chain

    lower, upper = half(unique), half(reversed(unique))
    hull = lower[:-1] + upper[:-1]   # counter-clockwise, from the leftmost point
    if len(hull) < 3:                # all points collinear: the two ends
        return sorted(set(hull))
    start = hull.index(min(hull))
    return hull[start:] + hull[:start]


def hull_batch(batch_size: int, n: int, generator: torch.Generator | None = None):
    """A batch of the convex-hull task.

    Returns:
        ``points`` (B, n, 2) float32 in the unit square; ``y`` (B, n + 1) int64: each row's
        hull vertices (:func:`convex_hull`), then ``n`` (the *end* position, "done"), then
        ``PAD = -1`` up to length n + 1.
    """
    _check_int("hull_batch", "batch_size", batch_size, 1)
    _check_int("hull_batch", "n", n, 3, " (a planar hull needs at least 3 points)")
    points = torch.rand(batch_size, n, 2, generator=generator)
    y = torch.full((batch_size, n + 1), PAD, dtype=torch.int64)
    for b in range(batch_size):
        hull = convex_hull(points[b].double().numpy()) + [n]
        y[b, :len(hull)] = torch.tensor(hull)
    return points, y


def tour_length(points, tour) -> float:
    """Length of the closed tour visiting ``points`` (n, 2) in the order ``tour`` (n indices)."""
    pts = np.asarray(points.detach().cpu() if hasattr(points, "detach") else points, dtype=float)
    tour = [int(i) for i in tour]
    if sorted(tour) != list(range(len(pts))):
        raise ValueError(f"tour_length: expected a permutation of 0..{len(pts) - 1}, got {tour}")
    closed = pts[tour + tour[:1]]
    return float(np.sqrt(((closed[1:] - closed[:-1]) ** 2).sum(1)).sum())


def tsp_optimal(points) -> tuple[list[int], float]:
    """The shortest closed tour through ``points`` (n, 2), exactly: Held-Karp, O(2^n n^2).

    Returns ``(tour, length)`` with the tour starting at point 0 and going towards the
    smaller-indexed of its two neighbours. For 3 <= n <= 10.
    """
    pts = np.asarray(points.detach().cpu() if hasattr(points, "detach") else points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"tsp_optimal: expected points of shape (n, 2), got {pts.shape}")
    n = len(pts)
    if not 3 <= n <= 10:
        raise ValueError(f"tsp_optimal: expected 3 <= n <= 10 (the exact solver is exponential), got n = {n}")
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    full = 1 << (n - 1)                                  # subsets of points 1..n-1
    best = np.full((full, n), math.inf)
    parent = np.full((full, n), -1, dtype=int)
    for j in range(1, n):
        best[1 << (j - 1), j] = d[0, j]
    for subset in range(1, full):
        for j in range(1, n):
            if not subset >> (j - 1) & 1 or best[subset, j] == math.inf:
                continue
            for k in range(1, n):
                if subset >> (k - 1) & 1:
                    continue
                nxt = subset | 1 << (k - 1)
                cand = best[subset, j] + d[j, k]
                if cand < best[nxt, k]:
                    best[nxt, k], parent[nxt, k] = cand, j
    ends = best[full - 1] + d[:, 0]
    j, subset, back = int(np.argmin(ends[1:]) + 1), full - 1, []
    length = float(ends[j])
    while j > 0:
        back.append(j)
        j, subset = parent[subset, j], subset & ~(1 << (j - 1))
    tour = [0] + back[::-1]
    if tour[1] > tour[-1]:
        tour = [0] + tour[1:][::-1]
    return tour, length


def tsp_brute_force(points) -> float:
    """The optimal tour length by trying every tour (n <= 9): a check on :func:`tsp_optimal`."""
    pts = np.asarray(points, dtype=float)
    n = len(pts)
    if not 3 <= n <= 9:
        raise ValueError(f"tsp_brute_force: expected 3 <= n <= 9, got n = {n}")
    return min(tour_length(pts, (0,) + p) for p in itertools.permutations(range(1, n)))
