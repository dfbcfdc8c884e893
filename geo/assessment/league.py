"""The league table (排名): each unit's score for a month or a quarter with its breakdown per criterion, the rank
and its movement against the previous period, the 红黑榜 (top 3 / bottom 3), one unit's 12-month trend, and the
Excel export.

A unit's score is Σ weight × score ÷ Σ weight over the criteria with data (so a criterion without data re-spreads
its weight in proportion); each criterion's score is its raw percentage capped at 100, raw = 100 × num ÷ den, both
rounded to 2 decimals — everything needed to recompute the score by hand is in the answer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from geo.assessment.criteria import CRITERIA, KINDS, NO_DATA_NOTE, NO_DATA_NOTE_EN, weights_table
from geo.assessment.scores import Counts, monthly_counts, period_tours, units
from geo.errors import NotFound, UnknownValue
from geo.files import XLSX, Download
from geo.periods import Period, add_months, month_label, monthly, quarterly
from geo.progress.cycle import shown_month
from geo.settings import Settings

TREND_MONTHS = 12
BOARD = 3  # units on each side of the 红黑榜
CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def parse_period(raw: str | None, session: Session, settings: Settings) -> Period:
    """'2026-10' or '2026-Q3'; empty: the month 最新 means (the latest closed)."""
    if not raw:
        month = shown_month(session, settings)
        return Period("monthly", month, month)
    return quarterly(raw) if "q" in raw.lower() else monthly(raw)


def check_kind(kind: str) -> str:
    """district | department, else UnknownValue listing both."""
    if kind not in KINDS:
        raise UnknownValue("kind", kind, KINDS)
    return kind


def previous(period: Period) -> Period:
    """The period before: the month before, or the quarter before."""
    n = 1 if period.kind == "monthly" else 3
    return Period(period.kind, add_months(period.first, -n), add_months(period.last, -n))


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _period_figures(counts: Counts, period: Period, unit: str, criterion: str, at_end: bool):
    if at_end:
        return counts.get(period.last, {}).get(unit, {}).get(criterion)
    month, found, num, den = period.first, False, Decimal(0), Decimal(0)
    while month <= period.last:
        got = counts.get(month, {}).get(unit, {}).get(criterion)
        if got:
            found, num, den = True, num + got[0], den + got[1]
        month = add_months(month, 1)
    return (num, den) if found else None


def _detail(counts: Counts, period: Period, unit: str, code: str) -> dict | None:
    """The light or status counts behind a criterion measured at the period's end."""
    month = counts.get(period.last, {}).get(unit, {})
    if code in ("lights", "task_lights"):
        keys = {"green": "lights_green", "yellow": "lights_yellow", "red": "lights_red"}
    elif code == "task_status":
        keys = {"completed": "status_completed", "lagging": "status_lagging"}
    else:
        return None
    return {k: int(month[v][0]) for k, v in keys.items() if v in month}


def unit_score(counts: Counts, period: Period, unit: str, kind: str, weights: dict, tours: dict | None = None) -> dict:
    """One unit's score in a period with its breakdown: raw (num, den, %), score 0–100, weight, effective weight
    (re-spread over the criteria with data) and weighted points."""
    rows = []
    for c in CRITERIA[kind]:
        weight = Decimal(str(weights[kind].get(c.code, 0)))
        if weight <= 0:
            continue
        if c.code == "tours" and tours is not None:
            figures = tours.get(unit)
        else:
            figures = _period_figures(counts, period, unit, c.code, c.at_end)
        row = {"code": c.code, "name": c.name, "name_en": c.name_en, "rule": c.rule, "weight": float(weight)}
        if not figures or figures[1] == 0:
            rows.append({**row, "num": None, "den": None, "raw": None, "score": None, "no_data": True})
            continue
        raw = _q(_HUNDRED * figures[0] / figures[1])
        rows.append(
            {
                **row,
                "num": float(figures[0]),
                "den": float(figures[1]),
                "raw": float(raw),
                "score": float(min(raw, _HUNDRED)),
                "no_data": False,
                "detail": _detail(counts, period, unit, c.code),
            }
        )
    with_data = [r for r in rows if not r["no_data"]]
    total_weight = sum(Decimal(str(r["weight"])) for r in with_data)
    score = None
    for r in rows:
        if r["no_data"] or not total_weight:
            r["effective_weight"], r["points"] = None, None
            continue
        w = Decimal(str(r["weight"]))
        r["effective_weight"] = float(_q(_HUNDRED * w / total_weight))
        r["points"] = float(_q(w * Decimal(str(r["score"])) / total_weight))
    if total_weight:
        score = float(_q(sum(Decimal(str(r["weight"])) * Decimal(str(r["score"])) for r in with_data) / total_weight))
    return {"name": unit, "score": score, "criteria": rows}


def _ranked(scored: list[dict]) -> list[dict]:
    # Equal scores share a rank (1, 2, 2, 4); units without any data come last, unranked.
    ordered = sorted(scored, key=lambda u: (u["score"] is None, -(u["score"] or 0), u["name"]))
    rank, last = 0, None
    for i, u in enumerate(ordered, 1):
        if u["score"] is None:
            u["rank"] = None
            continue
        if u["score"] != last:
            rank, last = i, u["score"]
        u["rank"] = rank
    return ordered


