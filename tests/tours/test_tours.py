"""Tours through the API: made from the map's filters or picked projects, reordered by hand, their itinerary and
scoring sheet, scores entered and the districts' weighted tour scores, and what a bad request is told."""

import io
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from geo.periods import quarterly
from geo.tours.tours import COMMISSION, tour_scores
from tests.factories import interior_point, make_project

pytestmark = pytest.mark.usefixtures("as_planner")
START = {"lon": COMMISSION["lon"], "lat": COMMISSION["lat"], "label": COMMISSION["label"]}


def _tour(client, **body):
    payload = {"name": "荣成市重点项目观摩", "date": "2026-11-20", **body}
    return client.post("/api/tours", json=payload, params=body.pop("params", None))


def _projects(session, district: str, n: int) -> list[int]:
    lon, lat = interior_point(session, "districts", district)
    return [make_project(session, district=district, lon=lon + 0.01 * k, lat=lat + 0.004 * k) for k in range(n)]


def test_a_tour_from_the_map_filter_takes_the_filtered_projects_in_distance_order(client, session):
    expected = client.get("/api/projects", params={"district": "荣成市", "status": "construction", "fields": "id"})
    ids = {f["properties"]["id"] for f in expected.json()["features"]}
    assert 0 < len(ids) <= 30
    r = client.post(
        "/api/tours",
        params={"district": "荣成市", "status": "construction"},
        json={"name": "荣成在建项目观摩", "date": "2026-11-20", "start": START},
    )
    assert r.status_code == 201, r.text
    tour = r.json()
    assert {s["project_id"] for s in tour["stops"]} == ids
    assert [s["seq"] for s in tour["stops"]] == list(range(1, len(ids) + 1))
    assert "不是道路路线" in tour["route_note"]
    assert tour["total_km"] == pytest.approx(sum(s["leg_km"] for s in tour["stops"]), abs=0.05)
    assert tour["criteria"][0] == {"name": "形象进度", "weight": 25.0}
    logged = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'tour.create' AND object_id = :id"), {"id": str(tour["id"])}
    ).scalar_one()
    assert logged["stops"] == [s["project_id"] for s in tour["stops"]]


def test_the_order_does_not_depend_on_the_order_picked_and_a_planner_can_reorder(client, session):
    ids = _projects(session, "文登区", 5)
    a = _tour(client, project_ids=ids, start=START).json()
    b = _tour(client, project_ids=list(reversed(ids)), start=START).json()
    order = [s["project_id"] for s in a["stops"]]
    assert order == [s["project_id"] for s in b["stops"]]
    # From the commission (north-east of 文登) the nearest stop comes first.
    assert a["stops"][0]["leg_km"] == min(
        s["leg_km"] for s in _tour(client, project_ids=ids[:1] + ids[1:], start=START).json()["stops"][:1]
    )
    mine = list(reversed(order))
    r = client.put(f"/api/tours/{a['id']}/stops", json={"project_ids": mine})
    assert r.status_code == 200, r.text
    assert [s["project_id"] for s in r.json()["stops"]] == mine
    back = client.put(f"/api/tours/{a['id']}/stops", json={"project_ids": mine, "optimise": True}).json()
    assert [s["project_id"] for s in back["stops"]] == order
    assert back["total_km"] <= r.json()["total_km"]


def _pdf_text(pdf: bytes, tmp_path) -> str:
    source = tmp_path / "tour.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (make test installs it)")
def test_the_itinerary_lists_the_stops_in_order_and_says_it_is_not_a_road_route(client, session, tmp_path):
    ids = _projects(session, "乳山市", 3)
    tour = _tour(client, project_ids=ids, start=START, note="请各单位负责同志提前到场(8:30)").json()
    r = client.get(f"/api/tours/{tour['id']}/itinerary.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    words = _pdf_text(r.content, tmp_path)
    flat = "".join(words.split())
    assert "不是道路路线" in flat
    positions = [flat.index(f"第{s['seq']}站{s['name']}") for s in tour["stops"]]
    assert positions == sorted(positions)
    assert "（8:30）" in flat  # Chinese punctuation, times kept
    assert "—2—" in flat  # page numbers
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "tour.pdf"), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 1 + len(tour["stops"])  # cover with map and list, a page a stop
    if os.environ.get("TOUR_PAGES_DIR"):
        for png in tmp_path.glob("p-*.png"):
            shutil.copy(png, os.environ["TOUR_PAGES_DIR"])


