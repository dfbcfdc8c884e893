"""Browser: the planner's workspace without a terminal — a 2-polygon boundary file applied without losing the other
bases, a 5-row register with four kinds of mistakes of which the good row is written, 荣成市 exported as a
GeoPackage that GDAL's ogrinfo opens, and the dashboard's quarterly bulletin."""

import io
import re
import subprocess

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.browser.conftest import open_app, sign_in, signed_in_client
from tests.factories import interior_point
from tests.transfer.gisfiles import layer_frame, zipped_shapefile

pytestmark = pytest.mark.browser


def base_count(engine) -> int:
    with Session(engine) as s:
        return s.execute(text("SELECT count(*) FROM bases")).scalar()


def two_bases_file(session, folder, *, shift: float):
    frame = layer_frame(session, "bases")
    frame = frame[frame.code.isin(["B1", "B2"])].copy()
    frame.loc[frame.code == "B1", "geometry"] = frame.loc[frame.code == "B1", "geometry"].translate(shift, 0)
    path = folder / f"two-bases-{'moved' if shift else 'original'}.geojson"
    frame.to_file(path)
    return path


def test_a_two_polygon_boundary_file_is_applied_without_losing_the_other_bases(
    page, live_server, accounts, engine, session, tmp_path
):
    original = two_bases_file(session, tmp_path, shift=0)
    moved = two_bases_file(session, tmp_path, shift=0.002)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept() if "删除" not in d.message else d.dismiss()))
    sign_in(page, live_server, accounts["planner"], "/workspace.html")
    page.wait_for_selector("body[data-ready='1']")
    section = page.get_by_test_id("boundary-import")
    with engine.connect() as conn:
        flags = dict(conn.execute(text("SELECT code, schematic FROM bases")).all())
    try:
        page.set_input_files("[data-testid=bnd-file]", str(moved))
        page.wait_for_selector("[data-testid=boundary-import][data-state=preview]")
        assert (section.get_attribute("data-changed"), section.get_attribute("data-kept")) == ("1", "7")
        assert section.get_attribute("data-removed") == "0"
        assert page.locator("[data-testid=bnd-change][data-action=kept]").count() == 7
        changed = page.locator("[data-testid=bnd-change][data-action=changed]")
        assert "碳纤维基地" in changed.inner_text()
        assert page.locator("[data-testid=bnd-map] path.leaflet-interactive").count() == 8  # changed + kept drawn
        # removing what the file lacks is a choice: the preview shows it, and the confirm refuses it here
        page.get_by_test_id("bnd-remove").check()
        page.wait_for_selector("[data-testid=boundary-import][data-removed='7'][data-state=preview]")
        assert page.get_by_test_id("bnd-remove-warning").is_visible()
        page.screenshot(path=str(tmp_path / "boundary-preview.png"), full_page=True)
        page.get_by_test_id("bnd-apply").click()
        page.wait_for_timeout(300)
        assert "删除 7 个要素" in dialogs[-1] and base_count(engine) == 9
        # the default: keep them, and apply the change
        page.get_by_test_id("bnd-remove").uncheck()
        page.wait_for_selector("[data-testid=boundary-import][data-kept='7'][data-state=preview]")
        page.get_by_test_id("bnd-apply").click()
        page.wait_for_selector("[data-testid=boundary-import][data-state=applied]")
        assert base_count(engine) == 9
        latest = page.get_by_test_id("bnd-history-row").first
        latest.wait_for()
        assert "two-bases-moved.geojson" in latest.inner_text() and "变化 1" in latest.inner_text()
        latest.get_by_test_id("bnd-as-of-button").click()
        page.get_by_test_id("bnd-as-of-summary").wait_for()
        assert "归属" in page.get_by_test_id("bnd-as-of-summary").inner_text()
    finally:  # the live server's database is shared by the session's browser tests: put B1 back
        client = signed_in_client(live_server, accounts["planner"])
        r = client.post(
            "/api/imports/boundaries",
            params={"layer": "bases", "apply": "true"},
            files={"file": (original.name, original.read_bytes())},
        )
        client.close()
        assert r.status_code == 200, r.text
        # An imported boundary is no longer schematic; the seeded ones were, and other tests read that flag.
        with engine.begin() as conn:
            for code, schematic in flags.items():
                conn.execute(text("UPDATE bases SET schematic = :s WHERE code = :c"), {"s": schematic, "c": code})


REGISTER_HEADERS = [
    "项目编号",
    "项目名称",
    "所属区市",
    "产业集群",
    "总投资(亿元)",
    "年度计划投资(亿元)",
    "经度",
    "纬度",
    "建设状态",
]


