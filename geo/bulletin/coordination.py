"""The bulletin's section 需协调解决的问题: the problems to coordinate still open and past their deadline at the
period's end (geo/problems), said in a paragraph with counts per district and listed in a table."""

from __future__ import annotations

import datetime as dt

from geo.bulletin.text import sentence, zh, zh_date

HEADER = ["序号", "项目名称", "区市", "问题", "牵头协调部门", "办结时限", "逾期\n（天）"]
WIDTHS = [8, 38, 14, 46, 26, 15, 13]  # mm: 160, the text width
WRAP = {1, 3, 4, 5}
LIMIT = 30  # rows printed; the Excel sheet has them all


def _day(value: str, as_of: dt.date) -> str:
    day = dt.date.fromisoformat(value)
    return f"{day.month}月{day.day}日" if day.year == as_of.year else zh_date(day)


def coordination_paragraphs(data: dict) -> list[str]:
    """How many problems are open and overdue at the period's end, and where."""
    c = data.get("coordination")
    if not c:
        return []
    as_of = dt.date.fromisoformat(c["as_of"])
    if not c["open"]:
        return [f"截至{zh_date(as_of)}，无列入督办的问题。"]
    if not c["overdue"]:
        return [f"截至{zh_date(as_of)}，列入督办的问题{c['open']}个，均在办结时限内。"]
    where = "、".join(f"{d['district']}{d['overdue']}个" for d in c["by_district"] if d["overdue"])
    out = [
        f"截至{zh_date(as_of)}，列入督办的问题{c['open']}个，其中超过办结时限仍未解决的{c['overdue']}个"
        f"（{where}），请牵头协调部门加快协调办理，办理结果在下期通报。"
    ]
    if len(c["problems"]) > LIMIT:
        out.append(f"下表列出逾期最久的{LIMIT}个问题，全部问题见简报 Excel。")
    return [zh(p) for p in out]


def coordination_rows(data: dict) -> list[list]:
    """The overdue problems as printed, longest overdue first."""
    c = data.get("coordination")
    if not c:
        return []
    as_of = dt.date.fromisoformat(c["as_of"])
    problems = sorted(c["problems"], key=lambda p: (-(p["overdue_days"] or 0), p["id"]))[:LIMIT]
    return [
        [
            str(i),
            zh(p["project_name"]),
            p["district"],
            sentence(p["description"]).rstrip("。"),
            zh(p["department"]),
            _day(p["deadline"], as_of),
            str(p["overdue_days"]),
        ]
        for i, p in enumerate(problems, 1)
    ]
