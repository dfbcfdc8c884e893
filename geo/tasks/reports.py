"""Monthly task reports (重点任务月度进展) on the dispatch cycle of the project reports: the same months, due day,
review (待审核 → 通过 / 退回), close and corrections (geo.progress.cycle), with status, narrative and problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.enums import TASK_STATUS_CODES, TASK_STATUSES
from geo.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.periods import local_today, month_label
from geo.progress.cycle import filing_rules, review_reason
from geo.progress.versions import VersionedReports
from geo.settings import Settings
from geo.tasks.register import require_task

TASK_REPORT_FIELDS_SQL = """
json_build_object('id', r.id, 'task_id', r.task_id, 'month', to_char(r.month, 'YYYY-MM'), 'version', r.version,
    'status', r.status, 'narrative', r.narrative, 'problems', r.problems, 'reported_by', r.reported_by,
    'demo', r.demo, 'created_at', r.created_at, 'superseded_at', r.superseded_at,
    'current', r.superseded_at IS NULL AND r.review_state = 'passed', 'review_state', r.review_state,
    'review_reason', r.review_reason, 'reviewed_at', r.reviewed_at,
    'reviewed_by', (SELECT u.display_name FROM users u WHERE u.id = r.reviewed_by), 'correction', r.correction)"""

VERSIONS = VersionedReports("task_reports", "task_id", TASK_REPORT_FIELDS_SQL)
_STATUS_NAMES = {s.code: s.name for s in TASK_STATUSES}


@dataclass(frozen=True)
class TaskReportInput:
    """What a department reporter files for one task and month."""

    status: str
    narrative: str
    problems: str | None = None
    reported_by: str | None = None


def ensure_may_act_on_task(session: Session, *, actor: Principal, task_id: int) -> dict:
    """The task; Forbidden, naming the actor's own department, when a department reporter reaches beyond it."""
    task = require_task(session, task_id)
    if actor.district_scoped:
        raise Forbidden(
            f"您是{actor.district}的区市填报员,重点任务由牵头部门的部门填报员填报 / district reporters report "
            "projects; key tasks are reported by their lead department",
            errors=[{"field": "task_id", "message": "reported by the lead department"}],
        )
    if actor.department_scoped and actor.department_id != task["lead_department_id"]:
        names = dict(
            session.execute(
                text("SELECT id, name FROM departments WHERE id IN (:a, :b)"),
                {"a": actor.department_id or 0, "b": task["lead_department_id"]},
            ).all()
        )
        own, lead = names.get(actor.department_id, "?"), names.get(task["lead_department_id"], "?")
        raise Forbidden(
            f"您是{own}的部门填报员,只能填报{own}牵头的重点任务;任务 {task['code']} 由{lead}牵头 / "
            f"you report for {own} only; task {task['code']} is led by {lead}",
            errors=[{"field": "task_id", "message": f"led by {lead}", "allowed_department": own}],
        )
    return task


def validate_task_report(report: TaskReportInput, *, month: dt.date, today: dt.date) -> list[dict]:
    """Field errors of a task report; empty when valid."""
    errors: list[dict] = []
    if month > today.replace(day=1):
        errors.append(
            {"field": "month", "message": f"不能填报未来月份 {month_label(month)} / cannot report a future month"}
        )
    if report.status not in TASK_STATUS_CODES:
        errors.append(
            {
                "field": "status",
                "message": f"未知的任务状态,可选:{'、'.join(f'{c}({n})' for c, n in _STATUS_NAMES.items())} / "
                "unknown status",
                "allowed": list(TASK_STATUS_CODES),
            }
        )
    if not (report.narrative or "").strip():
        errors.append({"field": "narrative", "message": "请填写本月进展情况 / describe this month's progress"})
    if report.status == "lagging" and not (report.problems or "").strip():
        errors.append(
            {"field": "problems", "message": "任务滞后时请写明存在的问题 / a lagging task needs its problems stated"}
        )
    return errors


