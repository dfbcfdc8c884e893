"""The bulletin as an Excel workbook: the same figures as the PDF, one sheet per table."""

from __future__ import annotations

import io

from openpyxl.styles import Alignment, Font, PatternFill

from geo.bulletin.text import GROUP_HEADER, LIGHT_ZH, STATUS_ZH, group_row, headline_text, total_row
from geo.transfer.sheets import append_row, new_workbook

HEAD_FILL = PatternFill("solid", fgColor="08519C")


def _sheet(wb, title: str, header: list[str], rows: list[list], widths: list[int]):
    ws = wb.create_sheet(title)
    append_row(ws, header)
    for row in rows:
        append_row(ws, row)  # names, 责任单位, 存在问题 and 下步计划 are reporters' text: never formulas
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEAD_FILL
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    ws.freeze_panes = "A2"
    return ws


def render_xlsx(data: dict) -> bytes:
    """XLSX bytes of the bulletin."""
    wb = new_workbook()
    ws = wb.active
    ws.title = "概况"
    h = data["headline"]
    append_row(ws, ["威海市新旧动能转换重点项目工作简报", data["title"]])
    append_row(ws, ["期间", data["period"]])
    append_row(ws, ["截至", data["as_of"]])
    for label, key in (
        ("项目数", "count"),
        ("总投资(亿元)", "investment_total"),
        ("年度计划投资(亿元)", "investment_year"),
        ("年内累计完成投资(亿元)", "completed_year"),
        ("本期完成投资(亿元)", "completed_period"),
        ("完成率%", "completion_rate"),
        ("平均形象进度%", "progress_avg"),
    ):
        append_row(ws, [label, h[key]])
    for code, name in LIGHT_ZH.items():
        append_row(ws, [name, h["by_light"].get(code, 0)])
    for code, name in STATUS_ZH.items():
        append_row(ws, [name, h["by_status"].get(code, 0)])
    append_row(ws, [])
    append_row(ws, [headline_text(data)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 26, 18
    ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=False)

    widths = [22, 8, 14, 14, 12, 10, 8, 8]
    _sheet(wb, "分区市", GROUP_HEADER, [group_row(g) for g in data["by_district"]] + [total_row(data)], widths)
    _sheet(wb, "分产业集群", GROUP_HEADER, [group_row(g) for g in data["by_cluster"]] + [total_row(data)], widths)
    _sheet(wb, "分基地", GROUP_HEADER, [group_row(g) for g in data["by_base"]], widths)
    _sheet(
        wb,
        "滞后项目",
        [
            "项目编号",
            "项目名称",
            "区市",
            "产业集群",
            "责任单位",
            "责任人",
            "建设状态",
            "形象进度%",
            "计划进度%",
            "滞后(百分点)",
            "亮灯",
            "年内完成投资",
            "存在问题",
            "下步计划",
        ],
        [
            [
                x["code"],
                x["name"],
                x["district"],
                x["cluster"],
                x["unit"],
                x["person"],
                STATUS_ZH.get(x["status"]),
                x["progress"],
                x["planned"],
                x["lag"],
                LIGHT_ZH.get(x["light"]),
                x["completed_year"],
                x["problems"],
                x["next_steps"],
            ]
            for x in data["lagging"]
        ],
        [14, 36, 10, 18, 28, 16, 10, 10, 10, 10, 8, 12, 30, 30],
    )
    _sheet(
        wb,
        "月度趋势",
        [
            "月份",
            "当月完成投资",
            "年内累计完成",
            "计划累计(均摊)",
            "平均进度%",
            "平均计划进度%",
            "红灯",
            "黄灯",
            "绿灯",
        ],
        [
            [
                t["month"],
                t["investment_month"],
                t["completed_ytd"],
                t["plan_ytd"],
                t["progress_avg"],
                t["planned_avg"],
                t["red"],
                t["yellow"],
                t["green"],
            ]
            for t in data["trend"]
        ],
        [10, 14, 14, 14, 10, 12, 8, 8, 8],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
