"""The task register (重点任务台账): the 155 key tasks with their departments, districts, clusters and projects, each
task's state as at a month's end and its light, filtered lists, one task, and counts for the dashboard.

A task's state is its latest passed monthly report up to the month (geo.tasks.reports); its light, in plain words:
red (红灯) when reported 滞后, or past its deadline and not 已完成; yellow (黄灯) when still 未启动 with the deadline
within TASK_AT_RISK_DAYS; green (绿灯) otherwise — a completed task is green.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.sql import JOIN_REPORTING_DISTRICT
from geo.enums import (
    DISTRICT_NAMES,
    LIGHTS,
    TASK_AT_RISK_DAYS,
    TASK_CATEGORY_CODES,
    TASK_SOURCE_CODES,
    TASK_STATUS_CODES,
)
from geo.errors import NotFound, UnknownValue
from geo.periods import month_end, month_label
from geo.progress.cycle import shown_month
from geo.settings import Settings
from geo.tasks.departments import find_department

# The latest passed report of task `t` up to :t_month (first day of the month), as `tr`.
TASK_STATE_JOIN = """
LEFT JOIN LATERAL (
    SELECT r.status, r.month, r.narrative, r.problems FROM task_reports r
    WHERE r.task_id = t.id AND r.superseded_at IS NULL AND r.review_state = 'passed'
      AND r.month <= CAST(:t_month AS date)
    ORDER BY r.month DESC LIMIT 1) tr ON true"""

# The light of task `t` in state `tr` at :t_as_of (the month's last day); see the module docstring.
TASK_LIGHT_SQL = f"""CASE
    WHEN tr.status = 'completed' THEN 'green'
    WHEN tr.status = 'lagging' OR t.deadline <= CAST(:t_as_of AS date) THEN 'red'
    WHEN COALESCE(tr.status, 'not_started') = 'not_started'
         AND t.deadline <= CAST(:t_as_of AS date) + {TASK_AT_RISK_DAYS} THEN 'yellow'
    ELSE 'green' END"""

LIGHT_CODES = tuple(light.code for light in LIGHTS)


@dataclass(frozen=True)
class TaskFilter:
    """Combinable filters of the task register; every field optional."""

    source: str | None = None
    category: str | None = None
    department: str | None = None  # lead department: id, code, name or historical alias
    district: str | None = None
    status: str | None = None
    light: str | None = None
    q: str | None = None
    project: int | None = None
    pending: bool = False  # only tasks with a submission awaiting review (the planner's 审核 queue)


def state_params(session: Session, settings: Settings, month: dt.date | None) -> dict:
    """Bind parameters of TASK_STATE_JOIN and TASK_LIGHT_SQL: the month (default 最新, the shown month)."""
    month = month or shown_month(session, settings)
    return {"t_month": month, "t_as_of": month_end(month)}


def _where(session: Session, f: TaskFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    for field, known, column in (
        ("source", TASK_SOURCE_CODES, "t.source"),
        ("category", TASK_CATEGORY_CODES, "t.category"),
        ("status", TASK_STATUS_CODES, "COALESCE(tr.status, 'not_started')"),
        ("light", LIGHT_CODES, f"({TASK_LIGHT_SQL})"),
    ):
        value = getattr(f, field)
        if value:
            if value not in known:
                raise UnknownValue(field, value, known)
            clauses.append(f"{column} = :f_{field}")
            params[f"f_{field}"] = value
    if f.department:
        clauses.append("t.lead_department_id = :f_department")
        params["f_department"] = find_department(session, f.department)["id"]
    if f.district:
        if f.district not in DISTRICT_NAMES:
            raise UnknownValue("district", f.district, DISTRICT_NAMES)
        clauses.append(":f_district = ANY(t.districts)")
        params["f_district"] = f.district
    if f.project is not None:
        clauses.append("EXISTS (SELECT 1 FROM task_projects tp WHERE tp.task_id = t.id AND tp.project_id = :f_project)")
        params["f_project"] = f.project
    if f.pending:
        clauses.append(_PENDING_SQL)
    if f.q:
        clauses.append(
            "(t.title ILIKE :f_q ESCAPE '\\' OR t.code ILIKE :f_q ESCAPE '\\' OR ld.name ILIKE :f_q ESCAPE '\\')"
        )
        escaped = f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["f_q"] = f"%{escaped}%"
    return (" AND ".join(clauses) or "true"), params


# Whether task `t` has a submission awaiting review (any month): the planner's queue.
_PENDING_SQL = """EXISTS (SELECT 1 FROM task_reports pr WHERE pr.task_id = t.id AND pr.superseded_at IS NULL
    AND pr.review_state = 'pending')"""

_TASK_FIELDS = f"""'id', t.id, 'code', t.code, 'title', t.title, 'source', t.source, 'category', t.category,
    'lead', json_build_object('id', ld.id, 'name', ld.name, 'alias', ld.alias),
    'cooperators', COALESCE((SELECT json_agg(json_build_object('id', cd.id, 'name', cd.name) ORDER BY cd.code)
        FROM task_cooperators tc JOIN departments cd ON cd.id = tc.department_id WHERE tc.task_id = t.id), '[]'::json),
    'districts', to_json(t.districts), 'clusters', to_json(t.clusters),
    'deliverable', t.deliverable, 'target', t.target, 'deadline', t.deadline,
    'status', COALESCE(tr.status, 'not_started'), 'report_month', to_char(tr.month, 'YYYY-MM'),
    'light', {TASK_LIGHT_SQL},
    'projects', (SELECT count(*) FROM task_projects tp WHERE tp.task_id = t.id),
    'pending', {_PENDING_SQL},
    'demo', t.demo"""

_FROM = f"FROM tasks t JOIN departments ld ON ld.id = t.lead_department_id {TASK_STATE_JOIN}"


def list_tasks(session: Session, *, settings: Settings, filters: TaskFilter, month: dt.date | None = None) -> dict:
    """The tasks matching the filters (by code), each with its state and light at the month's end."""
    where, params = _where(session, filters)
    params.update(state_params(session, settings, month))
    tasks = session.execute(
        text(f"""
        SELECT COALESCE(json_agg(json_build_object({_TASK_FIELDS}) ORDER BY t.code), '[]'::json)::text
        {_FROM} WHERE {where}"""),
        params,
    ).scalar_one()
    return {"month": month_label(params["t_month"]), "tasks": json.loads(tasks)}


