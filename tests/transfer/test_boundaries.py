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
    assert body["counts"] == {"added": 0, "changed": 0, "unchanged": 9, "kept": 0, "removed": 0}


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
    r = post(client, path, "bases")
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


def test_a_full_round_trip_changes_nothing(client, session, tmp_path):
    path = tmp_path / "bases.gpkg"
    r = client.get("/api/exports/layers/bases", params={"format": "gpkg"})
    assert r.status_code == 200, r.text
    path.write_bytes(r.content)
    r = post(client, path, "bases", apply="true")
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {"added": 0, "changed": 0, "unchanged": 9, "kept": 0, "removed": 0}


def two_bases(session, tmp_path, *, shift: float = 0.0):
    """A GeoJSON with only two of the nine bases (B1 moved east by `shift` degrees), as planners often get them."""
    frame = layer_frame(session, "bases")
    frame = frame[frame.code.isin(["B1", "B2"])].copy()
    frame.loc[frame.code == "B1", "geometry"] = frame.loc[frame.code == "B1", "geometry"].translate(shift, 0)
    path = tmp_path / "two-bases.geojson"
    frame.to_file(path)
    return path


def test_a_partial_file_keeps_the_other_bases_by_default(client, session, tmp_path):
    path = two_bases(session, tmp_path, shift=0.01)
    preview = post(client, path, "bases")
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["counts"] == {"added": 0, "changed": 1, "unchanged": 1, "kept": 7, "removed": 0}
    assert body["remove_missing"] is False
    # the preview map draws the changed base and the kept ones, each with its fate and area
    drawn = {f["properties"]["name"]: f["properties"]["action"] for f in body["preview"]["features"]}
    assert drawn["碳纤维基地"] == "changed" and list(drawn.values()).count("kept") == 7
    assert body["preview"]["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    applied = post(client, path, "bases", apply="true")
    assert applied.status_code == 200, applied.text
    assert len(stored(session, "bases")) == 9


def test_removing_the_missing_bases_is_an_explicit_choice(client, session, tmp_path):
    path = two_bases(session, tmp_path)
    body = post(client, path, "bases", remove_missing="true").json()
    assert body["counts"]["removed"] == 7 and body["counts"]["kept"] == 0
    assert len(stored(session, "bases")) == 9  # a preview deletes nothing
    assert post(client, path, "bases", remove_missing="true", apply="true").status_code == 200
    assert [r[0] for r in stored(session, "bases")] == ["B1", "B2"]
    audit = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'import.boundaries' ORDER BY id DESC LIMIT 1")
    ).scalar()
    assert len(audit["removed"]) == 7 and audit["counts"]["removed"] == 7


def test_the_history_lists_applied_imports_newest_first(client, session, tmp_path):
    path = two_bases(session, tmp_path, shift=0.01)
    assert post(client, path, "bases", apply="true").status_code == 200
    history = client.get("/api/imports/boundaries", params={"layer": "bases"})
    assert history.status_code == 200, history.text
    latest = history.json()[0]
    assert latest["filename"] == "two-bases.geojson" and latest["summary"]["changed"] == 1
    assert latest["imported_by"]


def test_a_geopackage_layer_can_be_picked(client, session, tmp_path):
    path = tmp_path / "two-layers.gpkg"
    layer_frame(session, "zones").to_file(path, layer="zones_2025")
    layer_frame(session, "bases").to_file(path, layer="bases_2026")
    first = post(client, path, "bases")
    assert first.status_code == 200 and first.json()["file_layers"] == ["zones_2025", "bases_2026"]
    assert first.json()["counts"]["added"] == 5  # the zones are not bases: the planner sees it and picks
    picked = post(client, path, "bases", source_layer="bases_2026").json()
    assert picked["counts"]["unchanged"] == 9 and picked["file_layer"] == "bases_2026"
    missing = post(client, path, "bases", source_layer="nope")
    assert missing.status_code == 422 and missing.json()["errors"][0]["allowed"] == ["zones_2025", "bases_2026"]


def test_the_command_line_keeps_missing_features_unless_told(session, tmp_path, monkeypatch):
    from contextlib import contextmanager

    from typer.testing import CliRunner

    from api import cli
    from api.cli import imports

    monkeypatch.setattr(imports, "domain_session", contextmanager(lambda: (yield session)))
    path = two_bases(session, tmp_path, shift=0.01)
    kept = CliRunner().invoke(cli.app, ["import", "boundaries", str(path), "--layer", "bases", "--apply"])
    assert kept.exit_code == 0, kept.output
    assert "kept 7" in kept.output and len(stored(session, "bases")) == 9
    refused = CliRunner().invoke(
        cli.app, ["import", "boundaries", str(path), "--layer", "bases", "--remove-missing", "--apply"], input="n\n"
    )
    assert refused.exit_code != 0 and len(stored(session, "bases")) == 9
    removed = CliRunner().invoke(
        cli.app, ["import", "boundaries", str(path), "--layer", "bases", "--remove-missing", "--apply"], input="y\n"
    )
    assert removed.exit_code == 0, removed.output
    assert len(stored(session, "bases")) == 2
