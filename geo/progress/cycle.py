"""The monthly dispatch cycle (每月调度): each month is 填报中, then 已关账, then 已发布; which month is due and which
month the city sees.

A month opens when it begins, is due on `report_due_day` of the next month, and closes by a planner's hand or by
itself `report_close_grace_days` later. What the city sees by default (最新) is the latest closed month: a report
filed early for an open month changes nothing there until the month closes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.errors import Conflict, InvalidInput
from geo.periods import add_months, local_today, month_end, month_label
from geo.settings import Settings

HISTORY_MONTHS = 24  # months listed by the period overview


def due_date(settings: Settings, month: dt.date) -> dt.date:
    """The day a month's reports are due: report_due_day of the next month."""
    return add_months(month, 1).replace(day=settings.report_due_day)


def closes_on(settings: Settings, month: dt.date) -> dt.date:
    """The first day on which a month not closed by hand counts as closed."""
    return due_date(settings, month) + dt.timedelta(days=settings.report_close_grace_days + 1)


def state_of(settings: Settings, month: dt.date, row: dict | None, today: dt.date) -> str:
    """open | closed | published for a month, from its stored row (if any) and the date; future months are open."""
    if row and row.get("published_at"):
        return "published"
    if (row and row.get("closed_at")) or today >= closes_on(settings, month):
        return "closed"
    return "open"


def _rows(session: Session, first: dt.date, last: dt.date) -> dict[dt.date, dict]:
    found = session.execute(
        text("""
        SELECT rp.month, rp.closed_at, rp.published_at, cu.display_name AS closed_by, pu.display_name AS published_by
        FROM reporting_periods rp
        LEFT JOIN users cu ON cu.id = rp.closed_by LEFT JOIN users pu ON pu.id = rp.published_by
        WHERE rp.month BETWEEN :first AND :last"""),
        {"first": first, "last": last},
    ).mappings()
    return {r["month"]: dict(r) for r in found}


def month_state(session: Session, settings: Settings, month: dt.date, *, today: dt.date | None = None) -> str:
    """The state of one month today."""
    today = today or local_today(settings.today)
    return state_of(settings, month, _rows(session, month, month).get(month), today)


def filing_rules(
    session: Session, settings: Settings, month: dt.date, *, today: dt.date | None = None
) -> tuple[bool, bool]:
    """(correction, passes) for a report filed now for `month`, whatever its subject (a project or a key task): a
    closed month's report is a correction awaiting approval; with review on, every report waits for a planner."""
    correction = month_state(session, settings, month, today=today) != "open"
    return correction, not correction and not settings.report_review


def review_reason(decision: str, reason: str | None) -> str | None:
    """The checked reason of a planner's decision on any report: pass, or return with a reason the reporter reads."""
    if decision not in ("pass", "return"):
        raise InvalidInput(
            "审核结论应为 pass(通过)或 return(退回)/ decision must be pass or return",
            errors=[{"field": "decision", "message": "expected pass | return"}],
        )
    reason = (reason or "").strip() or None
    if decision == "return" and not reason:
        raise InvalidInput(
            "退回时请写明原因,填报员将据此修改 / give the reason for returning the report",
            errors=[{"field": "reason", "message": "required when returning"}],
        )
    return reason


# The tables of monthly reports on this cycle: closing a month counts what still awaits review in each.
REPORT_TABLES = ("progress_reports", "task_reports")


def due_month(session: Session, settings: Settings, *, today: dt.date | None = None) -> dt.date:
    """The month the forms, the photo box and the reminders default to: last month while it is open, else this one."""
    today = today or local_today(settings.today)
    this = today.replace(day=1)
    last = add_months(this, -1)
    return last if month_state(session, settings, last, today=today) == "open" else this


def shown_month(session: Session, settings: Settings, *, today: dt.date | None = None) -> dt.date:
    """The month 最新 means: the latest closed (or published) month up to last month."""
    today = today or local_today(settings.today)
    last = add_months(today.replace(day=1), -1)
    if month_state(session, settings, last, today=today) != "open":
        return last
    closed = session.execute(
        text("SELECT max(month) FROM reporting_periods WHERE closed_at IS NOT NULL AND month < :last"), {"last": last}
    ).scalar()
    # Last month is open, so the one before it closed by the date (grace < a month) unless closed by hand later.
    return max(closed or dt.date.min, add_months(last, -1))


