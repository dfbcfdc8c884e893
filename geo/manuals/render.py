"""What the two manuals share: the official head (title, 发文单位, date), the demo note, formats and the Excel sheet.

The PDF is laid out by geo.bulletin.pdf.render_blocks (its faces, font subsets, page numbers and 目录), the Excel
written through geo.transfer.sheets (text cells never become formulas) with the bulletin's styled sheets.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl.styles import Font

from geo.bulletin.text import zh_date
from geo.errors import InvalidInput
from geo.files import PDF, XLSX, Download
from geo.settings import Settings
from geo.transfer.sheets import append_row, new_workbook

FORMATS = {"pdf": PDF, "xlsx": XLSX}
MONEY, DATE, COUNT = "0.00", "yyyy-mm-dd", "0"


def check_format(fmt: str) -> str:
    """pdf or xlsx, else InvalidInput naming both."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"推进手册格式只支持 pdf 或 xlsx,收到 {fmt!r} / format must be pdf or xlsx",
            errors=[{"field": "format", "message": "pdf or xlsx", "allowed": list(FORMATS)}],
        )
    return fmt


def head_blocks(settings: Settings, title: str, today: dt.date, note: str | None, toc: list[str]) -> list[tuple]:
    """Cover of a manual: red title, the plan year, 发文单位 and date, the data note, then the 目录 on its own page."""
    # 黑体 throughout (cover, headings, records): two font subsets, about half the render time of the bulletin's four.
    return [
        ("cover", title, f"（{settings.plan_year}年）", settings.bulletin_issuer, zh_date(today), note or ""),
        ("toc", "目　录", toc),
        ("pagebreak", ""),
    ]


def info_sheet(wb, title: str, settings: Settings, today: dt.date, note: str | None, count_label: str, count: int):
    """The first sheet: the manual's title, 发文单位, date, how many entries and the data note."""
    ws = wb.active
    ws.title = "说明"
    for row in (
        [title, f"{settings.plan_year}年"],
        ["发文单位", settings.bulletin_issuer],
        ["编印日期", today],
        [count_label, count],
        ["说明", note or ""],
    ):
        append_row(ws, row)
    ws["A1"].font = Font(bold=True, size=14)
    ws["B3"].number_format = DATE
    ws["B4"].number_format = COUNT
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 24, 60


def workbook():
    """A new workbook (its first sheet to be the 说明)."""
    return new_workbook()


def save(wb) -> bytes:
    """The workbook's bytes."""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(content: bytes, fmt: str, name: str) -> Download:
    """The manual as a download named `name`.<fmt>."""
    return Download(content, FORMATS[fmt], f"{name}.{fmt}")
