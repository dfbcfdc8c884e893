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


def test_zone_tooltips_show_through_the_markers_canvas(page, live_server):
    open_app(page, live_server)
    wait_idle(page)
    shown = {}
    for p in page.evaluate(AREA_POINTS):
        over_marker = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('.leaflet-projects-pane') != null", [p["x"], p["y"]]
        )
        text = tooltip_at(page, p["x"], p["y"])
        if text and not over_marker:
            shown[p["name"]] = text
    # Areas stack largest first, so the city-wide 中韩自贸区 does not hide the smaller areas drawn over it.
    named = [name for name, text in shown.items() if name in text]
    assert len(named) >= 2, shown


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
