"""The quarterly bulletin's 考核排名 section: the districts' league table in official form (Chinese punctuation, the
full table, the weights printed below), as bulletin blocks (geo.bulletin.pdf) and an Excel sheet (geo.bulletin.xlsx)."""

from __future__ import annotations

from decimal import Decimal

NO_DATA = "无数据"
_SHORT = {  # column heads, wrapped to fit a 160 mm table
    "timeliness": "填报\n及时率",
    "review": "审核\n通过率",
    "investment": "投资\n完成率",
    "lights": "亮灯\n情况",
    "milestones": "节点\n按期率",
    "problems": "问题\n按期率",
    "photos": "照片\n核验率",
    "tours": "观摩\n评分",
}


def _num(value) -> str:
    return NO_DATA if value is None else f"{Decimal(str(value)):.2f}"


def movement_zh(movement: str) -> str:
    """↑2 → 上升2位, ↓1 → 下降1位, — → 持平 (or 无 without a rank in either period)."""
    if movement.startswith("↑"):
        return f"上升{movement[1:]}位"
    if movement.startswith("↓"):
        return f"下降{movement[1:]}位"
    return "持平"


def header(league: dict) -> list[str]:
    """排名, 区市, 得分, 较上期, then each weighted criterion's score."""
    return ["排名", "区市", "得分", "较上期"] + [_SHORT.get(w["code"], w["name"]) for w in league["weights"]]


def rows(league: dict) -> list[list[str]]:
    """One row per district in rank order: rank, name, score, movement, each criterion's 0–100 score or 无数据."""
    out = []
    for u in league["units"]:
        by_code = {c["code"]: c for c in u["criteria"]}
        moved = movement_zh(u["movement"]) if u["previous_rank"] is not None and u["rank"] is not None else "—"
        out.append(
            [str(u["rank"] or "—"), u["name"], _num(u["score"]), moved]
            + [_num(None if by_code[w["code"]]["no_data"] else by_code[w["code"]]["score"]) for w in league["weights"]]
        )
    return out


def weights_note(league: dict) -> str:
    """The weights printed below the table, and how a criterion without data is treated."""
    listed = "、".join(f"{w['name']}{float(w['weight']):g}分" for w in league["weights"])
    return (
        f"注：考核满分100分，各项指标及权重为：{listed}。各项指标得分为其原始值（百分比，超过100的按100计）；"
        "总得分＝Σ（权重×指标得分）÷Σ有数据指标的权重。某项指标本期无数据的，标注“无数据”，"
        "其权重按其余指标的权重比例分摊。"
    )


def summary(league: dict) -> str:
    """The opening sentence: who tops and who trails the league."""
    n = len(league["units"])
    red, black = "、".join(league["red"]), "、".join(league["black"])
    first = league["units"][0] if league["units"] else None
    if not first or first["score"] is None:
        return f"本期对{n}个区市进行考核，暂无可计分的数据。"
    return (
        f"按照考核办法，本期对{n}个区市的项目推进工作进行考核。{first['name']}以{_num(first['score'])}分位居第一；"
        f"{red}列入红榜（前3名），{black}列入黑榜（后3名）。各区市得分及分项得分见下表。"
    )


def pdf_blocks(league: dict) -> list[tuple]:
    """Blocks for geo.bulletin.pdf: the summary, the full league table, the weights below it."""
    n = len(league["weights"])
    widths = [10, 18, 14, 16] + [round(102 / n, 2)] * n  # mm: 160, the text width
    return [
        ("para", summary(league)),
        ("table", [header(league), *rows(league)], widths, set(), False),
        ("para", weights_note(league)),
    ]
