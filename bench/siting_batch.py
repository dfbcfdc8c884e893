"""Siting check of 100,000 points: POST /api/lookup end to end vs a geopandas sjoin + sjoin_nearest (UTM 51N) of the
same points, in the same run.  Target: the API within 1.5x of geopandas and under 2 s.

Run: .venv/bin/python bench/siting_batch.py [N]   (the seeded 116-project database in the private cluster var/pgbench)
"""

from __future__ import annotations

import sys
import time

import geopandas as gpd
import httpx
import numpy as np
import orjson
import pandas as pd
import shapely
from _common import bench_cluster, seeded_url, served, token_headers
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.engine import make_engine

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
ROUNDS = 3


def layer(session, name: str) -> gpd.GeoDataFrame:
    """One boundary layer as a GeoDataFrame."""
    extra = ", kind" if name == "districts" else ""
    rows = session.execute(text(f"SELECT id, code, name{extra}, ST_AsBinary(geom) FROM {name}")).all()
    frame = pd.DataFrame([r[:-1] for r in rows], columns=["id", "code", "name"] + (["kind"] if extra else []))
    return gpd.GeoDataFrame(frame, geometry=shapely.from_wkb([bytes(r[-1]) for r in rows]), crs=4326)


def geopandas_siting(lons, lats, districts, zones, bases, bases_utm) -> pd.DataFrame:
    """The baseline: containing district (functional first), zones, bases; nearest base in metres otherwise."""
    points = gpd.GeoDataFrame({"ord": np.arange(len(lons))}, geometry=gpd.points_from_xy(lons, lats), crs=4326)
    d = gpd.sjoin(points, districts, predicate="intersects").sort_values(
        ["ord", "kind", "id"], ascending=[True, False, True]
    )
    d = d.drop_duplicates("ord").set_index("ord")["name"]
    z = gpd.sjoin(points, zones, predicate="intersects").groupby("ord")["name"].agg(list)
    b = gpd.sjoin(points, bases, predicate="intersects").groupby("ord")["name"].agg(list)
    outside = points[~points["ord"].isin(b.index)].to_crs(32651)
    near = gpd.sjoin_nearest(outside, bases_utm, distance_col="distance_m").drop_duplicates("ord").set_index("ord")
    return pd.DataFrame(
        {"district": d, "zones": z, "bases": b, "nearest": near["name"], "distance_m": near["distance_m"]},
        index=points["ord"],
    )


def main() -> None:
    """Time POST /api/lookup beside a geopandas sjoin of the same points."""
    with bench_cluster() as cluster:
        url = seeded_url(cluster)
        engine = make_engine(url)
        with Session(engine) as session:
            districts, zones, bases = (layer(session, n) for n in ("districts", "zones", "bases"))
            counts = {n: len(f) for n, f in (("districts", districts), ("zones", zones), ("bases", bases))}
        engine.dispose()
        auth = token_headers(url)  # the siting check is a planner's
        with served(url) as base_url:
            run(base_url, auth, districts, zones, bases, counts)


def run(base_url: str, auth: dict[str, str], districts, zones, bases, counts: dict[str, int]) -> None:
    """Time the API and geopandas on the same random points, best of ROUNDS, and count agreeing answers."""
    bases_utm = bases.to_crs(32651)
    rng = np.random.default_rng(20261125)
    lons, lats = rng.uniform(121.45, 122.70, N), rng.uniform(36.75, 37.55, N)
    body = orjson.dumps({"points": np.column_stack([lons, lats]).tolist()})
    with httpx.Client(base_url=base_url, timeout=120, headers=auth) as client:
        client.post(
            "/api/lookup",
            content=orjson.dumps({"points": [[122.1, 37.5]]}),
            headers={"Content-Type": "application/json"},
        ).raise_for_status()  # warm the boundary snapshot

        api_times, gpd_times = [], []
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            r = client.post("/api/lookup", content=body, headers={"Content-Type": "application/json"})
            r.raise_for_status()
            results = orjson.loads(r.content)["results"]
            api_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            expected = geopandas_siting(lons, lats, districts, zones, bases, bases_utm)
            gpd_times.append(time.perf_counter() - t0)

        def same(i: int, a: dict) -> bool:
            e = expected.iloc[i]
            district = e["district"] if isinstance(e["district"], str) else None
            got_bases = [x["name"] for x in a["bases"]]
            want_bases = e["bases"] if isinstance(e["bases"], list) else []
            ok = (a["district"] or {}).get("name") == district and got_bases == sorted(
                want_bases, key=got_bases.index if set(got_bases) == set(want_bases) else None
            )
            if a["nearest_base"]:
                ok = (
                    ok
                    and a["nearest_base"]["name"] == e["nearest"]
                    and abs(a["nearest_base"]["distance_m"] - e["distance_m"]) <= 0.1
                )
            return ok

        agree = sum(same(i, a) for i, a in enumerate(results))
        api, base = min(api_times), min(gpd_times)
        print(
            f"siting check of {N:,} points against {counts['districts']} districts, {counts['zones']} zones, "
            f"{counts['bases']} bases (best of {ROUNDS})"
        )
        print(f"  POST /api/lookup end to end : {api:6.3f} s  ({len(r.content) / 1e6:.1f} MB JSON)")
        print(f"  geopandas sjoin+sjoin_nearest: {base:6.3f} s  (baseline, same run)")
        print(f"  ratio API / geopandas        : {api / base:6.2f}x   (target <= 1.5x and < 2 s)")
        print(f"  answers agreeing with geopandas: {agree:,} / {N:,}")


if __name__ == "__main__":
    main()