def test_a_control_character_in_a_name_does_not_fail_the_scoring_sheet(client, session):
    tour = _tour(client, name="观摩\x01路线", project_ids=_projects(session, "文登区", 1)).json()
    r = client.get(f"/api/tours/{tour['id']}/scoresheet.xlsx")
    assert r.status_code == 200, r.text
    assert ("观摩路线", "观摩\ufffd路线") in list(load_workbook(io.BytesIO(r.content))["说明"].values)


def test_the_scoring_sheet_has_a_row_per_stop_and_the_weights(client, session, tmp_path):
    ids = _projects(session, "环翠区", 2)
    tour = _tour(client, project_ids=ids).json()
    book = load_workbook(io.BytesIO(client.get(f"/api/tours/{tour['id']}/scoresheet.xlsx").content))
    rows = list(book["评分表"].values)
    assert rows[0][:4] == ("站序", "项目名称", "区市", "形象进度（25）")
    assert [r[1] for r in rows[1:]] == [s["name"] for s in tour["stops"]]
    pdf = client.get(f"/api/tours/{tour['id']}/scoresheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        assert "评分人" in _pdf_text(pdf.content, tmp_path)


def test_scores_give_the_district_its_weighted_score_as_computed_by_hand(client, session):
    ids = _projects(session, "荣成市", 2) + _projects(session, "文登区", 1)
    tour = _tour(client, project_ids=ids, date="2026-11-20").json()
    names = ["形象进度", "投资完成", "建设质量", "带动效应", "现场管理"]  # weights 25 25 20 15 15
    a, b, c = ids

    def sheet(scorer, values):
        items = [
            {"project_id": pid, "criterion": n, "score": v}
            for pid, row in values.items()
            for n, v in zip(names, row, strict=True)
        ]
        r = client.put(f"/api/tours/{tour['id']}/scores", json={"scorer": scorer, "scores": items})
        assert r.status_code == 200, r.text
        return r.json()

    sheet("王局长", {a: [90, 80, 70, 60, 100], b: [60, 60, 60, 60, 60], c: [100, 100, 100, 100, 100]})
    done = sheet("李主任", {a: [70, 80, 90, 100, 80]})
    # a: means 80, 80, 80, 80, 90 → .25*80 + .25*80 + .20*80 + .15*80 + .15*90 = 81.50; b: 60.00; c: 100.00
    by_id = {s["project_id"]: s["score"] for s in done["stops"]}
    assert by_id == {a: 81.5, b: 60.0, c: 100.0}
    # 荣成市: mean of 81.50 and 60.00 = 70.75; 文登区: 100.00
    scores = tour_scores(session, quarterly("2026-Q4"))
    assert scores["荣成市"] == Decimal("70.75") and scores["文登区"] == Decimal("100.00")
    assert tour_scores(session, quarterly("2026-Q3")) == {}
    api = client.get("/api/tours/scores", params={"period": "2026-11"}).json()
    assert api["districts"]["荣成市"] == 70.75
    logged = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'tour.scores' AND object_id = :id ORDER BY id DESC LIMIT 1"),
        {"id": str(tour["id"])},
    ).scalar_one()
    assert logged["scorer"] == "李主任" and logged["scores"][f"{a}:现场管理"] == "80.00"


def _problem(r, status=422):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    return r.json()