def get_task(session: Session, *, settings: Settings, task_id: int, month: dt.date | None = None) -> dict:
    """One task: its register entry, milestones, state and light, and the projects that carry it out."""
    params = {"id": task_id, **state_params(session, settings, month)}
    row = session.execute(
        text(f"""
        SELECT json_build_object({_TASK_FIELDS}, 'milestones', t.milestones,
            'narrative', tr.narrative, 'problems', tr.problems,
            'linked_projects', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'code', p.code,
                'name', p.name, 'district', d.name, 'status', p.status, 'progress', p.progress,
                'lon', round(ST_X(p.geom)::numeric, 6), 'lat', round(ST_Y(p.geom)::numeric, 6), 'demo', p.demo)
                ORDER BY p.code)
                FROM task_projects tp JOIN projects p ON p.id = tp.project_id {JOIN_REPORTING_DISTRICT}
                WHERE tp.task_id = t.id), '[]'::json))::text
        {_FROM} WHERE t.id = :id"""),
        params,
    ).scalar()
    if row is None:
        raise task_not_found(task_id)
    return {"month": month_label(params["t_month"]), **json.loads(row)}


def task_not_found(task_id: int) -> NotFound:
    """The one answer for a task id that is not in the register."""
    return NotFound(f"重点任务 {task_id} 不存在 / key task {task_id} does not exist")


def require_task(session: Session, task_id: int) -> dict:
    """The task's id, code and lead department id, or NotFound."""
    row = (
        session.execute(text("SELECT id, code, title, lead_department_id FROM tasks WHERE id = :id"), {"id": task_id})
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise task_not_found(task_id)
    return dict(row)


def tasks_summary(session: Session, *, settings: Settings, month: dt.date | None = None) -> dict:
    """Counts for the dashboard, by lead department (most tasks first), by category and by source: completed (已完成),
    on schedule (not completed, not red) and lagging (red: 滞后 or overdue)."""
    params = state_params(session, settings, month)
    counts = """'total', count(*), 'completed', count(*) FILTER (WHERE s.status = 'completed'),
        'lagging', count(*) FILTER (WHERE s.light = 'red'),
        'on_schedule', count(*) FILTER (WHERE s.status <> 'completed' AND s.light <> 'red')"""
    body = session.execute(
        text(f"""
        WITH s AS (SELECT t.id, t.source, t.category, ld.id AS dept_id, ld.name AS department, ld.code AS dept_code,
                          COALESCE(tr.status, 'not_started') AS status, {TASK_LIGHT_SQL} AS light
                   {_FROM})
        SELECT json_build_object({counts},
            'by_department', (SELECT COALESCE(json_agg(x.j ORDER BY x.n DESC, x.code), '[]'::json) FROM (
                SELECT s.dept_code AS code, count(*) AS n,
                       json_build_object('id', s.dept_id, 'name', s.department, {counts}) AS j
                FROM s GROUP BY s.dept_id, s.department, s.dept_code) x),
            'by_category', (SELECT COALESCE(json_agg(x.j ORDER BY x.ord), '[]'::json) FROM (
                SELECT g.ord, json_build_object('code', g.code, {counts}) AS j
                FROM unnest(CAST(:categories AS text[])) WITH ORDINALITY g(code, ord) JOIN s ON s.category = g.code
                GROUP BY g.code, g.ord) x),
            'by_source', (SELECT COALESCE(json_agg(x.j ORDER BY x.source DESC), '[]'::json) FROM (
                SELECT s.source, json_build_object('code', s.source, {counts}) AS j FROM s GROUP BY s.source) x))::text
        FROM s"""),
        {**params, "categories": list(TASK_CATEGORY_CODES)},
    ).scalar_one()
    return {"month": month_label(params["t_month"]), **json.loads(body)}
