"""The monthly / quarterly 工作简报: the dashboard figures rendered as PDF (reportlab) and Excel (openpyxl)."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geo.db.models import Project
from geo.errors import InvalidInput
from geo.files import PDF, XLSX, Download
from geo.periods import Period
from geo.progress.dashboard import dashboard_json
from geo.settings import Settings

FORMATS = {"pdf": PDF, "xlsx": XLSX}


def bulletin_data(session: Session, *, settings: Settings, period: Period) -> dict:
    """The dashboard figures of the period, numbers as exact Decimals, plus one recent photo per district."""
    from geo.bulletin.photos import recent_photo_per_district

    data = json.loads(dashboard_json(session, settings=settings, period=period), parse_float=Decimal, parse_int=Decimal)
    data["title"] = period.title_zh
    data["photos"] = recent_photo_per_district(session, settings=settings, until=period.end)
    data["has_demo"] = bool(session.scalar(select(func.bool_or(Project.demo))))
    return data


def render_bulletin(session: Session, *, settings: Settings, period: Period, fmt: str) -> Download:
    """The period's bulletin as PDF or Excel."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"简报格式只支持 pdf 或 xlsx,收到 {fmt!r} / format must be pdf or xlsx",
            errors=[{"field": "format", "message": "pdf or xlsx", "allowed": list(FORMATS)}],
        )
    data = bulletin_data(session, settings=settings, period=period)
    if fmt == "pdf":
        from geo.bulletin.pdf import render_pdf

        content = render_pdf(data)
    else:
        from geo.bulletin.xlsx import render_xlsx

        content = render_xlsx(data)
    return Download(content, FORMATS[fmt], f"weihai-bulletin-{period.label}.{fmt}")
