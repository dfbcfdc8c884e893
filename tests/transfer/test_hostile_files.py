"""Hostile uploads to the importers: files that make GDAL read other files or URLs, archives that inflate to GiB,
spreadsheets with DTDs.  Each is refused with problem+json, leaks nothing and makes no request."""

from __future__ import annotations

import http.server
import io
import json
import sqlite3
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest
from openpyxl import Workbook

from tests.transfer.gisfiles import layer_frame

PROBLEM = "application/problem+json"
PASSWD_LINES = [line for line in Path("/etc/passwd").read_text().splitlines() if line.strip()]


class Listener:
    """A real HTTP server on 127.0.0.1 that records every request it receives."""

    def __init__(self):
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                listener.requests.append(self.path)
                body = b"name,WKT\nleaked,POLYGON((122 37,122.1 37,122.1 37.1,122 37))\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def post(client, name: str, data: bytes, layer: str = "bases", **params):
    return client.post(
        "/api/imports/boundaries", params={"layer": layer, **params}, files={"file": (name, data, "application/json")}
    )


def assert_refused(r, status: int = 422) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    return r.json()


def vrt(source: str, layer: str) -> bytes:
    return f"""<OGRVRTDataSource>
  <OGRVRTLayer name="official">
    <SrcDataSource>{source}</SrcDataSource>
    <SrcLayer>{layer}</SrcLayer>
  </OGRVRTLayer>
</OGRVRTDataSource>""".encode()


def test_this_process_gdal_has_four_drivers_and_no_virtual_file_system_but_memory():
    import geo.transfer.boundaries  # noqa: F401 - importing the importer locks GDAL down
    from geo.transfer import gdal

    assert set(pyogrio.list_drivers()) == {"GeoJSON", "ESRI Shapefile", "GPKG", "KML"}
    assert gdal.file_systems() == ["/vsimem/"]


def test_vrt_named_geojson_does_not_leak_etc_passwd(client):
    # The name column is the first line of /etc/passwd, read by the CSV driver as its header.
    first = PASSWD_LINES[0]
    for data in (vrt("CSV:/etc/passwd", "passwd"), vrt("/etc/passwd", "passwd")):
        r = post(client, "official.geojson", data, name_column=first)
        body = assert_refused(r)
        for line in PASSWD_LINES:
            assert line not in r.text
        assert "OGRVRTDataSource" in body["detail"]  # refused by its content, before GDAL opens it


def test_vrt_naming_a_url_makes_no_request(client, listener):
    for source in (f"/vsicurl/{listener.url}/a.csv", f"CSV:/vsicurl/{listener.url}/b.csv"):
        r = post(client, "official.geojson", vrt(source, "a"), name_column="name")
        assert_refused(r)
        assert "leaked" not in r.text
    assert listener.requests == []


def feature_collection(properties: dict, geometry, **extra) -> bytes:
    feature = {"type": "Feature", "properties": properties, "geometry": geometry}
    return json.dumps({"type": "FeatureCollection", **extra, "features": [feature]}).encode()


SQUARE = {"type": "Polygon", "coordinates": [[[122, 37], [122.1, 37], [122.1, 37.1], [122, 37]]]}


@pytest.mark.parametrize(
    "make",
    [
        lambda url: feature_collection({"name": f"/vsicurl/{url}/p"}, SQUARE),
        lambda url: feature_collection({"name": "基地", "note": "/VSIZIP//etc/x.zip/a"}, SQUARE),
        lambda url: feature_collection({"name": "基地"}, f"/vsicurl/{url}/geometry.json"),
        lambda url: feature_collection({"name": "基地", "\\u002fvsicurl\\u002f": 1}, SQUARE).replace(b"\\\\", b"\\"),
        lambda url: feature_collection(
            {"name": "基地"}, SQUARE, crs={"type": "link", "properties": {"href": f"{url}/crs", "type": "proj4"}}
        ),
        lambda url: feature_collection(
            {"name": "基地"}, SQUARE, crs={"type": "name", "properties": {"name": f"/vsicurl/{url}/crs.wkt"}}
        ),
    ],
    ids=["property", "other-property", "geometry-as-path", "escaped-key", "linked-crs", "crs-path"],
)
def test_geojson_referring_to_other_files_or_urls_is_refused(client, listener, make):
    r = post(client, "official.geojson", make(listener.url))
    body = assert_refused(r)
    assert "/vsi" in body["detail"] or "crs" in body["detail"]
    assert listener.requests == []


def _gpkg(session, tmp_path: Path, sql: str) -> bytes:
    path = tmp_path / "bases.gpkg"
    layer_frame(session, "bases").to_file(path, layer="bases")
    db = sqlite3.connect(path)
    db.execute("PRAGMA writable_schema = ON")
    db.executescript(sql)
    db.commit()
    db.close()
    return path.read_bytes()


