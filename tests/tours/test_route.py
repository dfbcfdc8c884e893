"""The stop order: nearest neighbour then 2-opt on metres, never longer than nearest neighbour, deterministic."""

import random

from geo.tours.route import metric, nearest_neighbour, order_stops, path_length, two_opt


def _segments_cross(p1, p2, p3, p4) -> bool:
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return side(p1, p2, p3) * side(p1, p2, p4) < 0 and side(p3, p4, p1) * side(p3, p4, p2) < 0


def _crossings(points, order, start=None):
    stops = ([start] if start else []) + [points[i] for i in order]
    legs = list(zip(stops, stops[1:]))
    return sum(_segments_cross(*legs[i], *legs[j]) for i in range(len(legs)) for j in range(i + 2, len(legs)))


def test_two_opt_removes_the_crossing_nearest_neighbour_makes():
    # Kilometres on a plane, from the start at the origin: nearest neighbour goes (0,0) → (1,5) → (3,9), then to the
    # nearer (0,10) and last to (8,0), whose leg back across the map crosses (1,5)–(3,9). 2-opt must uncross it.
    points = [(3000.0, 9000.0), (1000.0, 5000.0), (0.0, 0.0), (0.0, 10000.0), (8000.0, 0.0)]
    start = (0.0, 0.0)
    nn = nearest_neighbour(points, start=start)
    assert _crossings(points, nn, start) >= 1, nn
    better = two_opt(points, nn, start=start)
    assert _crossings(points, better, start) == 0, better
    assert path_length(points, better, start) < path_length(points, nn, start)
    assert sorted(better) == list(range(len(points)))


def test_two_opt_is_never_worse_than_nearest_neighbour():
    rng = random.Random(14)
    for _ in range(200):
        n = rng.randint(2, 25)
        points = [(rng.uniform(0, 60_000), rng.uniform(0, 40_000)) for _ in range(n)]
        start = (rng.uniform(0, 60_000), rng.uniform(0, 40_000)) if rng.random() < 0.5 else None
        nn = nearest_neighbour(points, start=start)
        opt = two_opt(points, nn, start=start)
        assert sorted(opt) == list(range(n))
        assert path_length(points, opt, start) <= path_length(points, nn, start) + 1e-6


def test_the_order_is_deterministic_and_uses_metres():
    # Weihai lon/lat: a degree of longitude is ~0.8 of a degree of latitude here, so ordering by raw degrees would
    # choose differently from ordering by metres.
    lonlats = [(122.10, 37.50), (122.40, 37.17), (122.05, 36.95), (121.55, 36.90), (122.48, 37.40), (122.12, 37.42)]
    first = order_stops(lonlats, start=(122.12, 37.51))
    assert all(order_stops(lonlats, start=(122.12, 37.51)) == first for _ in range(5))
    assert sorted(first) == list(range(6))
    points = metric(lonlats)
    assert abs(points[0][0] - points[1][0]) > 20_000  # metres, not degrees
    assert order_stops([]) == []
    assert order_stops([(122.1, 37.5)]) == [0]
