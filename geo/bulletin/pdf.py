"""The bulletin as PDF: headline, tables by district and cluster, charts, lagging projects, site photos.

The content is first laid out as plain blocks, so every character is known before the CJK font subset is made.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Table, TableStyle

from geo.bulletin import charts
from geo.bulletin.fonts import register_cjk_font
from geo.bulletin.text import GROUP_HEADER, group_row, headline_text, lagging_row, total_row
from geo.meta import DATA_NOTES

LAGGING_HEADER = ["项目名称", "区市", "责任单位 / 责任人", "进度 / 计划", "亮灯", "存在问题"]


def blocks(data: dict) -> list[tuple]:
    """The bulletin as (kind, …) blocks: title, sub, para, h2, table, image."""
    lights = data["headline"]["by_light"]
    kind = "月度调度" if data["kind"] == "monthly" else "季度通报"
    out: list[tuple] = [
        ("title", "威海市新旧动能转换重点项目工作简报"),
        ("sub", f"{data['title']} · {kind} · 截至 {data['as_of']} · 生成于 {dt.date.today()}"),
        ("para", headline_text(data)),
        *([("para", "数据说明:" + DATA_NOTES["zh"])] if data.get("has_demo") else []),
        ("h2", "一、分区市推进情况(亿元)"),
        (
            "table",
            [GROUP_HEADER] + [group_row(g) for g in data["by_district"]] + [total_row(data)],
            [24, 14, 24, 24, 22, 18, 14, 14],
            set(),
        ),
        ("h2", "二、分产业集群推进情况(亿元)"),
        (
            "table",
            [GROUP_HEADER] + [group_row(g) for g in data["by_cluster"]] + [total_row(data)],
            [38, 12, 22, 22, 20, 16, 12, 12],
            {0},
        ),
        ("h2", "三、图表"),
        ("image", charts.planned_vs_completed(data["by_district"], "分区市年度计划与完成投资"), 170),
        ("image", charts.planned_vs_completed(data["by_cluster"], "分产业集群年度计划与完成投资"), 170),
        ("image", charts.trend(data["trend"], int(data["year"])), 170),
        ("h2", f"四、滞后项目(红灯 {lights.get('red', 0)} 个、黄灯 {lights.get('yellow', 0)} 个)"),
    ]
    if data["lagging"]:
        out.append(
            (
                "table",
                [LAGGING_HEADER] + [lagging_row(x) for x in data["lagging"]],
                [42, 15, 36, 24, 10, 43],
                {0, 2, 3, 5},
            )
        )
    else:
        out.append(("para", "本期无红灯、黄灯项目。"))
    if data["photos"]:
        out.append(("h2", "五、项目建设现场图片"))
        for photo in data["photos"]:
            out += [
                ("para", f"{photo['district']} · {photo['project']} · {photo['taken']:%Y-%m-%d}"),
                ("image", photo["path"].read_bytes(), 90),
            ]
    return out


def _text_of(block: tuple) -> str:
    if block[0] == "table":
        return "".join(str(v) for row in block[1] for v in row)
    return "" if block[0] == "image" else block[1]


def render_pdf(data: dict) -> bytes:
    """PDF bytes of the bulletin."""
    content = blocks(data)
    font = register_cjk_font("".join(_text_of(b) for b in content))
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1, spaceAfter=4),
        "sub": ParagraphStyle(
            "sub", fontName=font, fontSize=10, leading=14, alignment=1, textColor=colors.grey, spaceAfter=14
        ),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4),
        "para": ParagraphStyle("para", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK"),
    }
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=10, wordWrap="CJK")
    story = []
    for block in content:
        if block[0] == "table":
            story.append(_table(block[1], block[2], block[3], font, cell))
        elif block[0] == "image":
            story.append(_image(block[1], block[2]))
        else:
            story.append(Paragraph(escape(block[1]), styles[block[0]]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"威海市重点项目工作简报 {data['period']}",
        author="weihai-warroom",
    )
    doc.build(story)
    return out.getvalue()


def _table(rows: list[list], widths: list[float], wrap: set[int], font: str, cell: ParagraphStyle) -> Table:
    shaped = [
        [Paragraph(escape(str(v)), cell) if i in wrap and r else str(v) for i, v in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    table = Table(shaped, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#08519c")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#bbbbbb")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f6fa")]),
            ]
        )
    )
    return table


def _image(png: bytes, width_mm: float) -> Image:
    img = Image(io.BytesIO(png))
    img.drawWidth, img.drawHeight = width_mm * mm, width_mm * mm * img.imageHeight / img.imageWidth
    return img