def test_geopackage_with_a_view_is_refused(client, session, tmp_path):
    # A view listed first in gpkg_contents is what GDAL would read as the layer.
    data = _gpkg(
        session,
        tmp_path,
        """CREATE VIEW aaa AS SELECT fid, geom, name || ' ' || sqlite_version() AS name FROM bases;
        INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('aaa', 'features', 'aaa', 4326);
        INSERT INTO gpkg_geometry_columns VALUES ('aaa', 'geom', 'GEOMETRY', 4326, 0, 0);""",
    )
    body = assert_refused(post(client, "bases.gpkg", data))
    assert "view" in body["detail"]


def test_geopackage_with_a_virtual_table_naming_a_file_is_refused(client, session, tmp_path):
    data = _gpkg(
        session,
        tmp_path,
        """INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'leak', 'leak', 0,
           'CREATE VIRTUAL TABLE leak USING VirtualOGR(''/etc/passwd'')');""",
    )
    r = post(client, "bases.gpkg", data)
    body = assert_refused(r)
    assert "virtual table" in body["detail"]
    assert not any(line in r.text for line in PASSWD_LINES)


def _kml(body: str, prolog: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prolog}
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{body}</Document></kml>""".encode()


def test_kml_network_link_is_refused_and_not_followed(client, listener):
    link = f"<NetworkLink><name>基地</name><Link><href>{listener.url}/more.kml</href></Link></NetworkLink>"
    body = assert_refused(post(client, "bases.kml", _kml(link)))
    assert "NetworkLink" in body["detail"]
    assert listener.requests == []


def test_kml_with_external_entities_leaks_nothing(client, listener):
    prolog = f'<!DOCTYPE kml [<!ENTITY p SYSTEM "file:///etc/passwd"><!ENTITY u SYSTEM "{listener.url}/e">]>'
    placemark = (
        "<Placemark><name>&p;&u;</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        "122,37 122.1,37 122.1,37.1 122,37</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
    )
    r = post(client, "bases.kml", _kml(placemark, prolog))
    body = assert_refused(r)
    assert "DTD" in body["detail"]
    assert not any(line in r.text for line in PASSWD_LINES) and listener.requests == []


def test_other_xml_and_other_formats_are_refused_by_content(client):
    gml = b'<?xml version="1.0"?><ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/"/>'
    assert "<FeatureCollection>" in assert_refused(post(client, "bases.kml", gml))["detail"]
    assert_refused(post(client, "bases.geojson", b"name,WKT\nx,POINT(122 37)\n"))
    assert_refused(post(client, "bases.gpkg", b"SQLite format 3\x00" + b"\x00" * 200))


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_zip_holding_a_vrt_or_a_shapefile_naming_vsi_paths_is_refused(client, session, tmp_path):
    assert_refused(post(client, "bases.zip", _zip({"bases.vrt": vrt("/etc/passwd", "passwd")})))
    from tests.transfer.gisfiles import zipped_shapefile

    frame = layer_frame(session, "bases")
    frame.loc[0, "name"] = "/vsicurl/http://127.0.0.1:9/x"
    archive = zipped_shapefile(frame, tmp_path, "bases", encoding="UTF-8")
    body = assert_refused(post(client, "bases.zip", archive.read_bytes()))
    assert "/vsi" in body["detail"] and "bases.dbf" in body["detail"]


@pytest.fixture(scope="module")
def dbf_bomb() -> bytes:
    """A zipped Shapefile of about 1 MB whose .dbf inflates to 1 GiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.shp", b"\x00" * 100)
        z.writestr("bomb.shx", b"\x00" * 100)
        with z.open("bomb.dbf", "w", force_zip64=True) as f:
            block = b" " * (1 << 20)
            for _ in range(1024):
                f.write(block)
    return out.getvalue()


def test_zipped_shapefile_whose_dbf_inflates_to_a_gib_is_refused_unread(client, dbf_bomb):
    assert len(dbf_bomb) < 2 << 20
    body = assert_refused(post(client, "bomb.zip", dbf_bomb), 413)
    assert "bomb.dbf" in body["detail"] and "1024 MB" in body["detail"]


def test_register_xlsx_that_inflates_past_the_limit_is_refused(client, dbf_bomb):
    r = client.post("/api/imports/projects", files={"file": ("register.xlsx", dbf_bomb)})
    assert_refused(r, 413)


def _xlsx_with(sheet_prolog: bytes) -> bytes:
    book = Workbook()
    book.active.append(["项目编号", "项目名称"])
    book.active.append(["X1", "测试"])
    raw = io.BytesIO()
    book.save(raw)
    source = zipfile.ZipFile(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0" encoding="UTF-8"?>' + sheet_prolog + data
            z.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        b"<!-- " + b"x" * 10_000 + b' --><!DOCTYPE worksheet SYSTEM "file:///etc/passwd">',
    ],
    ids=["entities", "dtd-after-a-long-comment"],
)
def test_register_xlsx_with_a_dtd_is_422(client, prolog):
    r = client.post("/api/imports/projects", files={"file": ("register.xlsx", _xlsx_with(prolog))})
    body = assert_refused(r)
    assert "DTD" in body["detail"]
    assert not any(line in r.text for line in PASSWD_LINES)
