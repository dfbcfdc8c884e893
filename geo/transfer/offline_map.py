"""A standalone HTML map of one district (folium) that opens from a file: Leaflet's JS and CSS are inlined from
web/node_modules, no tiles and no CDN, so it works offline and on an intranet."""

from __future__ import annotations

import base64
import html
import json
import re

import folium
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.sql import feature_collection
from geo.enums import DISTRICT_NAMES, LIGHTS
from geo.errors import InvalidInput, UnknownValue
from geo.projects.queries import ProjectFilter, project_rows
from geo.settings import Settings

LIGHT_COLORS = {light.code: light.color for light in LIGHTS}
# folium's popups build their HTML with jQuery's $(`<div>…</div>`)[0]; this is all of jQuery they need.
JQUERY_SHIM = (
    "window.$ = window.$ || function (html) { const t = document.createElement('template'); "
    "t.innerHTML = String(html).trim(); return [t.content.firstElementChild]; };"
)
# folium pastes popup and tooltip text into JavaScript template literals that become HTML: beyond HTML's own
# characters, ` $ and \ would end the literal or start a ${…} expression.
_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})
LAYER_STYLE = {"districts": ("#555555", 0.05), "zones": ("#3182bd", 0.12), "bases": ("#e6550d", 0.18)}


def as_text(value: object) -> str:
    """Data as text inside folium's HTML (a name reads as itself, never as markup or script)."""
    return html.escape(str(value)).translate(_TEMPLATE_LITERAL)


def _leaflet_assets(settings: Settings) -> tuple[str, str]:
    dist = settings.web_dir / "node_modules" / "leaflet" / "dist"
    if not (dist / "leaflet.js").exists():
        raise InvalidInput(
            "缺少 web/node_modules/leaflet,请先运行 make run 或 npm ci --prefix web / Leaflet is not installed"
        )
    css = (dist / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:  # the CSS's images become data: URIs
        image = dist / match.group(1)
        return (
            f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()})" if image.exists() else "none"
        )

    css = re.sub(r"url\((images/[^)]+\.png)\)", inline, css)
    return (dist / "leaflet.js").read_text(encoding="utf-8"), css


def _layers_geojson(session: Session, district: str) -> dict[str, dict]:
    """The district's boundary and the zones and bases that touch it, as GeoJSON (6 decimals)."""
    out = {}
    for layer, where in (
        ("districts", "l.name = :d"),
        ("zones", "ST_Intersects(l.geom, (SELECT geom FROM districts WHERE name = :d))"),
        ("bases", "ST_Intersects(l.geom, (SELECT geom FROM districts WHERE name = :d))"),
    ):
        sql = feature_collection(f"SELECT l.code, l.name, l.geom FROM {layer} l WHERE {where}")
        collection = json.loads(session.execute(text(sql), {"d": district}).scalar_one())
        for feature in collection["features"]:  # folium's GeoJsonTooltip sets its fields as innerHTML
            feature["properties"]["name"] = as_text(feature["properties"]["name"])
        out[layer] = collection
    return out


def district_map_html(session: Session, *, settings: Settings, district: str) -> str:
    """The HTML of a self-contained map of a district's layers and projects (coloured by light)."""
    if district not in DISTRICT_NAMES:
        raise UnknownValue("district", district, DISTRICT_NAMES)
    rows = project_rows(session, settings=settings, filters=ProjectFilter(district=district))
    layers = _layers_geojson(session, district)
    fmap = folium.Map(tiles=None, control_scale=True)
    fmap.default_js, fmap.default_css = [], []  # folium would link its CDN copies; Leaflet is inlined below
    js, css = _leaflet_assets(settings)
    fmap.get_root().header.add_child(
        folium.Element(f"<style>{css}</style><script>{js}</script><script>{JQUERY_SHIM}</script>")
    )
    fmap.get_root().header.add_child(folium.Element(f"<title>{as_text(district)} 重点项目 / key projects</title>"))
    for layer, collection in layers.items():
        color, opacity = LAYER_STYLE[layer]
        folium.GeoJson(
            collection,
            name=layer,
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            style_function=lambda _f, c=color, o=opacity: {"color": c, "weight": 1.5, "fillOpacity": o},
        ).add_to(fmap)
    group = folium.FeatureGroup(name="projects").add_to(fmap)
    for r in rows:
        popup = (
            f"<b>{as_text(r['name'])}</b><br>{as_text(r['code'])} · {as_text(r['cluster'])}<br>"
            f"总投资 {as_text(r['investment_total'])} 亿元 · 进度 {as_text(r['progress'])}%"
        )
        folium.CircleMarker(
            [r["lat"], r["lon"]],
            radius=6,
            color="#333",
            weight=1,
            fill=True,
            fill_opacity=0.9,
            fill_color=LIGHT_COLORS.get(r["light"], "#888"),
            popup=folium.Popup(popup, max_width=320),
            tooltip=as_text(r["name"]),
        ).add_to(group)
    folium.LayerControl(collapsed=False).add_to(fmap)
    bounds = layers["districts"]["features"][0]["geometry"] if layers["districts"]["features"] else None
    if bounds:
        coords = [pt for poly in bounds["coordinates"] for ring in poly for pt in ring]
        fmap.fit_bounds(
            [
                [min(c[1] for c in coords), min(c[0] for c in coords)],
                [max(c[1] for c in coords), max(c[0] for c in coords)],
            ]
        )
    html = fmap.get_root().render()
    leftover = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:[^"]+)"', html)
    if leftover:
        raise RuntimeError(f"the exported map still links online assets: {json.dumps(leftover)}")
    return html
