"""Project register import: each error kind reported by row and column, all-or-nothing, round trip, GCJ-02, CRS."""

import io
import zipfile

import geopandas as gpd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import text

from geo.crs import wgs84_to_gcj02

HEADERS = [
    "项目编号",
    "项目名称",
    "所属区市",
    "产业集群",
    "总投资（亿元）",
    "年度计划投资(亿元)",
    "经度",
    "纬度",
    "建设状态",
    "形象进度(%)",
    "责任单位",
    "责任人",
    "开工日期",
    "计划竣工日期",
]
GOOD = [
    "R-001",
    "碳纤维新材料项目",
    "文登区",
    "碳纤维等复合材料",
    12.5,
    3,
    122.05,
    37.20,
    "在建",
    40,
    "某公司",
    "张三",
    "2025-03-01",
    "2027-12-31",
]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, data, name="register.xlsx", **params):
    return client.post("/api/imports/projects", params=params, files={"file": (name, data)})


def row(**changes):
    values = dict(zip(HEADERS, GOOD))
    values.update(changes)
    return list(values.values())


@pytest.mark.parametrize(
    "bad,column,needle",
    [
        (row(经度=37.20, 纬度=122.05), "经度", "写反"),
        (row(经度=116.40, 纬度=39.90), "经度", "不在威海"),
        (row(所属区市="荣成"), "所属区市", "荣成市"),
        (row(产业集群="碳纤维复合材料"), "产业集群", "碳纤维等复合材料"),
        (row(**{"总投资（亿元）": "约12亿"}), "总投资（亿元）", "不是数字"),
        (row(经度=500000.0, 纬度=4120000.0), "经度", "EPSG:4549"),
    ],
)
def test_each_error_kind_is_reported_and_nothing_is_written(client, session, bad, column, needle):
    good = row(项目编号="R-002")
    r = post(client, xlsx([good, bad]), apply="true")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applied"] is False
    errors = body["errors"]
    assert errors and errors[0]["row"] == 3 and errors[0]["column"] == column
    assert needle in errors[0]["message"] + errors[0]["suggestion"]
    assert session.execute(text("SELECT count(*) FROM projects WHERE code LIKE 'R-00%'")).scalar() == 0


def test_duplicated_codes_name_the_first_row_and_the_report_downloads_as_excel(client, session):
    data = xlsx([row(), row()])
    r = post(client, data, apply="true", report="xlsx")
    assert r.status_code == 200
    sheet = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert sheet[0] == ("行号", "列", "值", "问题", "建议")
    assert sheet[1][0] == 3 and "第 2 行" in sheet[1][3]


def test_allow_partial_writes_the_good_rows_and_dry_run_writes_nothing(client, session):
    data = xlsx([row(), row(项目编号="R-009", 所属区市="火星区")])
    dry = post(client, data, allow_partial="true").json()
    assert dry["added"] == 1 and dry["applied"] is False
    assert session.execute(text("SELECT count(*) FROM projects WHERE code = 'R-001'")).scalar() == 0
    done = post(client, data, allow_partial="true", apply="true").json()
    assert done["applied"] and done["added"] == 1 and len(done["errors"]) == 1
    logged = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'import.projects' ORDER BY id DESC LIMIT 1")
    ).scalar()
    assert logged["added_codes"] == ["R-001"] and logged["added"] == 1
    located = session.execute(
        text("SELECT d.name FROM projects p JOIN districts d ON d.id = p.located_district_id WHERE p.code = 'R-001'")
    ).scalar()
    assert located is not None  # sited on write


def test_gcj02_coordinates_are_converted(client, session):
    gx, gy = wgs84_to_gcj02(122.05, 37.20)
    r = post(client, xlsx([row(经度=float(gx), 纬度=float(gy))]), coords="gcj02", apply="true")
    assert r.json()["applied"], r.text
    lon, lat = session.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM projects WHERE code = 'R-001'")).one()
    assert lon == pytest.approx(122.05, abs=1e-7) and lat == pytest.approx(37.20, abs=1e-7)


def test_gauss_kruger_coordinates_with_crs(client, session):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 4549, always_xy=True).transform(122.05, 37.20)
    r = post(client, xlsx([row(经度=x, 纬度=y)]), crs="EPSG:4549", apply="true")
    assert r.json()["applied"], r.text
    (lon,) = session.execute(text("SELECT ST_X(geom) FROM projects WHERE code = 'R-001'")).one()
    assert lon == pytest.approx(122.05, abs=1e-7)


