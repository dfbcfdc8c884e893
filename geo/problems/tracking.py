"""Problems to coordinate (问题清单): enter one from a report's 存在问题 or freely, edit it, move it through
待协调 → 协调中 → 已解决 (销号, with a required note), and list them with the overdue rule (geo/problems/rules.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.accounts.scope import ensure_may_act_on_project
from geo.db.sql import REPORTING_DISTRICT_ID, require_project
from geo.enums import DISTRICT_NAMES, PROBLEM_STATE_CODES, PROBLEM_STATES, PROBLEM_TRANSITIONS
from geo.errors import Conflict, InvalidInput, NotFound, UnknownValue
from geo.periods import local_today, month_end, month_label
from geo.problems.rules import open_on, overdue_on
from geo.settings import Settings

STATE_NAME = {s.code: s.name for s in PROBLEM_STATES}
MAX_TEXT = 2000
MAX_DEPARTMENT = 100

# The fields a problem's edit may change, with the label its readable change uses.
EDITABLE = {"description": "问题描述", "department": "牵头协调部门", "action": "协调事项", "deadline": "办结时限"}


@dataclass(frozen=True)
class ProblemFilter:
    """Filters of the problem list; every field optional. `month` sets the day of the overdue rule to its end."""

    district: str | None = None
    status: str | None = None
    overdue: bool | None = None
    project_id: int | None = None
    month: dt.date | None = None


def problem_not_found(problem_id: int) -> NotFound:
    """The one answer for a problem id that is not on the list."""
    return NotFound(f"督办问题 {problem_id} 不存在 / problem {problem_id} does not exist")


def as_of_day(settings: Settings, month: dt.date | None) -> dt.date:
    """The day the overdue rule is read on: the month's end, else today (Weihai)."""
    return month_end(month) if month else local_today(settings.today)


def _actor_name(actor: Principal) -> str:
    return (actor.display_name or actor.username or "系统 / system")[:200]


def _clean(value: str | None, *, field: str, label: str, required: bool, limit: int) -> str | None:
    value = (value or "").strip() or None
    if required and not value:
        raise InvalidInput(
            f"请填写{label} / {field} is required", errors=[{"field": field, "message": f"请填写{label} / required"}]
        )
    if value and len(value) > limit:
        raise InvalidInput(
            f"{label}最多 {limit} 字 / {field} is at most {limit} characters",
            errors=[{"field": field, "message": f"最多 {limit} 字 / too long"}],
        )
    return value


def _check_deadline(deadline: dt.date, source_month: dt.date | None) -> None:
    if source_month and deadline < source_month:
        raise InvalidInput(
            f"办结时限 {deadline} 早于问题所属月份 {month_label(source_month)} / the deadline is before the month "
            "the problem was reported in",
            errors=[{"field": "deadline", "message": "早于问题所属月份 / before the source month"}],
        )


def _event(session: Session, problem_id: int, actor: Principal, kind: str, **fields) -> None:
    session.execute(
        text("""
        INSERT INTO problem_events (problem_id, at, actor_id, actor_name, kind, from_status, to_status, note, changes)
        VALUES (:problem_id, clock_timestamp(), :actor_id, :actor_name, :kind, :from_status, :to_status, :note,
                :changes)"""),
        {
            "problem_id": problem_id,
            "actor_id": actor.user_id,
            "actor_name": _actor_name(actor),
            "kind": kind,
            "from_status": fields.get("from_status"),
            "to_status": fields.get("to_status"),
            "note": fields.get("note"),
            "changes": fields.get("changes"),
        },
    )


