"""Projects created, edited, retired (退库) and restored through the API: the register's checks, siting at write,
readable versions, the audit link, and retirement leaving the figures from its month on (and only then)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.factories import interior_point, make_project, make_user, token_for

NEW = {
    "code": "WEB-0001",
    "name": "荣成海洋装备新建项目",
    "district": "荣成市",
    "cluster": "新一代信息技术",
    "investment_total": "12.50",
    "investment_year": "3.20",
    "status": "planning",
    "unit": "荣成市发改局",
    "person": "张三",
    "start_date": "2026-03-01",
    "end_date": "2028-12-31",
}


@pytest.fixture
def rongcheng(session) -> tuple[float, float]:
    return interior_point(session, "districts", "荣成市")


def _count(session) -> int:
    return session.execute(text("SELECT count(*) FROM projects")).scalar_one()


def _create(client, point, **extra) -> dict:
    lon, lat = point
    r = client.post("/api/projects", json={**NEW, "lon": lon, "lat": lat, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_planner_adds_a_project_sited_from_its_point(as_planner, session, rongcheng):
    answer = _create(as_planner, rongcheng)
    p = answer["project"]["properties"]
    assert (p["name"], p["district"], p["status"]) == (NEW["name"], "荣成市", "planning")
    assert Decimal(str(p["investment_total"])) == Decimal("12.50")
    assert answer["version"]["version"] == 1 and answer["version"]["action"] == "create"
    labels = {c["label"]: c["after"] for c in answer["version"]["changes"]}
    assert labels["项目名称"] == NEW["name"] and labels["建设状态"] == "前期推进"
    assert labels["落位区市"] == "荣成市"
    # on the map at once, and the audit entry links to the version
    ids = {f["properties"]["id"] for f in as_planner.get("/api/projects").json()["features"]}
    assert p["id"] in ids
    entry = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'project.create' AND object_id = :id"), {"id": str(p["id"])}
    ).scalar_one()
    assert entry["history"] == f"/?history={p['id']}&version=1#project={p['id']}"
    assert entry["项目名称"] == NEW["name"]


@pytest.mark.parametrize(
    ("change", "field", "words", "hint"),
    [
        ({"lon": 37.2, "lat": 122.4}, "lon", "写反", "经度应为 122.4"),
        ({"lon": 116.4, "lat": 39.9}, "lon", "不在威海范围内", "威海经度约"),
        ({"lon": 450000, "lat": 4120000}, "lon", "投影坐标", ""),
        ({"district": "荣城市"}, "district", "未知区市", "荣成市"),
        ({"district": "石岛管理区"}, "district", "未知区市", "乳山市"),
        ({"cluster": "海洋装备"}, "cluster", "未知产业集群", ""),
        ({"investment_total": "约5亿"}, "investment_total", "不是数字", "是否为 5"),
        ({"investment_year": "1.234"}, "investment_year", "两位小数", "1.23"),
        ({"investment_total": "-3"}, "investment_total", "不能为负", ""),
        ({"status": "在建中"}, "status", "未知建设状态", ""),
        ({"end_date": "2025-01-01"}, "end_date", "早于开工日期", ""),
        ({"name": ""}, "name", "必填", ""),
    ],
)
def test_each_bad_field_is_refused_with_what_to_do(as_planner, session, rongcheng, change, field, words, hint):
    before = _count(session)
    lon, lat = rongcheng
    r = as_planner.post("/api/projects", json={**NEW, "lon": lon, "lat": lat, **change})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    [error] = [e for e in problem["errors"] if e["field"] == field]
    assert words in error["message"] and words in problem["detail"]
    assert hint in error["suggestion"]
    assert _count(session) == before  # nothing written


def test_an_unknown_name_without_a_close_one_lists_the_valid_names(as_planner, rongcheng):
    lon, lat = rongcheng
    r = as_planner.post("/api/projects", json={**NEW, "lon": lon, "lat": lat, "cluster": "XYZ"})
    [error] = r.json()["errors"]
    assert "可选" in error["suggestion"] and "新一代信息技术" in error["suggestion"]


def test_a_point_picked_on_a_web_map_is_taken_as_gcj02(as_planner, rongcheng):
    lon, lat = rongcheng
    plain = _create(as_planner, rongcheng)["project"]["geometry"]["coordinates"]
    shifted = _create(as_planner, rongcheng, code="WEB-0002", coords="gcj02")["project"]["geometry"]["coordinates"]
    assert plain == pytest.approx([lon, lat], abs=1e-6)
    # GCJ-02 is offset by some hundreds of metres around Weihai: the stored WGS84 point is west and south of it
    assert 0.002 < lon - shifted[0] < 0.01 and 0.0005 < lat - shifted[1] < 0.005


def test_a_taken_code_is_a_conflict(as_planner, rongcheng):
    _create(as_planner, rongcheng)
    lon, lat = rongcheng
    r = as_planner.post("/api/projects", json={**NEW, "lon": lon, "lat": lat})
    assert r.status_code == 409 and "WEB-0001" in r.json()["detail"]


def test_an_edit_is_a_version_with_a_readable_diff(as_planner, session, rongcheng):
    p = _create(as_planner, rongcheng)["project"]["properties"]
    wendeng = interior_point(session, "districts", "文登区")
    r = as_planner.patch(
        f"/api/projects/{p['id']}",
        json={"name": "荣成海洋装备项目(二期)", "investment_total": "15", "lon": wendeng[0], "lat": wendeng[1]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["project"]["properties"]["district"] == "文登区"  # sited again from the moved point
    history = as_planner.get(f"/api/projects/{p['id']}/history").json()["versions"]
    assert [v["version"] for v in history] == [2, 1]
    changes = {c["label"]: (c["before"], c["after"]) for c in history[0]["changes"]}
    assert changes["项目名称"] == (NEW["name"], "荣成海洋装备项目(二期)")
    assert changes["总投资(亿元)"] == ("12.50", "15.00")
    assert changes["落位区市"] == ("荣成市", "文登区")
    assert "位置(经度, 纬度)" in changes and "产业集群" not in changes
    assert history[0]["action_name"] == "修改" and history[0]["actor"]
    # the same values again change nothing and make no version
    same = as_planner.patch(f"/api/projects/{p['id']}", json={"name": "荣成海洋装备项目(二期)"})
    assert same.status_code == 200 and same.json()["version"] is None
    assert len(as_planner.get(f"/api/projects/{p['id']}/history").json()["versions"]) == 2


def test_an_edit_is_checked_against_the_stored_fields(as_planner, rongcheng):
    p = _create(as_planner, rongcheng)["project"]["properties"]
    r = as_planner.patch(f"/api/projects/{p['id']}", json={"end_date": "2026-01-01"})
    assert r.status_code == 422 and "早于开工日期" in r.json()["detail"]
    r = as_planner.patch(f"/api/projects/{p['id']}", json={"lon": 122.4})
    assert r.status_code == 422 and any(e["field"] == "lat" for e in r.json()["errors"])
    assert as_planner.patch(f"/api/projects/{p['id']}", json={}).status_code == 422


def _ids(client, **params) -> set[int]:
    return {f["properties"]["id"] for f in client.get("/api/projects", params=params).json()["features"]}


def test_a_retired_project_leaves_the_figures_from_its_month_on(as_planner, session, rongcheng):
    lon, lat = rongcheng
    pid = make_project(session, district="荣成市", lon=lon, lat=lat, total="100", year="10")
    before = as_planner.get("/api/summary", params={"district": "荣成市", "month": "2026-11"}).json()
    r = as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "项目终止 / cancelled", "month": "2026-11"})
    assert r.status_code == 200, r.text
    assert r.json()["version"]["action"] == "retire"

    assert pid not in _ids(as_planner, month="2026-11") and pid not in _ids(as_planner, month="2026-12")
    assert pid in _ids(as_planner, month="2026-10")  # the month before still shows it
    after = as_planner.get("/api/summary", params={"district": "荣成市", "month": "2026-11"}).json()
    assert after["count"] == before["count"] - 1
    assert Decimal(str(after["investment_total"])) == Decimal(str(before["investment_total"])) - 100
    assert after["retired_in_month"] == 1
    october = as_planner.get("/api/summary", params={"district": "荣成市", "month": "2026-10"}).json()
    assert october["retired_in_month"] == 0
    dash = as_planner.get("/api/dashboard", params={"month": "2026-11"}).json()
    assert pid not in {x["id"] for x in dash.get("lagging", [])}
    # the card still opens, saying so
    card = as_planner.get(f"/api/projects/{pid}", params={"month": "2026-11"}).json()["properties"]
    assert (card["retired"], card["retired_month"], card["retired_reason"]) == (True, "2026-11", "项目终止 / cancelled")
    history = as_planner.get(f"/api/projects/{pid}/history").json()["versions"]
    assert {c["label"]: c["after"] for c in history[0]["changes"]}["库内状态"] == "退库(2026-11 起)"

    restored = as_planner.post(f"/api/projects/{pid}/restore", json={})
    assert restored.status_code == 200, restored.text
    assert pid in _ids(as_planner, month="2026-11")


def test_retiring_by_default_takes_the_project_off_the_map_shown_now(as_planner, session, rongcheng):
    lon, lat = rongcheng
    pid = make_project(session, district="荣成市", lon=lon, lat=lat)
    assert pid in _ids(as_planner)
    assert as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "并入其他项目"}).status_code == 200
    assert pid not in _ids(as_planner)  # 最新 (October in the tests' clock) no longer shows it
    assert as_planner.get("/api/summary").json()["retired_in_month"] >= 1


def test_retiring_is_refused_without_a_reason_twice_or_into_a_published_past(as_planner, session, rongcheng):
    lon, lat = rongcheng
    pid = make_project(session, district="荣成市", lon=lon, lat=lat)
    assert as_planner.post(f"/api/projects/{pid}/retire", json={"reason": " "}).status_code == 422
    early = as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "x", "month": "2026-05"})
    assert early.status_code == 422 and "2026-10" in early.json()["detail"]
    assert as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "x"}).status_code == 200
    again = as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "x"})
    assert again.status_code == 409 and "已于" in again.json()["detail"]
    assert as_planner.post(f"/api/projects/{pid}/restore", json={}).status_code == 200
    assert as_planner.post(f"/api/projects/{pid}/restore", json={}).status_code == 409


def test_a_reporter_proposes_a_change_a_planner_accepts_or_rejects(client, session):
    lon, lat = interior_point(session, "districts", "乳山市")
    pid = make_project(session, district="乳山市", lon=lon, lat=lat, name="乳山原名")
    reporter = make_user(session, role="reporter", district="乳山市")
    planner = token_for(session, make_user(session, role="planner"))
    as_reporter = token_for(session, reporter)

    r = client.post(
        f"/api/projects/{pid}/proposals", json={"name": "乳山新名", "note": "名称已变更"}, headers=as_reporter
    )
    assert r.status_code == 201, r.text
    proposal = r.json()
    assert proposal["state"] == "pending"
    assert proposal["preview"] == [{"field": "name", "label": "项目名称", "before": "乳山原名", "after": "乳山新名"}]
    # a proposal changes nothing until a planner accepts it
    assert client.get(f"/api/projects/{pid}").json()["properties"]["name"] == "乳山原名"
    # the same checks as an edit
    bad = client.post(f"/api/projects/{pid}/proposals", json={"district": "石岛"}, headers=as_reporter)
    assert bad.status_code == 422
    # another district's project: refused, naming the reporter's own
    other = make_project(
        session,
        district="荣成市",
        lon=interior_point(session, "districts", "荣成市")[0],
        lat=interior_point(session, "districts", "荣成市")[1],
    )
    r = client.post(f"/api/projects/{other}/proposals", json={"name": "x"}, headers=as_reporter)
    assert r.status_code == 403 and "乳山市" in r.json()["detail"]

    listed = client.get("/api/project-proposals", headers=planner).json()["proposals"]
    assert proposal["id"] in [p["id"] for p in listed]
    path = f"/api/projects/{pid}/proposals/{proposal['id']}/decision"
    r = client.post(path, json={"decision": "accept"}, headers=planner)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "accepted" and r.json()["version"] == 1
    assert client.get(f"/api/projects/{pid}").json()["properties"]["name"] == "乳山新名"
    history = client.get(f"/api/projects/{pid}/history", headers=planner).json()["versions"]
    assert "采纳" in history[0]["note"]
    assert client.post(path, json={"decision": "reject", "reason": "x"}, headers=planner).status_code == 409

    second = client.post(f"/api/projects/{pid}/proposals", json={"unit": "乳山市发改局"}, headers=as_reporter).json()
    path = f"/api/projects/{pid}/proposals/{second['id']}/decision"
    assert client.post(path, json={"decision": "reject"}, headers=planner).status_code == 422
    r = client.post(path, json={"decision": "reject", "reason": "单位名称以批复为准"}, headers=planner)
    assert r.json()["state"] == "rejected" and r.json()["reason"] == "单位名称以批复为准"
    assert client.get(f"/api/projects/{pid}").json()["properties"]["unit"] is None


def test_a_register_import_is_a_version_too(as_planner, session):
    from tests.transfer.test_register import post, row, xlsx

    assert post(as_planner, xlsx([row(项目编号="R-V1")]), apply="true").status_code == 200
    pid = session.execute(text("SELECT id FROM projects WHERE code = 'R-V1'")).scalar_one()
    assert post(as_planner, xlsx([row(项目编号="R-V1", 项目名称="碳纤维二期")]), apply="true").status_code == 200
    versions = as_planner.get(f"/api/projects/{pid}/history").json()["versions"]
    assert [(v["version"], v["action_name"]) for v in versions] == [(2, "台账导入"), (1, "台账导入")]
    assert {c["label"]: (c["before"], c["after"]) for c in versions[0]["changes"]} == {
        "项目名称": ("碳纤维新材料项目", "碳纤维二期")
    }
    # a dry run writes no version
    assert post(as_planner, xlsx([row(项目编号="R-V1", 项目名称="三期")])).status_code == 200
    assert len(as_planner.get(f"/api/projects/{pid}/history").json()["versions"]) == 2


def test_a_retired_project_leaves_the_exports_and_the_bulletin_map_from_its_month(as_planner, session, rongcheng):
    import datetime as dt

    from geo.bulletin.maps import map_layers

    lon, lat = rongcheng
    pid = make_project(session, district="荣成市", lon=lon, lat=lat)
    assert (
        as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "撤销", "month": "2026-11"}).status_code == 200
    )

    code = session.execute(text("SELECT code FROM projects WHERE id = :id"), {"id": pid}).scalar_one()

    def exported(month: str) -> set[str]:
        r = as_planner.get("/api/exports/projects", params={"format": "geojson", "district": "荣成市", "month": month})
        assert r.status_code == 200, r.text
        return {f["properties"]["code"] for f in r.json()["features"]}

    assert code in exported("2026-10") and code not in exported("2026-11")
    drawn = lambda month: {p["id"] for p in map_layers(session, month)["points"]}  # noqa: E731
    assert pid in drawn(dt.date(2026, 10, 1)) and pid not in drawn(dt.date(2026, 11, 1))


def test_a_published_month_keeps_its_figures_retiring_starts_after_it(as_planner, session, rongcheng):
    lon, lat = rongcheng
    pid = make_project(session, district="荣成市", lon=lon, lat=lat)
    session.execute(
        text("INSERT INTO reporting_periods (month, closed_at, published_at) VALUES ('2026-10-01', now(), now())")
    )
    early = as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "x", "month": "2026-10"})
    assert early.status_code == 422 and "2026-11" in early.json()["detail"] and "发布" in early.json()["detail"]
    r = as_planner.post(f"/api/projects/{pid}/retire", json={"reason": "x"})
    assert r.status_code == 200 and r.json()["project"]["properties"]["retired_month"] == "2026-11"
    assert pid in _ids(as_planner, month="2026-10") and pid not in _ids(as_planner, month="2026-11")