def submit_task_report(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    task_id: int,
    month: dt.date,
    report: TaskReportInput,
    today: dt.date | None = None,
) -> tuple[str, bool]:
    """Store a new version of the (task, month) report; (JSON, first for the month). Review and corrections follow
    the project reports' rules (geo.progress.cycle.filing_rules)."""
    task = ensure_may_act_on_task(session, actor=actor, task_id=task_id)
    session.execute(text("SELECT id FROM tasks WHERE id = :id FOR UPDATE"), {"id": task_id})
    today = today or local_today(settings.today)
    errors = validate_task_report(report, month=month, today=today)
    if errors:
        raise InvalidInput(
            "任务进展未保存:"
            + ";".join(e["message"].split(" / ")[0] for e in errors)
            + " / the task report was not saved: "
            + "; ".join(e["field"] for e in errors),
            errors=errors,
        )
    correction, passes = filing_rules(session, settings, month, today=today)
    existing = VERSIONS.latest_version(session, task_id, month)
    VERSIONS.make_room(session, task_id, month, passes=passes)
    version = existing + 1
    state = "passed" if passes else "pending"
    body = session.execute(
        text(f"""
        INSERT INTO task_reports AS r (task_id, month, version, status, narrative, problems, reported_by,
            submitted_by, created_at, review_state, correction, filed_on)
        VALUES (:task_id, :month, :version, :status, :narrative, :problems, :reported_by, :submitted_by,
            clock_timestamp(), :review_state, :correction, :filed_on)
        RETURNING {TASK_REPORT_FIELDS_SQL}::text"""),
        {
            "task_id": task_id,
            "month": month,
            "version": version,
            "status": report.status,
            "narrative": report.narrative.strip(),
            "problems": (report.problems or "").strip() or None,
            "reported_by": (report.reported_by or "").strip() or None,
            "submitted_by": actor.user_id,
            "review_state": state,
            "correction": correction,
            "filed_on": today,  # the app's clock, for 填报及时率 (geo.assessment)
        },
    ).scalar_one()
    audit(
        session,
        actor=actor,
        action="task_report.correct" if existing else "task_report.submit",
        obj=("task", task_id),
        after={
            "task": task["code"],
            "month": month_label(month),
            "version": version,
            "status": f"{report.status} {_STATUS_NAMES.get(report.status, '')}",
            "review_state": state,
            "correction": correction,
        },
    )
    return body, existing == 0


def review_task_report(
    session: Session, *, actor: Principal, task_id: int, month: dt.date, decision: str, reason: str | None = None
) -> str:
    """Pass or return the (task, month) submission awaiting review; passing replaces the passed version."""
    task = require_task(session, task_id)
    reason = review_reason(decision, reason)
    pending = VERSIONS.pending(session, task_id, month)
    if pending is None:
        raise Conflict(
            f"任务 {task['code']} 的 {month_label(month)} 没有待审核的填报 / nothing awaits review for that month"
        )
    body = VERSIONS.decide(
        session, actor=actor, owner_id=task_id, month=month, pending_id=pending.id, decision=decision, reason=reason
    )
    audit(
        session,
        actor=actor,
        action="task_report.pass" if decision == "pass" else "task_report.return",
        obj=("task", task_id),
        after={"task": task["code"], "month": month_label(month), "version": pending.version, "reason": reason},
    )
    return body


def list_task_reports(session: Session, *, task_id: int) -> str:
    """JSON array of each month's passed report and any submission awaiting review or returned, newest first."""
    require_task(session, task_id)
    return VERSIONS.current_json(session, task_id)


def task_report_history(session: Session, *, task_id: int, month: dt.date) -> str:
    """JSON array of every version of one task-month report, the newest first."""
    require_task(session, task_id)
    body = VERSIONS.history_json(session, task_id, month)
    if body is None:
        raise NotFound(f"任务 {task_id} 没有 {month_label(month)} 的月度进展 / no task report for that month")
    return body
