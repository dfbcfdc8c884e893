"""Formula injection: text a person typed reaches every Excel export as text, never as a live formula.

Each test plants the payloads in a field its writer controls, produces the export through the real route, reopens it
with openpyxl and checks that the cell is a string ('s', not 'f'), marked with Excel's quote prefix (so it stays text
when someone edits the cell), and holds the text as stored.  Routes that trim input store payload.strip(), so a
leading tab or CR is tested where the text is kept as typed (project names, the siting check's JSON)."""

import csv
import io
from collections.abc import Iterable

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from tests.factories import file_report, interior_point, make_project, make_user, token_for

PAYLOADS = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1", "＝1+1")


def _as_read(value: str) -> str:
    return value.replace("\r", "\n")  # XML turns a raw CR into LF when the file is read (openpyxl writes CR raw)


def assert_text_cells(content: bytes, expected: Iterable[str]) -> None:
    """Each expected text is in some cell, every such cell is quoted text, and no cell of the workbook is a formula."""
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == [], f"formulas in an export: {formulas}"
    for want in expected:
        found = [c for c in cells if c.value == _as_read(want)]
        assert found, f"{want!r} is not in the export"
        assert all(c.data_type == "s" and c.quotePrefix for c in found), [
            (c.coordinate, c.data_type, c.quotePrefix) for c in found
        ]


@pytest.fixture
def lagging_projects(client, session):
    """Lagging (red) projects whose name, 责任单位, 责任人, 存在问题 and 下步计划 are the payloads."""
    lon, lat = interior_point(session, "districts", "荣成市")
    for payload in PAYLOADS:
        pid = make_project(
            session,
            lon=lon,
            lat=lat,
            district="荣成市",
            name=payload,
            progress="1",
            start="2025-01-01",
            end="2026-10-31",
        )
        session.execute(text("UPDATE projects SET unit = :p, person = :p WHERE id = :id"), {"p": payload, "id": pid})
        body = {
            "progress": "2",
            "investment_month": "0.5",
            "investment_cumulative": "1",
            "status": "construction",
            "problems": payload,
            "next_steps": payload,
        }
        status, filed = file_report(client, pid, "2026-09", body)
        assert status == 201, filed
    return PAYLOADS


@pytest.mark.parametrize("path", ["/api/reports/monthly/2026-10.xlsx", "/api/reports/quarterly/2026-Q3.xlsx"])
def test_bulletin_excel_keeps_names_and_report_text_as_text(client, lagging_projects, path):
    r = client.get(path)
    assert r.status_code == 200, r.text
    names = set(lagging_projects)  # stored as typed (the factory's SQL)
    report_text = {p.strip() for p in lagging_projects}  # the report API trims 存在问题 and 下步计划
    assert_text_cells(r.content, names | report_text)
    book = load_workbook(io.BytesIO(r.content))
    planted = {_as_read(n) for n in names}
    rows = [row for s in ("红灯项目", "黄灯项目") for row in book[s].iter_rows(min_row=2) if row[1].value in planted]
    assert len(rows) == len(PAYLOADS)
    assert all(c.data_type == "s" and c.quotePrefix for row in rows for c in (row[1], row[4], row[5], row[12], row[13]))


def test_project_export_keeps_names_and_units_as_text(client, session):
    lon, lat = interior_point(session, "districts", "环翠区")
    for payload in PAYLOADS:
        pid = make_project(session, lon=lon, lat=lat, name=payload)
        session.execute(text("UPDATE projects SET unit = :p, person = :p WHERE id = :id"), {"p": payload, "id": pid})
    r = client.get("/api/exports/projects", params={"format": "xlsx", "q": "TEST-"})  # the factory's codes
    assert r.status_code == 200, r.text
    assert_text_cells(r.content, PAYLOADS)
    sheet = load_workbook(io.BytesIO(r.content)).active
    headers = [c.value for c in sheet[1]]
    planted = [row for row in sheet.iter_rows(min_row=2) if row[1].value in {_as_read(p) for p in PAYLOADS}]
    assert len(planted) == len(PAYLOADS)
    for row in planted:
        assert row[headers.index("责任单位")].value == row[headers.index("责任人")].value == row[1].value
    # numbers stay numbers: 总投资 and 形象进度 are numeric cells, not text
    assert all(row[headers.index("总投资(亿元)")].data_type == "n" for row in planted)


def test_boundary_layer_export_keeps_names_as_text(client, session):
    codes = session.execute(text("SELECT code FROM bases ORDER BY code LIMIT :n"), {"n": len(PAYLOADS)}).scalars()
    for code, payload in zip(list(codes), PAYLOADS, strict=True):  # a boundary import names them in real life
        session.execute(text("UPDATE bases SET name = :p WHERE code = :c"), {"p": payload, "c": code})
    r = client.get("/api/exports/layers/bases", params={"format": "xlsx"})
    assert r.status_code == 200, r.text
    assert_text_cells(r.content, PAYLOADS)


def test_siting_check_excel_echoes_names_as_text(client, session):
    lon, lat = interior_point(session, "districts", "文登区")
    points = [{"lon": lon, "lat": lat, "id": p, "name": p, "district": p, "base": p} for p in PAYLOADS]
    r = client.post("/api/lookup", params={"format": "xlsx"}, json={"points": points})
    assert r.status_code == 200, r.text
    assert_text_cells(r.content, PAYLOADS)
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2))
    assert len(rows) == len(PAYLOADS)
    assert all(c.data_type == "s" and c.quotePrefix for row in rows for c in (row[1], row[2], row[11], row[12]))
    assert all(row[3].data_type == "n" for row in rows)  # the longitude stays a number


def test_register_error_report_echoes_values_as_text(client):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["项目编号", "项目名称", "所属区市", "产业集群", "总投资(亿元)", "年度计划投资(亿元)"]
        + ["经度", "纬度", "建设状态"]
    )
    for i, payload in enumerate(PAYLOADS):
        writer.writerow([f"INJ-{i}", "注入测试", "环翠区", "新一代信息技术", "1", "1", "122.1", "37.5", payload])
    r = client.post(
        "/api/imports/projects",
        params={"report": "xlsx", "filename": "register.csv"},
        content=out.getvalue().encode("utf-8"),
        headers={"Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    assert_text_cells(r.content, {p.strip() for p in PAYLOADS})  # the register reader trims cells


def test_audit_export_keeps_a_failed_sign_in_name_as_text(client, session):
    admin = token_for(session, make_user(session, role="admin"))
    planner = client.headers.pop("Authorization")  # the failed sign-ins come from an anonymous visitor
    try:
        for payload in PAYLOADS:
            r = client.post("/api/auth/login", json={"username": payload, "password": "wrong-password"})
            assert r.status_code == 401, r.text
    finally:
        client.headers["Authorization"] = planner
    r = client.get("/api/audit/export.xlsx", params={"action": "auth.sign_in_failed"}, headers=admin)
    assert r.status_code == 200, r.text
    assert_text_cells(r.content, {p.strip() for p in PAYLOADS})  # sign-in trims the user name
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet["A2"].is_date  # the time stays a date
