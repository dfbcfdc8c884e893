"""A project's monthly plan (定投资计划): planned investment per month summing to the year's plan, and planned image
progress per month, which the lights read (geo.progress.state) in place of the linear plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.db.sql import project_not_found
from geo.errors import InvalidInput
from geo.periods import parse_month
from geo.settings import Settings

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("9999999999.99")  # the column's numeric(12, 2)


@dataclass(frozen=True)
class MonthPlan:
    """One month of a plan as sent: 'YYYY-MM', planned investment (亿元) and image progress (%), each optional."""

    month: str
    planned_investment: Decimal | None = None
    planned_progress: Decimal | None = None


def check_year(year: int) -> int:
    """The plan's year, refused outside MIN_YEAR..MAX_YEAR."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间 / year must be {MIN_YEAR}–{MAX_YEAR}",
            errors=[{"field": "year", "message": f"{MIN_YEAR}–{MAX_YEAR}"}],
        )
    return year


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def _decimal_ok(value: Decimal, places: int = 2) -> bool:
    return value.is_finite() and value.as_tuple().exponent >= -places


def _stored(session: Session, project_id: int, year: int) -> dict[dt.date, tuple[Decimal | None, Decimal | None]]:
    rows = session.execute(
        text("""
        SELECT month, planned_investment, planned_progress FROM progress_plans
        WHERE project_id = :id AND month >= make_date(:year, 1, 1) AND month < make_date(:year + 1, 1, 1)"""),
        {"id": project_id, "year": year},
    )
    return {r.month: (r.planned_investment, r.planned_progress) for r in rows}


def get_plan(session: Session, *, settings: Settings, project_id: int, year: int | None = None) -> dict:
    """The year's twelve months (empty ones with nulls), their investment sum and its difference from the year plan."""
    year = check_year(year or settings.plan_year)
    project = session.execute(
        text("SELECT id, investment_year FROM projects WHERE id = :id"), {"id": project_id}
    ).one_or_none()
    if project is None:
        raise project_not_found(project_id)
    stored = _stored(session, project_id, year)
    months = []
    for m in range(1, 13):
        investment, progress = stored.get(dt.date(year, m, 1), (None, None))
        months.append({"month": f"{year}-{m:02d}", "planned_investment": investment, "planned_progress": progress})
    total = sum((i for i, _ in stored.values() if i is not None), Decimal("0"))
    year_plan = project.investment_year if year == settings.plan_year else None
    return {
        "project_id": project_id,
        "year": year,
        "plan_year": settings.plan_year,
        "year_plan": year_plan,
        "investment_sum": total,
        "difference": None if year_plan is None else total - year_plan,
        "has_plan": bool(stored),
        "months": months,
    }