def _movement(rank: int | None, before: int | None) -> str:
    if rank is None or before is None:
        return "—"
    if before > rank:
        return f"↑{before - rank}"
    if before < rank:
        return f"↓{rank - before}"
    return "—"


def _scores(session: Session, settings: Settings, kind: str, period: Period, counts: Counts) -> list[dict]:
    tours = period_tours(session, period) if kind == "district" else None
    weights = settings.assessment_weights
    return _ranked([unit_score(counts, period, u, kind, weights, tours) for u in units(session, kind)])


def league(session: Session, *, settings: Settings, kind: str, period: Period, counts: Counts | None = None) -> dict:
    """The league table of a kind for a period: ranks, scores, movement, breakdowns, 红黑榜, weights and the rules."""
    check_kind(kind)
    before = previous(period)
    if counts is None:
        counts = monthly_counts(session, settings=settings, kind=kind, first=before.first, last=period.last)
    table = _scores(session, settings, kind, period, counts)
    prior = {u["name"]: u["rank"] for u in _scores(session, settings, kind, before, counts)}
    for u in table:
        u["previous_rank"] = prior.get(u["name"])
        u["movement"] = _movement(u["rank"], u["previous_rank"])
    ranked = [u for u in table if u["rank"] is not None]
    return {
        "kind": kind,
        "period": period.label,
        "period_kind": period.kind,
        "title": period.title_zh,
        "previous_period": before.label,
        "weights": weights_table(settings.assessment_weights, kind),
        "note": NO_DATA_NOTE,
        "note_en": NO_DATA_NOTE_EN,
        "units": table,
        "red": [u["name"] for u in ranked[:BOARD]],
        "black": [u["name"] for u in ranked[-BOARD:][::-1]] if len(ranked) > BOARD else [],
    }


def unit_detail(session: Session, *, settings: Settings, kind: str, name: str, period: Period) -> dict:
    """One unit's breakdown in the period, its rank and movement, and its monthly score over the last 12 months."""
    check_kind(kind)
    if name not in units(session, kind):
        raise NotFound(f"考核对象 {name} 不存在 / no {kind} named {name} is assessed")
    first = add_months(period.last, 1 - TREND_MONTHS)
    counts = monthly_counts(
        session, settings=settings, kind=kind, first=min(first, previous(period).first), last=period.last
    )
    table = league(session, settings=settings, kind=kind, period=period, counts=counts)
    unit = next(u for u in table["units"] if u["name"] == name)
    trend = []
    month = first
    while month <= period.last:
        p = Period("monthly", month, month)
        trend.append(
            {
                "month": month_label(month),
                "score": unit_score(counts, p, name, kind, settings.assessment_weights)["score"],
            }
        )
        month = add_months(month, 1)
    return {
        **{
            k: table[k]
            for k in ("kind", "period", "period_kind", "title", "previous_period", "weights", "note", "note_en")
        },
        **unit,
        "trend": trend,
    }


def league_xlsx(session: Session, *, settings: Settings, kind: str, period: Period) -> Download:
    """The league table and every unit's breakdown as an Excel workbook (geo.transfer.sheets)."""
    from geo.transfer.sheets import write_xlsx

    data = league(session, settings=settings, kind=kind, period=period)
    codes = [w["code"] for w in data["weights"]]
    names = {w["code"]: w["name"] for w in data["weights"]}
    header = ("排名 rank", "单位 unit", "得分 score", "较上期 movement") + tuple(
        f"{names[c]}(权重{w['weight']:g})" for c, w in zip(codes, data["weights"], strict=True)
    )
    rows = []
    for u in data["units"]:
        by_code = {c["code"]: c for c in u["criteria"]}
        rows.append(
            (u["rank"], u["name"], u["score"], u["movement"])
            + tuple("无数据" if by_code[c]["no_data"] else by_code[c]["score"] for c in codes)
        )
    detail = []
    for u in data["units"]:
        for c in u["criteria"]:
            detail.append(
                (
                    u["name"],
                    c["name"],
                    c["num"],
                    c["den"],
                    "无数据" if c["no_data"] else c["raw"],
                    c["score"],
                    c["weight"],
                    c["effective_weight"],
                    c["points"],
                )
            )
    weights = [(w["name"], w["weight"], w["rule"]) for w in data["weights"]]
    kind_zh = "区市" if kind == "district" else "部门"
    sheets = {
        f"{kind_zh}排名 {data['period']}": (header, rows),
        "得分明细 breakdown": (
            (
                "单位 unit",
                "指标 criterion",
                "分子 num",
                "分母 den",
                "原始值% raw",
                "得分 score",
                "权重 weight",
                "分摊后权重 effective",
                "加权得分 points",
            ),
            detail,
        ),
        "权重 weights": (("指标 criterion", "权重 weight", "计算方法 rule"), weights + [("说明", "", data["note"])]),
    }
    return Download(write_xlsx(sheets), XLSX, f"考核排名-{kind_zh}-{data['period']}.xlsx")
