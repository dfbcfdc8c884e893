"""The offline district map (`warroom export-map`) shows names as text: folium's popups and tooltips are HTML."""

from __future__ import annotations

from sqlalchemy import text

from geo.transfer.offline_map import district_map_html
from tests.factories import interior_point, make_project
from tests.payloads import PAYLOADS, hostile, live_markup


def test_names_in_the_exported_map_are_text_not_markup(session, settings):
    lon, lat = interior_point(session, "districts", "乳山市")
    pid = make_project(session, lon=lon, lat=lat, district="乳山市", name=hostile("项目"))
    session.execute(text("UPDATE projects SET code = :c WHERE id = :id"), {"c": hostile("C", 32), "id": pid})
    base = session.execute(
        text("SELECT code FROM bases WHERE ST_Intersects(geom, (SELECT geom FROM districts WHERE name = '乳山市'))")
    ).scalar()
    session.execute(text("UPDATE bases SET name = :n WHERE code = :c"), {"n": hostile("基地", 64), "c": base})
    html = district_map_html(session, settings=settings, district="乳山市")
    assert live_markup(html) == []
    assert "window.__xss" in html  # the names are there, as text
    assert PAYLOADS[0].replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html