def test_csv_in_gbk_with_header_variants(client, session):
    csv_text = (
        "编号,名称,区市,集群,总投资,年度投资,lon,lat,状态,进度\n"
        "R-001,测试,乳山市,康养旅游,1,0.5,121.55,36.95,前期推进,0\n"
    )
    r = post(client, csv_text.encode("gbk"), name="r.csv", apply="true")
    assert r.json()["added"] == 1, r.text


def test_export_then_import_changes_nothing(client, session):
    exported = client.get("/api/exports/projects", params={"district": "荣成市", "format": "xlsx"})
    assert exported.status_code == 200
    r = post(client, exported.content, name="projects.xlsx", apply="true")
    body = r.json()
    assert body["errors"] == [] and body["applied"]
    n = session.execute(
        text("SELECT count(*) FROM projects p JOIN districts d ON d.id = p.located_district_id WHERE d.name = '荣成市'")
    ).scalar()
    assert body["unchanged"] == n > 0 and body["added"] == body["updated"] == 0


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "kml"])
def test_gis_exports_open_with_chinese_text(client, fmt, tmp_path):
    r = client.get("/api/exports/projects", params={"format": fmt, "cluster": "康养旅游"})
    assert r.status_code == 200, r.text
    path = tmp_path / f"p.{'zip' if fmt == 'shp' else fmt}"
    path.write_bytes(r.content)
    if fmt == "shp":
        assert "projects.cpg" in zipfile.ZipFile(path).namelist()
        zipfile.ZipFile(path).extractall(tmp_path)  # this process's GDAL has no /vsizip/ (geo/transfer/gdal.py)
        path = tmp_path / "projects.shp"
    frame = gpd.read_file(path)
    assert len(frame) > 0 and frame.crs.to_epsg() == 4326
    names = frame["name"] if "name" in frame else frame["Name"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)


def test_a_town_written_for_the_district_names_its_district_and_every_valid_name(client):
    r = post(client, xlsx([row(所属区市="石岛管理区")]))
    (error,) = r.json()["errors"]
    assert error["column"] == "所属区市" and "荣成市" in error["suggestion"]
    assert all(name in error["suggestion"] for name in ("环翠区", "文登区", "乳山市", "高区", "南海新区"))
    unknown = post(client, xlsx([row(所属区市="火星区")])).json()["errors"][0]
    assert "可选:环翠区、文登区" in unknown["suggestion"]
    cluster = post(client, xlsx([row(产业集群="航天")])).json()["errors"][0]
    assert "康养旅游" in cluster["suggestion"]


def test_an_amount_in_words_is_answered_with_the_number(client):
    (error,) = post(client, xlsx([row(**{"总投资（亿元）": "约5亿"})])).json()["errors"]
    assert "是否为 5?" in error["suggestion"]
    (error,) = post(client, xlsx([row(**{"总投资（亿元）": "3000万元"})])).json()["errors"]
    assert "0.3" in error["suggestion"]


def test_the_command_line_prints_whole_messages_and_hints(session, tmp_path, monkeypatch):
    from contextlib import contextmanager

    from typer.testing import CliRunner

    from api import cli
    from api.cli import imports

    monkeypatch.setattr(imports, "domain_session", contextmanager(lambda: (yield session)))
    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx([row(所属区市="石岛管理区")]))
    result = CliRunner().invoke(cli.app, ["import", "projects", str(path)])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "石岛管理区" in line)
    assert "请填“荣成市”" in line and line.rstrip().endswith("/ one of the names listed")


def test_exports_say_status_and_light_in_chinese_and_dates_as_dates(client, tmp_path):
    r = client.get("/api/exports/projects", params={"format": "gpkg", "district": "荣成市"})
    path = tmp_path / "p.gpkg"
    path.write_bytes(r.content)
    frame = gpd.read_file(path)
    assert set(frame["status_zh"]) <= {"前期推进", "在建", "竣工投产", "停缓建"}
    assert set(frame["light_zh"].dropna()) <= {"绿灯", "黄灯", "红灯"} and frame["light_zh"].notna().any()
    assert str(frame["start"].dtype).startswith("datetime64")
    book = load_workbook(io.BytesIO(client.get("/api/exports/projects", params={"format": "xlsx"}).content))
    header = [c.value for c in book.active[1]]
    lights = {c.value for c in book.active[get_column_letter(header.index("亮灯") + 1)][1:]}
    assert lights <= {"绿灯", "黄灯", "红灯", None}


def test_the_offline_map_downloads_for_a_district(client):
    r = client.get("/api/exports/map", params={"district": "荣成市"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "attachment" in r.headers["content-disposition"] and "荣成" in r.text
    assert client.get("/api/exports/map", params={"district": "火星区"}).status_code == 422
