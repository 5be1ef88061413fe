import itertools

import numpy as np
import pytest
import torch

from rnnlab.tasks.pointer import (PAD, convex_hull, hull_batch, sorting_batch, tour_length,
                                  tsp_brute_force, tsp_optimal)


def _in_conv(p, others):
    """Brute force: p lies in the convex hull of ``others`` (closed triangles and segments)."""
    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    for a, b in itertools.combinations(others, 2):
        if cross(a, b, p) == 0 and min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) \
                and min(a[1], b[1]) <= p[1] <= max(a[1], b[1]):
            return True
    for a, b, c in itertools.combinations(others, 3):
        d = cross(a, b, c)
        if d == 0:
            continue
        s = [cross(a, b, p), cross(b, c, p), cross(c, a, p)]
        if all(v * d >= 0 for v in s):
            return True
    return False


def _brute_vertices(pts):
    first = {}
    for i, p in enumerate(map(tuple, pts)):
        first.setdefault(p, i)
    distinct = list(first)
    return {first[p] for p in distinct if not _in_conv(p, [q for q in distinct if q != p])}


def _check_ccw(pts, hull):
    assert hull[0] == min(hull)
    for a, b, c in zip(hull, hull[1:] + hull[:1], hull[2:] + hull[:2]):
        o, p, q = pts[a], pts[b], pts[c]
        assert (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]) > 0


@pytest.mark.parametrize("seed", range(30))
def test_hull_matches_brute_force_on_random_points(seed):
    rng = np.random.default_rng(seed)
    pts = rng.random((rng.integers(3, 13), 2))
    hull = convex_hull(pts)
    assert set(hull) == _brute_vertices(pts)
    _check_ccw(pts, hull)


@pytest.mark.parametrize("seed", range(30))
def test_hull_on_a_grid_with_collinear_and_duplicate_points(seed):
    rng = np.random.default_rng(100 + seed)
    pts = rng.integers(0, 4, size=(rng.integers(3, 12), 2)).astype(float)
    hull = convex_hull(pts)
    if len(hull) >= 3:
        assert set(hull) == _brute_vertices(pts)
        _check_ccw(pts, hull)


def test_hull_edge_cases():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0], [0.5, 0.5], [1, 1]]  # edge midpoint, inside, duplicate
    assert convex_hull(square) == [0, 1, 2, 3]
    assert convex_hull([[0, 0], [1, 1], [2, 2], [3, 3]]) == [0, 3]           # collinear: the two ends
    assert convex_hull([[1, 1], [1, 1], [1, 1]]) == [0]
    assert convex_hull(torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]])) == [0, 2, 1]


def test_hull_bad_inputs():
    with pytest.raises(ValueError, match="at least 3 points"):
        convex_hull([[0, 0], [1, 1]])
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        convex_hull(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="n to be an int >= 3"):
        hull_batch(4, 2)
    with pytest.raises(ValueError, match="batch_size"):
        hull_batch(0, 5)
    with pytest.raises(ValueError, match="batch_size"):
        sorting_batch(0, 5)


def test_sorting_targets():
    x, y = sorting_batch(16, 7, generator=torch.Generator().manual_seed(0))
    assert x.shape == (16, 7, 1) and y.shape == (16, 7) and y.dtype == torch.int64
    values = torch.gather(x[..., 0], 1, y)
    assert (values[:, 1:] >= values[:, :-1]).all()
    assert (torch.sort(y, 1).values == torch.arange(7)).all()
    x2, y2 = sorting_batch(16, 7, generator=torch.Generator().manual_seed(0))
    assert torch.equal(x, x2) and torch.equal(y, y2)


def test_hull_batch_layout():
    p, y = hull_batch(8, 9, generator=torch.Generator().manual_seed(3))
    assert p.shape == (8, 9, 2) and y.shape == (8, 10)
    for b in range(8):
        row = y[b].tolist()
        k = row.index(9)
        assert row[:k] == convex_hull(p[b].double().numpy())
        assert all(v == PAD for v in row[k + 1:])


def test_tsp_exact_matches_brute_force():
    rng = np.random.default_rng(0)
    for n in (3, 5, 7, 8):
        pts = rng.random((n, 2))
        tour, length = tsp_optimal(pts)
        assert sorted(tour) == list(range(n)) and tour[0] == 0
        assert length == pytest.approx(tour_length(pts, tour))
        assert length == pytest.approx(tsp_brute_force(pts))
    with pytest.raises(ValueError, match="3 <= n <= 10"):
        tsp_optimal(rng.random((11, 2)))
    with pytest.raises(ValueError, match="permutation"):
        tour_length(rng.random((4, 2)), [0, 1, 1, 2])
