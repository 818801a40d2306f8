"""Order a day's stops to shorten travel: haversine distances, nearest neighbour, 2-opt.

Pure functions on a symmetric distance matrix. Paths are *open* (a rep's start point is
not in the workbook, so no depot and no return leg): the length of a path is the sum of
the distances between consecutive stops.

Grouping by region is done by the caller through ``region_penalty``: adding a constant
larger than any path to every pair in different regions makes every optimal (and every
2-opt-improved) path visit each region's stops together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

__all__ = [
    "EARTH_RADIUS_KM",
    "exact_path",
    "haversine_matrix",
    "heuristic_path",
    "nearest_neighbour",
    "or_opt",
    "path_length",
    "region_penalty",
    "shortest_path",
    "two_opt",
]


def haversine_matrix(lat: Sequence[float], lon: Sequence[float]) -> np.ndarray:
    """Great-circle distances in km between every pair of points (degrees in, km out)."""
    la = np.radians(np.asarray(lat, dtype=float))
    lo = np.radians(np.asarray(lon, dtype=float))
    if la.shape != lo.shape or la.ndim != 1:
        raise ValueError(f"latitude and longitude must be 1-D of one length, got {la.shape} and {lo.shape}")
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(la)[:, None] * np.cos(la)[None, :] * np.sin(dlon / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    np.fill_diagonal(d, 0.0)
    return d


def region_penalty(dist: np.ndarray, regions: Sequence[object]) -> np.ndarray:
    """``dist`` plus a constant above any path length for each pair in different regions."""
    dist = np.asarray(dist, dtype=float)
    reg = np.asarray([str(r) for r in regions], dtype=object)
    big = float(dist.sum()) + 1.0
    return dist + big * (reg[:, None] != reg[None, :])


def path_length(dist: np.ndarray, order: Sequence[int]) -> float:
    """Sum of distances between consecutive stops of an open path."""
    order = list(order)
    return float(sum(dist[order[i], order[i + 1]] for i in range(len(order) - 1)))


def nearest_neighbour(dist: np.ndarray, start: int = 0) -> list[int]:
    """Greedy path from ``start``: always go to the nearest unvisited stop (ties: lowest index)."""
    n = len(dist)
    if n == 0:
        return []
    order = [start]
    left = set(range(n)) - {start}
    while left:
        here = order[-1]
        nxt = min(left, key=lambda j: (dist[here, j], j))
        order.append(nxt)
        left.remove(nxt)
    return order


def two_opt(dist: np.ndarray, order: Sequence[int]) -> list[int]:
    """Improve an open path by reversing segments while any reversal shortens it.

    Reversing ``order[i..j]`` replaces edges (i-1, i) and (j, j+1) with (i-1, j) and
    (i, j+1); at the ends of an open path the missing edge costs nothing, so the
    first and last stops may change too. Never returns a longer path than it was given.
    """
    path = list(order)
    n = len(path)
    if n < 3:
        return path
    eps = 1e-12
    improved = True
    while improved:
        improved = False
        for i in range(n - 1):
            for j in range(i + 1, n):
                a_prev = dist[path[i - 1], path[i]] if i > 0 else 0.0
                b_next = dist[path[j], path[j + 1]] if j < n - 1 else 0.0
                new_prev = dist[path[i - 1], path[j]] if i > 0 else 0.0
                new_next = dist[path[i], path[j + 1]] if j < n - 1 else 0.0
                if new_prev + new_next < a_prev + b_next - eps:
                    path[i:j + 1] = reversed(path[i:j + 1])
                    improved = True
    return path


def or_opt(dist: np.ndarray, order: Sequence[int]) -> list[int]:
    """Improve an open path by moving runs of 1-3 consecutive stops elsewhere (either way round)."""
    path = list(order)
    n = len(path)
    if n < 3:
        return path

    def d(a: int | None, b: int | None) -> float:  # a missing end of an open path costs nothing
        return 0.0 if a is None or b is None else float(dist[a, b])

    improved = True
    while improved:
        improved = False
        for size in (1, 2, 3):
            if size >= n:
                break
            for i in range(n - size + 1):
                seg = path[i:i + size]
                before = path[i - 1] if i > 0 else None
                after = path[i + size] if i + size < n else None
                gain = d(before, seg[0]) + d(seg[-1], after) - d(before, after)
                rest = path[:i] + path[i + size:]
                for k in range(len(rest) + 1):
                    if k == i:
                        continue
                    left = rest[k - 1] if k > 0 else None
                    right = rest[k] if k < len(rest) else None
                    for piece in (seg, seg[::-1]):
                        cost = d(left, piece[0]) + d(piece[-1], right) - d(left, right)
                        if cost < gain - 1e-12:
                            path = rest[:k] + piece + rest[k:]
                            improved = True
                            break
                    if improved:
                        break
                if improved:
                    break
            if improved:
                break
    return path


def heuristic_path(dist: np.ndarray) -> list[int]:
    """Nearest neighbour from every start, each improved by 2-opt and Or-opt; the shortest wins."""
    dist = np.asarray(dist, dtype=float)
    n = len(dist)
    if n <= 2:
        return list(range(n))
    best: list[int] | None = None
    best_len = float("inf")
    for start in range(n):
        path = nearest_neighbour(dist, start)
        while True:  # alternate the two move types until neither helps
            before = path_length(dist, path)
            path = or_opt(dist, two_opt(dist, path))
            if path_length(dist, path) >= before - 1e-12:
                break
        length = path_length(dist, path)
        if length < best_len - 1e-9:
            best, best_len = path, length
    assert best is not None
    return best


EXACT_MAX = 9  # Held-Karp is 2^n * n^2: instant up to here; a rep's day rarely has more stops


def exact_path(dist: np.ndarray) -> list[int]:
    """The shortest open path (Held-Karp dynamic programme over subsets); ties by lowest indices."""
    dist = np.asarray(dist, dtype=float)
    n = len(dist)
    if n <= 2:
        return list(range(n))
    # Plain Python floats and lists (the same IEEE arithmetic as numpy's): element access on
    # numpy arrays made this loop most of a 100k-customer visit plan's time.
    d = dist.tolist()
    full = 1 << n
    inf = math.inf
    cost = [[inf] * n for _ in range(full)]
    parent = [[-1] * n for _ in range(full)]
    for j in range(n):
        cost[1 << j][j] = 0.0
    for mask in range(1, full):
        row = cost[mask]
        for j in range(n):
            c = row[j]
            if not math.isfinite(c) or not mask >> j & 1:
                continue
            dj = d[j]
            for k in range(n):
                if mask >> k & 1:
                    continue
                nm = mask | 1 << k
                nc = c + dj[k]
                if nc < cost[nm][k] - 1e-12:
                    cost[nm][k] = nc
                    parent[nm][k] = j
    end = int(np.argmin(np.array(cost[full - 1])))
    path, mask = [end], full - 1
    while parent[mask][path[-1]] != -1:
        prev = parent[mask][path[-1]]
        mask &= ~(1 << path[-1])
        path.append(prev)
    return path[::-1]


def shortest_path(dist: np.ndarray) -> list[int]:
    """A short open path through every stop: exact up to ``EXACT_MAX`` stops, else the heuristic."""
    dist = np.asarray(dist, dtype=float)
    return exact_path(dist) if len(dist) <= EXACT_MAX else heuristic_path(dist)