def periods_overview(session: Session, settings: Settings, *, today: dt.date | None = None) -> dict:
    """Today's due and shown months and the recent months with their states, due days and closing details."""
    today = today or local_today(settings.today)
    this = today.replace(day=1)
    first = add_months(this, 1 - HISTORY_MONTHS)
    rows = _rows(session, first, this)
    months = []
    for i in range(HISTORY_MONTHS):
        month = add_months(this, -i)
        row = rows.get(month) or {}
        state = state_of(settings, month, row, today)
        months.append(
            {
                "month": month_label(month),
                "state": state,
                "due_date": due_date(settings, month).isoformat(),
                "closes_on": closes_on(settings, month).isoformat(),
                "ended": today > month_end(month),
                "closed_at": row["closed_at"].isoformat() if row.get("closed_at") else None,
                "closed_by": row.get("closed_by"),
                "auto_closed": state != "open" and not row.get("closed_at"),
                "published_at": row["published_at"].isoformat() if row.get("published_at") else None,
                "published_by": row.get("published_by"),
            }
        )
    return {
        "today": today.isoformat(),
        "due_month": month_label(due_month(session, settings, today=today)),
        "shown_month": month_label(shown_month(session, settings, today=today)),
        "review": settings.report_review,
        "months": months,
    }


def close_month(
    session: Session, *, settings: Settings, actor: Principal, month: dt.date, today: dt.date | None = None
) -> dict:
    """Close a month that has ended (409 when already closed); later changes to it are corrections for approval."""
    today = today or local_today(settings.today)
    if today <= month_end(month):
        raise InvalidInput(
            f"{month_label(month)} 尚未结束,不能关账 / {month_label(month)} has not ended yet",
            errors=[{"field": "month", "message": "month not ended"}],
        )
    row = session.execute(
        text("SELECT closed_at FROM reporting_periods WHERE month = :m FOR UPDATE"), {"m": month}
    ).one_or_none()
    if (row and row.closed_at) or today >= closes_on(settings, month):
        raise Conflict(f"{month_label(month)} 已关账 / {month_label(month)} is already closed")
    session.execute(
        text("""
        INSERT INTO reporting_periods (month, closed_at, closed_by) VALUES (:m, clock_timestamp(), :by)
        ON CONFLICT (month) DO UPDATE SET closed_at = EXCLUDED.closed_at, closed_by = EXCLUDED.closed_by"""),
        {"m": month, "by": actor.user_id},
    )
    pending = {
        table: session.execute(
            text(
                f"SELECT count(*) FROM {table} WHERE month = :m AND superseded_at IS NULL AND review_state = 'pending'"
            ),
            {"m": month},
        ).scalar_one()
        for table in REPORT_TABLES
    }
    audit(
        session,
        actor=actor,
        action="period.close",
        obj=("period", month_label(month)),
        after={"pending": pending["progress_reports"], "tasks_pending": pending["task_reports"]},
    )
    return {
        "month": month_label(month),
        "state": "closed",
        "pending": pending["progress_reports"],
        "tasks_pending": pending["task_reports"],
    }


def publish_month(session: Session, *, settings: Settings, actor: Principal, month: dt.date) -> None:
    """Mark a closed month's bulletin as issued (已发布); a month closed by the date gets its row here."""
    if month_state(session, settings, month) == "open":
        raise Conflict(f"{month_label(month)} 尚未关账,不能发布简报 / close {month_label(month)} before issuing")
    session.execute(
        text("""
        INSERT INTO reporting_periods (month, closed_at, published_at, published_by)
        VALUES (:m, clock_timestamp(), clock_timestamp(), :by)
        ON CONFLICT (month) DO UPDATE SET published_at = COALESCE(reporting_periods.published_at, clock_timestamp()),
            published_by = COALESCE(reporting_periods.published_by, EXCLUDED.published_by)"""),
        {"m": month, "by": actor.user_id},
    )
    audit(session, actor=actor, action="period.publish", obj=("period", month_label(month)))