def register_file(session, folder):
    lon, lat = interior_point(session, "districts", "荣成市")
    rows = [
        ["WS-R-001", "工作台导入测试项目", "荣成市", "海洋生物与健康食品", 5, 1, lon, lat, "在建"],
        ["WS-R-002", "经纬度写反的项目", "荣成市", "海洋生物与健康食品", 5, 1, lat, lon, "在建"],
        ["WS-R-003", "未知区市的项目", "石岛管理区", "海洋生物与健康食品", 5, 1, lon, lat, "在建"],
        ["WS-R-004", "未知集群的项目", "荣成市", "海洋经济", 5, 1, lon, lat, "在建"],
        ["WS-R-005", "金额写成文字的项目", "荣成市", "海洋生物与健康食品", "约5亿", 1, lon, lat, "在建"],
    ]
    book = Workbook()
    book.active.append(REGISTER_HEADERS)
    for r in rows:
        book.active.append(r)
    path = folder / "台账.xlsx"
    book.save(path)
    return path


def test_a_five_row_register_shows_each_problem_and_writes_the_good_row(
    page, live_server, accounts, engine, owner_engine, session, tmp_path
):
    path = register_file(session, tmp_path)
    page.on("dialog", lambda d: d.accept())
    sign_in(page, live_server, accounts["planner"], "/workspace.html")
    page.wait_for_selector("body[data-ready='1']")
    try:
        page.set_input_files("[data-testid=reg-file]", str(path))
        page.wait_for_selector("[data-testid=register-import][data-state=checked]")
        rows = page.get_by_test_id("reg-error-row")
        assert rows.count() == 4
        by_row = {int(rows.nth(i).get_attribute("data-row")): rows.nth(i).inner_text() for i in range(4)}
        assert "写反" in by_row[3]
        assert "石岛管理区" in by_row[4] and "请填“荣成市”" in by_row[4] and "乳山市" in by_row[4]
        assert "海洋经济" in by_row[5] and "可选:" in by_row[5] and "康养旅游" in by_row[5]
        assert "不是数字" in by_row[6] and "是否为 5" in by_row[6]
        assert page.get_by_test_id("reg-apply-all").is_disabled()
        page.screenshot(path=str(tmp_path / "register-check.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_test_id("reg-report").click()
        report = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
        assert [r[0] for r in report.iter_rows(min_row=2, values_only=True)] == [3, 4, 5, 6]
        page.get_by_test_id("reg-apply-valid").click()
        page.wait_for_selector("[data-testid=register-import][data-state=applied]")
        assert "新增 1" in page.get_by_test_id("reg-summary").inner_text()
        with Session(engine) as s:
            written = s.execute(text("SELECT code FROM projects WHERE code LIKE 'WS-R-%'")).scalars().all()
        assert written == ["WS-R-001"]
    finally:  # keep the shared database's 116 projects for the other browser tests
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM projects WHERE code LIKE 'WS-R-%'"))


def test_rongcheng_exported_as_geopackage_opens_in_gdal(page, live_server, accounts, tmp_path):
    open_app(page, live_server)
    assert page.get_by_test_id("export-toggle").count() == 0  # a visitor is not offered what the server refuses
    sign_in(page, live_server, accounts["planner"], "/#district=荣成市")
    open_app(page, live_server, "#district=荣成市")
    total = int(page.locator("#map").get_attribute("data-total"))
    assert total > 0
    page.get_by_test_id("export-toggle").click()
    page.screenshot(path=str(tmp_path / "export-menu.png"))
    colours = page.get_by_test_id("export-gpkg").evaluate(
        "(a) => [getComputedStyle(a).color, getComputedStyle(a).backgroundColor]"
    )
    assert colours[0] != colours[1] and colours[0] != "rgb(255, 255, 255)"  # readable in the dark header's menu
    layer_name = page.locator(".export-menu-layer > span").first.evaluate("(s) => getComputedStyle(s).color")
    assert layer_name != "rgb(255, 255, 255)"
    assert "荣成市" in page.get_by_test_id("export-offline").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("export-gpkg").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".gpkg"
    page.get_by_test_id("export-toggle").click()
    with page.expect_download() as layer_download:
        page.get_by_test_id("export-layer-bases-gpkg").click()
    bases = tmp_path / "bases.gpkg"
    layer_download.value.save_as(bases)
    bases_info = subprocess.run(["ogrinfo", "-so", "-al", str(bases)], capture_output=True, text=True).stdout
    assert "Feature Count: 9" in bases_info
    info = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Feature Count: (\d+)", info).group(1)) == total
    assert re.search(r"status_zh: String", info) and re.search(r"light_zh: String", info)
    assert re.search(r"start: Date", info)
    values = subprocess.run(
        ["ogrinfo", "-al", "-q", "-where", "status_zh IS NOT NULL", str(path)], capture_output=True, text=True
    ).stdout
    assert re.search(r"status_zh \(String\) = (在建|前期推进|竣工投产|停缓建)", values)


def test_the_dashboard_offers_the_quarterly_bulletin(page, live_server, accounts, tmp_path):
    sign_in(page, live_server, accounts["planner"], "/dashboard.html")
    page.wait_for_selector("body[data-ready='1']")
    select = page.get_by_test_id("quarter-select")
    select.wait_for()
    assert select.input_value() == "2026-Q3"  # the latest quarter complete by the shown month, 2026-10
    quarter = select.locator("option").nth(1).get_attribute("value")
    select.select_option(quarter)
    page.screenshot(path=str(tmp_path / "dashboard-quarter.png"))
    href = page.get_by_test_id("quarter-xlsx").get_attribute("href")
    assert href == f"/api/reports/quarterly/{quarter}.xlsx"
    r = page.request.get(f"{live_server}{href}")
    assert r.status == 200 and r.headers["content-type"].startswith("application/vnd.openxml")


def choose_unnamed_bases_without_crs(page, live_server, accounts, session, tmp_path) -> None:
    """A planner picks the bases as a GBK shapefile with no .prj and its name column called JDMC: the page asks."""
    frame = layer_frame(session, "bases").rename(columns={"name": "JDMC"}).drop(columns=["code"])
    archive = zipped_shapefile(frame, tmp_path, "jd", encoding="GBK", cpg=False, prj=False)
    sign_in(page, live_server, accounts["planner"], "/workspace.html")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("[data-testid=bnd-file]", str(archive))
    page.wait_for_selector("[data-testid=boundary-import][data-state=error]")


def test_a_file_without_crs_or_known_name_column_is_completed_in_the_page(
    page, live_server, accounts, session, tmp_path, page_problems
):
    page_problems.allow_http_errors = True  # the two 422s are the page's cue to ask
    choose_unnamed_bases_without_crs(page, live_server, accounts, session, tmp_path)
    assert "EPSG:4490" in page.get_by_test_id("bnd-error").inner_text()
    page.get_by_test_id("bnd-crs").fill("EPSG:4326")
    page.get_by_test_id("bnd-crs").dispatch_event("change")
    page.wait_for_function("() => document.querySelector('[data-testid=bnd-error]')?.textContent.includes('名称列')")
    page.get_by_test_id("bnd-name-column").select_option("JDMC")
    page.wait_for_selector("[data-testid=boundary-import][data-state=preview]")
    assert page.get_by_test_id("bnd-counts").inner_text().startswith("新增 0 · 变化 0 · 未变 9")
    assert page.get_by_test_id("bnd-apply").is_disabled()  # nothing to write


def test_a_late_answer_to_an_earlier_choice_does_not_undo_the_latest(
    page, live_server, accounts, session, tmp_path, page_problems
):
    page_problems.allow_http_errors = True  # the late answer is a 422
    choose_unnamed_bases_without_crs(page, live_server, accounts, session, tmp_path)
    crs = page.get_by_test_id("bnd-crs")
    held = []
    page.route("**/api/imports/boundaries?*", lambda r: held.append(r) if "999999" in r.request.url else r.continue_())
    crs.fill("EPSG:999999")  # a wrong CRS: its answer (a 422) is held back on a slow line...
    crs.dispatch_event("change")
    while not held:
        page.wait_for_timeout(50)
    crs.fill("EPSG:4326")  # ...while the planner corrects it and picks the name column
    crs.dispatch_event("change")
    page.wait_for_function("() => document.querySelector('[data-testid=bnd-error]')?.textContent.includes('名称列')")
    page.get_by_test_id("bnd-name-column").select_option("JDMC")
    page.wait_for_selector("[data-testid=boundary-import][data-state=preview]")
    held[0].continue_()  # the wrong CRS's answer arrives last
    page.wait_for_timeout(1000)
    assert page.get_by_test_id("boundary-import").get_attribute("data-state") == "preview"
    assert page.get_by_test_id("bnd-counts").inner_text().startswith("新增 0 · 变化 0 · 未变 9")


def test_a_viewer_is_not_offered_imports_or_exports(page, live_server, accounts):
    sign_in(page, live_server, accounts["viewer"], "/workspace.html")
    page.wait_for_selector("body[data-ready='1']")
    assert page.get_by_test_id("ws-denied").is_visible()
    assert not page.get_by_test_id("boundary-import").is_visible()
    assert not page.get_by_test_id("register-import").is_visible()
    assert page.get_by_test_id("workspace-link").count() == 0
    open_app(page, live_server)
    page.get_by_test_id("current-user").wait_for()
    assert page.get_by_test_id("export-toggle").count() == 0
