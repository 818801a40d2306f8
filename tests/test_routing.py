"""Route order: haversine distances, nearest neighbour, 2-opt / Or-opt, exact Held-Karp.

Expected values come from geometry (a degree of longitude on the equator is 2*pi*R/360,
pole to pole is pi*R) and from brute force over every permutation.
"""

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcrm import routing
from xlcrm.routing import (
    EARTH_RADIUS_KM,
    exact_path,
    haversine_matrix,
    heuristic_path,
    nearest_neighbour,
    path_length,
    region_penalty,
    shortest_path,
    two_opt,
)


def _brute(dist):
    return min(path_length(dist, p) for p in itertools.permutations(range(len(dist))))


def _euclid(points):
    pts = np.asarray(points, dtype=float)
    return np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))


points = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=2, max_size=5)


def test_haversine_matches_spherical_geometry():
    d = haversine_matrix([0.0, 0.0, 90.0, -90.0], [0.0, 1.0, 0.0, 0.0])
    assert math.isclose(d[0, 1], 2 * math.pi * EARTH_RADIUS_KM / 360, rel_tol=1e-12)
    assert math.isclose(d[2, 3], math.pi * EARTH_RADIUS_KM, rel_tol=1e-12)
    assert np.allclose(d, d.T) and np.all(np.diag(d) == 0)


def test_haversine_beijing_shanghai_is_about_1070_km():
    # Tiananmen (39.9042, 116.4074) to People's Square (31.2304, 121.4737): ~1,067 km great circle
    d = haversine_matrix([39.9042, 31.2304], [116.4074, 121.4737])
    assert 1060 < d[0, 1] < 1075


def test_nearest_neighbour_walks_points_on_a_line_in_order():
    dist = _euclid([(0, 0), (3, 0), (1, 0), (2, 0)])
    assert nearest_neighbour(dist, 0) == [0, 2, 3, 1]


def test_two_opt_untangles_a_crossing():
    # square visited corner to corner crosses itself; 2-opt removes the crossing
    dist = _euclid([(0, 0), (1, 1), (1, 0), (0, 1)])
    path = two_opt(dist, [0, 1, 2, 3])
    assert math.isclose(path_length(dist, path), 3.0)


@given(points)
@settings(max_examples=150, deadline=None)
def test_two_opt_never_longer_than_nearest_neighbour(pts):
    dist = _euclid(pts)
    for start in range(len(pts)):
        nn = nearest_neighbour(dist, start)
        improved = two_opt(dist, nn)
        assert sorted(improved) == list(range(len(pts)))
        assert path_length(dist, improved) <= path_length(dist, nn) + 1e-9


@given(points)
@settings(max_examples=150, deadline=None)
def test_heuristic_equals_brute_force_optimum_on_small_cases(pts):
    dist = _euclid(pts)
    assert math.isclose(path_length(dist, heuristic_path(dist)), _brute(dist), abs_tol=1e-9)


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=7))
@settings(max_examples=60, deadline=None)
def test_exact_path_equals_brute_force(pts):
    dist = _euclid(pts)
    path = exact_path(dist)
    assert sorted(path) == list(range(len(pts)))
    assert math.isclose(path_length(dist, path), _brute(dist), abs_tol=1e-9)


def test_large_days_use_the_heuristic_and_stay_permutations():
    rng = np.random.default_rng(3)
    dist = _euclid(rng.random((routing.EXACT_MAX + 3, 2)))
    path = shortest_path(dist)
    assert sorted(path) == list(range(len(dist)))
    assert path_length(dist, path) <= path_length(dist, nearest_neighbour(dist, 0)) + 1e-9


def test_region_penalty_keeps_each_region_together():
    # two regions interleaved along a line: the plain optimum alternates, the penalised one does not
    pts = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]
    regions = ["A", "B", "A", "B", "A", "B"]
    dist = region_penalty(_euclid(pts), regions)
    path = shortest_path(dist)
    seq = [regions[i] for i in path]
    assert seq in (["A"] * 3 + ["B"] * 3, ["B"] * 3 + ["A"] * 3)
