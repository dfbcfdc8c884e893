"""Wording and table rows shared by the PDF and the Excel bulletin, so both print the same figures."""

from __future__ import annotations

LIGHT_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
STATUS_ZH = {"planning": "前期推进", "construction": "在建", "completed": "竣工投产", "stalled": "停缓建"}
GROUP_HEADER = ["名称", "项目数", "年度计划投资", "年内累计完成", "本期完成", "完成率%", "红灯", "黄灯"]


def _n(value) -> str:
    return "–" if value is None else str(value)


def headline_text(data: dict) -> str:
    """The bulletin's opening paragraph with its headline figures."""
    h, lights = data["headline"], data["headline"]["by_light"]
    first, last = data["first_month"], data["month"]
    span = f"{int(last[5:])}月" if data["kind"] == "monthly" else f"{int(first[5:])}—{int(last[5:])}月"
    return (
        f"截至{data['title']}底,全市 {h['count']} 个重点项目总投资 {h['investment_total']} 亿元,"
        f"年度计划投资 {h['investment_year']} 亿元;1—{int(last[5:])}月累计完成投资 {h['completed_year']} 亿元,"
        f"完成率 {_n(h['completion_rate'])}%;{span}完成投资 {h['completed_period']} 亿元。平均形象进度 "
        f"{_n(h['progress_avg'])}%。亮灯情况:绿灯 {lights.get('green', 0)} 个、黄灯 {lights.get('yellow', 0)} 个、"
        f"红灯 {lights.get('red', 0)} 个(滞后计划进度 {data['thresholds']['yellow_lag']} 个百分点以上亮黄灯、"
        f"{data['thresholds']['red_lag']} 个百分点以上或停缓建亮红灯)。"
    )


def group_row(g: dict) -> list:
    """A district / cluster / base row."""
    return [
        g["name"],
        g["count"],
        g["investment_year"],
        g["completed_year"],
        g["completed_period"],
        _n(g["completion_rate"]),
        g["red"],
        g["yellow"],
    ]


def total_row(data: dict) -> list:
    """The 合计 row: the headline figures."""
    h, lights = data["headline"], data["headline"]["by_light"]
    return [
        "合计",
        h["count"],
        h["investment_year"],
        h["completed_year"],
        h["completed_period"],
        _n(h["completion_rate"]),
        lights.get("red", 0),
        lights.get("yellow", 0),
    ]


def lagging_row(x: dict) -> list:
    """A lagging project: name, district, who is responsible, progress against plan, light, problems."""
    return [
        x["name"],
        x["district"],
        f"{x['unit'] or ''} / {x['person'] or ''}",
        f"{_n(x['progress'])}% / {_n(x['planned'])}%",
        LIGHT_ZH.get(x["light"], x["light"]),
        x["problems"] or "(未填报问题)",
    ]
