"""The key task register as the city reads it: 155 tasks (72 provincial + 83 city), each led by a department."""

from collections import Counter

from sqlalchemy import text


def test_the_register_lists_155_tasks_72_provincial_and_83_city_each_with_its_lead_department(client):
    r = client.get("/api/tasks")
    assert r.status_code == 200, r.text
    tasks = r.json()["tasks"]
    assert len(tasks) == 155
    assert Counter(t["source"] for t in tasks) == {"province": 72, "city": 83}
    assert all(t["lead"]["name"].startswith("市") for t in tasks)
    assert all(t["demo"] for t in tasks)
    assert len({t["code"] for t in tasks}) == 155 and len({t["title"] for t in tasks}) == 155
    # The seed's departments lead under today's names, with the 2018 names kept as aliases.
    leads = {t["lead"]["name"]: t["lead"]["alias"] for t in tasks}
    assert leads["市工业和信息化局"] == "市经信委" and leads["市卫生健康委员会"] == "市卫计委"
    assert {"市发展和改革委员会", "市科学技术局", "市商务局", "市中小企业局", "市文化和旅游局"} <= set(leads)


def test_filters_narrow_the_list_and_unknown_values_say_what_is_allowed(client):
    every = client.get("/api/tasks").json()["tasks"]
    province = client.get("/api/tasks", params={"source": "province"}).json()["tasks"]
    assert len(province) == 72
    by_old_name = client.get("/api/tasks", params={"department": "市经信委"}).json()["tasks"]
    assert by_old_name and {t["lead"]["name"] for t in by_old_name} == {"市工业和信息化局"}
    red = client.get("/api/tasks", params={"light": "red"}).json()["tasks"]
    assert red and len(red) == sum(t["light"] == "red" for t in every)
    rongcheng = client.get("/api/tasks", params={"district": "荣成市"}).json()["tasks"]
    assert rongcheng and all("荣成市" in t["districts"] for t in rongcheng)
    found = client.get("/api/tasks", params={"q": "区域创新中心"}).json()["tasks"]
    assert found and all("区域创新中心" in t["title"] for t in found)
    bad = client.get("/api/tasks", params={"category": "nonsense"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert "cluster_plan" in bad.text
    assert client.get("/api/tasks", params={"department": "市不存在局"}).status_code == 422


def test_the_light_is_red_for_lagging_or_overdue_and_green_for_completed(client, session):
    tasks = client.get("/api/tasks", params={"month": "2026-10"}).json()["tasks"]
    for t in tasks:
        if t["status"] == "completed":
            assert t["light"] == "green", t
        elif t["status"] == "lagging" or t["deadline"] <= "2026-10-31":
            assert t["light"] == "red", t
    assert {t["light"] for t in tasks} == {"green", "yellow", "red"}
    for t in tasks:
        if t["light"] == "yellow":  # not started, due within 90 days of the month's end
            assert t["status"] == "not_started" and "2026-10-31" < t["deadline"] <= "2027-01-29", t


def test_a_task_card_has_its_deliverable_deadline_and_linked_projects_with_positions(client, session):
    task_id = session.execute(
        text("SELECT task_id FROM task_projects GROUP BY task_id HAVING count(*) >= 2 ORDER BY task_id LIMIT 1")
    ).scalar_one()
    card = client.get(f"/api/tasks/{task_id}").json()
    assert card["deliverable"] and card["deadline"] and len(card["milestones"]) == 3
    assert len(card["linked_projects"]) >= 2
    assert all(121 < p["lon"] < 123 and 36 < p["lat"] < 38 for p in card["linked_projects"])
    # The map's project filter by task shows exactly those projects.
    fc = client.get("/api/projects", params={"task": task_id}).json()
    assert sorted(f["properties"]["id"] for f in fc["features"]) == sorted(p["id"] for p in card["linked_projects"])
    assert client.get("/api/tasks/999999").status_code == 404


def test_the_summary_counts_by_department_and_category_add_up(client):
    s = client.get("/api/tasks/summary").json()
    assert s["total"] == 155 == s["completed"] + s["on_schedule"] + s["lagging"]
    assert sum(d["total"] for d in s["by_department"]) == 155
    assert sum(c["total"] for c in s["by_category"]) == 155
    assert [x["code"] for x in s["by_source"]] == ["province", "city"]
    tasks = client.get("/api/tasks").json()["tasks"]
    assert s["lagging"] == sum(t["light"] == "red" for t in tasks)
