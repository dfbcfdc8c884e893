"""The order of a tour's stops by straight-line distance: nearest neighbour, then 2-opt, on UTM 51N metres.

This is not a road route: it says which stop is nearest as the crow flies, which is enough to keep a day's tour
from criss-crossing the city (the page and the itinerary say so).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from geo.crs import lonlat_to_utm

Point = tuple[float, float]


def metric(lonlats: Sequence[Point]) -> list[Point]:
    """WGS84 lon/lat points as UTM 51N metres (geo.crs's METRIC_SRID)."""
    if not lonlats:
        return []
    xs, ys = lonlat_to_utm([p[0] for p in lonlats], [p[1] for p in lonlats])
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def _d(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def path_length(points: Sequence[Point], order: Sequence[int], start: Point | None = None) -> float:
    """Metres along the straight legs start → order[0] → order[1] → … (no return leg)."""
    stops = ([start] if start is not None else []) + [points[i] for i in order]
    return sum(_d(a, b) for a, b in zip(stops, stops[1:]))


def nearest_neighbour(points: Sequence[Point], *, start: Point | None = None, first: int | None = None) -> list[int]:
    """Visit the nearest unvisited point next, from `start` (or from point `first`); ties go to the lower index."""
    left = set(range(len(points)))
    order: list[int] = []
    here = start
    if start is None:
        if not points:
            return []
        first = 0 if first is None else first
        order.append(first)
        left.discard(first)
        here = points[first]
    while left:
        nxt = min(left, key=lambda i: (_d(here, points[i]), i))
        order.append(nxt)
        left.discard(nxt)
        here = points[nxt]
    return order


def two_opt(points: Sequence[Point], order: Sequence[int], *, start: Point | None = None) -> list[int]:
    """Reverse stretches of the path while one shortens it (first improvement, deterministic scan order).

    The path is open; with a fixed start its first leg leaves from `start`, else either end may move."""
    route = list(order)
    n = len(route)
    eps = 1e-7  # metres: floating noise must not count as an improvement, or the loop could cycle

    def at(k: int) -> Point | None:
        if k < 0:
            return start
        return points[route[k]] if k < n else None

    def leg(a: Point | None, b: Point | None) -> float:
        return 0.0 if a is None or b is None else _d(a, b)

    improved = True
    while improved:
        improved = False
        for i in range(n - 1):
            for j in range(i + 1, n):
                before, first, last, after = at(i - 1), at(i), at(j), at(j + 1)
                delta = leg(before, last) + leg(first, after) - leg(before, first) - leg(last, after)
                if delta < -eps:
                    route[i : j + 1] = reversed(route[i : j + 1])
                    improved = True
    return route


def order_stops(lonlats: Sequence[Point], *, start: Point | None = None) -> list[int]:
    """Indices of lonlats in visiting order: nearest neighbour then 2-opt; without a start, the best of every first.

    Deterministic: the same points in the same order always give the same answer."""
    if not lonlats:
        return []
    points = metric(lonlats)
    origin = metric([start])[0] if start is not None else None
    if origin is not None:
        return two_opt(points, nearest_neighbour(points, start=origin), start=origin)
    best: list[int] | None = None
    best_len = math.inf
    for first in range(len(points)):
        route = two_opt(points, nearest_neighbour(points, first=first))
        length = path_length(points, route)
        if length < best_len - 1e-7:
            best, best_len = route, length
    return best or []


def legs_m(lonlats: Sequence[Point], *, start: Point | None = None) -> list[float]:
    """Straight-line metres of each leg in the given order: to the first stop (0 without a start), then between."""
    points = metric(([start] if start is not None else []) + list(lonlats))
    legs = [_d(a, b) for a, b in zip(points, points[1:])]
    return legs if start is not None else [0.0, *legs]
