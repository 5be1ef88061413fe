"""Tasks whose answers are positions of the input (notebook 10, pointer networks).

- **Sorting**: ``n`` numbers drawn uniformly from [0, 1); the answer is the order in which to
  read them to get them ascending, ``argsort(x)``. Guessing a permutation at random is exactly
  right with probability ``1 / n!``.
- **Planar convex hull**: ``n`` points drawn uniformly from the unit square; the answer is the
  indices of the hull's vertices, counter-clockwise, starting from the vertex with the smallest
  index (one canonical order per hull), then the *end* position ``n``. Computed exactly with
  Andrew's monotone chain (:func:`convex_hull`); points on an edge are not vertices.
- **TSP** (small ``n``): ``n`` points uniform in the unit square; the answer is the shortest
  closed tour through them, exactly, by the Held-Karp dynamic programme vectorised over a
  batch (:func:`tsp_optimal_batch`, ``n <= 12``). A tour is a cycle with 2n spellings; the
  target is the canonical one: from point 0, counter-clockwise (:func:`canonical_tours`).
  Baselines: :func:`nearest_neighbour_tours`, :func:`random_tours`.

Every generator takes a ``torch.Generator`` so a batch is reproducible::

    x, y = sorting_batch(64, n=8, generator=torch.Generator().manual_seed(0))   # (B, n, 1), (B, n)
    p, y = hull_batch(64, n=10, generator=g)    # (B, n, 2), (B, n + 1): END = n, then IGNORE = -100
    p, y = tsp_batch(64, n=8, generator=g)      # (B, n, 2), (B, n): optimal tours from point 0
"""
from __future__ import annotations

import functools
import itertools

import numpy as np
import torch

from rnnlab.checks import ArgumentKindError, check_generator, check_int
from rnnlab.data.vocab import IGNORE


