"""Deterministic demo history: 12 monthly reports per demo project, ending at its current progress.

Consistent with each project's dates: nothing before the start, completion in the month of the end date,
stalled projects flat for their last months; investment follows the progress gains and this year's plan, and the
cumulative never exceeds the total.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.periods import add_months, month_end

DEMO_MONTHS = 12
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

PROBLEMS = (
    "土地指标尚未完全落实",
    "环评手续正在办理",
    "项目资金到位不足",
    "关键设备采购延期",
    "施工许可审批待完成",
    "配套电力接入滞后",
    "用海审批进度偏慢",
    "施工队伍人员不足",
    "设计方案调整",
)
NEXT_STEPS = (
    "加快推进主体工程施工",
    "协调落实建设资金",
    "推进设备安装调试",
    "加快办理前期审批手续",
    "组织专班现场调度",
    "推进配套基础设施建设",
    "做好竣工验收准备",
)
MILESTONES = (
    (Decimal("0.01"), "开工建设"),
    (Decimal(30), "主体结构施工"),
    (Decimal(60), "设备安装"),
    (Decimal(90), "调试试生产"),
    (Decimal(100), "竣工投产"),
)


def demo_last_month(plan_year: int) -> dt.date:
    """The last month of demo history: October of the plan year (the month before the seed's 'now')."""
    return dt.date(plan_year, 10, 1)


def _fraction(month: dt.date, start: dt.date, until: dt.date) -> float:
    """Share of start..until elapsed at the end of `month`, clamped to 0..1."""
    span = max((until - start).days, 1)
    return min(max((month_end(month) - start).days / span, 0.0), 1.0)


def _path(project: dict, months: list[dt.date], rng: random.Random) -> tuple[list[Decimal], list[str]]:
    """Progress and status for each month; the last month equals the project's current progress and status."""
    final, status, start, end = (
        Decimal(project["progress"]),
        project["status"],
        project["start_date"],
        project["end_date"],
    )
    last = months[-1]
    stall_from = add_months(last, -rng.randint(2, 5)) if status == "stalled" else None
    ramp = rng.randint(2, 6)
    raw: list[float] = []
    for m in months:
        if status == "completed":
            f = 1.0 if m >= end.replace(day=1) else min(_fraction(m, start, end), 0.99)
            raw.append(100.0 * f)
        elif status == "planning":
            k = (m.year - last.year) * 12 + m.month - last.month + ramp  # 0 … ramp over the last months
            raw.append(float(final) * max(k, 0) / ramp)
        else:
            reference = min(m, stall_from) if stall_from else m
            until = min(last, stall_from) if stall_from else last
            share = _fraction(reference, start, month_end(until))
            raw.append(float(final) * share * rng.uniform(0.92, 1.06))
    progress: list[Decimal] = []
    ceiling = final
    for value in reversed(raw):  # non-decreasing in time, ending exactly at `final`
        ceiling = min(ceiling, Decimal(str(max(value, 0.0))).quantize(TENTH, ROUND_HALF_UP))
        progress.append(ceiling)
    progress.reverse()
    progress[-1] = final
    statuses = []
    for m, p in zip(months, progress):
        if status == "completed":
            statuses.append("completed" if p == 100 else "construction")
        elif status == "stalled" and m > stall_from:
            statuses.append("stalled")
        elif status == "planning" or month_end(m) < start or p == 0:
            statuses.append("planning")
        else:
            statuses.append("construction")
    statuses[-1] = status
    return progress, statuses


# Share of this year's planned investment completed by October, by status (a plausible spread, not a forecast).
YEAR_SHARE = {"completed": (0.85, 1.0), "construction": (0.6, 0.95), "planning": (0.1, 0.5), "stalled": (0.2, 0.5)}


def _apportion_cents(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Split `total` (whole cents) by weights, largest remainder first; the parts sum to `total` exactly."""
    cents = int(total / CENT)
    if not weights or sum(weights) <= 0:
        weights = [1.0] * max(len(weights), 1)
    raw = [cents * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]


def _investments(
    project: dict, window: list[dt.date], progress: list[Decimal], plan_year: int, rng: random.Random
) -> list[Decimal]:
    """Investment completed in each month of the window (index 0 unused): this year's share of the year plan
    spread by progress gains, earlier months by the total times the gain; cumulative stays within the total."""
    total, year_plan = Decimal(project["investment_total"]), Decimal(project["investment_year"])
    gains = [float(progress[i] - progress[i - 1]) if i else 0.0 for i in range(len(window))]
    this_year = [i for i in range(1, len(window)) if window[i].year == plan_year]
    target = (year_plan * Decimal(str(rng.uniform(*YEAR_SHARE[project["status"]])))).quantize(CENT, ROUND_HALF_UP)
    amounts = [Decimal(0)] * len(window)
    for i, amount in zip(this_year, _apportion_cents(target, [gains[i] for i in this_year])):
        amounts[i] = amount
    for i in range(1, len(window)):
        if window[i].year != plan_year:
            amounts[i] = (total * Decimal(str(gains[i])) / 100 * Decimal("0.8")).quantize(CENT, ROUND_HALF_UP)
    return amounts


REPORT_CHUNK = 200_000  # rows of demo reports per INSERT (about 45 MB of JSON)


def generate_reports(projects: list[dict], *, plan_year: int = 2026, months: int = DEMO_MONTHS) -> list[dict]:
    """Report rows for `months` months ending at demo_last_month(plan_year), one per project and month."""
    last = demo_last_month(plan_year)
    window = [
        add_months(last, i - months) for i in range(months + 1)
    ]  # one month before the window, for the first diff
    rows = []
    for project in projects:
        rng = random.Random(f"{project['code']}/reports")
        progress, statuses = _path(project, window, rng)
        total = Decimal(project["investment_total"])
        amounts = _investments(project, window, progress, plan_year, rng)
        before = (total * progress[0] / 100).quantize(CENT, ROUND_HALF_UP)
        cumulative = max(min(before, total - sum(amounts)), Decimal(0))
        problem = rng.choice(PROBLEMS)
        lagging = project["status"] == "stalled" or rng.random() < 0.25
        for i in range(1, len(window)):
            cumulative += amounts[i]
            reached = [name for threshold, name in MILESTONES if progress[i - 1] < threshold <= progress[i]]
            rows.append(
                {
                    "code": project["code"],
                    "month": window[i],
                    "progress": progress[i],
                    "status": statuses[i],
                    "investment_month": amounts[i],
                    "investment_cumulative": cumulative,
                    "milestone": reached[-1] if reached else None,
                    "problems": problem if lagging and statuses[i] != "completed" and i > len(window) // 2 else None,
                    "next_steps": rng.choice(NEXT_STEPS) if statuses[i] != "completed" else None,
                }
            )
    return rows


def seed_demo_reports(session: Session, *, plan_year: int = 2026) -> int:
    """Replace the current demo reports of demo projects; months someone has reported or corrected are left alone.

    A corrected month always has a current report, so the check needs only current rows: that lets it use the
    partial unique index (without it every insert scanned the table: 327 s for 10,000 projects).
    """
    projects = [
        dict(r)
        for r in session.execute(
            text(
                "SELECT code, status, progress, start_date, end_date, investment_total, investment_year FROM projects "
                "WHERE demo AND start_date IS NOT NULL AND end_date IS NOT NULL ORDER BY code"
            )
        ).mappings()
    ]
    session.execute(
        text(
            "DELETE FROM progress_reports r USING projects p WHERE r.project_id = p.id AND p.demo "
            "AND r.demo AND r.superseded_at IS NULL"
        )
    )
    rows = generate_reports(projects, plan_year=plan_year)
    # One statement per JSON array of REPORT_CHUNK rows: a row-by-row executemany cost ~170 µs a row (120,000 rows at
    # 10,000 projects), and one array of 1.2 million rows (100,000 projects) passes PostgreSQL's 256 MB jsonb limit.
    for start in range(0, len(rows), REPORT_CHUNK):
        chunk = rows[start : start + REPORT_CHUNK]
        payload = json.dumps([{**r, "month": r["month"].isoformat()} for r in chunk], default=str, ensure_ascii=False)
        session.execute(
            text("""
            INSERT INTO progress_reports (project_id, month, version, progress, investment_month, investment_cumulative,
                                          status, milestone, problems, next_steps, reported_by, demo)
            SELECT p.id, j.month, 1, j.progress, j.investment_month, j.investment_cumulative, j.status, j.milestone,
                   j.problems, j.next_steps, '演示数据', true
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS j(code text, month date, progress numeric,
                 investment_month numeric, investment_cumulative numeric, status text, milestone text, problems text,
                 next_steps text)
            JOIN projects p ON p.code = j.code
            WHERE NOT EXISTS (SELECT 1 FROM progress_reports r
                              WHERE r.project_id = p.id AND r.month = j.month AND r.superseded_at IS NULL)"""),
            {"rows": payload},
        )
    return len(rows)
