"""Stored XSS as a class: hostile text planted in every field a person can write (project name, code, unit, person,
boundary names, report fields, photo caption and file name, display name, token name, a failed sign-in's username)
is shown on every page, to an anonymous visitor and to an admin, hovering and opening what shows it, and never runs.

Each page must end with window.__xss unset, no Content-Security-Policy violation (a violation means planted markup
reached an HTML sink and only the CSP stopped it), and no planted element in the DOM. The server has a database of
its own (seeded small) so the planted text does not reach the other tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.app import create_app
from geo.db import migrations
from geo.db.engine import Database, make_engine
from geo.demo.seed import seed_all
from tests.browser.conftest import PageProblems, app_page, signed_in_client
from tests.conftest import fresh_database, served
from tests.factories import file_report, make_user
from tests.payloads import hostile
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

# Installed before any page script: what the CSP refused, for the checks below.
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));"""
SEEN = """() => ({
  xss: window.__xss ?? null,
  csp: window.__csp,
  planted: document.querySelectorAll('[onerror], [onload], img[src="x"], svg[onload]').length
    + [...document.scripts].filter((s) => !s.src && s.type !== 'importmap').length,
})"""
POINT_OF = """([lon, lat]) => {
  const map = (window.warroom || window.warroomSiting).map;
  const p = map.latLngToContainerPoint([lat, lon]);
  const r = map.getContainer().getBoundingClientRect();
  return { x: r.left + p.x, y: r.top + p.y };
}"""


def plant_in_database(session: Session) -> dict:
    """Hostile names on a project and on a zone and a base (what a register or boundary import could write)."""
    pid, district = session.execute(
        text("""SELECT p.id, d.name FROM projects p JOIN districts d ON d.id = p.district_id
                WHERE d.name = '乳山市' ORDER BY p.investment_total DESC LIMIT 1""")
    ).one()
    session.execute(
        text("UPDATE projects SET name = :name, code = :code, unit = :unit, person = :person WHERE id = :id"),
        {
            "id": pid,
            "name": hostile("项目"),
            "code": hostile("C", 32),
            "unit": hostile("单位"),
            "person": hostile("负责人"),
        },
    )
    areas = {}
    for table in ("zones", "bases"):
        code, lon, lat = session.execute(
            text(
                f"SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM {table} ORDER BY code"
            )
        ).first()
        session.execute(
            text(f"UPDATE {table} SET name = :n, name_en = :en, carrier = :c WHERE code = :code"),
            {
                "n": hostile("区" if table == "zones" else "基地", 64),
                "en": hostile("en"),
                "c": hostile("载体"),
                "code": code,
            },
        )
        areas[table] = (lon, lat)
    return {"project": pid, "district": district, "base_point": areas["bases"]}


def plant_through_the_api(base: str, admin: dict, pid: int) -> str:
    """Hostile text in a report, a photo, an account, a token and a failed sign-in; the report's month."""
    c = signed_in_client(base, admin)
    assert c.post("/api/users", json={"username": "xss-viewer", "display_name": hostile("姓名", 100)}).is_success
    assert c.post("/api/auth/tokens", json={"name": hostile("令牌", 100)}).is_success
    month = c.get("/api/meta").json()["report_months"][0]
    last = c.get(f"/api/projects/{pid}/reports").json()[0]
    report = {
        "progress": "0",
        "investment_month": "0",
        "investment_cumulative": last["investment_cumulative"],
        "status": "stalled",
        "milestone": hostile("节点", 500),
        "problems": hostile("问题"),
        "next_steps": hostile("计划"),
        "regress_reason": hostile("原因", 500),
        "reported_by": hostile("填报", 100),
    }
    status, saved = file_report(c, pid, month, report)
    assert status in (200, 201), saved
    problem = {"report_id": saved["id"], "department": hostile("部门", 100), "action": hostile("事项", 500)}
    assert c.post("/api/problems", json={**problem, "deadline": f"{month}-28"}).is_success  # overdue: on the dashboard
    leader = {"name": hostile("领导", 100), "title": hostile("职务", 100), "unit": hostile("单位", 200)}
    assert c.put(f"/api/projects/{pid}/leader", json=leader).is_success
    milestone = {"name": hostile("节点名", 200), "planned_date": "2030-01-01", "responsible_unit": hostile("责任", 200)}
    assert c.post(f"/api/projects/{pid}/milestones", json=milestone).is_success
    lon, lat = c.get(f"/api/projects/{pid}").json()["geometry"]["coordinates"]
    photo = jpeg(seed=404, lon=lon + 0.001, lat=lat, taken=dt.datetime.now().strftime("%Y:%m:%d %H:%M:%S"))
    r = c.post(
        f"/api/projects/{pid}/photos",
        files={"files": ("<img src=x onerror=window.__xss=1>.jpg", photo, "image/jpeg")},
        data={"caption": hostile("说明", 500)},
    )
    assert r.is_success, r.text
    photo_id = r.json()["photos"][0]["id"]
    assert c.put(f"/api/photos/{photo_id}/published", json={"published": True}).is_success
    c.close()
    failed = httpx.post(f"{base}/api/auth/login", json={"username": hostile("u", 64), "password": "not-the-password"})
    assert failed.status_code == 401
    return month


