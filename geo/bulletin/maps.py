"""The bulletin's map: the period's lights by district, drawn from the boundaries in PostGIS (no basemap).

Each project's light is the dashboard's (red or yellow when in its lagging list, else green); only positions and
outlines are read here.
"""

from __future__ import annotations

import datetime as dt

from matplotlib import patheffects
from shapely import wkb
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.bulletin.charts import _figure, _kw, _png
from geo.enums import LIGHTS
from geo.progress.state import retired_by

_COLOURS = {light.code: light.color for light in LIGHTS}
# Simplified for a 17 cm figure: 0.001° is about 100 m, far below what the page shows.
# A county's label goes on the part outside the functional areas drawn over it, so the two never share a spot.
_DISTRICTS_SQL = """
WITH carved AS (SELECT ST_Union(geom) AS geom FROM districts WHERE kind = 'functional'),
d AS (
    SELECT name, kind, schematic, geom,
           CASE WHEN kind = 'county' AND (SELECT geom FROM carved) IS NOT NULL
                     AND NOT ST_IsEmpty(ST_Difference(geom, (SELECT geom FROM carved)))
                THEN ST_PointOnSurface(ST_Difference(geom, (SELECT geom FROM carved)))
                ELSE ST_PointOnSurface(geom) END AS label
    FROM districts)
SELECT name, kind, schematic, ST_AsBinary(ST_SimplifyPreserveTopology(geom, 0.001)) AS geom,
       ST_X(label) AS lx, ST_Y(label) AS ly
FROM d ORDER BY kind = 'functional', name"""
# The projects in the library at the period's end: one retired (退库) by then is not drawn (geo.progress.state).
_POINTS_SQL = f"""SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects p
WHERE CAST(:month AS date) IS NULL OR NOT {retired_by("CAST(:month AS date)")}"""


def map_layers(session: Session, month: dt.date | None = None) -> dict:
    """The district outlines and the positions of the projects in the library at the end of `month`."""
    districts = [
        {**dict(r), "geom": wkb.loads(bytes(r["geom"]))} for r in session.execute(text(_DISTRICTS_SQL)).mappings()
    ]
    points = [dict(r) for r in session.execute(text(_POINTS_SQL), {"month": month}).mappings()]
    return {"districts": districts, "points": points}


def _rings(geom):
    for polygon in getattr(geom, "geoms", [geom]):
        yield polygon.exterior.coords


def draw_districts(ax, districts: list[dict]) -> None:
    """Fill, outline and label the districts on a matplotlib axes (schematic ones dashed and labelled 示意)."""
    for d in districts:
        functional = d["kind"] == "functional"
        for ring in _rings(d["geom"]):
            xs, ys = zip(*ring)
            ax.fill(xs, ys, color="#eef2f6" if not functional else "#e3e9f1", zorder=1 if not functional else 2)
            ax.plot(
                xs,
                ys,
                color="#7a8899",
                lw=0.6 if not functional else 0.5,
                ls="--" if d["schematic"] else "-",
                zorder=3,
            )
        label = d["name"] + ("（示意）" if d["schematic"] else "")
        ax.annotate(
            label,
            (d["lx"], d["ly"]),
            ha="center",
            va="center",
            color="#334155",
            zorder=6,
            path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],  # legible over the dots
            **_kw(6 if functional else 8),
        )


def schematic_note(ax, districts: list[dict]) -> None:
    """The footnote that dashed outlines are schematic, when any is."""
    if any(d["schematic"] for d in districts):
        ax.text(
            0.0,
            0.0,
            "注：虚线为示意边界，非法定界线。",
            transform=ax.transAxes,
            color="#64748b",
            **_kw(6),
        )


def lights_map(layers: dict, lagging: list[dict]) -> bytes:
    """PNG: districts (schematic ones dashed and labelled 示意), projects as dots coloured by light, red on top."""
    fig = _figure(7.2, 5.2)
    ax = fig.add_subplot()
    draw_districts(ax, layers["districts"])
    light_of = {x["id"]: x["light"] for x in lagging}
    counts = {}
    for code, size, z in (("green", 5, 4), ("yellow", 12, 5), ("red", 16, 5.5)):
        pts = [p for p in layers["points"] if light_of.get(p["id"], "green") == code]
        counts[code] = len(pts)
        if pts:
            ax.scatter(
                [p["lon"] for p in pts],
                [p["lat"] for p in pts],
                s=size,
                color=_COLOURS[code],
                edgecolors="white" if code != "green" else "none",
                linewidths=0.4,
                zorder=z,
                label=f"{next(x.name for x in LIGHTS if x.code == code)}（{len(pts)}个）",
            )
    ax.set_aspect(1 / 0.8)  # cos(37.3°): degrees of longitude are shorter than degrees of latitude here
    ax.set_axis_off()
    legend = ax.legend(loc="lower right", frameon=False, prop={"family": _kw()["fontfamily"], "size": 7})
    legend.set_zorder(7)
    schematic_note(ax, layers["districts"])
    return _png(fig)
