"""The war-room map as a person uses it, in headless Chromium against the live app with the seed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from shapely.geometry import shape

from tests.browser.conftest import open_app, wait_idle

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


def api(base: str, path: str):
    r = httpx.get(f"{base}{path}", timeout=30)
    r.raise_for_status()
    return r.json()


def test_page_loads_without_errors_or_foreign_requests(page, live_server, page_problems):
    open_app(page, live_server)
    assert page.title() == "威海市重点项目挂图作战"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    # the three area layers are drawn and the legend marks schematic areas
    assert page.locator(".leaflet-areas-pane path, .leaflet-land-pane path").count() > 10
    assert "示意范围 (schematic)" in page.inner_text("#legend")
    assert page.locator("[data-testid=data-notes]").inner_text().strip()
    wait_idle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    assert page_problems.unexpected() == []


UNTRANSLATED = """() => [...document.querySelectorAll('[data-i18n]')]
  .filter((e) => e.textContent.trim() === e.dataset.i18n).map((e) => e.dataset.i18n)"""


def test_every_label_of_the_map_page_is_translated(page, live_server):
    # Labels whose messages come with a module loaded after the first markers (the top bar's 重点任务, 现场照片) too.
    open_app(page, live_server)
    assert page.evaluate(UNTRANSLATED) == []
    page.click("#lang-toggle")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.evaluate(UNTRANSLATED) == []


def test_all_116_markers_are_represented(page, live_server):
    total = len(api(live_server, "/api/projects")["features"])
    assert total == 116
    open_app(page, live_server)
    wait_idle(page)
    assert page.evaluate("window.warroom.totalCount()") == total
    # clusters count their members: the whole city is in view, so every project is represented
    assert page.evaluate("window.warroom.markerCount()") == total
    assert page.evaluate("window.warroom.items().reduce((s, i) => s + i.count, 0)") == total
    assert page.get_attribute("#map", "data-count") == str(total)
    # clustering keeps the DOM light: far fewer drawn items than projects
    assert page.evaluate("window.warroom.items().length") < total
    assert page.inner_text("#summary-count") == "116"


def test_choosing_rongcheng_filters_markers_and_summary(page, live_server):
    expected = api(live_server, "/api/summary?district=" + quote("荣成市"))
    open_app(page, live_server)
    page.select_option("#district-select", "荣成市")
    page.wait_for_function("() => window.warroom.state().filters.district === '荣成市'")
    wait_idle(page)
    assert 0 < expected["count"] < 116
    assert page.inner_text("#summary-count") == str(expected["count"])
    assert page.get_attribute("#summary-investment", "data-value") == str(expected["investment_total"])
    assert page.inner_text("#summary-investment").endswith("亿元")
    assert page.evaluate("window.warroom.totalCount()") == expected["count"]
    assert page.evaluate("window.warroom.markerCount()") == expected["count"]
    for code, n in expected["by_status"].items():
        assert page.get_attribute(f"[data-testid=status-{code}]", "data-value") == str(n)
    assert "district=" in page.url and "%E8%8D%A3%E6%88%90%E5%B8%82" in page.url  # 荣成市, URL-encoded
    assert page.locator("[data-testid=project-item]").count() == expected["count"]


def test_hash_restores_view(page, live_server):
    expected = api(live_server, "/api/summary?district=" + quote("荣成市"))
    open_app(page, live_server, "#district=荣成市&mode=light")
    wait_idle(page)
    assert page.input_value("#district-select") == "荣成市"
    assert page.get_attribute("#mode-toggle", "aria-pressed") == "true"
    assert page.inner_text("#summary-count") == str(expected["count"])
    assert "亮灯" in page.inner_text("#legend") or "绿灯" in page.inner_text("#legend")


def test_a_link_followed_while_the_map_boots_opens_its_card(page, live_server):
    # Sign-in sends the browser to the map, and a link (or Back) moves the hash before the map has booted.
    features = httpx.get(f"{live_server}/api/projects", params={"district": "文登区"}, timeout=30).json()["features"]
    pid = str(features[0]["properties"]["id"])
    held = []
    page.route("**/api/meta", lambda route: held.append(route))  # the map waits for it before it follows the URL
    page.goto(f"{live_server}/")
    page.wait_for_function("() => typeof window.warroom?.state !== 'function'")
    while not held:
        page.wait_for_timeout(50)
    page.evaluate("(id) => { location.hash = `#district=文登区&project=${id}`; }", pid)
    held[0].continue_()
    page.wait_for_function("() => document.body.dataset.ready === '1' && document.body.dataset.loading === '0'")
    page.wait_for_function(f"() => document.getElementById('project-panel').dataset.projectId === '{pid}'")
    assert page.input_value("#district-select") == "文登区"
    assert page.inner_text("#summary-count") == str(len(features))  # the district's figures, not the city's


def test_the_markers_do_not_wait_for_the_counts(page, live_server):
    # The counts (every project's month-end state) can take longer than the points; the map draws what it has.
    held = []
    page.route("**/api/summary*", lambda route: held.append(route))
    page.goto(f"{live_server}/")
    page.wait_for_function("() => performance.getEntriesByName('markers-drawn').length > 0")
    assert held, "the counts were asked for"
    assert page.evaluate("window.warroom.markerCount()") == 116
    assert page.inner_text("#summary-count") == "–"  # no count is made up while it travels
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.body.dataset.ready === '1' && document.body.dataset.loading === '0'")
    assert page.inner_text("#summary-count") == "116"


def test_the_first_requests_do_not_wait_for_the_maps_modules(page, live_server):
    # js/first-requests.js asks for the view's projects and counts while Leaflet (450 kB) is still on its way.
    held, asked = [], []
    page.route("**/leaflet-src.esm.js", lambda route: held.append(route))
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{live_server}/", wait_until="commit")  # the page's load event waits for the held module
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').filter((e) => /[/]api[/](projects|summary)/"
        ".test(e.name) && e.responseEnd > 0).length === 2"
    )
    assert held and not any("/api/layers/" in u for u in asked)  # the map's own modules have not run yet
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.body.dataset.ready === '1' && document.body.dataset.loading === '0'")
    assert page.evaluate("window.warroom.markerCount()") == 116
    assert sum("/api/projects" in u for u in asked) == 1  # the map took the early answer over


def test_the_first_markers_do_not_wait_for_the_controls_modules(page, live_server):
    # The filters, the list, 落位查询 and the user box load once the first markers are painted, and the area outlines
    # are asked for after them: on the critical path they shared the two cores and six connections with the projects.
    held = []
    page.route("**/js/panel.js", lambda route: held.append(route))
    with page.expect_request("**/js/panel.js"):
        page.goto(f"{live_server}/", wait_until="commit")  # the load event may wait for the held module
    assert page.evaluate("performance.getEntriesByName('markers-painted').length") == 1
    assert page.evaluate("window.warroom.markerCount()") == 116
    assert page.inner_text("#lookup-toggle") == "落位查询"  # labelled before its module is in
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.body.dataset.ready === '1' && document.body.dataset.loading === '0'")
    assert page.inner_text("#summary-count") == "116"
    later = page.evaluate(
        """() => { const drawn = performance.getEntriesByName('markers-drawn')[0].startTime;
        return performance.getEntriesByType('resource')
          .filter((e) => /[/]api[/]layers[/]|[/]js[/](filters|panel|lookup|auth|month|phone)[.]js/.test(e.name))
          .map((e) => [new URL(e.name).pathname, e.startTime > drawn]); }"""
    )
    assert len(later) == 9, later
    assert all(after for _, after in later), later


def test_a_card_opened_by_a_link_has_its_styles_in_the_cascade_order(page, live_server):
    feats = api(live_server, "/api/projects")["features"]
    pid = str(feats[0]["properties"]["id"])
    open_app(page, live_server, f"#project={pid}")
    page.wait_for_selector(f"#project-panel[data-project-id='{pid}'] .wp-slot")
    # workplan.css, added after the first markers, styles the card's 计划 section
    assert page.eval_on_selector(".wp-slot", "e => getComputedStyle(e).borderTopWidth") == "1px"
    sheets = page.evaluate(
        "[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => new URL(l.href).pathname)"
    )
    assert sheets[-1] == "/css/phone.css"  # the phone's rules still come last
    assert sheets.index("/css/workplan.css") < sheets.index("/css/accounts.css")
    assert {"/css/tasks.css", "/css/problems.css", "/css/project-edit.css", "/css/workspace.css"} <= set(sheets)


def test_clicking_a_marker_opens_the_right_card(page, live_server):
    feats = api(live_server, "/api/projects")["features"]
    target = max(feats, key=lambda f: f["properties"]["investment_total"])
    pid = str(target["properties"]["id"])
    open_app(page, live_server)
    page.evaluate("id => window.warroom.zoomToProject(id, {animate: false, maxZoom: 18})", pid)
    wait_idle(page)
    pt = page.evaluate("id => window.warroom.projectPoint(id)", pid)
    page.mouse.click(pt["x"], pt["y"])
    page.wait_for_selector(f"#project-panel[data-project-id='{pid}']")
    card = page.locator("#project-panel")
    assert card.locator("[data-testid=project-name]").inner_text().startswith(target["properties"]["name"])
    assert card.locator("[data-testid=project-code]").inner_text() == target["properties"]["code"]
    if target["properties"]["demo"]:
        assert card.locator("[data-testid=demo-badge]").is_visible()
    assert f"project={pid}" in page.url
    page.click("#back-to-list")
    page.wait_for_selector("#project-panel[data-view='list']")
    assert "project=" not in page.url
    # the list is sorted by investment: the biggest project comes first
    assert page.locator("[data-testid=project-item]").first.get_attribute("data-id") == pid


def test_lookup_names_the_base_under_the_click(page, live_server):
    bases = api(live_server, "/api/layers/bases")["features"]
    point = name = None
    for f in bases:
        p = shape(f["geometry"]).representative_point()
        hit = api(live_server, f"/api/lookup?lon={p.x}&lat={p.y}")
        if [b["name"] for b in hit["bases"]] == [f["properties"]["name"]]:
            point, name = p, f["properties"]["name"]
            break
    assert point is not None, "no base has an interior point inside it alone"
    open_app(page, live_server)
    page.evaluate("([lon, lat]) => window.warroom.map.setView([lat, lon], 13, {animate: false})", [point.x, point.y])
    wait_idle(page)
    page.click("#lookup-toggle")
    assert page.get_attribute("#lookup-toggle", "aria-pressed") == "true"
    xy = page.evaluate("([lon, lat]) => window.warroom.pointOf(lon, lat)", [point.x, point.y])
    page.mouse.click(xy["x"], xy["y"])
    page.wait_for_selector("#lookup-result[data-state='inside']")
    assert name in page.inner_text("[data-testid=lookup-bases]")
    assert page.locator(".lookup-pin").count() == 1
    # typing coordinates far from any base gives the nearest base with a distance
    page.fill("#lookup-input", "122.000, 36.900")
    page.press("#lookup-input", "Enter")
    page.wait_for_function(
        "() => ['inside','outside'].includes(document.querySelector('#lookup-result').dataset.state)"
        " && document.querySelector('#lookup-input').value.startsWith('122.00000')"
    )
    text = page.inner_text("#lookup-result")
    assert re.search(r"(公里|米)|该点不在", text)


def test_switching_to_english_changes_labels_and_is_remembered(page, live_server):
    open_app(page, live_server)
    assert page.inner_text("#lang-toggle") == "EN"
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.inner_text("#lang-toggle") == "中文"
    assert page.locator("#district-select option").first.inner_text() == "Whole city"
    assert "Projects" in page.inner_text("#summary")
    assert "CNY" in page.inner_text("#summary-investment")
    assert "Layers & legend" in page.inner_text("#legend")
    assert "Huancui" in page.inner_text(".leaflet-labels-pane")
    page.reload()
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert "环翠区" in page.inner_text(".leaflet-labels-pane")


def test_api_problem_is_shown_in_a_toast(page, live_server, page_problems):
    page_problems.allow_http_errors = True
    open_app(page, live_server, "#district=不存在")
    toast = page.locator("[data-testid=toast]").first
    toast.wait_for()
    assert "不存在" in toast.inner_text()


def test_phone_layout_fits_the_screen(page, live_server):
    """On a 390 px phone nothing widens the page, the panel is a bottom sheet and every tool can be reached."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page, live_server)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    sidebar = page.locator("#sidebar").bounding_box()
    assert sidebar["y"] > 844 / 3 and sidebar["width"] >= 380  # a sheet along the bottom, not a side column
    lang = page.locator("#lang-toggle").bounding_box()
    assert 0 <= lang["x"] and lang["x"] + lang["width"] <= 390
    page.get_by_test_id("menu-toggle").click()  # the tools fold into 菜单 on a phone (issue 16)
    assert page.locator("[data-testid=siting-link]").is_visible()
