"""Boundary files made in the tests from the seeded layers: GeoPackage, zipped Shapefile, KML, GeoJSON."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from sqlalchemy import text


def layer_frame(session, layer: str) -> gpd.GeoDataFrame:
    """A stored layer as a GeoDataFrame (code, name, geometry) in EPSG:4326, full precision."""
    rows = session.execute(text(f"SELECT code, name, ST_AsBinary(geom) FROM {layer} ORDER BY code")).all()
    return gpd.GeoDataFrame(
        {"code": [r[0] for r in rows], "name": [r[1] for r in rows]},
        geometry=shapely.from_wkb([bytes(r[2]) for r in rows]),
        crs=4326,
    )


def zipped_shapefile(
    frame: gpd.GeoDataFrame, folder: Path, stem: str, *, encoding: str, cpg: bool = True, prj: bool = True
) -> Path:
    """Write a Shapefile with attribute text in `encoding` and zip it (optionally without .cpg or .prj)."""
    shp = folder / f"{stem}.shp"
    frame.to_file(shp, driver="ESRI Shapefile", encoding=encoding)
    archive = folder / f"{stem}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.glob(f"{stem}.*"):
            if part.suffix == ".zip" or (part.suffix == ".cpg" and not cpg) or (part.suffix == ".prj" and not prj):
                continue
            z.write(part, part.name)
    return archive


def bow_tie_geojson(folder: Path, name: str, around: tuple[float, float]) -> Path:
    """A GeoJSON polygon whose ring crosses itself (a bow tie) near `around`."""
    x, y = around
    ring = [
        [x - 0.01, y - 0.01],
        [x + 0.01, y + 0.01],
        [x + 0.01, y - 0.01],
        [x - 0.01, y + 0.01],
        [x - 0.01, y - 0.01],
    ]
    path = folder / "bowtie.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": name},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return path
