"""重大项目推进手册: the projects grouped by reporting district (in the enum's order), each with its cluster,
investment, the plan year's monthly investment plan, milestones, responsible unit, contact and 分包责任人."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.bulletin.text import CN_NUM, money, zh, zh_date
from geo.db.sql import JOIN_REPORTING_DISTRICT
from geo.enums import DISTRICT_NAMES
from geo.errors import UnknownValue
from geo.files import Download
from geo.manuals import render
from geo.periods import local_today
from geo.settings import Settings

TITLE = "重大项目推进手册"
DEMO_NOTE = "说明：本手册所列项目及其投资计划、节点和责任人为演示数据，非真实项目。"
MONTHS = [f"{m}月" for m in range(1, 13)]
PLAN_WIDTHS = [13, *([10.5] * 12), 21]  # 160 mm: a label, twelve months, the year's sum
MILESTONE_HEADER = ["节点名称", "计划完成", "实际完成", "责任单位"]
MILESTONE_WIDTHS = [58, 26, 26, 50]


def manual_projects(session: Session, *, settings: Settings, district: str | None = None) -> list[dict]:
    """The projects to print, by district (enum order) then code, with the plan year's months and milestones."""
    params: dict = {"districts": list(DISTRICT_NAMES), "year": settings.plan_year}
    where = "true"
    if district:
        if district not in DISTRICT_NAMES:
            raise UnknownValue("district", district, DISTRICT_NAMES)
        where, params["district"] = "d.name = :district", district
    body = session.execute(
        text(f"""
        SELECT COALESCE(json_agg(json_build_object(
            'code', p.code, 'name', p.name, 'district', d.name, 'cluster', c.name,
            'investment_total', p.investment_total, 'investment_year', p.investment_year,
            'unit', p.unit, 'person', p.person, 'leader_name', p.leader_name, 'leader_title', p.leader_title,
            'leader_unit', p.leader_unit, 'start_date', p.start_date, 'end_date', p.end_date, 'demo', p.demo,
            'plan', (SELECT json_object_agg(EXTRACT(month FROM pp.month)::int, pp.planned_investment)
                FROM progress_plans pp WHERE pp.project_id = p.id AND pp.planned_investment IS NOT NULL
                  AND pp.month >= make_date(:year, 1, 1) AND pp.month < make_date(:year + 1, 1, 1)),
            'milestones', COALESCE((SELECT json_agg(json_build_object('name', m.name, 'planned', m.planned_date,
                'done', m.done_date, 'unit', m.responsible_unit) ORDER BY m.planned_date, m.id)
                FROM milestones m WHERE m.project_id = p.id), '[]'::json))
            ORDER BY array_position(CAST(:districts AS text[]), d.name), p.code), '[]'::json)::text
        FROM projects p {JOIN_REPORTING_DISTRICT} JOIN industry_clusters c ON c.id = p.cluster_id
        WHERE {where}"""),
        params,
    ).scalar_one()
    projects = json.loads(body, parse_float=Decimal)
    for p in projects:
        plan = p["plan"] or {}
        p["plan"] = [None if plan.get(str(m)) is None else Decimal(str(plan[str(m)])) for m in range(1, 13)]
    return projects


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _zh_date(iso: str | None) -> str:
    return zh_date(_date(iso)) if iso else "—"


def leader(p: dict) -> str:
    """分包责任人 as printed: 'name（title，unit）', or — when none is set."""
    if not p["leader_name"]:
        return "—"
    extra = "，".join(zh(x) for x in (p["leader_title"], p["leader_unit"]) if x)
    return zh(p["leader_name"]) + (f"（{extra}）" if extra else "")


def fields(p: dict, year: int) -> list[tuple[str, str]]:
    """The project's record as (label, value) lines of the manual."""
    return [
        ("产业集群", zh(p["cluster"])),
        ("总投资", f"{money(p['investment_total'])}亿元"),
        (f"{year}年计划投资", f"{money(p['investment_year'])}亿元"),
        ("建设起止", f"{_zh_date(p['start_date'])}至{_zh_date(p['end_date'])}"),
        ("责任单位", zh(p["unit"]) or "—"),
        ("联系人", zh(p["person"]) or "—"),
        ("分包责任人", leader(p)),
    ]


def plan_rows(p: dict) -> list[list[str]]:
    """The compact monthly plan: months across, 亿元 beneath, the year's sum at the end."""
    values = [money(v) if v is not None else "—" for v in p["plan"]]
    total = sum((v for v in p["plan"] if v is not None), Decimal("0"))
    return [["月份", *MONTHS, "合计"], ["计划投资", *values, money(total)]]


