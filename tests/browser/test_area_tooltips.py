"""Hovering a zone or base outline where no project marker is shows its tooltip, though the markers' canvas lies
over the outlines; a marker under the pointer keeps the pointer."""

import pytest

from tests.browser.conftest import open_app, wait_idle

pytestmark = pytest.mark.browser

AREA_POINTS = """() => {
  const m = window.warroom.map, r = m.getContainer().getBoundingClientRect(), out = [];
  m.eachLayer((l) => {
    if (!(l.feature && l.options.pane === 'areas' && l.getBounds)) return;
    const p = m.latLngToContainerPoint(l.getBounds().getCenter());
    out.push({ name: l.feature.properties.name, x: r.left + p.x, y: r.top + p.y });
  });
  return out;
}"""


def tooltip_at(page, x, y):
    page.mouse.move(x - 4, y - 4)
    page.mouse.move(x, y)
    page.wait_for_timeout(100)
    # Read in one go: the tooltip may close between two separate look-ups.
    return page.evaluate(
        "() => { const t = document.querySelector('.area-tooltip'); return t && t.offsetParent ? t.innerText : null; }"
    )


# The area outline under the pointer (the topmost path there), by its feature's name; null over a marker or nothing.
AREA_UNDER = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  let name = null;
  window.warroom.map.eachLayer((l) => { if (l._path === el && l.feature) name = l.feature.properties.name; });
  return name;
}"""


def test_zone_tooltips_show_through_the_markers_canvas(page, live_server):
    open_app(page, live_server)
    wait_idle(page)
    hits = {}
    for p in page.evaluate(AREA_POINTS):
        text = tooltip_at(page, p["x"], p["y"])
        under = page.evaluate(AREA_UNDER, [p["x"], p["y"]])  # the canvas over it let the pointer through
        if under:
            hits[p["name"]] = (under, text)
    assert len(hits) >= 2, hits
    for under, text in hits.values():  # the tooltip names the outline under the pointer
        assert text and under in text, hits
    # Areas stack largest first, so the city-wide 中韩自贸区 does not hide the smaller areas drawn over it.
    assert {under for under, _ in hits.values()} - {"中韩自贸区地方经济合作示范区"}, hits


def test_a_marker_under_the_pointer_keeps_it(page, live_server):
    open_app(page, live_server, "#district=乳山市")
    wait_idle(page)
    pid = page.evaluate("window.warroom.items().find((i) => i.kind === 'point')?.id")
    assert pid is not None
    pt = page.evaluate(f"window.warroom.projectPoint({pid})")
    page.mouse.move(pt["x"] - 3, pt["y"] - 3)
    page.mouse.move(pt["x"], pt["y"])
    page.mouse.click(pt["x"], pt["y"])
    page.wait_for_function(f"() => window.warroom.state().project === String({pid!r})")
