"""The bulletin as an Excel workbook: the same figures as the PDF, numbers stored as numbers with number formats.

Amounts are 亿元 with two decimals (0.00), rates and progress real fractions shown as 0.0%, so a column sorts and sums;
every row goes through geo.transfer.sheets.append_row, which keeps reporters' text from becoming a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from geo.bulletin.text import LIGHT_ZH, STATUS_ZH, completeness_paragraphs, overview_paragraphs, zh
from geo.enums import PROBLEM_STATES
from geo.transfer.sheets import append_row, new_workbook

HEAD_FILL = PatternFill("solid", fgColor="DCE3EC")
MONEY, RATE, COUNT, POINTS, DATE = "0.00", "0.0%", "0", "0.0", "yyyy-mm-dd"
PROBLEM_STATE_ZH = {s.code: s.name for s in PROBLEM_STATES}
GROUP_COLUMNS = [
    ("名称", None, 22),
    ("项目数", COUNT, 8),
    ("年度计划投资（亿元）", MONEY, 14),
    ("年内累计完成（亿元）", MONEY, 14),
    ("本期完成（亿元）", MONEY, 12),
    ("完成率", RATE, 10),
    ("红灯", COUNT, 7),
    ("黄灯", COUNT, 7),
]
LIGHT_COLUMNS = [
    ("项目编号", None, 14),
    ("项目名称", None, 40),
    ("区市", None, 10),
    ("产业集群", None, 18),
    ("责任单位", None, 30),
    ("责任人", None, 16),
    ("建设状态", None, 10),
    ("形象进度", RATE, 10),
    ("计划进度", RATE, 10),
    ("滞后（百分点）", POINTS, 12),
    ("年度计划投资（亿元）", MONEY, 14),
    ("年内完成投资（亿元）", MONEY, 14),
    ("存在问题", None, 34),
    ("下步打算", None, 34),
]


COORDINATION_COLUMNS = [
    ("项目编号", None, 14),
    ("项目名称", None, 40),
    ("区市", None, 10),
    ("问题", None, 40),
    ("牵头协调部门", None, 22),
    ("协调事项", None, 30),
    ("来源月份", None, 10),
    ("办结时限", DATE, 12),
    ("状态", None, 12),
    ("逾期天数", COUNT, 10),
]


def _problem(p: dict) -> list:
    return [
        p["project_code"],
        p["project_name"],
        p["district"],
        p["description"],
        p["department"],
        p["action"],
        p["source_month"],
        dt.date.fromisoformat(p["deadline"]),
        PROBLEM_STATE_ZH.get(p["status"], p["status"]),
        p["overdue_days"],
    ]


def _fraction(percent) -> Decimal | None:
    """68.2 (percent) → 0.682, for a cell formatted 0.0%."""
    return None if percent is None else Decimal(str(percent)) / 100


def styled_sheet(wb, title: str, columns: list[tuple], rows: list[list]):
    """A sheet of rows under a bold, filled, frozen header; columns are (header, number format or None, width)."""
    ws = wb.create_sheet(title)
    append_row(ws, [c[0] for c in columns])
    for row in rows:
        append_row(ws, row)  # names, 责任单位, 存在问题 and 下步打算 are reporters' text: never formulas
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, (_, number_format, width) in enumerate(columns, 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        if number_format:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = number_format
    ws.freeze_panes = "B2"
    return ws


def _group(g: dict) -> list:
    return [
        g["name"],
        int(g["count"]),
        g["investment_year"],
        g["completed_year"],
        g["completed_period"],
        _fraction(g["completion_rate"]),
        int(g["red"]),
        int(g["yellow"]),
    ]


def _total(data: dict) -> list:
    h = data["headline"]
    return _group({"name": "合计", **h, "red": h["by_light"].get("red", 0), "yellow": h["by_light"].get("yellow", 0)})


def _light(x: dict) -> list:
    return [
        x["code"],
        x["name"],
        x["district"],
        x["cluster"],
        x["unit"],
        x["person"],
        STATUS_ZH.get(x["status"]),
        _fraction(x["progress"]),
        _fraction(x["planned"]),
        x["lag"],
        x["investment_year"],
        x["completed_year"],
        zh(x["problems"]) or None,
        zh(x["next_steps"]) or None,
    ]


def _overview(wb, data: dict) -> None:
    ws = wb.active
    ws.title = "概况"
    h = data["headline"]
    issue = data.get("issue")
    append_row(ws, [data.get("masthead", {}).get("title", "重大项目推进情况"), data["title"]])
    append_row(ws, ["期号", f"第{issue['seq']}期" if issue else "征求意见稿（未签发）"])
    append_row(ws, ["期间", data["period"]])
    append_row(ws, ["截至", data["as_of"]])
    figures = [
        ("项目数", int(h["count"]), COUNT),
        ("总投资（亿元）", h["investment_total"], MONEY),
        ("年度计划投资（亿元）", h["investment_year"], MONEY),
        ("年内累计完成投资（亿元）", h["completed_year"], MONEY),
        ("本期完成投资（亿元）", h["completed_period"], MONEY),
        ("完成率", _fraction(h["completion_rate"]), RATE),
        ("平均形象进度", _fraction(h["progress_avg"]), RATE),
        *((name, int(h["by_light"].get(code, 0)), COUNT) for code, name in LIGHT_ZH.items()),
        *((name, int(h["by_status"].get(code, 0)), COUNT) for code, name in STATUS_ZH.items()),
    ]
    previous = (data.get("previous") or {}).get("headline")
    if previous is not None:
        figures += [
            ("上期完成投资（亿元）", previous["completed_period"], MONEY),
            *((f"上期{name}", int(previous["by_light"].get(code, 0)), COUNT) for code, name in LIGHT_ZH.items()),
        ]
    for label, value, number_format in figures:
        append_row(ws, [label, value])
        ws.cell(ws.max_row, 2).number_format = number_format
    append_row(ws, [])
    for paragraph in overview_paragraphs(data) + completeness_paragraphs(data):
        append_row(ws, [paragraph])
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 26, 22


def render_xlsx(data: dict) -> bytes:
    """XLSX bytes of the bulletin."""
    wb = new_workbook()
    _overview(wb, data)
    styled_sheet(wb, "分区市", GROUP_COLUMNS, [_group(g) for g in data["by_district"]] + [_total(data)])
    styled_sheet(wb, "分产业集群", GROUP_COLUMNS, [_group(g) for g in data["by_cluster"]] + [_total(data)])
    styled_sheet(wb, "分基地", GROUP_COLUMNS, [_group(g) for g in data["by_base"]])
    for light in ("red", "yellow"):
        rows = [_light(x) for x in data["lagging"] if x["light"] == light]
        styled_sheet(wb, f"{LIGHT_ZH[light]}项目", LIGHT_COLUMNS, rows)
    styled_sheet(
        wb,
        "月度趋势",
        [
            ("月份", None, 10),
            ("当月完成投资（亿元）", MONEY, 14),
            ("年内累计完成（亿元）", MONEY, 14),
            ("计划累计（均摊，亿元）", MONEY, 16),
            ("平均形象进度", RATE, 12),
            ("平均计划进度", RATE, 12),
            ("红灯", COUNT, 7),
            ("黄灯", COUNT, 7),
            ("绿灯", COUNT, 7),
        ],
        [
            [
                t["month"],
                t["investment_month"],
                t["completed_ytd"],
                t["plan_ytd"],
                _fraction(t["progress_avg"]),
                _fraction(t["planned_avg"]),
                int(t["red"]),
                int(t["yellow"]),
                int(t["green"]),
            ]
            for t in data["trend"]
        ],
    )
    styled_sheet(
        wb,
        "需协调解决的问题",
        COORDINATION_COLUMNS,
        [_problem(p) for p in (data.get("coordination") or {}).get("problems", [])],
    )
    if data.get("assessment"):  # the quarterly bulletin's 考核排名 (geo.assessment.bulletin)
        from geo.assessment.bulletin import header, rows, weights_note

        league = data["assessment"]
        columns = [(h.replace("\n", ""), None, 12 if i > 1 else 8) for i, h in enumerate(header(league))]
        ws = styled_sheet(wb, "考核排名", columns, rows(league))
        append_row(ws, [weights_note(league)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