def milestone_rows(p: dict) -> list[list[str]]:
    """One row per milestone: name, planned and done dates (未完成 when not yet), responsible unit."""
    return [
        [zh(m["name"]), _zh_date(m["planned"]), _zh_date(m["done"]) if m["done"] else "未完成", zh(m["unit"]) or "—"]
        for m in p["milestones"]
    ]


def _groups(projects: list[dict]) -> list[tuple[str, list[dict]]]:
    by: dict[str, list[dict]] = {}
    for p in projects:
        by.setdefault(p["district"], []).append(p)
    return [(name, by[name]) for name in DISTRICT_NAMES if name in by]


def _heading(i: int, name: str, n: int) -> str:
    number = CN_NUM[i] if i < len(CN_NUM) else str(i + 1)
    return f"{number}、{name}（{n}个）"


def _note(projects: list[dict]) -> str | None:
    return DEMO_NOTE if any(p["demo"] for p in projects) else None


def blocks(projects: list[dict], *, settings: Settings, today: dt.date) -> list[tuple]:
    """The manual as geo.bulletin.pdf blocks: cover and 目录, then one section per district, one record per project."""
    groups = _groups(projects)
    headings = [_heading(i, name, len(ps)) for i, (name, ps) in enumerate(groups)]
    out = render.head_blocks(settings, TITLE, today, _note(projects), headings)
    if not projects:
        out.append(("para", "没有符合条件的项目。"))
    for heading, (_, ps) in zip(headings, groups, strict=True):
        for i, p in enumerate(ps):
            # The district's heading goes with its first project, never alone at a page's foot.
            record = [("h2", heading)] if i == 0 else []
            record += [
                ("h3", f"{p['code']}　{zh(p['name'])}"),
                ("fields", fields(p, settings.plan_year)),
                ("unit", f"{settings.plan_year}年月度投资计划（亿元）"),
                ("table", plan_rows(p), PLAN_WIDTHS, set(), False),
            ]
            if p["milestones"]:
                record.append(("table", [MILESTONE_HEADER, *milestone_rows(p)], MILESTONE_WIDTHS, {0, 3}, False))
            out.append(("keep", record))  # a project's record on one page, never its plan apart from its name
    return out


PROJECT_COLUMNS = [
    ("序号", render.COUNT, 6),
    ("区市", None, 10),
    ("项目编号", None, 14),
    ("项目名称", None, 36),
    ("产业集群", None, 18),
    ("总投资（亿元）", render.MONEY, 12),
    ("年度计划投资（亿元）", render.MONEY, 12),
    *((f"{m}计划投资（亿元）", render.MONEY, 10) for m in MONTHS),
    ("责任单位", None, 26),
    ("联系人", None, 16),
    ("分包责任人", None, 10),
    ("职务", None, 16),
    ("单位", None, 22),
    ("开工日期", render.DATE, 12),
    ("竣工日期", render.DATE, 12),
]
MILESTONE_COLUMNS = [
    ("区市", None, 10),
    ("项目编号", None, 14),
    ("项目名称", None, 36),
    ("节点名称", None, 30),
    ("计划完成", render.DATE, 12),
    ("实际完成", render.DATE, 12),
    ("责任单位", None, 26),
]


def _row(n: int, p: dict) -> list:
    return [
        n,
        p["district"],
        p["code"],
        p["name"],
        p["cluster"],
        p["investment_total"],
        p["investment_year"],
        *p["plan"],
        p["unit"],
        p["person"],
        p["leader_name"],
        p["leader_title"],
        p["leader_unit"],
        _date(p["start_date"]),
        _date(p["end_date"]),
    ]


def _milestone_rows(projects: list[dict]) -> list[list]:
    return [
        [p["district"], p["code"], p["name"], m["name"], _date(m["planned"]), _date(m["done"]), m["unit"]]
        for p in projects
        for m in p["milestones"]
    ]


def project_manual(
    session: Session, *, settings: Settings, fmt: str, district: str | None = None, today: dt.date | None = None
) -> Download:
    """The project manual as PDF or Excel (projects with the district a column, and their milestones)."""
    from geo.bulletin.xlsx import styled_sheet

    render.check_format(fmt)
    projects = manual_projects(session, settings=settings, district=district)
    today = today or local_today(settings.today)
    if fmt == "pdf":
        from geo.bulletin.pdf import render_blocks

        content = render_blocks(
            blocks(projects, settings=settings, today=today), title=TITLE, author=settings.bulletin_issuer
        )
    else:
        wb = render.workbook()
        render.info_sheet(wb, TITLE, settings, today, _note(projects), "项目数", len(projects))
        styled_sheet(wb, "重大项目", PROJECT_COLUMNS, [_row(n, p) for n, p in enumerate(projects, 1)])
        styled_sheet(wb, "项目节点", MILESTONE_COLUMNS, _milestone_rows(projects))
        content = render.save(wb)
    return render.download(content, fmt, f"{TITLE}-{settings.plan_year}")