def create_problem(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    project_id: int | None,
    report_id: int | None,
    description: str | None,
    department: str,
    action: str | None,
    deadline: dt.date,
    demo: bool = False,
) -> dict:
    """Track a problem (待协调): from a report's 存在问题 (its text is the default description) or freely entered."""
    source_month = None
    if report_id is not None:
        report = session.execute(
            text("SELECT project_id, month, problems FROM progress_reports WHERE id = :id"), {"id": report_id}
        ).one_or_none()
        if report is None:
            raise NotFound(f"月度进度 {report_id} 不存在 / report {report_id} does not exist")
        if project_id is not None and project_id != report.project_id:
            raise InvalidInput(
                f"月度进度 {report_id} 不属于项目 {project_id} / the report belongs to another project",
                errors=[{"field": "report_id", "message": f"report of project {report.project_id}"}],
            )
        project_id, source_month = report.project_id, report.month
        description = description or report.problems
    if project_id is None:
        raise InvalidInput(
            "请指定项目或月度进度 / give the project or the report the problem comes from",
            errors=[{"field": "project_id", "message": "required without report_id"}],
        )
    require_project(session, project_id)
    ensure_may_act_on_project(session, actor=actor, project_id=project_id)
    description = _clean(description, field="description", label="问题描述", required=True, limit=MAX_TEXT)
    department = _clean(department, field="department", label="牵头协调部门", required=True, limit=MAX_DEPARTMENT)
    action = _clean(action, field="action", label="协调事项", required=False, limit=MAX_TEXT)
    _check_deadline(deadline, source_month)
    if report_id is not None:
        twin = session.execute(
            text("""SELECT id FROM problems WHERE report_id = :r AND description = :d AND status <> 'resolved'"""),
            {"r": report_id, "d": description},
        ).scalar()
        if twin is not None:
            raise Conflict(
                f"该月报的这一问题已在督办(问题 {twin}) / this report's problem is already tracked as {twin}",
                extensions={"existing_id": twin},
            )
    today = local_today(settings.today)
    problem_id = session.execute(
        text("""
        INSERT INTO problems (project_id, report_id, source_month, description, department, action, deadline,
                              status, opened_on, created_by, demo)
        VALUES (:project_id, :report_id, :source_month, :description, :department, :action, :deadline,
                'open', :today, :by, :demo)
        RETURNING id"""),
        {
            "project_id": project_id,
            "report_id": report_id,
            "source_month": source_month,
            "description": description,
            "department": department,
            "action": action,
            "deadline": deadline,
            "today": today,
            "by": actor.user_id,
            "demo": demo,
        },
    ).scalar_one()
    _event(session, problem_id, actor, "create", to_status="open")
    audit(
        session,
        actor=actor,
        action="problem.create",
        obj=("problem", problem_id),
        after={
            "项目": project_id,
            "来源": f"{month_label(source_month)} 月度进度" if source_month else "直接登记",
            "问题描述": description,
            "牵头协调部门": department,
            "协调事项": action,
            "办结时限": deadline,
            "状态": STATE_NAME["open"],
        },
    )
    return get_problem(session, settings=settings, problem_id=problem_id)


