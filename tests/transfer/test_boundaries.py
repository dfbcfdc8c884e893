"""Boundary import: formats and CRSs, repairs, refusals, the dry run, apply with versions and re-siting."""

import datetime as dt

import pytest
from sqlalchemy import text

from tests.factories import interior_point, make_project
from tests.transfer.gisfiles import bow_tie_geojson, layer_frame, zipped_shapefile


def post(client, path, layer, **params):
    with open(path, "rb") as f:
        return client.post(
            "/api/imports/boundaries", params={"layer": layer, **params}, files={"file": (path.name, f.read())}
        )


def stored(session, layer):
    return session.execute(text(f"SELECT code, name, ST_AsBinary(geom) FROM {layer} ORDER BY code")).all()


def test_geopackage_in_gauss_kruger_is_reprojected_and_unchanged(client, session, tmp_path):
    path = tmp_path / "bases.gpkg"
    layer_frame(session, "bases").to_crs("EPSG:4549").to_file(path)
    r = post(client, path, "bases")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source_crs"] == "EPSG:4549"
    assert body["counts"] == {"added": 0, "changed": 0, "unchanged": 9, "removed": 0}


@pytest.mark.parametrize("encoding,cpg", [("GBK", False), ("GBK", True), ("UTF-8", True), ("UTF-8", False)])
def test_zipped_shapefile_with_chinese_names_in_gbk_or_utf8(client, session, tmp_path, encoding, cpg):
    archive = zipped_shapefile(layer_frame(session, "zones"), tmp_path, "zones", encoding=encoding, cpg=cpg)
    r = post(client, archive, "zones")
    assert r.status_code == 200, r.text
    assert {c["name"] for c in r.json()["changes"]} == {row[1] for row in stored(session, "zones")}
    assert r.json()["counts"]["unchanged"] == 5


def test_kml_is_read(client, session, tmp_path):
    path = tmp_path / "bases.kml"
    layer_frame(session, "bases").to_file(path, driver="KML")
    r = post(client, path, "bases")
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["unchanged"] == 9


def test_file_without_crs_is_refused_unless_one_is_given(client, session, tmp_path):
    archive = zipped_shapefile(layer_frame(session, "bases"), tmp_path, "noprj", encoding="UTF-8", prj=False)
    r = post(client, archive, "bases")
    assert r.status_code == 422
    assert "--crs" in r.json()["detail"] and r.json()["errors"][0]["field"] == "crs"
    r = post(client, archive, "bases", crs="EPSG:4326")
    assert r.status_code == 200 and r.json()["counts"]["unchanged"] == 9


def test_bow_tie_is_repaired_and_reported_and_the_dry_run_writes_nothing(client, session, tmp_path):
    before = stored(session, "bases")
    versions = session.execute(text("SELECT count(*) FROM boundary_versions")).scalar()
    path = bow_tie_geojson(tmp_path, "新材料基地", interior_point(session, "districts", "文登区"))
    r = post(client, path, "bases", keep_missing="true")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applied"] is False
    assert body["counts"]["added"] == 1 and body["counts"]["removed"] == 0
    assert "Self-intersection" in body["repaired"][0]["message"]
    assert stored(session, "bases") == before
    assert session.execute(text("SELECT count(*) FROM boundary_versions")).scalar() == versions


def test_missing_name_column_lists_the_columns(client, session, tmp_path):
    path = tmp_path / "x.gpkg"
    layer_frame(session, "bases").rename(columns={"name": "JDMC"}).drop(columns="code").to_file(path)
    r = post(client, path, "bases")
    assert r.status_code == 422
    assert "JDMC" in r.json()["detail"]
    assert post(client, path, "bases", name_column="JDMC").status_code == 200


def test_points_and_districts_outside_the_list_are_refused(client, session, tmp_path):
    frame = layer_frame(session, "districts")
    frame.loc[0, "name"] = "环翠县"
    path = tmp_path / "d.geojson"
    frame.to_file(path)
    r = post(client, path, "districts")
    assert r.status_code == 422
    assert "环翠区" in r.json()["errors"][0]["message"]


def test_apply_changes_a_base_keeps_its_history_and_resites_projects(client, session, tmp_path):
    frame = layer_frame(session, "bases")
    lon, lat = interior_point(session, "bases", "碳纤维基地")
    pid = make_project(session, lon=lon, lat=lat, district="乳山市")
    b1 = session.execute(text("SELECT id FROM bases WHERE code = 'B1'")).scalar()
    assert b1 in session.execute(text("SELECT base_ids FROM projects WHERE id = :i"), {"i": pid}).scalar()
    before = session.execute(text("SELECT clock_timestamp()")).scalar()
    # move 碳纤维基地 ~20 km east: the project is no longer inside it
    frame.loc[frame.code == "B1", "geometry"] = frame.loc[frame.code == "B1", "geometry"].translate(0.25, 0)
    path = tmp_path / "bases.geojson"
    frame.to_file(path)
    r = post(client, path, "bases", apply="true")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applied"] and body["counts"]["changed"] == 1
    # the import records the planner who applied it, and the audit log says so too
    who = session.execute(
        text("SELECT u.role FROM boundary_imports i JOIN users u ON u.id = i.imported_by ORDER BY i.id DESC LIMIT 1")
    ).scalar()
    assert who == "planner"
    assert session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'import.boundaries'")).scalar() >= 1
    change = next(c for c in body["changes"] if c["action"] == "changed")
    assert change["name"] == "碳纤维基地" and change["area_change_km2"] == pytest.approx(0, abs=0.5)
    assert b1 not in session.execute(text("SELECT base_ids FROM projects WHERE id = :i"), {"i": pid}).scalar()
    # the month before the import is reproduced from the versions
    past = client.get("/api/siting/as-of", params={"at": before.isoformat()}).json()["projects"]
    code = session.execute(text("SELECT code FROM projects WHERE id = :i"), {"i": pid}).scalar()
    assert "碳纤维基地" in next(p for p in past if p["code"] == code)["bases"]
    now = client.get("/api/siting/as-of", params={"at": (before + dt.timedelta(hours=1)).isoformat()}).json()[
        "projects"
    ]
    assert "碳纤维基地" not in next(p for p in now if p["code"] == code)["bases"]


def test_removing_a_base_needs_no_keep_missing_and_round_trip_changes_nothing(client, session, tmp_path):
    path = tmp_path / "bases.gpkg"
    r = client.get("/api/exports/layers/bases", params={"format": "gpkg"})
    assert r.status_code == 200, r.text
    path.write_bytes(r.content)
    r = post(client, path, "bases", apply="true")
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {"added": 0, "changed": 0, "unchanged": 9, "removed": 0}
