"""A month's report kept in versions, for projects (progress_reports) and key tasks (task_reports) alike: a new
submission replaces the one awaiting review, passing replaces the passed version, and the lists read the same rows.

One rule for both tables, so a task's month is reviewed exactly as a project's is (geo.progress.cycle decides whether
a filing passes at once or awaits review); the callers check rights, validate and audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from geo.accounts.principal import Principal
from geo.progress.state import current_report


@dataclass(frozen=True)
class VersionedReports:
    """The versions of one kind of monthly report: its table, the column naming what it reports on, and its JSON."""

    table: str  # a constant of this code base, never input
    owner: str  # project_id or task_id
    fields_sql: str  # a json_build_object over the row `r`

    def latest_version(self, session: Session, owner_id: int, month: dt.date) -> int:
        """The highest version filed for the month (0 when none)."""
        return session.execute(
            text(f"SELECT COALESCE(max(version), 0) FROM {self.table} WHERE {self.owner} = :id AND month = :month"),
            {"id": owner_id, "month": month},
        ).scalar_one()

    def make_room(self, session: Session, owner_id: int, month: dt.date, *, passes: bool) -> None:
        """Before a new version: supersede the one awaiting review (or returned), and the passed one if this passes."""
        session.execute(
            text(f"""
            UPDATE {self.table} SET superseded_at = clock_timestamp()
            WHERE {self.owner} = :id AND month = :month AND superseded_at IS NULL
              AND (review_state <> 'passed' OR CAST(:passes AS boolean))"""),
            {"id": owner_id, "month": month, "passes": passes},
        )

    def pending(self, session: Session, owner_id: int, month: dt.date) -> Row | None:
        """The submission awaiting review (id, version, correction), locked for the decision, or None."""
        return session.execute(
            text(f"""
            SELECT id, version, correction FROM {self.table}
            WHERE {self.owner} = :id AND month = :month AND superseded_at IS NULL AND review_state = 'pending'
            FOR UPDATE"""),
            {"id": owner_id, "month": month},
        ).one_or_none()

    def decide(
        self,
        session: Session,
        *,
        actor: Principal,
        owner_id: int,
        month: dt.date,
        pending_id: int,
        decision: str,
        reason: str | None,
    ) -> str:
        """Pass or return the pending version (JSON of it after); passing supersedes the passed one first."""
        if decision == "pass":
            session.execute(
                text(f"""
                UPDATE {self.table} r SET superseded_at = clock_timestamp()
                WHERE r.{self.owner} = :id AND r.month = :month AND {current_report()}"""),
                {"id": owner_id, "month": month},
            )
        return session.execute(
            text(f"""
            UPDATE {self.table} r SET review_state = :state, review_reason = :reason, reviewed_by = :by,
                reviewed_at = clock_timestamp()
            WHERE id = :rid RETURNING {self.fields_sql}::text"""),
            {
                "rid": pending_id,
                "state": "passed" if decision == "pass" else "returned",
                "reason": reason,
                "by": actor.user_id,
            },
        ).scalar_one()

    def current_json(self, session: Session, owner_id: int) -> str:
        """JSON array of each month's passed version and any awaiting review or returned, newest first."""
        return session.execute(
            text(f"""
            SELECT COALESCE(json_agg({self.fields_sql} ORDER BY r.month DESC, r.version DESC), '[]'::json)::text
            FROM {self.table} r WHERE r.{self.owner} = :id AND r.superseded_at IS NULL"""),
            {"id": owner_id},
        ).scalar_one()

    def history_json(self, session: Session, owner_id: int, month: dt.date) -> str | None:
        """JSON array of every version of one month, the newest first; None when nothing was filed."""
        return session.execute(
            text(f"""
            SELECT json_agg({self.fields_sql} ORDER BY r.version DESC)::text
            FROM {self.table} r WHERE r.{self.owner} = :id AND r.month = :month"""),
            {"id": owner_id, "month": month},
        ).scalar()
