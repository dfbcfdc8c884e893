"""Above the tile threshold the map draws from vector tiles and shows what the GeoJSON map shows: the same projects
per colour, in progress and light mode, for a filter and a month; a click on a tile's marker opens its card."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from api.app import create_app
from geo.db.engine import Database
from tests.browser.conftest import app_page, open_app, wait_idle
from tests.conftest import served

pytestmark = pytest.mark.browser

COLOURS_JS = """() => window.warroom.items().reduce((acc, it) => {
  for (const [c, n] of Object.entries(it.colors)) acc[c] = (acc[c] || 0) + n;
  return acc;
}, {})"""


@pytest.fixture(scope="module")
def tiled_server(engine, settings) -> Iterator[str]:
    """The app with the tile threshold at 0, so even the 116 seeded projects come as vector tiles."""
    with served(create_app(settings.model_copy(update={"map_tile_threshold": 0}), Database(engine))) as url:
        yield url


@pytest.fixture
def tiled_page(browser, tiled_server, page_problems) -> Iterator[object]:
    context, pg = app_page(browser, tiled_server, page_problems)
    yield pg
    problems = page_problems.unexpected()
    context.close()
    if problems:
        pytest.fail("page problems:\n" + "\n".join(problems))


def settle(page) -> None:
    """Idle and every tile of the view in (warroom.idle() waits for the tiles as well)."""
    wait_idle(page)
    page.wait_for_function("() => window.warroom.idle()")
    page.wait_for_timeout(200)


def colours(page) -> Counter:
    return Counter(page.evaluate(COLOURS_JS))


def same_view(pages, center, zoom) -> None:
    for pg in pages:
        pg.evaluate("([c, z]) => window.warroom.map.setView(c, z, { animate: false })", [center, zoom])
        settle(pg)


def test_tiles_show_the_same_colours_and_counts_as_the_geojson_map(page, live_server, tiled_page, tiled_server):
    hash_ = "#district=荣成市&month=2026-09&mode=light"
    open_app(page, live_server, hash_)
    open_app(tiled_page, tiled_server, hash_)
    assert page.evaluate("window.warroom.source()") == "geojson"
    assert tiled_page.evaluate("window.warroom.source()") == "tiles"
    center = page.evaluate("(() => { const c = window.warroom.map.getCenter(); return [c.lat, c.lng]; })()")
    zoom = page.evaluate("Math.floor(window.warroom.map.getZoom())")
    same_view([page, tiled_page], center, zoom)
    total = int(page.get_attribute("#summary-count", "data-value"))
    assert tiled_page.get_attribute("#map", "data-total") == str(total)
    # the district is in view: every filtered project is represented, per light as on the GeoJSON map
    assert tiled_page.evaluate("window.warroom.markerCount()") == total == page.evaluate("window.warroom.markerCount()")
    geo_light = colours(page)
    assert sum(geo_light.values()) == total and colours(tiled_page) == geo_light
    # the tiles asked are of the filter and the month
    tiles = tiled_page.evaluate(
        "performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/tiles/'))"
    )
    assert tiles and all("month=2026-09" in t and "district=" in t for t in tiles)
    for pg in (page, tiled_page):
        pg.evaluate("window.warroom.setMode('progress')")
        settle(pg)
    assert colours(tiled_page) == colours(page) != geo_light
    # another month, other lights: both maps follow
    for pg in (page, tiled_page):
        pg.evaluate("window.warroom.setFilters({ ...window.warroom.state().filters, month: '2026-03' })")
        pg.wait_for_function("() => window.warroom.state().filters.month === '2026-03'")
        settle(pg)
    same_view([page, tiled_page], center, zoom)
    assert colours(tiled_page) == colours(page)


def test_a_click_on_a_tile_marker_opens_its_card(tiled_page, tiled_server):
    open_app(tiled_page, tiled_server)
    settle(tiled_page)
    # a project alone at zoom 17, where every project stands alone on the tiles as on the GeoJSON map
    first = tiled_page.evaluate(
        """async () => { const fc = await (await fetch('/api/projects?fields=id,name')).json();
        const f = fc.features[7];
        return { id: f.properties.id, name: f.properties.name, c: f.geometry.coordinates }; }"""
    )
    tiled_page.evaluate(
        "([lat, lon]) => window.warroom.map.setView([lat, lon], 17, { animate: false })", first["c"][::-1]
    )
    settle(tiled_page)
    drawn = tiled_page.evaluate("window.warroom.items()")
    assert all(it["kind"] == "point" for it in drawn) and str(first["id"]) in {it["id"] for it in drawn}
    point = tiled_page.evaluate(f"window.warroom.projectPoint({first['id']})")
    tiled_page.mouse.move(point["x"], point["y"])
    tiled_page.locator(".project-tooltip").filter(has_text=first["name"]).wait_for()
    tiled_page.mouse.click(point["x"], point["y"])
    tiled_page.wait_for_function(
        "id => document.getElementById('project-panel').dataset.projectId === String(id)", arg=first["id"]
    )
    assert first["name"] in tiled_page.inner_text("#project-panel")
    # the list beside the map holds the projects drawn on their own in view
    tiled_page.click("#back-to-list")
    tiled_page.wait_for_function("() => document.getElementById('project-panel').dataset.view === 'list'")
    assert "视野内单独显示的项目" in tiled_page.inner_text("#project-panel")
