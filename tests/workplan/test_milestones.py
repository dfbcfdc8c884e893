"""Milestones (节点): kept with their evidence; an overdue one turns the light yellow, then red, at a month's end."""

import io
import zipfile

import pytest
from sqlalchemy import text

from tests.factories import interior_point, make_project

pytestmark = pytest.mark.usefixtures("as_planner")


@pytest.fixture
def project(session):
    lon, lat = interior_point(session, "districts", "文登区")
    # On schedule by its dates: 50% done, linear plan ≈ 40–60% through 2026 → green without milestones; registered
    # in 2025, so the register's figures hold for every month looked at.
    pid = make_project(
        session, lon=lon, lat=lat, district="文登区", start="2025-07-01", end="2027-06-30", progress="50"
    )
    session.execute(text("UPDATE projects SET created_at = '2025-01-01' WHERE id = :p"), {"p": pid})
    return pid


def add(client, pid, **fields):
    body = {"name": "主体结构封顶", "planned_date": "2026-06-20", **fields}
    r = client.post(f"/api/projects/{pid}/milestones", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def light(client, pid, month):
    return client.get(f"/api/projects/{pid}", params={"month": month}).json()["properties"]


def test_an_overdue_milestone_turns_the_light_yellow_at_the_months_end_and_not_before(client, session, project):
    assert light(client, project, "2026-05")["light"] == "green"
    add(client, project, planned_date="2026-06-20")
    assert light(client, project, "2026-05")["light"] == "green"  # not yet due at the end of May
    june = light(client, project, "2026-06")
    assert june["light"] == "yellow" and june["milestone_overdue_days"] == 10


def test_more_than_the_threshold_overdue_turns_it_red(client, settings, project):
    assert settings.milestone_red_days == 30
    add(client, project, planned_date="2026-05-31")  # 30 days late at the end of June: still yellow
    assert light(client, project, "2026-06")["light"] == "yellow"
    assert light(client, project, "2026-07")["light"] == "red"  # 61 days


def test_a_milestone_done_in_time_keeps_it_green_and_done_late_only_from_then(client, project):
    m = add(client, project, planned_date="2026-06-20")
    r = client.patch(f"/api/projects/{project}/milestones/{m['id']}", json={"done_date": "2026-07-05"})
    assert r.status_code == 200 and r.json()["late_days"] == 15
    assert light(client, project, "2026-06")["light"] == "yellow"  # not done by the end of June
    assert light(client, project, "2026-07")["light"] == "green"


def test_the_summary_and_dashboard_agree_with_the_map(client, project):
    add(client, project, planned_date="2026-03-01")
    props = light(client, project, "2026-06")
    assert props["light"] == "red"
    mine = client.get("/api/projects", params={"district": "文登区", "month": "2026-06", "fields": "id,light"}).json()
    lights = [f["properties"]["light"] for f in mine["features"]]
    summary = client.get("/api/summary", params={"district": "文登区", "month": "2026-06"}).json()
    assert summary["by_light"]["red"] == lights.count("red")


def test_bad_input_is_refused_with_a_reason_and_nothing_written(client, session, project):
    r = client.post(f"/api/projects/{project}/milestones", json={"name": "  ", "planned_date": "2026-06-01"})
    assert r.status_code == 422 and "名称" in r.json()["detail"]
    r = client.post(
        f"/api/projects/{project}/milestones",
        json={"name": "竣工验收", "planned_date": "2026-06-01", "done_date": "2030-01-01"},
    )
    assert r.status_code == 422 and "晚于今天" in r.json()["detail"]
    r = client.post(
        f"/api/projects/{project}/milestones",
        json={"name": "竣工验收", "planned_date": "2026-06-01", "evidence_photo_id": 1},
    )
    assert r.status_code == 422
    count = session.execute(text("SELECT count(*) FROM milestones WHERE project_id = :p"), {"p": project}).scalar()
    assert count == 0


def test_changes_are_audited_readably_and_delete_removes_it(client, session, project):
    m = add(client, project, responsible_unit="文登区住建局")
    r = client.patch(f"/api/projects/{project}/milestones/{m['id']}", json={"planned_date": "2026-08-01"})
    assert r.status_code == 200
    after = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'milestone.update' ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert after["变更"] == ["计划完成日期:2026-06-20 → 2026-08-01"]
    assert client.delete(f"/api/projects/{project}/milestones/{m['id']}").status_code == 204
    assert client.get(f"/api/projects/{project}/milestones").json() == []
    assert client.delete(f"/api/projects/{project}/milestones/{m['id']}").status_code == 404


def _docx() -> bytes:
    out = io.BytesIO()
    # A fixed date: writestr stamps the entries with the current time, so two calls a second apart differed.
    when = (2026, 11, 1, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", when), "<Types/>")
        z.writestr(zipfile.ZipInfo("word/document.xml", when), "<w:document/>")
    return out.getvalue()


def test_evidence_documents_are_checked_by_content(client, project):
    m = add(client, project)
    url = f"/api/projects/{project}/milestones/{m['id']}/document"
    r = client.put(url, files={"file": ("验收报告.pdf", b"not a pdf at all", "application/pdf")})
    assert r.status_code == 415
    r = client.put(url, files={"file": ("验收报告.docx", _docx(), "application/octet-stream")})
    assert r.status_code == 200, r.text
    assert r.json()[0]["document"] == {"name": "验收报告.docx", "type": "docx", "size": len(_docx())}
    got = client.get(url)
    assert got.status_code == 200 and got.content == _docx()
    assert "wordprocessingml" in got.headers["content-type"]


def test_the_leader_is_set_shown_and_audited(client, session, project):
    r = client.put(f"/api/projects/{project}/leader", json={"name": "王五", "title": "副区长", "unit": "文登区政府"})
    assert r.status_code == 200 and r.json() == {"name": "王五", "title": "副区长", "unit": "文登区政府"}
    props = client.get(f"/api/projects/{project}").json()["properties"]
    assert (props["leader_name"], props["leader_title"], props["leader_unit"]) == ("王五", "副区长", "文登区政府")
    assert props["person"] != "王五"  # the contact person stays separate
    after = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'leader.update' ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert "分包责任人姓名:— → 王五" in after["变更"]


def test_the_leader_travels_with_the_exports(client, project):
    client.put(f"/api/projects/{project}/leader", json={"name": "赵六", "title": "副区长", "unit": "文登区政府"})
    code = client.get(f"/api/projects/{project}").json()["properties"]["code"]
    r = client.get("/api/exports/projects", params={"format": "geojson", "q": code})
    assert r.status_code == 200, r.text
    [feature] = r.json()["features"]
    assert (feature["properties"]["leader"], feature["properties"]["ldr_title"]) == ("赵六", "副区长")
    sheet = client.get("/api/exports/projects", params={"format": "xlsx", "q": code})
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][rows[0].index("分包责任人")] == "赵六"
