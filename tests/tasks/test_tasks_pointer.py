import itertools

import numpy as np
import pytest
import torch

from rnnlab.data.vocab import IGNORE
from rnnlab.tasks.pointer import (canonical_tours, convex_hull, hull_batch, nearest_neighbour_tours,
                                  random_tours, shortest_candidates, sorting_batch, tour_length, tour_lengths,
                                  tsp_augment, tsp_batch, tsp_brute_force, tsp_optimal, tsp_optimal_batch)


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
        assert all(v == IGNORE for v in row[k + 1:])


def _area2(pts, tour):
    xy = pts[list(tour)]
    return float((xy[:, 0] * np.roll(xy[:, 1], -1) - np.roll(xy[:, 0], -1) * xy[:, 1]).sum())


def test_tsp_exact_matches_brute_force():
    rng = np.random.default_rng(0)
    for n in (3, 4, 5, 6, 7, 8, 9):
        for _ in range(3):
            pts = rng.random((n, 2))
            tour, length = tsp_optimal(pts)
            assert sorted(tour) == list(range(n)) and tour[0] == 0
            assert _area2(pts, tour) > 0                                 # counter-clockwise
            assert length == pytest.approx(tour_length(pts, tour))
            assert length == pytest.approx(tsp_brute_force(pts))
    with pytest.raises(ValueError, match="3 <= n <= 12"):
        tsp_optimal(rng.random((13, 2)))
    with pytest.raises(ValueError, match="3 <= n <= 12"):
        tsp_optimal(rng.random((2, 2)))
    with pytest.raises(ValueError, match="permutation"):
        tour_length(rng.random((4, 2)), [0, 1, 1, 2])


def test_tsp_optimal_batch_is_the_per_instance_optimum():
    rng = np.random.default_rng(1)
    pts = rng.random((300, 7, 2))                                        # more than one chunk of 128
    tours, lengths = tsp_optimal_batch(pts)
    assert tours.shape == (300, 7) and tours.dtype == np.int64 and lengths.shape == (300,)
    assert (tours[:, 0] == 0).all()
    assert np.allclose(tour_lengths(pts, tours), lengths)
    for b in range(0, 300, 37):
        assert lengths[b] == pytest.approx(tsp_brute_force(pts[b]))
        assert _area2(pts[b], tours[b]) > 0
    t10, l10 = tsp_optimal_batch(rng.random((2, 10, 2)))
    assert t10.shape == (2, 10) and (l10 > 0).all()


def test_tsp_optimal_batch_on_a_known_instance():
    # the corners of the unit square, in scrambled order: the tour is the square, counter-clockwise
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    tours, lengths = tsp_optimal_batch(pts[None])
    assert tours[0].tolist() == [0, 2, 1, 3] and lengths[0] == pytest.approx(4.0)


def test_tsp_optimal_batch_bad_inputs():
    with pytest.raises(ValueError, match="batch is empty"):
        tsp_optimal_batch(np.zeros((0, 5, 2)))
    with pytest.raises(ValueError, match=r"\(B, n, 2\)"):
        tsp_optimal_batch(np.zeros((4, 5, 3)))
    with pytest.raises(ValueError, match=r"\(B, n, 2\)"):
        tsp_optimal_batch(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="3 <= n <= 12"):
        tsp_optimal_batch(np.zeros((4, 13, 2)))


def test_canonical_tours_same_cycle_same_spelling():
    rng = np.random.default_rng(2)
    pts = rng.random((1, 7, 2))
    tour = list(rng.permutation(7))
    want = canonical_tours(pts, [tour])[0]
    assert want[0] == 0 and _area2(pts[0], want) >= 0
    for k in range(7):                                                  # every start, both directions
        rotated = tour[k:] + tour[:k]
        assert canonical_tours(pts, [rotated])[0].tolist() == want.tolist()
        assert canonical_tours(pts, [rotated[::-1]])[0].tolist() == want.tolist()
    assert tour_lengths(pts, [tour])[0] == pytest.approx(tour_lengths(pts, want[None])[0])


def test_tour_lengths_and_its_checks():
    rng = np.random.default_rng(3)
    pts = rng.random((5, 6, 2))
    tours = np.stack([rng.permutation(6) for _ in range(5)])
    assert np.allclose(tour_lengths(pts, tours), [tour_length(pts[b], tours[b]) for b in range(5)])
    assert tour_lengths(torch.tensor(pts), torch.tensor(tours)).shape == (5,)
    with pytest.raises(ValueError, match=r"shape \(5, 6\)"):
        tour_lengths(pts, tours[:4])                                     # lengths that do not match the batch
    with pytest.raises(ValueError, match="permutation"):
        tour_lengths(pts, np.zeros((5, 6), dtype=int))
    with pytest.raises(ValueError, match="integer"):
        tour_lengths(pts, tours.astype(float))
    with pytest.raises(ValueError, match="batch is empty"):
        tour_lengths(np.zeros((0, 6, 2)), np.zeros((0, 6), dtype=int))
    with pytest.raises(ValueError, match=r"\(B, n\)"):
        canonical_tours(pts, tours[:, :5])


