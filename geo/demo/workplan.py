"""Deterministic demo work plans: a monthly plan for the plan year, 2–4 milestones and a leader per demo project.

Consistent with the demo reports (geo.demo.reports), so the lights stay what they were: the planned progress of each
month is the linear plan from the project's dates (the rule the lights used before), the year's planned investment is
spread over the months the project is under way, a milestone the reports reached is done in the month it was reached
(planned in that month too), and the milestones still ahead fall after the plan year, except a stalled project's,
which is overdue since the last demo month (its light is red anyway).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.demo.reports import MILESTONES, TENTH, _apportion_cents, demo_last_month, generate_reports
from geo.periods import add_months, month_end

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "海涛", "志强", "明", "立新", "晓东", "卫东", "红梅", "丽华", "国庆", "振华", "永刚", "洪波", "静")
# (title, the unit after the district's name)
TITLES = (
    ("副市长", "人民政府"),
    ("副区长", "人民政府"),
    ("常务副区长", "人民政府"),
    ("管委会副主任", "管委会"),
    ("局长", "发展和改革局"),
    ("局长", "住房和城乡建设局"),
)
# What each report milestone stands for in the work list, and who usually answers for it.
MILESTONE_NAMES = {
    "开工建设": "取得施工许可并开工建设",
    "主体结构施工": "主体结构施工完成",
    "设备安装": "主要设备安装完成",
    "调试试生产": "调试并试生产",
    "竣工投产": "竣工验收投产",
}


def linear_planned(start: dt.date, end: dt.date, as_of: dt.date) -> Decimal:
    """The linear plan at `as_of`, as geo.progress.state computes it (to 0.1 point)."""
    if as_of <= start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(100)
    share = Decimal(100 * (as_of - start).days) / Decimal(max((end - start).days, 1))
    return share.quantize(TENTH, ROUND_HALF_UP)


def _reach_date(start: dt.date, end: dt.date, threshold: Decimal) -> dt.date:
    span = max((end - start).days, 1)
    return start + dt.timedelta(days=int(span * float(threshold) / 100))


def generate_workplans(projects: list[dict], *, plan_year: int = 2026) -> dict[str, list[dict]]:
    """Rows of 'plans' (code, month, planned_investment, planned_progress), 'milestones' and 'leaders'."""
    path: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for r in generate_reports(projects, plan_year=plan_year):
        path.setdefault(r["code"], []).append((r["month"], r["progress"]))
    last = demo_last_month(plan_year)
    first_report = add_months(last, -11)
    plans, milestones, leaders = [], [], []
    for p in projects:
        rng = random.Random(f"{p['code']}/workplan")
        start, end = p["start_date"], p["end_date"]
        months = [dt.date(plan_year, m, 1) for m in range(1, 13)]
        active = [month_end(m) >= start and m <= end for m in months]
        weights = [(1.0 + rng.uniform(-0.3, 0.3)) if a else 0.0 for a in active]
        if not any(active):
            weights = [1.0] * 12
        amounts = _apportion_cents(Decimal(p["investment_year"]), weights)
        for m, amount in zip(months, amounts, strict=True):
            plans.append(
                {
                    "code": p["code"],
                    "month": m.isoformat(),
                    "planned_investment": str(amount),
                    "planned_progress": str(linear_planned(start, end, month_end(m))),
                }
            )
        done, ahead = [], []
        for threshold, short in MILESTONES:
            if Decimal(p["progress"]) >= threshold:
                month = next((m for m, progress in path.get(p["code"], []) if progress >= threshold), None)
                if month is None or month == first_report:
                    # Reached by the start of the demo history: on the day the linear plan says, or before.
                    before = month_end(add_months(first_report, -1))
                    when = max(min(_reach_date(start, end, threshold), before), min(start, before))
                    done.append((short, when, when))
                else:
                    finished = month.replace(day=rng.randint(10, 25))
                    planned = month.replace(day=rng.randint(1, 28))
                    done.append((short, planned, finished))
            else:
                ahead.append(short)
        count = rng.randint(2, 4)
        upcoming = ahead[:2]
        picked = done[-(count - len(upcoming)) :] if count > len(upcoming) else []
        for short, planned, finished in picked:
            milestones.append(
                {
                    "code": p["code"],
                    "name": MILESTONE_NAMES[short],
                    "planned_date": planned.isoformat(),
                    "done_date": finished.isoformat(),
                    "responsible_unit": p["unit"] or None,
                }
            )
        after_year = dt.date(plan_year + 1, 1, 1)
        for i, short in enumerate(upcoming):
            if p["status"] == "stalled" and i == 0:
                planned = last  # the stalled project's next milestone was due at the start of the last demo month
            else:
                threshold = next(t for t, s in MILESTONES if s == short)
                planned = max(_reach_date(start, end, threshold), after_year + dt.timedelta(days=rng.randint(0, 150)))
            milestones.append(
                {
                    "code": p["code"],
                    "name": MILESTONE_NAMES[short],
                    "planned_date": planned.isoformat(),
                    "done_date": None,
                    "responsible_unit": p["unit"] or None,
                }
            )
        title, unit = rng.choice(TITLES)
        leaders.append(
            {
                "code": p["code"],
                "leader_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "leader_title": title,
                "leader_unit": p["district"] + unit,
            }
        )
    return {"plans": plans, "milestones": milestones, "leaders": leaders}


def seed_demo_workplans(session: Session, *, plan_year: int = 2026) -> int:
    """Give demo projects their demo work plan: demo milestones are replaced; a monthly plan or a leader someone has
    entered is left alone. The number of milestones written."""
    projects = [
        dict(r)
        for r in session.execute(
            text(
                "SELECT p.code, p.status, p.progress, p.start_date, p.end_date, p.investment_total, p.investment_year, "
                "p.unit, d.name AS district FROM projects p JOIN districts d ON d.id = p.district_id "
                "WHERE p.demo AND p.start_date IS NOT NULL AND p.end_date IS NOT NULL ORDER BY p.code"
            )
        ).mappings()
    ]
    made = generate_workplans(projects, plan_year=plan_year)
    payload = {k: json.dumps(v, ensure_ascii=False) for k, v in made.items()}
    # One statement per table over a JSON array, as the demo reports do (row by row is slow at 10,000 projects).
    session.execute(
        text("""
        INSERT INTO progress_plans (project_id, month, planned_investment, planned_progress)
        SELECT p.id, j.month, j.planned_investment, j.planned_progress
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS j(code text, month date, planned_investment numeric,
             planned_progress numeric)
        JOIN projects p ON p.code = j.code
        WHERE NOT EXISTS (SELECT 1 FROM progress_plans pp WHERE pp.project_id = p.id
                          AND pp.month >= make_date(:year, 1, 1) AND pp.month < make_date(:year + 1, 1, 1))"""),
        {"rows": payload["plans"], "year": plan_year},
    )
    session.execute(text("DELETE FROM milestones m USING projects p WHERE m.project_id = p.id AND p.demo AND m.demo"))
    written = session.execute(
        text("""
        INSERT INTO milestones (project_id, name, planned_date, done_date, responsible_unit, demo)
        SELECT p.id, j.name, j.planned_date, j.done_date, j.responsible_unit, true
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS j(code text, name text, planned_date date, done_date date,
             responsible_unit text)
        JOIN projects p ON p.code = j.code"""),
        {"rows": payload["milestones"]},
    ).rowcount
    session.execute(
        text("""
        UPDATE projects p SET leader_name = j.leader_name, leader_title = j.leader_title, leader_unit = j.leader_unit
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS j(code text, leader_name text, leader_title text,
             leader_unit text)
        WHERE p.code = j.code AND p.leader_name IS NULL"""),
        {"rows": payload["leaders"]},
    )
    return written
