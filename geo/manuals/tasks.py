"""重点任务推进手册: the key tasks grouped by category (in the enum's order), each with its lead and cooperating
units, districts, clusters, deliverable, measurable target, deadline, milestones and the projects that carry it out."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.bulletin.text import CN_NUM, zh, zh_date
from geo.enums import TASK_CATEGORIES, TASK_CATEGORY_CODES, TASK_SOURCES
from geo.errors import UnknownValue
from geo.files import Download
from geo.manuals import render
from geo.periods import local_today
from geo.settings import Settings
from geo.tasks.departments import department_names, find_department

TITLE = "重点任务推进手册"
MAX_ID = 2**31 - 1
SOURCE_ZH = {s.code: s.name for s in TASK_SOURCES}
CATEGORY_ZH = {c.code: c.name for c in TASK_CATEGORIES}
DEMO_NOTE = "说明：本手册所列重点任务及其关联项目为演示数据，非正式下达的任务清单。"
COLUMNS = [
    ("序号", render.COUNT, 6),
    ("任务类别", None, 16),
    ("任务编号", None, 10),
    ("任务名称", None, 40),
    ("来源", None, 8),
    ("牵头单位", None, 20),
    ("配合单位", None, 30),
    ("涉及区市", None, 20),
    ("服务产业集群", None, 20),
    ("成果形式", None, 24),
    ("量化目标", None, 30),
    ("完成时限", render.DATE, 12),
    ("阶段节点", None, 40),
    ("关联项目", None, 50),
]


def manual_tasks(session: Session, *, department: str | None = None, category: str | None = None) -> list[dict]:
    """The tasks to print, by category order then code; `department` (lead: id, code, name or alias), `category`."""
    clauses, params = ["true"], {"categories": list(TASK_CATEGORY_CODES)}
    if category:
        if category not in TASK_CATEGORY_CODES:
            raise UnknownValue("category", category, TASK_CATEGORY_CODES)
        clauses.append("t.category = :category")
        params["category"] = category
    if department:
        # find_department reads any str.isdigit() key as an id: one that is not a plain int4 is no department.
        if department.isdigit() and not (department.isascii() and int(department) <= MAX_ID):
            raise UnknownValue("department", department, department_names(session))
        clauses.append("t.lead_department_id = :department")
        params["department"] = find_department(session, department)["id"]
    body = session.execute(
        text(f"""
        SELECT COALESCE(json_agg(json_build_object(
            'code', t.code, 'title', t.title, 'source', t.source, 'category', t.category, 'lead', ld.name,
            'cooperators', COALESCE((SELECT json_agg(cd.name ORDER BY cd.code) FROM task_cooperators tc
                JOIN departments cd ON cd.id = tc.department_id WHERE tc.task_id = t.id), '[]'::json),
            'districts', to_json(t.districts), 'clusters', to_json(t.clusters),
            'deliverable', t.deliverable, 'target', t.target, 'deadline', t.deadline, 'milestones', t.milestones,
            'projects', COALESCE((SELECT json_agg(json_build_object('code', p.code, 'name', p.name) ORDER BY p.code)
                FROM task_projects tp JOIN projects p ON p.id = tp.project_id WHERE tp.task_id = t.id), '[]'::json),
            'demo', t.demo)
            ORDER BY array_position(CAST(:categories AS text[]), t.category), t.code), '[]'::json)::text
        FROM tasks t JOIN departments ld ON ld.id = t.lead_department_id
        WHERE {" AND ".join(clauses)}"""),
        params,
    ).scalar_one()
    return json.loads(body)


def _month_zh(month: str) -> str:
    year, m = month.split("-")
    return f"{year}年{int(m)}月"


def milestone_lines(t: dict) -> list[str]:
    """'2026年3月：形成初步成果' per milestone, in the task's order."""
    return [f"{_month_zh(m['month'])}：{zh(m.get('text'))}" for m in t["milestones"] or [] if m.get("month")]


def _joined(values: list[str]) -> str:
    return "、".join(zh(v) for v in values) or "—"