@pytest.fixture(scope="module")
def site(cluster, settings):
    """A live server on its own small database with hostile text in every user-writable field."""
    engine = make_engine(fresh_database(cluster, "warroom_xss"))
    migrations.upgrade(engine)
    with Session(engine) as session:
        seed_all(session, demo_projects=30)
        planted = plant_in_database(session)
        admin = make_user(session, role="admin")
        session.commit()
    with served(create_app(settings, Database(engine))) as url:
        month = plant_through_the_api(url, admin, planted["project"])
        yield SimpleNamespace(url=url, admin=admin, month=month, **planted)
    engine.dispose()


@pytest.fixture
def visit(browser, site):
    """A page of the hostile site under the real CSP; fails on console errors or requests elsewhere."""
    problems = PageProblems()
    context, page = app_page(browser, site.url, problems, init_script=WATCH)

    def go(path: str, ready: str = "body[data-ready='1']"):
        page.goto(f"{site.url}{path}")
        page.wait_for_selector(ready)
        return page

    yield go
    context.close()
    assert problems.unexpected() == []


def ran(page) -> dict:
    """What of the planted text ran or got into the DOM as markup (all zero when it stayed text)."""
    return page.evaluate(SEEN)


NOTHING_RAN = {"xss": None, "csp": [], "planted": 0}


def move_to(page, xy: dict) -> None:
    """Bring the pointer onto page point xy from just beside it, so the layer there sees it arrive."""
    page.mouse.move(xy["x"] - 3, xy["y"])
    page.mouse.move(xy["x"], xy["y"])


def hover(page, lon: float, lat: float) -> None:
    move_to(page, page.evaluate(POINT_OF, [lon, lat]))


def see_map(page, site) -> None:
    """The map: project marker tooltip, base tooltip and label, lookup, card, gallery, lightbox, camera popup."""
    page.wait_for_selector("body[data-loading='0']")
    assert int(page.get_attribute("#map", "data-total")) >= 30  # the page still works: markers are there
    page.evaluate("id => window.warroom.zoomToProject(id, {animate: false, maxZoom: 18})", site.project)
    page.wait_for_timeout(400)
    move_to(page, page.evaluate("id => window.warroom.projectPoint(id)", site.project))
    assert "项目<img" in page.locator(".project-tooltip").inner_text()
    # The markers' canvas covers the whole map and takes the pointer from the areas under it (a known limit).
    page.evaluate("document.querySelector('.leaflet-projects-pane').style.pointerEvents = 'none'")
    lon, lat = site.base_point
    page.evaluate("([lon, lat]) => window.warroom.map.setView([lat, lon], 13, {animate: false})", [lon, lat])
    page.wait_for_timeout(300)
    hover(page, lon, lat)
    assert "基地<img" in page.locator(".area-tooltip").inner_text()
    assert any("基地<img" in label for label in page.locator(".base-label").all_inner_texts())
    page.click("#lookup-toggle")
    xy = page.evaluate(POINT_OF, [lon, lat])
    page.mouse.click(xy["x"], xy["y"])
    page.wait_for_selector("#lookup-result[data-state='inside']")
    assert "基地<img" in page.inner_text("[data-testid=lookup-bases]")
    page.click("#lookup-toggle")
    page.evaluate("id => window.warroom.openProject(id)", site.project)
    card = page.locator("[data-testid=project-card]")
    card.wait_for()
    assert "单位<img" in card.inner_text() and "负责人<img" in card.inner_text()
    page.locator("[data-testid=photo-tile] .photo-open").first.click()
    assert "说明<img" in page.locator("[data-testid=lightbox]").inner_text()
    page.keyboard.press("Escape")
    page.click("#layer-toggle-photos")
    page.locator(".camera-marker").first.click()
    assert "项目<img" in page.locator(".leaflet-popup-content").inner_text()


