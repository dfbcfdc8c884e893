"""The bulletin's charts as PNG (matplotlib's Agg canvas, no pyplot global state), labelled in Noto Sans CJK SC."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo.bulletin.fonts import NOTO_SC_FAMILY, noto_cjk_file

PLANNED, DONE, RED, YELLOW = "#9ecae1", "#08519c", "#de2d26", "#f0b400"


def _figure(width: float = 7.2, height: float = 3.0) -> Figure:
    noto_cjk_file()
    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()


def _font(size: int = 8) -> dict:
    return {"family": NOTO_SC_FAMILY, "size": size}


def _kw(size: int = 8) -> dict:
    return {"fontfamily": NOTO_SC_FAMILY, "fontsize": size}


def planned_vs_completed(groups: list[dict], title: str) -> bytes:
    """Grouped bars: this year's planned against completed investment (亿元), with the completion rate on top."""
    fig = _figure()
    ax = fig.add_subplot()
    names = [g["name"] for g in groups]
    x = range(len(names))
    planned = [float(g["investment_year"]) for g in groups]
    done = [float(g["completed_year"]) for g in groups]
    ax.bar([i - 0.2 for i in x], planned, 0.4, color=PLANNED, label="年度计划投资")
    bars = ax.bar([i + 0.2 for i in x], done, 0.4, color=DONE, label="累计完成投资")
    for bar, g in zip(bars, groups):
        if g["completion_rate"] is not None:
            ax.annotate(
                f"{g['completion_rate']}%",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontfamily=NOTO_SC_FAMILY,
                fontsize=6,
            )
    ax.set_xticks(list(x), names, rotation=20 if len(names) > 6 else 0, **_kw(7))
    ax.set_ylabel("亿元", **_kw())
    ax.set_title(title, **_kw(10))
    ax.legend(prop=_font(7), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def trend(points: list[dict], year: int) -> bytes:
    """Monthly investment bars with this year's cumulative against the even plan; red/yellow counts per month."""
    fig = _figure(7.2, 2.8)
    ax, counts = fig.subplots(1, 2)
    months = [p["month"][2:] for p in points]
    this_year = [p["month"].startswith(f"{year}-") for p in points]
    ax.bar(months, [float(p["investment_month"]) for p in points], color=PLANNED, label="当月完成")
    ax.plot(
        months,
        [float(p["completed_ytd"]) if y else None for p, y in zip(points, this_year)],
        marker="o",
        ms=3,
        color=DONE,
        label="年内累计完成",
    )
    ax.plot(
        months,
        [float(p["plan_ytd"]) if p["plan_ytd"] is not None else None for p in points],
        ls="--",
        color="#6b7280",
        label="计划（按月均摊）",
    )
    ax.set_title("投资完成趋势（亿元）", **_kw(9))
    ax.legend(prop=_font(6), frameon=False)
    counts.plot(months, [int(p["red"]) for p in points], marker="o", ms=3, color=RED, label="红灯")
    counts.plot(months, [int(p["yellow"]) for p in points], marker="o", ms=3, color=YELLOW, label="黄灯")
    counts.set_title("亮灯项目数", **_kw(9))
    counts.legend(prop=_font(6), frameon=False)
    for a in (ax, counts):
        a.tick_params(labelsize=6)
        a.tick_params(axis="x", rotation=45)
        a.spines[["top", "right"]].set_visible(False)
    return _png(fig)