def test_bad_requests_are_told_what_to_fix_and_nothing_is_written(client, session):
    before = session.execute(text("SELECT count(*) FROM tours")).scalar_one()
    ids = _projects(session, "乳山市", 2)
    tour = _tour(client, project_ids=ids).json()
    bad = client.put(
        f"/api/tours/{tour['id']}/scores",
        json={
            "scorer": "王局长",
            "scores": [
                {"project_id": ids[0], "criterion": "形象进度", "score": 90},
                {"project_id": ids[1], "criterion": "形象进度", "score": 150},
                {"project_id": ids[1], "criterion": "颜值", "score": 50},
            ],
        },
    )
    body = _problem(bad)
    assert "未保存任何评分" in body["detail"]
    assert {e["field"] for e in body["errors"]} == {"scores[1].score", "scores[2].criterion"}
    assert client.get(f"/api/tours/{tour['id']}").json()["scores"] == []
    assert "不是本路线的站点" in str(
        _problem(
            client.put(
                f"/api/tours/{tour['id']}/scores",
                json={"scorer": "王", "scores": [{"project_id": 999999, "criterion": "形象进度", "score": 1}]},
            )
        )["errors"]
    )
    assert "start.lat" in _problem(_tour(client, project_ids=ids, start={"lon": 37.5, "lat": 122.1}))["detail"]
    assert "不在威海" in _problem(_tour(client, project_ids=ids, start={"lon": 10, "lat": 10}))["detail"]
    assert "不存在" in _problem(_tour(client, project_ids=[ids[0], 999999]))["detail"]
    assert "重复" in _problem(_tour(client, project_ids=[ids[0], ids[0]]))["detail"]
    assert "最多 30 个" in _problem(client.post("/api/tours", json={"name": "全市", "date": "2026-11-20"}))["detail"]
    assert (
        "至少"
        in _problem(client.post("/api/tours", params={"q": "没有这个项目"}, json={"name": "空", "date": "2026-11-20"}))[
            "detail"
        ]
    )
    assert "名称" in _problem(_tour(client, project_ids=ids, name="   "))["detail"]
    assert _problem(client.get("/api/tours/999999"), 404)["detail"].startswith("观摩路线 999999 不存在")
    assert _problem(client.post("/api/tours", params={"light": "blue"}, json={"name": "x", "date": "2026-11-20"}))
    assert _problem(client.get("/api/tours/scores", params={"period": "2026-13"}))
    assert session.execute(text("SELECT count(*) FROM tours")).scalar_one() == before + 1


def test_a_tour_from_the_north_coast_to_the_south_fits_its_map_on_the_page(client, session):
    # The map keeps the figure's shape whatever the stops' extent: a tall tour once overflowed the page (500).
    north = interior_point(session, "districts", "环翠区")
    south = interior_point(session, "districts", "乳山市")
    ids = [make_project(session, district=d, lon=p[0], lat=p[1]) for d, p in (("环翠区", north), ("乳山市", south))]
    tour = _tour(client, project_ids=ids, start=START).json()
    r = client.get(f"/api/tours/{tour['id']}/itinerary.pdf")
    assert r.status_code == 200, r.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (make test installs it)")
def test_a_stop_shows_its_checked_photo_and_the_month_s_problems(client, session, tmp_path):
    from tests.factories import make_user, site_with_photo

    site = site_with_photo(client, session, uploader=make_user(session, role="reporter", district="乳山市"))
    assert site["photo"]["evidence"]["counts"], site["photo"]["evidence"]
    session.execute(
        text("""
        INSERT INTO progress_reports (project_id, month, progress, investment_month, investment_cumulative, status,
                                      problems)
        VALUES (:p, DATE '2026-10-01', 45, 1, 5, 'construction', '用地指标未落实,影响二期开工')"""),
        {"p": site["project"]},
    )
    tour = _tour(client, project_ids=[site["project"]]).json()
    flat = "".join(_pdf_text(client.get(f"/api/tours/{tour['id']}/itinerary.pdf").content, tmp_path).split())
    assert "存在问题（2026年10月调度报告）用地指标未落实，影响二期开工。" in flat
    assert "2026年5月3日摄（经核验）" in flat
