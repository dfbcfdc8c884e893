"""Role × endpoint matrix, generated from the app's routes: every write under /api declares a permission, refuses
anonymous callers (401) and lower roles (403), and succeeds for the least role that holds the permission.

A new write endpoint fails here until it declares `require(Permission.…)` and has an example request in EXAMPLES."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from api.app import create_app
from api.deps import declared_permissions, governing_permission
from api.openapi import api_routes
from geo.enums import PERMISSIONS, ROLES
from geo.settings import Settings
from tests.accounts.conftest import PASSWORD, make_user, sign_in, token_for
from tests.factories import principal_of

SAFE = {"GET", "HEAD", "OPTIONS"}
APP = create_app(Settings(database_url=None))
API_ROUTES = [
    (method, route)
    for route in api_routes(APP)
    if route.path_format.startswith("/api/")
    for method in sorted(route.methods)
]
WRITES = [(m, r) for m, r in API_ROUTES if m not in SAFE]


# Example of a successful call for each write, made by `user` (an account of exactly the least role needed).
# Each returns (path, keyword arguments for client.request).
def _new_user(session, user):
    return "/api/users", {"json": {"username": f"made-by-{user['username']}", "role": "reporter", "district": "荣成市"}}


def _patch_user(session, user):
    target = make_user(session)
    return f"/api/users/{target['id']}", {"json": {"display_name": "改名 renamed"}}


def _reset_password(session, user):
    target = make_user(session)
    return f"/api/users/{target['id']}/password", {}


def _revoke_token(session, user):
    from geo.accounts.tokens import create_token

    token, _ = create_token(session, actor=principal_of(user, via="session"), name="x")
    return f"/api/auth/tokens/{token['id']}", {}


def _revoke_users_token(session, user):
    from geo.accounts.tokens import create_token

    target = make_user(session)
    token, _ = create_token(session, actor=principal_of(target, via="session"), name="x")
    return f"/api/users/{target['id']}/tokens/{token['id']}", {}


def _open_session(session, user) -> int:
    from geo.accounts.signin import open_session
    from geo.db.models import User

    signed = open_session(
        session, user=session.get(User, user["id"]), address="10.0.0.9", user_agent="elsewhere", settings=Settings()
    )
    return signed.principal.session_id


def _end_session(session, user):
    return f"/api/auth/sessions/{_open_session(session, user)}", {}


def _end_users_session(session, user):
    target = make_user(session)
    return f"/api/users/{target['id']}/sessions/{_open_session(session, target)}", {}


# Tokens cannot mint tokens (tests/accounts/test_tokens.py): these examples are sent from a browser session.
SESSION_ONLY = {("POST", "/api/auth/tokens")}


_photo_seed = iter(range(5000, 6000))


def _project_in(session, district: str) -> int:
    from tests.factories import interior_point, make_project

    lon, lat = interior_point(session, "districts", district)
    return make_project(session, district=district, lon=lon, lat=lat)


def _district_of(user) -> str:
    return user["district"] or "乳山市"


def _upload_photo(session, user):
    from tests.photos.images import jpeg

    project = _project_in(session, _district_of(user))
    files = [("files", ("site.jpg", jpeg(seed=next(_photo_seed)), "image/jpeg"))]
    return f"/api/projects/{project}/photos", {"files": files}


def _place_photo(session, user):
    from geo.files import Upload
    from geo.photos.upload import add_photos
    from geo.settings import Settings
    from tests.factories import interior_point
    from tests.photos.images import jpeg

    district = _district_of(user)
    project = _project_in(session, district)
    [photo] = add_photos(
        session,
        settings=Settings(database_url=None),
        project_id=project,
        caption=None,
        month=None,
        uploads=[Upload("no-gps.jpg", jpeg(seed=next(_photo_seed)))],
        actor=principal_of(user),
    )
    lon, lat = interior_point(session, "districts", district)
    return f"/api/photos/{photo['id']}/location", {"json": {"lon": lon, "lat": lat}}


def _withdraw_placement(session, user):
    from geo.photos.review import place_photo

    path, kwargs = _place_photo(session, user)
    photo_id = int(path.split("/")[3])
    lon, lat = kwargs["json"]["lon"], kwargs["json"]["lat"]
    place_photo(
        session, settings=Settings(database_url=None), actor=principal_of(user), photo_id=photo_id, lon=lon, lat=lat
    )
    return path, {}


def _publish_photo(session, user):
    from geo.files import Upload
    from geo.photos.upload import add_photos
    from geo.settings import Settings
    from tests.photos.images import jpeg

    project = _project_in(session, _district_of(user))
    [photo] = add_photos(
        session,
        settings=Settings(database_url=None),
        project_id=project,
        caption=None,
        month=None,
        uploads=[Upload("site.jpg", jpeg(seed=next(_photo_seed)))],
        actor=principal_of(user),
    )
    return f"/api/photos/{photo['id']}/published", {"json": {"published": False}}


def _review_placement(session, user):
    from geo.photos.review import place_photo
    from geo.settings import Settings
    from tests.factories import interior_point

    path, _ = _place_photo(session, user)
    photo_id = int(path.split("/")[3])
    lon, lat = interior_point(session, "districts", _district_of(user))
    place_photo(
        session, settings=Settings(database_url=None), actor=principal_of(user), photo_id=photo_id, lon=lon, lat=lat
    )
    return f"/api/photos/{photo_id}/placement/review", {"json": {"verdict": "verified"}}


def _review_reuse(session, user):
    from sqlalchemy import text

    path, _ = _publish_photo(session, user)
    photo_id = int(path.split("/")[3])
    session.execute(text("UPDATE photos SET reuse_status = 'suspect' WHERE id = :id"), {"id": photo_id})
    return f"/api/photos/{photo_id}/reuse/review", {"json": {"verdict": "confirmed"}}


def _submit_report(session, user):
    project = _project_in(session, _district_of(user))
    body = {"progress": "35.5", "investment_month": "1.25", "investment_cumulative": "6.40", "status": "construction"}
    return f"/api/projects/{project}/reports/2025-09", {"json": body}


def _review_report(session, user):
    from decimal import Decimal

    from geo.progress.reports import ReportInput, submit_report

    project = _project_in(session, "乳山市")
    reporter = make_user(session, role="reporter", district="乳山市")
    report = ReportInput(
        progress=Decimal("35.5"),
        investment_month=Decimal("1"),
        investment_cumulative=Decimal("5"),
        status="construction",
    )
    month = dt.date(2025, 9, 1)
    settings = Settings(database_url=None)
    submit_report(
        session, settings=settings, actor=principal_of(reporter), project_id=project, month=month, report=report
    )
    return f"/api/projects/{project}/reports/2025-09/review", {"json": {"decision": "pass"}}


def _task_led_by(session, user) -> int:
    from sqlalchemy import text

    # A department reporter files its own department's task; a planner any task.
    return session.execute(
        text("SELECT id FROM tasks WHERE lead_department_id = COALESCE(:d, lead_department_id) ORDER BY code LIMIT 1"),
        {"d": user.get("department_id")},
    ).scalar_one()


def _submit_task_report(session, user):
    task = _task_led_by(session, user)
    return f"/api/tasks/{task}/reports/2026-11", {"json": {"status": "in_progress", "narrative": "按计划推进"}}


def _review_task_report(session, user):
    from geo.tasks.reports import TaskReportInput, submit_task_report

    reporter = make_user(session, role="dept_reporter", department="市商务局")
    task = _task_led_by(session, reporter)
    submit_task_report(
        session,
        settings=Settings(database_url=None),
        actor=principal_of(reporter),
        task_id=task,
        month=dt.date(2026, 11, 1),
        report=TaskReportInput(status="in_progress", narrative="按计划推进"),
    )
    return f"/api/tasks/{task}/reports/2026-11/review", {"json": {"decision": "pass"}}


def _upload_task_evidence(session, user):
    task = _task_led_by(session, user)
    pdf = b"%PDF-1.4\n%" + str(user["id"]).encode() + b"\n%%EOF\n"
    return f"/api/tasks/{task}/evidence", {"files": {"file": ("会议纪要.pdf", pdf)}}


def _patch_department(session, user):
    from geo.tasks.departments import create_department

    made = create_department(session, actor=principal_of(user), code=f"M{user['id']}", name=f"市测试局{user['id']}")
    return f"/api/departments/{made['id']}", {"json": {"name": f"市测试局{user['id']}(新)"}}


def _import_boundaries(session, user):
    from tests.transfer.gisfiles import layer_frame

    data = layer_frame(session, "bases").to_json().encode()
    return "/api/imports/boundaries", {
        "params": {"layer": "bases", "apply": "true"},
        "files": {"file": ("bases.geojson", data)},
    }


def _import_register(session, user):
    from tests.transfer.test_register import GOOD, row, xlsx

    data = xlsx([row(项目编号=f"R-M{user['id']}")])
    assert GOOD
    return "/api/imports/projects", {"params": {"apply": "true"}, "files": {"file": ("register.xlsx", data)}}


def _problem_of(session, user) -> int:
    from geo.problems.tracking import create_problem

    project = _project_in(session, _district_of(user))
    planner = make_user(session, role="planner")
    problem = create_problem(
        session,
        settings=Settings(database_url=None),
        actor=principal_of(planner),
        project_id=project,
        report_id=None,
        description="用地指标待落实",
        department="市自然资源和规划局",
        action=None,
        deadline=dt.date(2026, 12, 31),
    )
    return problem["id"]


def _track_problem(session, user):
    project = _project_in(session, _district_of(user))
    body = {
        "project_id": project,
        "description": "供电线路迁改",
        "department": "国网威海供电公司",
        "deadline": "2026-12-31",
    }
    return "/api/problems", {"json": body}


def _edit_problem(session, user):
    return f"/api/problems/{_problem_of(session, user)}", {"json": {"deadline": "2027-01-15"}}


def _move_problem(session, user):
    return f"/api/problems/{_problem_of(session, user)}/transition", {"json": {"to": "coordinating"}}


def _new_project(session, user):
    from tests.factories import interior_point

    lon, lat = interior_point(session, "districts", "荣成市")
    body = {"code": f"M-{user['id']}", "name": "矩阵项目", "district": "荣成市", "cluster": "新一代信息技术"}
    body |= {"investment_total": "1", "investment_year": "0.5", "status": "planning", "lon": lon, "lat": lat}
    return "/api/projects", {"json": body}


def _retired_project(session, user):
    from sqlalchemy import text

    project = _project_in(session, "荣成市")
    session.execute(text("UPDATE projects SET retired_month = '2026-10-01' WHERE id = :id"), {"id": project})
    return f"/api/projects/{project}/restore", {"json": {}}


def _decide_proposal(session, user):
    from geo.projects.proposals import propose_change

    project = _project_in(session, "乳山市")
    reporter = make_user(session, role="reporter", district="乳山市")
    proposal = propose_change(session, actor=principal_of(reporter), project_id=project, fields={"unit": "新单位"})
    return f"/api/projects/{project}/proposals/{proposal['id']}/decision", {"json": {"decision": "accept"}}


def _milestone(session, user):
    from geo.settings import Settings
    from geo.workplan.milestones import create_milestone

    project = _project_in(session, "乳山市")
    fields = {"name": "开工", "planned_date": dt.date(2026, 3, 1)}
    made = create_milestone(
        session, settings=Settings(database_url=None), actor=principal_of(user), project_id=project, fields=fields
    )
    return project, made["id"]


def _patch_milestone(session, user):
    project, milestone = _milestone(session, user)
    return f"/api/projects/{project}/milestones/{milestone}", {"json": {"done_date": "2026-03-05"}}


def _delete_milestone(session, user):
    project, milestone = _milestone(session, user)
    return f"/api/projects/{project}/milestones/{milestone}", {}


def _milestone_document(session, user):
    project, milestone = _milestone(session, user)
    pdf = b"%PDF-1.4\n%test\n"
    return f"/api/projects/{project}/milestones/{milestone}/document", {"files": {"file": ("验收.pdf", pdf)}}


def _plan(session, user):
    project = _project_in(session, "乳山市")  # year plan 2 亿元 (tests.factories)
    months = [{"month": f"2026-{m:02d}", "planned_investment": "0.5"} for m in (3, 6, 9, 12)]
    return f"/api/projects/{project}/plan", {"params": {"year": 2026}, "json": {"months": months}}


def _tour_of(session, user) -> tuple[int, list[int]]:
    from geo.settings import Settings
    from geo.tours.tours import create_tour

    ids = [_project_in(session, "荣成市"), _project_in(session, "文登区")]
    tour = create_tour(
        session,
        settings=Settings(database_url=None),
        actor=principal_of(user),
        name="观摩",
        date=dt.date(2026, 11, 20),
        note=None,
        start=None,
        project_ids=ids,
    )
    return tour["id"], ids


def _new_tour(session, user):
    ids = [_project_in(session, "荣成市")]
    return "/api/tours", {"json": {"name": "荣成观摩", "date": "2026-11-20", "project_ids": ids}}


def _tour_stops(session, user):
    tour_id, ids = _tour_of(session, user)
    return f"/api/tours/{tour_id}/stops", {"json": {"project_ids": list(reversed(ids))}}


def _tour_scores(session, user):
    tour_id, ids = _tour_of(session, user)
    scores = [{"project_id": ids[0], "criterion": "形象进度", "score": 88}]
    return f"/api/tours/{tour_id}/scores", {"json": {"scorer": "王局长", "scores": scores}}


EXAMPLES = {
    ("POST", "/api/problems"): _track_problem,
    ("PATCH", "/api/problems/{problem_id}"): _edit_problem,
    ("POST", "/api/problems/{problem_id}/transition"): _move_problem,
    ("POST", "/api/projects"): _new_project,
    ("PATCH", "/api/projects/{project_id}"): lambda s, u: (
        f"/api/projects/{_project_in(s, '荣成市')}",
        {"json": {"name": "改名 renamed"}},
    ),
    ("POST", "/api/projects/{project_id}/retire"): lambda s, u: (
        f"/api/projects/{_project_in(s, '荣成市')}/retire",
        {"json": {"reason": "退库 retired"}},
    ),
    ("POST", "/api/projects/{project_id}/restore"): _retired_project,
    ("POST", "/api/projects/{project_id}/proposals"): lambda s, u: (
        f"/api/projects/{_project_in(s, _district_of(u))}/proposals",
        {"json": {"unit": "提议单位"}},
    ),
    ("POST", "/api/projects/{project_id}/proposals/{proposal_id}/decision"): _decide_proposal,
    ("PUT", "/api/projects/{project_id}/plan"): _plan,
    ("POST", "/api/projects/{project_id}/milestones"): lambda s, u: (
        f"/api/projects/{_project_in(s, '乳山市')}/milestones",
        {"json": {"name": "主体封顶", "planned_date": "2026-09-30", "responsible_unit": "乳山市住建局"}},
    ),
    ("PATCH", "/api/projects/{project_id}/milestones/{milestone_id}"): _patch_milestone,
    ("DELETE", "/api/projects/{project_id}/milestones/{milestone_id}"): _delete_milestone,
    ("PUT", "/api/projects/{project_id}/milestones/{milestone_id}/document"): _milestone_document,
    ("PUT", "/api/projects/{project_id}/leader"): lambda s, u: (
        f"/api/projects/{_project_in(s, '乳山市')}/leader",
        {"json": {"name": "李四", "title": "副市长", "unit": "乳山市人民政府"}},
    ),
    ("POST", "/api/tours"): _new_tour,
    ("PUT", "/api/tours/{tour_id}/stops"): _tour_stops,
    ("PUT", "/api/tours/{tour_id}/scores"): _tour_scores,
    ("POST", "/api/lookup"): lambda s, u: ("/api/lookup", {"json": {"points": [[122.1, 37.5]]}}),
    ("PUT", "/api/projects/{project_id}/reports/{month}"): _submit_report,
    ("POST", "/api/projects/{project_id}/reports/{month}/review"): _review_report,
    ("POST", "/api/periods/{month}/close"): lambda s, u: ("/api/periods/2026-11/close", {}),
    ("POST", "/api/imports/boundaries"): _import_boundaries,
    ("POST", "/api/imports/projects"): _import_register,
    ("POST", "/api/projects/{project_id}/photos"): _upload_photo,
    ("PUT", "/api/photos/{photo_id}/location"): _place_photo,
    ("DELETE", "/api/photos/{photo_id}/location"): _withdraw_placement,
    ("PUT", "/api/photos/{photo_id}/published"): _publish_photo,
    ("PUT", "/api/photos/{photo_id}/placement/review"): _review_placement,
    ("PUT", "/api/photos/{photo_id}/reuse/review"): _review_reuse,
    ("POST", "/api/auth/login"): lambda s, u: (
        "/api/auth/login",
        {"json": {"username": u["username"], "password": PASSWORD}},
    ),
    ("POST", "/api/auth/logout"): lambda s, u: ("/api/auth/logout", {}),
    ("POST", "/api/reports/{kind}/{period}/issue"): lambda s, u: ("/api/reports/monthly/2026-10/issue", {}),
    ("POST", "/api/auth/password"): lambda s, u: (
        "/api/auth/password",
        {"json": {"current": PASSWORD, "new": "another-pass-99"}},
    ),
    ("POST", "/api/auth/tokens"): lambda s, u: ("/api/auth/tokens", {"json": {"name": "脚本 script"}}),
    ("DELETE", "/api/auth/tokens/{token_id}"): _revoke_token,
    ("DELETE", "/api/users/{user_id}/tokens/{token_id}"): _revoke_users_token,
    ("DELETE", "/api/auth/sessions/{session_id}"): _end_session,
    ("POST", "/api/auth/sessions/sign-out-others"): lambda s, u: ("/api/auth/sessions/sign-out-others", {}),
    ("DELETE", "/api/users/{user_id}/sessions/{session_id}"): _end_users_session,
    ("POST", "/api/users"): _new_user,
    ("PATCH", "/api/users/{user_id}"): _patch_user,
    ("POST", "/api/users/{user_id}/password"): _reset_password,
    ("PUT", "/api/tasks/{task_id}/reports/{month}"): _submit_task_report,
    ("POST", "/api/tasks"): lambda s, u: (
        "/api/tasks",
        {
            "json": {
                "code": f"M-{u['id']}",
                "title": "测试任务",
                "source": "city",
                "category": "reform",
                "lead": "市发展和改革委员会",
                "deadline": "2027-06-30",
            }
        },
    ),
    ("PATCH", "/api/tasks/{task_id}"): lambda s, u: (
        f"/api/tasks/{_task_led_by(s, u)}",
        {"json": {"target": "新目标"}},
    ),
    ("POST", "/api/tasks/{task_id}/reports/{month}/review"): _review_task_report,
    ("POST", "/api/tasks/{task_id}/evidence"): _upload_task_evidence,
    ("POST", "/api/departments"): lambda s, u: (
        "/api/departments",
        {"json": {"code": f"N{u['id']}", "name": f"市新局{u['id']}"}},
    ),
    ("PATCH", "/api/departments/{department_id}"): _patch_department,
}


def _ids(items):
    return [f"{m} {r.path_format}" for m, r in items]


def _placeholder_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(("method", "route"), API_ROUTES, ids=_ids(API_ROUTES))
def test_every_api_route_declares_a_permission(method, route):
    assert declared_permissions(route.dependant), (
        f"{method} {route.path_format} declares no permission: add require(Permission.…) to the route or its router"
    )


def test_the_matrix_covers_the_writes_on_this_branch():
    # Guards the generator itself: if routes could not be found, the matrix would pass vacuously.
    assert {("POST", "/api/users"), ("DELETE", "/api/auth/tokens/{token_id}")} <= {
        (m, r.path_format) for m, r in WRITES
    }


@pytest.mark.parametrize(("method", "route"), WRITES, ids=_ids(WRITES))
def test_write_endpoint_matrix(client, session, method, route):
    permission = governing_permission(route.dependant)
    assert permission is not None, f"{method} {route.path_format}: no require(Permission.…) declared"
    rule = PERMISSIONS[permission]
    example = EXAMPLES.get((method, route.path_format))
    assert example is not None, f"add an example request for {method} {route.path_format} to EXAMPLES in {__file__}"

    if rule.min_role is None:  # signing in: open to anonymous callers by design
        user = make_user(session)
        path, kwargs = example(session, user)
        r = client.request(method, path, **kwargs)
        assert r.status_code < 300, r.text
        return
    assert not rule.anonymous_read, f"{method} {route.path_format}: a write must not be open to anonymous readers"

    path = _placeholder_path(route.path_format)
    r = client.request(method, path)
    assert r.status_code == 401, f"anonymous {method} {path}: {r.status_code} {r.text}"
    assert r.headers["content-type"].startswith("application/problem+json")

    least = next(role for role in ROLES if role.code == rule.min_role)
    for lower in [role for role in ROLES if role.rank < least.rank]:
        headers = token_for(session, make_user(session, role=lower.code))
        r = client.request(method, path, headers=headers)
        assert r.status_code == 403, f"{lower.code} {method} {path}: {r.status_code} {r.text}"
        assert least.name in r.json()["detail"]

    user = make_user(session, role=least.code)
    path, kwargs = example(session, user)
    auth = sign_in(client, user) if (method, route.path_format) in SESSION_ONLY else token_for(session, user)
    r = client.request(method, path, headers=auth, **kwargs)
    assert 200 <= r.status_code < 300, f"{least.code} {method} {path}: {r.status_code} {r.text}"


READS = [
    (m, r)
    for m, r in API_ROUTES
    if m == "GET" and "{" not in r.path_format and governing_permission(r.dependant).value == "read_public"
]


@pytest.mark.parametrize(("method", "route"), READS, ids=_ids(READS))
def test_public_reads_follow_the_anonymous_read_setting(client_with, session, method, route):
    path = route.path_format + ("?lon=122.1&lat=37.5" if route.path_format == "/api/lookup" else "")
    assert client_with().get(path).status_code == 200
    closed = client_with(anonymous_read=False)
    r = closed.get(path)
    assert r.status_code == 401, r.text
    assert "登录" in r.json()["detail"]
    assert closed.get(path, headers=token_for(session, make_user(session))).status_code == 200


def test_with_anonymous_read_off_only_sign_in_and_health_stay_open(client_with):
    closed = client_with(anonymous_read=False)
    assert closed.get("/api/health").status_code == 200
    me = closed.get("/api/auth/me").json()
    assert me["user"] is None and me["anonymous_read"] is False
    assert closed.get("/api/projects/1").status_code == 401
    assert closed.get("/api/layers/districts").status_code == 401


def test_openapi_names_the_permission_of_every_operation(client):
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, op in operations.items():
            assert op.get("x-permission"), f"{method} {path}"
            assert "权限 / Permission" in op["description"]
    assert spec["paths"]["/api/users"]["post"]["x-min-role"] == "admin"
    assert {"apiToken", "browserSession"} <= set(spec["components"]["securitySchemes"])


def test_meta_serves_the_roles(client):
    meta = client.get("/api/meta").json()
    assert [(r["code"], r["name"]) for r in meta["roles"]] == [
        ("viewer", "查看"),
        ("reporter", "区市填报员"),
        ("dept_reporter", "部门填报员"),
        ("planner", "规划人员"),
        ("admin", "管理员"),
    ]
    assert next(r for r in meta["roles"] if r["code"] == "reporter")["district_scoped"] is True
    assert next(r for r in meta["roles"] if r["code"] == "dept_reporter")["department_scoped"] is True
    assert any(p["permission"] == "upload_photos" and p["min_role"] == "reporter" for p in meta["permissions"])


RESTRICTED_READS = [
    (m, r)
    for m, r in API_ROUTES
    if m == "GET"
    and PERMISSIONS[governing_permission(r.dependant)].min_role not in (None,)
    and not PERMISSIONS[governing_permission(r.dependant)].anonymous_read
]


@pytest.mark.parametrize(("method", "route"), RESTRICTED_READS, ids=_ids(RESTRICTED_READS))
def test_restricted_reads_refuse_anonymous_and_lower_roles(client, session, method, route):
    rule = PERMISSIONS[governing_permission(route.dependant)]
    path = _placeholder_path(route.path_format)
    assert client.get(path).status_code == 401
    least = next(role for role in ROLES if role.code == rule.min_role)
    for lower in [role for role in ROLES if role.rank < least.rank]:
        r = client.get(path, headers=token_for(session, make_user(session, role=lower.code)))
        assert r.status_code == 403, f"{lower.code} GET {path}: {r.status_code}"
