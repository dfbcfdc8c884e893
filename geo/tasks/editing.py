"""Keeping the register (维护台账): a planner adds a key task or changes its entry, departments and project links.

Every field is checked before anything is written (one answer listing every problem), the change is one
transaction with its audit row, and the audit keeps the entry before and after in words (codes, names)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.enums import CLUSTER_NAMES, DISTRICT_NAMES, TASK_CATEGORY_CODES, TASK_SOURCE_CODES
from geo.errors import Conflict, InvalidInput
from geo.tasks.register import require_task

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MILESTONE_KINDS = ("monthly", "quarterly")


@dataclass
class TaskChange:
    """Fields of a task entry; on a change, the fields left as None stay as they are."""

    code: str | None = None
    title: str | None = None
    source: str | None = None
    category: str | None = None
    lead: str | None = None  # department id, code, name or former name
    cooperators: list[str] | None = None
    districts: list[str] | None = None
    clusters: list[str] | None = None
    deliverable: str | None = None
    target: str | None = None
    deadline: dt.date | None = None
    milestones: list[dict] | None = None
    projects: list[int] | None = None


def _department_ids(session: Session, names: list[str], field_name: str, errors: list[dict]) -> list[int]:
    from geo.errors import UnknownValue
    from geo.tasks.departments import find_department

    ids = []
    for name in names:
        try:
            ids.append(find_department(session, name)["id"])
        except UnknownValue as exc:
            errors.append({"field": field_name, "message": exc.detail, "value": name})
    return ids


def _check(session: Session, c: TaskChange, *, creating: bool) -> tuple[list[dict], dict]:
    """Field errors and the values to write."""
    errors: list[dict] = []
    values: dict = {}
    if creating:
        for name, zh in (
            ("code", "编号"),
            ("title", "任务名称"),
            ("source", "来源"),
            ("category", "类别"),
            ("lead", "牵头单位"),
        ):
            if not (getattr(c, name) or "").strip():
                errors.append({"field": name, "message": f"请填写{zh} / {name} is required"})
        if c.deadline is None:
            errors.append({"field": "deadline", "message": "请填写完成时限 / deadline is required"})
    if c.code is not None and c.code.strip():
        if not CODE_RE.match(c.code.strip()):
            errors.append(
                {
                    "field": "code",
                    "message": "编号为 1–16 个字母、数字、点、下划线或连字符 / code: 1–16 of A-Z 0-9 . _ -",
                }
            )
        values["code"] = c.code.strip()
    if c.title is not None and c.title.strip():
        values["title"] = c.title.strip()
    for name, known in (("source", TASK_SOURCE_CODES), ("category", TASK_CATEGORY_CODES)):
        value = getattr(c, name)
        if value:
            if value not in known:
                errors.append(
                    {
                        "field": name,
                        "message": f"可选:{'、'.join(known)} / one of {', '.join(known)}",
                        "allowed": list(known),
                    }
                )
            values[name] = value
    if c.lead:
        ids = _department_ids(session, [c.lead], "lead", errors)
        if ids:
            values["lead_department_id"] = ids[0]
    if c.cooperators is not None:
        values["cooperators"] = sorted(set(_department_ids(session, c.cooperators, "cooperators", errors)))
    for name, known in (("districts", DISTRICT_NAMES), ("clusters", CLUSTER_NAMES)):
        value = getattr(c, name)
        if value is not None:
            unknown = [v for v in value if v not in known]
            if unknown:
                errors.append(
                    {
                        "field": name,
                        "message": f"未知:{'、'.join(unknown)};可选:{'、'.join(known)}",
                        "allowed": list(known),
                    }
                )
            values[name] = [v for v in known if v in value]
    for name in ("deliverable", "target"):
        value = getattr(c, name)
        if value is not None:
            values[name] = value.strip() or None
    if c.deadline is not None:
        if not dt.date(2018, 1, 1) <= c.deadline <= dt.date(2035, 12, 31):
            errors.append(
                {"field": "deadline", "message": "完成时限应在 2018–2035 年之间 / deadline between 2018 and 2035"}
            )
        values["deadline"] = c.deadline
    if c.milestones is not None:
        cleaned = []
        for i, m in enumerate(c.milestones):
            month, kind, words = str(m.get("month", "")), m.get("kind", "monthly"), str(m.get("text", "")).strip()
            if not MONTH_RE.match(month) or kind not in MILESTONE_KINDS or not words:
                errors.append(
                    {
                        "field": f"milestones[{i}]",
                        "message": "节点需要月份 YYYY-MM、类型 monthly|quarterly 和内容 / "
                        "a milestone needs month YYYY-MM, kind monthly|quarterly and text",
                    }
                )
            cleaned.append({"month": month, "kind": kind, "text": words[:500]})
        values["milestones"] = sorted(cleaned, key=lambda m: m["month"])
    if c.projects is not None:
        wanted = sorted(set(c.projects))
        found = set(session.execute(text("SELECT id FROM projects WHERE id = ANY(:ids)"), {"ids": wanted}).scalars())
        missing = [p for p in wanted if p not in found]
        if missing:
            errors.append(
                {"field": "projects", "message": f"项目不存在:{missing} / unknown project ids", "unknown": missing}
            )
        values["projects"] = wanted
    if "lead_department_id" in values and "cooperators" in values:
        values["cooperators"] = [d for d in values["cooperators"] if d != values["lead_department_id"]]
    return errors, values


def _entry(session: Session, task_id: int) -> dict:
    """The task's entry in words, for the audit log."""
    row = session.execute(
        text("""
        SELECT json_build_object('code', t.code, 'title', t.title, 'source', t.source, 'category', t.category,
            'lead', ld.name, 'deadline', t.deadline, 'deliverable', t.deliverable, 'target', t.target,
            'districts', t.districts, 'clusters', t.clusters, 'milestones', t.milestones,
            'cooperators', (SELECT COALESCE(json_agg(d.name ORDER BY d.code), '[]'::json) FROM task_cooperators tc
                            JOIN departments d ON d.id = tc.department_id WHERE tc.task_id = t.id),
            'projects', (SELECT COALESCE(json_agg(p.code ORDER BY p.code), '[]'::json) FROM task_projects tp
                         JOIN projects p ON p.id = tp.project_id WHERE tp.task_id = t.id))::text
        FROM tasks t JOIN departments ld ON ld.id = t.lead_department_id WHERE t.id = :id"""),
        {"id": task_id},
    ).scalar_one()
    return json.loads(row)