def validate_plan(months: list[MonthPlan], *, year: int, year_plan: Decimal | None) -> tuple[dict, list[dict]]:
    """The plan by month (first day) and the field errors; the investment must sum exactly to `year_plan` if given."""
    errors: list[dict] = []
    plan: dict[dt.date, tuple[Decimal | None, Decimal | None]] = {}
    for i, m in enumerate(months):
        field = f"months[{i}]"
        try:
            month = parse_month(m.month)
        except InvalidInput:
            errors.append({"field": f"{field}.month", "message": f"月份“{m.month}”应为 YYYY-MM / month is YYYY-MM"})
            continue
        if month is None or month.year != year:
            errors.append({"field": f"{field}.month", "message": f"{m.month} 不在 {year} 年内 / not in {year}"})
            continue
        if month in plan:
            errors.append({"field": f"{field}.month", "message": f"{m.month} 重复 / {m.month} appears twice"})
            continue
        inv, prog = m.planned_investment, m.planned_progress
        if inv is not None and (not _decimal_ok(inv) or not 0 <= inv <= MAX_AMOUNT):
            errors.append(
                {
                    "field": f"{field}.planned_investment",
                    "message": f"{m.month} 计划投资应为不小于 0 的数,最多两位小数 / investment ≥ 0, 2 decimals",
                }
            )
            inv = None
        if prog is not None and (not _decimal_ok(prog) or not 0 <= prog <= 100):
            errors.append(
                {
                    "field": f"{field}.planned_progress",
                    "message": f"{m.month} 计划形象进度应在 0–100 之间 / planned progress is 0–100",
                }
            )
            prog = None
        if inv is not None or prog is not None:
            plan[month] = (inv, prog)
    last: tuple[dt.date, Decimal] | None = None
    for month in sorted(plan):
        prog = plan[month][1]
        if prog is None:
            continue
        if last and prog < last[1]:
            errors.append(
                {
                    "field": "planned_progress",
                    "message": f"{month:%Y-%m} 计划进度 {_fmt(prog)}% 低于 {last[0]:%Y-%m} 的 {_fmt(last[1])}%,"
                    "计划进度应逐月不减 / planned progress must not fall from month to month",
                }
            )
        last = (month, prog)
    investments = [inv for inv, _ in plan.values() if inv is not None]
    if year_plan is not None and investments and not errors:
        total = sum(investments, Decimal("0"))
        if total != year_plan:
            diff = total - year_plan
            more = "多" if diff > 0 else "少"
            errors.append(
                {
                    "field": "planned_investment",
                    "message": f"各月计划投资合计 {_fmt(total)} 亿元,比年度计划投资 {_fmt(year_plan)} 亿元{more} "
                    f"{_fmt(abs(diff))} 亿元 / the months sum to {_fmt(total)}, the year plan is {_fmt(year_plan)} "
                    f"(difference {_fmt(diff)})",
                    "sum": str(total),
                    "year_plan": str(year_plan),
                    "difference": str(diff),
                }
            )
    return plan, errors


def _changes(before: dict, after: dict) -> list[str]:
    """What changed, one readable line per month and figure."""
    lines = []
    for month in sorted(set(before) | set(after)):
        old, new = before.get(month, (None, None)), after.get(month, (None, None))
        if old[0] != new[0]:
            lines.append(f"{month:%Y-%m} 计划投资 {_fmt(old[0])} → {_fmt(new[0])} 亿元")
        if old[1] != new[1]:
            lines.append(f"{month:%Y-%m} 计划进度 {_fmt(old[1])} → {_fmt(new[1])}%")
    return lines


def put_plan(
    session: Session, *, settings: Settings, actor: Principal, project_id: int, year: int, months: list[MonthPlan]
) -> dict:
    """Replace the year's monthly plan in one go (months left out are cleared); audited with the changed figures."""
    year = check_year(year)
    project = session.execute(
        text("SELECT id, code, name, investment_year FROM projects WHERE id = :id FOR UPDATE"), {"id": project_id}
    ).one_or_none()
    if project is None:
        raise project_not_found(project_id)
    year_plan = project.investment_year if year == settings.plan_year else None
    plan, errors = validate_plan(months, year=year, year_plan=year_plan)
    if errors:
        raise InvalidInput(
            "月度计划未保存:"
            + ";".join(e["message"].split(" / ")[0] for e in errors)
            + " / the monthly plan was not saved",
            errors=errors,
        )
    before = _stored(session, project_id, year)
    session.execute(
        text("""
        DELETE FROM progress_plans
        WHERE project_id = :id AND month >= make_date(:year, 1, 1) AND month < make_date(:year + 1, 1, 1)"""),
        {"id": project_id, "year": year},
    )
    if plan:
        session.execute(
            text("""
            INSERT INTO progress_plans (project_id, month, planned_investment, planned_progress)
            VALUES (:id, :month, :inv, :prog)"""),
            [{"id": project_id, "month": m, "inv": inv, "prog": prog} for m, (inv, prog) in sorted(plan.items())],
        )
    changes = _changes(before, plan)
    if changes:
        audit(
            session,
            actor=actor,
            action="plan.update",
            obj=("project", project_id),
            after={"项目": f"{project.code} {project.name}", "年份": year, "变更": changes},
        )
    return get_plan(session, settings=settings, project_id=project_id, year=year)
