"""Issuing a 简报: the explicit, audited act that gives a period's bulletin its 期号 (numbered per kind and year).

Until it is issued a bulletin is a preview (征求意见稿) and carries no number; issuing never renders anything, so
the number is the same whenever the bulletin is downloaded afterwards.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.db.models import BulletinIssue
from geo.errors import Conflict, InvalidInput
from geo.periods import LOCAL_TZ, Period, add_months, month_label
from geo.progress.cycle import month_state, publish_month
from geo.settings import Settings

KIND_ZH = {"monthly": "月报", "quarterly": "季报"}


def issue_dict(issue: BulletinIssue) -> dict:
    """An issued bulletin as JSON: kind, period, 期号 (year, seq) and who issued it when (Weihai time)."""
    return {
        "kind": issue.kind,
        "period": issue.period,
        "year": issue.year,
        "seq": issue.seq,
        "issued_at": issue.issued_at.astimezone(LOCAL_TZ).isoformat(),
        "issued_on": issue.issued_at.astimezone(LOCAL_TZ).date().isoformat(),
        "issued_by": issue.issued_by_name,
    }


def find_issue(session: Session, period: Period) -> BulletinIssue | None:
    """The period's issue, or None while it is still a preview."""
    return session.scalar(
        select(BulletinIssue).where(BulletinIssue.kind == period.kind, BulletinIssue.period == period.label)
    )


def list_issues(session: Session, *, year: int | None = None) -> list[dict]:
    """Issued bulletins, newest first, optionally of one year."""
    query = select(BulletinIssue).order_by(BulletinIssue.issued_at.desc(), BulletinIssue.id.desc())
    if year is not None:
        query = query.where(BulletinIssue.year == year)
    return [issue_dict(i) for i in session.scalars(query)]


def _has_reports(session: Session, period: Period) -> bool:
    return bool(
        session.scalar(
            text(
                "SELECT EXISTS (SELECT 1 FROM progress_reports WHERE superseded_at IS NULL "
                "AND month BETWEEN CAST(:first AS date) AND CAST(:last AS date))"
            ),
            {"first": period.first, "last": period.last},
        )
    )


def issue_bulletin(
    session: Session, *, settings: Settings, actor: Principal, period: Period, now: dt.datetime | None = None
) -> dict:
    """Give the period's bulletin the next 期号 of its kind and year, audited; a period is issued once only.

    Only closed months are issued (a bulletin of an open month would change under its readers); issuing a monthly
    bulletin marks its month 已发布."""
    # Two planners issuing at once would both read the same max(seq): one waits here for the other's commit.
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('bulletin_issues'))"))
    existing = find_issue(session, period)
    if existing is not None:
        raise Conflict(
            f"{period.title_zh}{KIND_ZH[period.kind]}已于 {issue_dict(existing)['issued_on']} 签发为第 "
            f"{existing.seq} 期 / the {period.label} bulletin was already issued as no. {existing.seq}",
            extensions={"issue": issue_dict(existing)},
        )
    month = period.first
    while month <= period.last:
        if month_state(session, settings, month) == "open":
            raise Conflict(
                f"{month_label(month)} 尚在填报中,请关账后再签发简报 / close {month_label(month)} before issuing"
            )
        month = add_months(month, 1)
    if not _has_reports(session, period):
        raise InvalidInput(
            f"{period.title_zh}尚无填报的月度进度,不能签发 / no reports for {period.label} yet: nothing to issue",
            errors=[{"field": "period", "message": "no reports in the period"}],
        )
    if period.kind == "monthly":
        publish_month(session, settings=settings, actor=actor, month=period.first)
    year = period.last.year
    seq = 1 + (
        session.scalar(
            select(func.coalesce(func.max(BulletinIssue.seq), 0)).where(
                BulletinIssue.kind == period.kind, BulletinIssue.year == year
            )
        )
        or 0
    )
    issue = BulletinIssue(
        kind=period.kind,
        period=period.label,
        year=year,
        seq=seq,
        issued_by=actor.user_id,
        issued_by_name=(actor.display_name or actor.username or "?")[:200],
        **({"issued_at": now} if now is not None else {}),
    )
    session.add(issue)
    session.flush()
    session.refresh(issue)
    audit(
        session,
        actor=actor,
        action="bulletin.issue",
        obj=("bulletin", f"{period.kind}/{period.label}"),
        after={
            "kind": period.kind,
            "period": period.label,
            "year": year,
            "seq": seq,
        },
    )
    session.commit()
    return issue_dict(issue)