def see_the_other_pages(go, site) -> None:
    """Photo wall, dashboard (lagging table, every chart's tooltip) and the siting page's base tooltip."""
    page = go(f"/photos.html#district={site.district}")
    page.wait_for_selector("[data-testid=wall-photo]")
    assert "项目<img" in page.inner_text("[data-testid=photo-wall]")
    assert ran(page) == NOTHING_RAN
    page = go(f"/dashboard.html#month={site.month}")
    assert "问题<img" in page.inner_text("[data-testid=dash-lagging]")
    tips = page.evaluate("""() => Object.values(window.warroomDashboard.charts).flatMap((chart) => {
        const n = chart.getOption().xAxis?.[0]?.data?.length ?? chart.getOption().series[0].data.length;
        return [...Array(n).keys()].map((i) => {
          chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: i });
          return chart.getDom().innerText;
        });
    }).join(' ')""")
    assert "基地<img" in tips
    page.wait_for_selector("[data-testid=dash-problem]")
    assert "部门<img" in page.inner_text("[data-testid=dash-problems]")
    assert ran(page) == NOTHING_RAN
    page = go(f"/problems.html#project={site.project}")
    page.wait_for_selector("[data-testid=problem]")
    assert "问题<img" in page.inner_text("[data-testid=problems]") and "事项<img" in page.inner_text(
        "[data-testid=problems]"
    )
    assert ran(page) == NOTHING_RAN
    page = go("/siting.html")
    lon, lat = site.base_point
    page.evaluate("([lon, lat]) => window.warroomSiting.map.setView([lat, lon], 13, {animate: false})", [lon, lat])
    page.wait_for_timeout(300)
    hover(page, lon, lat)
    assert "基地<img" in page.locator(".leaflet-tooltip").inner_text()
    assert ran(page) == NOTHING_RAN


def test_planted_text_never_runs_for_an_anonymous_visitor(visit, site):
    page = visit("/")
    see_map(page, site)
    assert ran(page) == NOTHING_RAN
    see_the_other_pages(visit, site)


def test_planted_text_never_runs_for_an_admin(visit, site):
    page = visit("/login.html")
    page.fill("[data-testid=login-username]", site.admin["username"])
    page.fill("[data-testid=login-password]", site.admin["password"])
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{site.url}/")
    page = visit("/admin.html")
    page.wait_for_selector("[data-testid=audit-row]")
    assert "姓名<img" in page.inner_text("[data-testid=users-table]")
    audit = page.inner_text("[data-testid=audit-table]")
    assert "u<img" in audit and "令牌<img" in audit
    page.click(f"[data-testid=user-row][data-username='{site.admin['username']}'] [data-testid=user-tokens]")
    page.wait_for_selector("[data-testid=token-item]")
    assert "令牌<img" in page.inner_text("[data-testid=tokens-list]")
    assert ran(page) == NOTHING_RAN
    page = visit(f"/#project={site.project}")
    page.click("[data-testid=report-open]")
    page.wait_for_selector("[data-testid=report-form]")
    assert "问题<img" in page.inner_text("[data-testid=report-recent]")
    assert page.input_value("[name=milestone]").startswith("节点<img")
    assert "领导<img" in page.inner_text("[data-testid=project-leader]")
    page.click("[data-testid=workplan-toggle]")
    page.wait_for_selector("[data-testid=milestone-table]")
    assert "节点名<img" in page.inner_text("[data-testid=milestone-table]")
    assert page.input_value("[data-testid=leader-form] [name=name]").startswith("领导<img")
    assert ran(page) == NOTHING_RAN
    page = visit("/siting.html")
    lon, lat = site.base_point
    page.fill("[data-testid=siting-text]", f"{lon}, {lat}, {hostile('点')}")
    page.click("[data-testid=siting-run]")
    page.wait_for_selector("body[data-checked='1']")
    assert "点<img" in page.inner_text("[data-testid=siting-table]")
    assert "基地<img" in page.inner_text("[data-testid=siting-bases]")
    page.evaluate("([lon, lat]) => window.warroomSiting.map.setView([lat, lon], 13, {animate: false})", [lon, lat])
    page.wait_for_timeout(300)
    hover(page, lon, lat)
    assert "点<img" in page.locator(".leaflet-tooltip").first.inner_text()
    assert ran(page) == NOTHING_RAN
    page = visit("/")
    see_map(page, site)
    assert ran(page) == NOTHING_RAN
    see_the_other_pages(visit, site)


def test_the_api_docs_run_under_the_csp(visit):
    page = visit("/docs", ready=".opblock")
    policy = page.evaluate("() => fetch('/docs').then((r) => r.headers.get('content-security-policy'))")
    assert policy and "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert page.locator(".opblock").count() > 20
    assert ran(page) == NOTHING_RAN