def sorting_batch(batch_size: int, n: int, generator: torch.Generator | None = None):
    """A batch of the sorting task.

    Returns:
        ``x`` (B, n, 1) float32, numbers in [0, 1); ``y`` (B, n) int64, ``y[b, i]`` is the
        position of the i-th smallest number of row b (``argsort``), a permutation of 0..n-1.
    """
    batch_size = check_int("batch_size", batch_size, 1, fn="sorting_batch")
    n = check_int("n", n, 2, fn="sorting_batch", hint=" (sorting one number is trivial)")
    check_generator("sorting_batch: generator", generator)
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
    pts = _points("convex_hull", points, batched=False)
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
        ``IGNORE`` = -100 (:mod:`rnnlab.data.vocab`'s padding of targets) up to length n + 1.
    """
    batch_size = check_int("batch_size", batch_size, 1, fn="hull_batch")
    n = check_int("n", n, 3, fn="hull_batch", hint=" (a planar hull needs at least 3 points)")
    check_generator("hull_batch: generator", generator)
    points = torch.rand(batch_size, n, 2, generator=generator)
    y = torch.full((batch_size, n + 1), IGNORE, dtype=torch.int64)
    for b in range(batch_size):
        hull = convex_hull(points[b].double().numpy()) + [n]
        y[b, :len(hull)] = torch.tensor(hull)
    return points, y


def _points(fn: str, points, batched: bool) -> np.ndarray:
    """``points`` as a float64 array of shape (B, n, 2) (or (n, 2) when not ``batched``), checked."""
    layout, rank = ("(B, n, 2)", 3) if batched else ("(n, 2)", 2)
    try:
        pts = np.asarray(points.detach().cpu() if hasattr(points, "detach") else points, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{fn}: expected points {layout} of numbers, got {type(points).__name__} ({err})") from None
    if pts.ndim != rank or pts.shape[-1] != 2:
        raise ValueError(f"{fn}: expected points of shape {layout}, got {pts.shape}")
    if batched and pts.shape[0] == 0:
        raise ValueError(f"{fn}: the batch is empty (points of shape {pts.shape}); expected B >= 1")
    if not np.all(np.isfinite(pts)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(pts))[0])
        raise ValueError(f"{fn}: expected finite coordinates, got NaN or inf at {where} (points {pts.shape})")
    return pts


def _tours(fn: str, tours, shape: tuple) -> np.ndarray:
    """``tours`` as an int64 array of ``shape`` (B, n), each row a permutation of 0..n-1."""
    t = np.asarray(tours.detach().cpu() if hasattr(tours, "detach") else tours)
    if t.shape != shape:
        raise ValueError(f"{fn}: expected tours of shape {shape} (B, n), one per instance of points, got {t.shape}")
    if not np.issubdtype(t.dtype, np.integer):
        raise ArgumentKindError(f"{fn}: expected integer tours (indices of points), got dtype {t.dtype}")
    bad = ~(np.sort(t, 1) == np.arange(shape[1])).all(1)
    if bad.any():
        b = int(np.argmax(bad))
        raise ValueError(f"{fn}: expected every tour to be a permutation of 0..{shape[1] - 1}; "
                         f"row {b} is {t[b].tolist()}")
    return t.astype(np.int64)


def tour_length(points, tour) -> float:
    """Length of the closed tour visiting ``points`` (n, 2) in the order ``tour`` (n indices)."""
    pts = _points("tour_length", points, batched=False)
    t = np.asarray(tour.detach().cpu() if hasattr(tour, "detach") else tour)
    if t.ndim != 1 or not (np.issubdtype(t.dtype, np.integer) or t.size == 0):
        raise ArgumentKindError(f"tour_length: expected a tour of integer indices (n,), got {t.tolist()!r} "
                        f"(dtype {t.dtype}, shape {t.shape})")
    tour = [int(i) for i in t]
    if sorted(tour) != list(range(len(pts))):
        raise ValueError(f"tour_length: expected a permutation of 0..{len(pts) - 1}, got {tour}")
    closed = pts[tour + tour[:1]]
    return float(np.sqrt(((closed[1:] - closed[:-1]) ** 2).sum(1)).sum())


def tour_lengths(points, tours) -> np.ndarray:
    """Lengths (B,) of the closed tours ``tours`` (B, n) through ``points`` (B, n, 2), batched."""
    pts = _points("tour_lengths", points, batched=True)
    t = _tours("tour_lengths", tours, pts.shape[:2])
    ordered = np.take_along_axis(pts, t[..., None], 1)                      # (B, n, 2) in tour order
    return np.sqrt(((np.roll(ordered, -1, 1) - ordered) ** 2).sum(-1)).sum(1)


def canonical_tours(points, tours) -> np.ndarray:
    """The same cycles (B, n), written canonically: start at point 0, go counter-clockwise.

    A closed tour has 2n spellings (n starting points, two directions). We rotate it to start
    at point 0 and, if its signed (shoelace) area is negative, reverse the direction, so that it
    runs counter-clockwise, like the hull. An optimal tour never crosses itself, so its
    direction is well defined; a tour with zero area (collinear points) is kept as it runs.
    """
    pts = _points("canonical_tours", points, batched=True)
    t = _tours("canonical_tours", tours, pts.shape[:2])
    B, n = t.shape
    start = np.argmax(t == 0, 1)                                            # where point 0 is
    t = np.take_along_axis(t, (start[:, None] + np.arange(n)) % n, 1)       # rotated: t[:, 0] == 0
    xy = np.take_along_axis(pts, t[..., None], 1)
    area2 = (xy[..., 0] * np.roll(xy[..., 1], -1, 1) - np.roll(xy[..., 0], -1, 1) * xy[..., 1]).sum(1)
    flip = area2 < 0
    t[flip, 1:] = t[flip, 1:][:, ::-1]
    return t


@functools.lru_cache(maxsize=None)
def _held_karp_layers(n: int):
    """Index arrays of the Held-Karp recursion, one triple (T, k, S = T minus k) per subset size >= 2.

    Subsets of the points 1..n-1 are bitmasks (bit k - 1 for point k).
    """
    layers = []
    for size in range(2, n):
        T, K, S = [], [], []
        for t in range(1 << (n - 1)):
            if bin(t).count("1") != size:
                continue
            for k in range(1, n):
                if t >> (k - 1) & 1:
                    T.append(t), K.append(k), S.append(t ^ 1 << (k - 1))
        layers.append((np.array(T), np.array(K), np.array(S)))
    return layers


def tsp_optimal_batch(points) -> tuple[np.ndarray, np.ndarray]:
    """The shortest closed tours through ``points`` (B, n, 2), exactly: Held-Karp, vectorised.

    Held-Karp's dynamic programme over subsets, O(2^n n^2) per instance: ``best[T, k]``, the
    shortest path that starts at point 0, visits the set T of other points and ends at k in T,
    is ``min_j best[T - k, j] + d(j, k)``. Every (T, k) of one subset size is computed at once,
    for a chunk of the batch, with NumPy. For 3 <= n <= 12 (n = 10: about 0.2 ms per instance).

    Returns:
        ``tours`` (B, n) int64, canonical (:func:`canonical_tours`: from point 0, counter-clockwise);
        ``lengths`` (B,) float64.
    """
    pts = _points("tsp_optimal_batch", points, batched=True)
    B, n = pts.shape[:2]
    if not 3 <= n <= 12:
        raise ValueError(f"tsp_optimal_batch: expected 3 <= n <= 12 (the exact solver is exponential), got n = {n}")
    full, layers = 1 << (n - 1), _held_karp_layers(n)
    others = np.arange(1, n)
    tours, lengths = np.zeros((B, n), dtype=np.int64), np.zeros(B)
    for lo in range(0, B, 128):                                             # chunks that stay in the cache
        p = pts[lo:lo + 128]
        b = len(p)
        d = np.sqrt(((p[:, :, None] - p[:, None]) ** 2).sum(-1)).transpose(1, 2, 0)   # (n_j, n_k, b)
        d_kj = np.ascontiguousarray(d.transpose(1, 0, 2))                  # (n_k, n_j, b)
        best = np.full((full, n, b), np.inf)                                # best[T, k]: batch last
        parent = np.zeros((full, n, b), dtype=np.int8)
        best[1 << (others - 1), others] = d[0, others]                      # 0 -> k directly
        for T, K, S in layers:
            cand = best[S] + d_kj[K]                                        # (P, n_j, b): best[S, j] + d(j, k)
            j = cand.argmin(1)                                              # (P, b)
            best[T, K] = np.take_along_axis(cand, j[:, None], 1)[:, 0]
            parent[T, K] = j
        ends = best[full - 1] + d[:, 0]                                     # (n, b): close the tour at 0
        j = ends.argmin(0)
        rows = np.arange(b)
        lengths[lo:lo + b] = ends[j, rows]
        subset = np.full(b, full - 1)
        for pos in range(n - 1, 0, -1):                                     # walk back from the last point
            tours[lo + rows, pos] = j
            j, subset = parent[subset, j, rows].astype(np.int64), subset ^ (1 << (j - 1))
    return canonical_tours(pts, tours), lengths


def tsp_optimal(points) -> tuple[list[int], float]:
    """The shortest closed tour through ``points`` (n, 2), exactly (:func:`tsp_optimal_batch`).

    Returns ``(tour, length)``, the tour from point 0, counter-clockwise. For 3 <= n <= 12.
    """
    pts = _points("tsp_optimal", points, batched=False)
    if not 3 <= len(pts) <= 12:
        raise ValueError(f"tsp_optimal: expected 3 <= n <= 12 (the exact solver is exponential), got n = {len(pts)}")
    tours, lengths = tsp_optimal_batch(pts[None])
    return tours[0].tolist(), float(lengths[0])


def tsp_batch(batch_size: int, n: int, generator: torch.Generator | None = None):
    """A batch of the TSP task with optimal tours as targets (Vinyals et al. trained on these).

    Returns:
        ``points`` (B, n, 2) float32 in the unit square; ``tours`` (B, n) int64, each optimal
        and canonical: from point 0, counter-clockwise (:func:`tsp_optimal_batch`).
    """
    batch_size = check_int("batch_size", batch_size, 1, fn="tsp_batch")
    n = check_int("n", n, 3, fn="tsp_batch", hint=" (a tour needs at least 3 points)")
    if n > 12:
        raise ValueError(f"tsp_batch: expected n <= 12 (the exact solver is exponential), got n = {n}")
    check_generator("tsp_batch: generator", generator)
    points = torch.rand(batch_size, n, 2, generator=generator)
    tours, _ = tsp_optimal_batch(points.double().numpy())
    return points, torch.from_numpy(tours)


def nearest_neighbour_tours(points) -> np.ndarray:
    """The nearest-neighbour heuristic (B, n): from point 0, always to the closest unvisited point."""
    pts = _points("nearest_neighbour_tours", points, batched=True)
    B, n = pts.shape[:2]
    d = np.sqrt(((pts[:, :, None] - pts[:, None]) ** 2).sum(-1))
    rows = np.arange(B)
    tours = np.zeros((B, n), dtype=np.int64)
    visited = np.zeros((B, n), dtype=bool)
    visited[:, 0] = True
    for i in range(1, n):
        dist = np.where(visited, np.inf, d[rows, tours[:, i - 1]])          # (B, n) from the current point
        tours[:, i] = dist.argmin(1)
        visited[rows, tours[:, i]] = True
    return tours


def random_tours(batch_size: int, n: int, generator: torch.Generator | None = None) -> np.ndarray:
    """Uniformly random tours (B, n) from point 0: the baseline that knows nothing."""
    batch_size = check_int("batch_size", batch_size, 1, fn="random_tours")
    n = check_int("n", n, 3, fn="random_tours", hint=" (a tour needs at least 3 points)")
    check_generator("random_tours: generator", generator)
    rest = torch.argsort(torch.rand(batch_size, n - 1, generator=generator), 1) + 1
    return torch.cat([torch.zeros(batch_size, 1, dtype=torch.int64), rest], 1).numpy()


def shortest_candidates(points, candidates) -> np.ndarray:
    """Of K candidate tours per instance, ``candidates`` (B, K, n), the shortest: (B, n).

    Rows that are not permutations (e.g. the IGNORE rows of a beam that found fewer than K
    sequences) are skipped; every instance needs at least one valid candidate.
    """
    pts = _points("shortest_candidates", points, batched=True)
    c = np.asarray(candidates.detach().cpu() if hasattr(candidates, "detach") else candidates)
    B, n = pts.shape[:2]
    if c.ndim != 3 or c.shape[0] != B or c.shape[2] != n:
        raise ValueError(f"shortest_candidates: expected candidates of shape (B, K, n) = ({B}, K, {n}) for "
                         f"points {pts.shape}, got {c.shape}")
    valid = (np.sort(c, 2) == np.arange(n)).all(2)                        # (B, K)
    if not valid.any(1).all():
        raise ValueError(f"shortest_candidates: instances {np.flatnonzero(~valid.any(1))[:5].tolist()} have no "
                         f"candidate that is a permutation of 0..{n - 1}")
    safe = np.where(valid[..., None], c, np.arange(n))                    # placeholders, never chosen
    K = c.shape[1]
    lengths = tour_lengths(np.repeat(pts, K, 0), safe.reshape(B * K, n)).reshape(B, K)
    pick = np.where(valid, lengths, np.inf).argmin(1)
    return c[np.arange(B), pick].astype(np.int64)


def tsp_brute_force(points) -> float:
    """The optimal tour length by trying every tour (n <= 9): a check on :func:`tsp_optimal`."""
    pts = _points("tsp_brute_force", points, batched=False)
    n = len(pts)
    if not 3 <= n <= 9:
        raise ValueError(f"tsp_brute_force: expected 3 <= n <= 9, got n = {n}")
    return min(tour_length(pts, (0,) + p) for p in itertools.permutations(range(1, n)))


def tsp_augment(points, tours, generator: torch.Generator | None = None):
    """The same instances relabelled, rotated and mirrored, with their optimal tours carried over.

    Relabelling the points (a random permutation) and mapping the unit square onto itself (one
    of its 8 symmetries: rotations by quarter turns and mirrorings) change no distance, so an
    optimal tour of the original is an optimal tour of the copy, written in the new labels.
    One instance solved by Held-Karp thus yields many training examples for free.

    Args:
        points: (B, n, 2) in the unit square; tours: (B, n) their optimal tours.
    Returns:
        ``points`` (B, n, 2) float32, ``tours`` (B, n) int64, canonical (:func:`canonical_tours`).
    """
    pts = _points("tsp_augment", points, batched=True)
    t = _tours("tsp_augment", tours, pts.shape[:2])
    check_generator("tsp_augment: generator", generator)
    B, n = t.shape
    perm = torch.argsort(torch.rand(B, n, generator=generator), 1).numpy()        # new label i <- old perm[i]
    sym = torch.randint(0, 8, (B,), generator=generator).numpy()
    new = np.take_along_axis(pts, perm[..., None], 1)
    swap, flip_x, flip_y = (sym & 1).astype(bool), (sym & 2).astype(bool), (sym & 4).astype(bool)
    new[swap] = new[swap][..., ::-1]
    new[flip_x, :, 0] = 1 - new[flip_x, :, 0]
    new[flip_y, :, 1] = 1 - new[flip_y, :, 1]
    inverse = np.argsort(perm, 1)                                                  # old label o -> new label
    new_tours = np.take_along_axis(inverse, t, 1)
    return torch.from_numpy(new.astype(np.float32)), torch.from_numpy(canonical_tours(new, new_tours))