def _locked(session: Session, problem_id: int):
    row = (
        session.execute(text("SELECT * FROM problems WHERE id = :id FOR UPDATE"), {"id": problem_id})
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise problem_not_found(problem_id)
    return row


def update_problem(session: Session, *, settings: Settings, actor: Principal, problem_id: int, changes: dict) -> dict:
    """Change the description, department, requested action or deadline of a problem not yet closed."""
    row = _locked(session, problem_id)
    ensure_may_act_on_project(session, actor=actor, project_id=row["project_id"])
    if row["status"] == "resolved":
        raise Conflict(f"督办问题 {problem_id} 已销号,不能再修改 / problem {problem_id} is closed")
    new: dict = {}
    for field, value in changes.items():
        if field not in EDITABLE:
            continue
        if field == "deadline":
            if value is None:
                raise InvalidInput(
                    "请填写办结时限 / deadline is required", errors=[{"field": field, "message": "required"}]
                )
            _check_deadline(value, row["source_month"])
        else:
            required = field != "action"
            limit = MAX_DEPARTMENT if field == "department" else MAX_TEXT
            value = _clean(value, field=field, label=EDITABLE[field], required=required, limit=limit)
        if value != row[field]:
            new[field] = value
    if not new:
        return get_problem(session, settings=settings, problem_id=problem_id)
    assignments = ", ".join(f"{k} = :{k}" for k in new)
    session.execute(
        text(f"UPDATE problems SET {assignments}, updated_at = clock_timestamp() WHERE id = :id"),
        {**new, "id": problem_id},
    )
    readable = "；".join(f"{EDITABLE[k]}：{row[k] or '（空）'} → {v or '（空）'}" for k, v in new.items())
    _event(session, problem_id, actor, "edit", changes=readable)
    audit(
        session,
        actor=actor,
        action="problem.update",
        obj=("problem", problem_id),
        before={EDITABLE[k]: row[k] for k in new},
        after={**{EDITABLE[k]: v for k, v in new.items()}, "变更": readable},
    )
    return get_problem(session, settings=settings, problem_id=problem_id)


def transition_problem(
    session: Session, *, settings: Settings, actor: Principal, problem_id: int, to: str, note: str | None
) -> dict:
    """Move a problem on (待协调 → 协调中 → 已解决); closing (销号) needs the resolution note."""
    if to not in PROBLEM_STATE_CODES:
        raise UnknownValue("status", to, PROBLEM_STATE_CODES)
    row = _locked(session, problem_id)
    note = _clean(note, field="note", label="说明", required=False, limit=MAX_TEXT)
    allowed = PROBLEM_TRANSITIONS[row["status"]]
    if to not in allowed:
        nexts = "、".join(STATE_NAME[s] for s in allowed) or "无(已销号)"
        raise Conflict(
            f"督办问题 {problem_id} 现为“{STATE_NAME[row['status']]}”,不能转为“{STATE_NAME[to]}”;可转为:{nexts} / "
            f"cannot move from {row['status']} to {to}",
            errors=[{"field": "to", "message": "not allowed from the current state", "allowed": list(allowed)}],
        )
    if to == "resolved" and not note:
        raise InvalidInput(
            "销号时请填写解决情况说明 / closing a problem needs a note on how it was resolved",
            errors=[{"field": "note", "message": "销号须写明解决情况 / required to close"}],
        )
    today = local_today(settings.today)
    session.execute(
        text("""
        UPDATE problems SET status = CAST(:to AS text), updated_at = clock_timestamp(),
            resolution = CASE WHEN :closing THEN CAST(:note AS text) ELSE resolution END,
            resolved_at = CASE WHEN :closing THEN clock_timestamp() ELSE resolved_at END,
            resolved_on = CASE WHEN :closing THEN CAST(:today AS date) ELSE resolved_on END
        WHERE id = :id"""),
        {"to": to, "closing": to == "resolved", "note": note, "today": today, "id": problem_id},
    )
    _event(session, problem_id, actor, "transition", from_status=row["status"], to_status=to, note=note)
    audit(
        session,
        actor=actor,
        action="problem.resolve" if to == "resolved" else "problem.transition",
        obj=("problem", problem_id),
        before={"状态": STATE_NAME[row["status"]]},
        after={"状态": STATE_NAME[to], "说明": note, "变更": f"{STATE_NAME[row['status']]} → {STATE_NAME[to]}"},
    )
    return get_problem(session, settings=settings, problem_id=problem_id)


_ITEM_SQL = """
json_build_object('id', pr.id, 'project_id', pr.project_id, 'project_code', p.code, 'project_name', p.name,
    'district', d.name, 'report_id', pr.report_id, 'source_month', to_char(pr.source_month, 'YYYY-MM'),
    'description', pr.description, 'department', pr.department, 'action', pr.action, 'deadline', pr.deadline,
    'status', pr.status, 'resolution', pr.resolution, 'resolved_at', pr.resolved_at, 'opened_on', pr.opened_on,
    'resolved_on', pr.resolved_on, 'created_at', pr.created_at, 'updated_at', pr.updated_at, 'demo', pr.demo,
    'created_by', (SELECT u.display_name FROM users u WHERE u.id = pr.created_by),
    'open', {open}, 'overdue', {overdue},
    'overdue_days', CASE WHEN {overdue} THEN CAST(:as_of AS date) - pr.deadline END,
    'history', (SELECT COALESCE(json_agg(json_build_object('at', e.at, 'actor', e.actor_name, 'kind', e.kind,
        'from', e.from_status, 'to', e.to_status, 'note', e.note, 'changes', e.changes) ORDER BY e.at, e.id),
        '[]'::json) FROM problem_events e WHERE e.problem_id = pr.id))"""


def _rows_sql(where: str, *, entered_by: bool = True) -> str:
    entered = "pr.opened_on <= CAST(:as_of AS date)" if entered_by else "true"
    return f"""
SELECT pr.*, d.name AS district, {overdue_on()} AS is_overdue, {open_on()} AS is_open,
       {_ITEM_SQL.format(open=open_on(), overdue=overdue_on())} AS item
FROM problems pr JOIN projects p ON p.id = pr.project_id JOIN districts d ON d.id = {REPORTING_DISTRICT_ID}
WHERE {entered} AND {where}"""


def _where(f: ProblemFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    if f.district:
        if f.district not in DISTRICT_NAMES:
            raise UnknownValue("district", f.district, DISTRICT_NAMES)
        clauses.append("d.name = :district")
        params["district"] = f.district
    if f.status:
        if f.status not in PROBLEM_STATE_CODES:
            raise UnknownValue("status", f.status, PROBLEM_STATE_CODES)
        clauses.append("pr.status = :status")
        params["status"] = f.status
    if f.overdue is not None:
        clauses.append(overdue_on() if f.overdue else f"NOT {overdue_on()}")
    if f.project_id is not None:
        clauses.append("pr.project_id = :project_id")
        params["project_id"] = f.project_id
    return " AND ".join(clauses) or "true", params


def list_problems(session: Session, *, settings: Settings, filters: ProblemFilter) -> str:
    """JSON text: the day of the rule, counts, open and overdue per district, and the problems (overdue first)."""
    if filters.project_id is not None:
        require_project(session, filters.project_id)
    where, params = _where(filters)
    day = as_of_day(settings, filters.month)
    sql = f"""
WITH rows AS ({_rows_sql(where)})
SELECT json_build_object(
    'as_of', CAST(:as_of AS date),
    'month', CAST(:month AS text),
    'count', (SELECT count(*) FROM rows),
    'open', (SELECT count(*) FROM rows WHERE is_open),
    'overdue', (SELECT count(*) FROM rows WHERE is_overdue),
    'by_district', (SELECT json_agg(json_build_object('district', n.name,
            'open', (SELECT count(*) FROM rows WHERE rows.district = n.name AND is_open),
            'overdue', (SELECT count(*) FROM rows WHERE rows.district = n.name AND is_overdue)) ORDER BY n.i)
        FROM unnest(CAST(:districts AS text[])) WITH ORDINALITY AS n(name, i)),
    'problems', (SELECT COALESCE(json_agg(item ORDER BY is_overdue DESC, is_open DESC, deadline, id), '[]'::json)
        FROM rows)
)::text"""
    return session.execute(
        text(sql),
        {
            **params,
            "as_of": day,
            "month": month_label(filters.month) if filters.month else None,
            "districts": list(DISTRICT_NAMES),
        },
    ).scalar_one()


def get_problem(session: Session, *, settings: Settings, problem_id: int) -> dict:
    """One problem with its history, overdue as of today."""
    found = session.execute(
        text(f"SELECT item::text FROM ({_rows_sql('pr.id = :id', entered_by=False)}) r"),
        {"id": problem_id, "as_of": as_of_day(settings, None)},
    ).scalar()
    if found is None:
        raise problem_not_found(problem_id)
    return json.loads(found)


def overdue_problems(session: Session, *, settings: Settings, month: dt.date | None = None) -> dict:
    """The overdue problems as of the month's end (or today), with the open and overdue counts in all and per
    district: the dashboard's and the bulletin's section 需协调解决的问题."""
    everything = json.loads(list_problems(session, settings=settings, filters=ProblemFilter(month=month)))
    overdue = [p for p in everything["problems"] if p["overdue"]]
    return {**everything, "problems": overdue}