def test_tsp_batch():
    p, t = tsp_batch(6, 8, generator=torch.Generator().manual_seed(0))
    assert p.shape == (6, 8, 2) and p.dtype == torch.float32 and t.shape == (6, 8) and t.dtype == torch.int64
    opt = tsp_optimal_batch(p.double().numpy())
    assert torch.equal(t, torch.from_numpy(opt[0]))
    p2, t2 = tsp_batch(6, 8, generator=torch.Generator().manual_seed(0))
    assert torch.equal(p, p2) and torch.equal(t, t2)
    for bad, match in (((0, 8), "batch_size"), ((4, 2), "n to be an int >= 3"), ((4, 13), "n <= 12")):
        with pytest.raises(ValueError, match=match):
            tsp_batch(*bad)


def test_tsp_augment_keeps_tours_optimal():
    g = torch.Generator().manual_seed(5)
    p, t = tsp_batch(40, 7, generator=g)
    ap, at = tsp_augment(p, t, generator=g)
    assert ap.shape == p.shape and ap.dtype == torch.float32 and at.shape == t.shape
    assert (ap >= 0).all() and (ap <= 1).all()
    assert not torch.allclose(ap, p)                                     # something moved
    opt_lengths = tsp_optimal_batch(ap.double().numpy())[1]
    assert np.allclose(tour_lengths(ap.double(), at), opt_lengths, atol=1e-5)
    assert np.allclose(opt_lengths, tour_lengths(p.double(), t), atol=1e-5)   # distances unchanged
    assert torch.equal(at, torch.from_numpy(canonical_tours(ap.double(), at)))
    ap2, at2 = tsp_augment(p, t, generator=torch.Generator().manual_seed(9))
    ap3, at3 = tsp_augment(p, t, generator=torch.Generator().manual_seed(9))
    assert torch.equal(ap2, ap3) and torch.equal(at2, at3)
    with pytest.raises(ValueError, match=r"shape \(40, 7\)"):
        tsp_augment(p, t[:39])


def test_baseline_tours():
    rng = np.random.default_rng(6)
    pts = rng.random((20, 8, 2))
    nn_tours = nearest_neighbour_tours(pts)
    assert nn_tours.shape == (20, 8) and (nn_tours[:, 0] == 0).all()
    for b in range(20):                                                 # the heuristic, step by step
        left, cur = set(range(1, 8)), 0
        for i in range(1, 8):
            cur = min(left, key=lambda j: (np.hypot(*(pts[b, j] - pts[b, cur])), j))
            assert nn_tours[b, i] == cur
            left.remove(cur)
    on_a_line = np.array([[[0.0, 0.0], [0.3, 0.0], [0.1, 0.0], [0.9, 0.0]]])
    assert nearest_neighbour_tours(on_a_line)[0].tolist() == [0, 2, 1, 3]
    opt = tsp_optimal_batch(pts)[1]
    assert (tour_lengths(pts, nn_tours) >= opt - 1e-9).all()
    rt = random_tours(20, 8, generator=torch.Generator().manual_seed(0))
    assert rt.shape == (20, 8) and (rt[:, 0] == 0).all() and (np.sort(rt, 1) == np.arange(8)).all()
    assert (tour_lengths(pts, rt) >= opt - 1e-9).all()
    with pytest.raises(ValueError, match="batch is empty"):
        nearest_neighbour_tours(np.zeros((0, 5, 2)))
    with pytest.raises(ValueError, match="n to be an int >= 3"):
        random_tours(4, 2)


def test_shortest_candidates():
    pts = np.array([[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]])
    cands = np.array([[[0, 2, 1, 3], [-1, -1, -1, -1], [0, 1, 2, 3]]])   # crossing, IGNORE, the square
    assert shortest_candidates(pts, cands).tolist() == [[0, 1, 2, 3]]
    assert shortest_candidates(pts, cands[:, :2]).tolist() == [[0, 2, 1, 3]]
    with pytest.raises(ValueError, match="no candidate"):
        shortest_candidates(pts, cands[:, 1:2])
    with pytest.raises(ValueError, match=r"\(B, K, n\) = \(1, K, 4\)"):
        shortest_candidates(pts, cands[0])
    with pytest.raises(ValueError, match=r"\(B, K, n\)"):
        shortest_candidates(np.concatenate([pts, pts]), cands)