def fields(t: dict) -> list[tuple[str, str]]:
    """The task's record as (label, value) lines of the manual."""
    return [
        ("任务来源", SOURCE_ZH.get(t["source"], t["source"])),
        ("牵头单位", zh(t["lead"])),
        ("配合单位", _joined(t["cooperators"])),
        ("涉及区市", _joined(t["districts"]) if t["districts"] else "全市"),
        ("服务产业集群", _joined(t["clusters"])),
        ("成果形式", zh(t["deliverable"]) or "—"),
        ("量化目标", zh(t["target"]) or "—"),
        ("完成时限", zh_date(dt.date.fromisoformat(t["deadline"]))),
        ("阶段节点", "\n".join(milestone_lines(t)) or "—"),
        ("关联项目", "\n".join(f"{p['code']}　{zh(p['name'])}" for p in t["projects"]) or "—"),
    ]


def _groups(tasks: list[dict]) -> list[tuple[str, list[dict]]]:
    by: dict[str, list[dict]] = {}
    for t in tasks:
        by.setdefault(t["category"], []).append(t)
    return [(code, by[code]) for code in TASK_CATEGORY_CODES if code in by]


def _heading(i: int, code: str, n: int) -> str:
    number = CN_NUM[i] if i < len(CN_NUM) else str(i + 1)
    return f"{number}、{CATEGORY_ZH[code]}（{n}项）"


def blocks(tasks: list[dict], *, settings: Settings, today: dt.date) -> list[tuple]:
    """The manual as geo.bulletin.pdf blocks: cover and 目录, then one section per category, one record per task."""
    groups = _groups(tasks)
    headings = [_heading(i, code, len(ts)) for i, (code, ts) in enumerate(groups)]
    out = render.head_blocks(settings, TITLE, today, _note(tasks), headings)
    if not tasks:
        out.append(("para", "没有符合条件的重点任务。"))
    for heading, (_, ts) in zip(headings, groups, strict=True):
        for i, t in enumerate(ts):
            # The category's heading goes with its first task, never alone at a page's foot.
            record = [("h2", heading)] if i == 0 else []
            record += [("h3", f"{t['code']}　{zh(t['title'])}"), ("fields", fields(t))]
            out.append(("keep", record))
    return out


def _note(tasks: list[dict]) -> str | None:
    return DEMO_NOTE if any(t["demo"] for t in tasks) else None


def _row(n: int, t: dict) -> list:
    return [
        n,
        CATEGORY_ZH[t["category"]],
        t["code"],
        t["title"],
        SOURCE_ZH.get(t["source"], t["source"]),
        t["lead"],
        "、".join(t["cooperators"]),
        "、".join(t["districts"]) or "全市",
        "、".join(t["clusters"]),
        t["deliverable"],
        t["target"],
        dt.date.fromisoformat(t["deadline"]),
        "；".join(milestone_lines(t)),
        "；".join(f"{p['code']} {p['name']}" for p in t["projects"]),
    ]


def task_manual(
    session: Session,
    *,
    settings: Settings,
    fmt: str,
    department: str | None = None,
    category: str | None = None,
    today: dt.date | None = None,
) -> Download:
    """The task manual as PDF or Excel (one sheet, the category a column), optionally one department's or category's."""
    from geo.bulletin.xlsx import styled_sheet

    render.check_format(fmt)
    tasks = manual_tasks(session, department=department, category=category)
    today = today or local_today(settings.today)
    if fmt == "pdf":
        from geo.bulletin.pdf import render_blocks

        content = render_blocks(
            blocks(tasks, settings=settings, today=today), title=TITLE, author=settings.bulletin_issuer
        )
    else:
        wb = render.workbook()
        render.info_sheet(wb, TITLE, settings, today, _note(tasks), "任务数", len(tasks))
        styled_sheet(wb, "重点任务", COLUMNS, [_row(n, t) for n, t in enumerate(tasks, 1)])
        content = render.save(wb)
    return render.download(content, fmt, f"{TITLE}-{settings.plan_year}")