def _write(session: Session, task_id: int, values: dict) -> None:
    columns = {k: v for k, v in values.items() if k not in ("cooperators", "projects")}
    if columns:
        if "milestones" in columns:
            columns["milestones"] = json.dumps(columns["milestones"], ensure_ascii=False)
        sets = ", ".join(f"{k} = CAST(:{k} AS jsonb)" if k == "milestones" else f"{k} = :{k}" for k in columns)
        session.execute(text(f"UPDATE tasks SET {sets}, updated_at = now() WHERE id = :id"), {**columns, "id": task_id})
    if "cooperators" in values:
        session.execute(text("DELETE FROM task_cooperators WHERE task_id = :id"), {"id": task_id})
        session.execute(
            text("INSERT INTO task_cooperators (task_id, department_id) SELECT :id, unnest(CAST(:ids AS integer[]))"),
            {"id": task_id, "ids": values["cooperators"]},
        )
    if "projects" in values:
        session.execute(text("DELETE FROM task_projects WHERE task_id = :id"), {"id": task_id})
        session.execute(
            text("INSERT INTO task_projects (task_id, project_id) SELECT :id, unnest(CAST(:ids AS integer[]))"),
            {"id": task_id, "ids": values["projects"]},
        )


def _refuse(errors: list[dict]) -> None:
    if errors:
        raise InvalidInput(
            "重点任务未保存:" + ";".join(e["message"].split(" / ")[0] for e in errors) + " / the task was not saved",
            errors=errors,
        )


def _code_taken(session: Session, code: str, task_id: int | None) -> None:
    taken = session.execute(
        text("SELECT 1 FROM tasks WHERE code = :c AND id IS DISTINCT FROM :id"), {"c": code, "id": task_id}
    ).scalar()
    if taken:
        raise Conflict(
            f"编号 {code} 已被其他任务使用 / task code {code} is taken", errors=[{"field": "code", "message": "taken"}]
        )


def create_task(session: Session, *, actor: Principal, change: TaskChange) -> int:
    """Add a task to the register (not demo); its id."""
    errors, values = _check(session, change, creating=True)
    _refuse(errors)
    _code_taken(session, values["code"], None)
    task_id = session.execute(
        text("""INSERT INTO tasks (code, title, source, category, lead_department_id, deadline)
                VALUES (:code, :title, :source, :category, :lead_department_id, :deadline) RETURNING id"""),
        {k: values[k] for k in ("code", "title", "source", "category", "lead_department_id", "deadline")},
    ).scalar_one()
    _write(session, task_id, values)
    audit(session, actor=actor, action="task.create", obj=("task", task_id), after=_entry(session, task_id))
    return task_id


def update_task(session: Session, *, actor: Principal, task_id: int, change: TaskChange) -> None:
    """Change a task's entry; only the fields given change."""
    require_task(session, task_id)
    session.execute(text("SELECT id FROM tasks WHERE id = :id FOR UPDATE"), {"id": task_id})
    errors, values = _check(session, change, creating=False)
    _refuse(errors)
    if "code" in values:
        _code_taken(session, values["code"], task_id)
    before = _entry(session, task_id)
    _write(session, task_id, values)
    after = _entry(session, task_id)
    changed = {k for k in after if after[k] != before[k]}
    audit(
        session,
        actor=actor,
        action="task.update",
        obj=("task", task_id),
        before={k: before[k] for k in sorted(changed)} | {"code": before["code"]},
        after={k: after[k] for k in sorted(changed)} | {"code": after["code"]},
    )
