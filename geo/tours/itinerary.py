"""The tour's documents: the itinerary PDF (cover, map of numbered stops, one section per stop) and the officials'
scoring sheet (PDF page and Excel), laid out with the bulletin's faces, styles and page numbers (geo.bulletin.pdf)."""

from __future__ import annotations

import datetime as dt

from matplotlib import patheffects
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.principal import ANONYMOUS
from geo.accounts.scope import photo_visible
from geo.bulletin import text as zhtext
from geo.bulletin.charts import _figure, _kw, _png
from geo.bulletin.maps import draw_districts, map_layers, schematic_note
from geo.bulletin.pdf import render_blocks
from geo.files import PDF, XLSX, Download
from geo.periods import parse_month
from geo.photos.evidence import counts_as_evidence
from geo.photos.store import path_of
from geo.settings import Settings
from geo.tours.tours import get_tour
from geo.transfer.sheets import write_xlsx

NOT_A_ROAD = "站点顺序按直线距离排列（最近邻加2-opt优化），不是道路路线；实际行车路线和里程以道路为准。"
STOP_HEADER = ["站序", "项目名称", "区市", "距上一站\n（公里）"]
FACT_HEADER = ["项目", "情况"]


def tour_map(districts: list[dict], tour: dict) -> bytes:
    """PNG: the districts, the stops numbered in visiting order joined by straight lines, and the start."""
    fig = _figure(7.2, 5.6)
    ax = fig.add_subplot()
    draw_districts(ax, districts)
    start = tour["start"]
    xs = ([start["lon"]] if start else []) + [s["lon"] for s in tour["stops"]]
    ys = ([start["lat"]] if start else []) + [s["lat"] for s in tour["stops"]]
    ax.plot(xs, ys, color="#c00000", lw=1.1, zorder=7)
    if start:
        ax.scatter([start["lon"]], [start["lat"]], marker="s", s=36, color="#1f2937", zorder=8)
        ax.annotate(
            start["label"],
            (start["lon"], start["lat"]),
            xytext=(6, -10),
            textcoords="offset points",
            color="#1f2937",
            path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
            zorder=9,
            **_kw(7),
        )
    for s in tour["stops"]:
        ax.scatter([s["lon"]], [s["lat"]], s=150, color="#c00000", edgecolors="white", linewidths=0.8, zorder=8)
        ax.annotate(str(s["seq"]), (s["lon"], s["lat"]), ha="center", va="center", color="white", zorder=9, **_kw(7))
    # The stops' extent with a margin, never less than about 10 km across, so a one-district tour is legible.
    pad = 0.06
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half_x = max((max(xs) - min(xs)) / 2 + pad, 0.08)
    half_y = max((max(ys) - min(ys)) / 2 + pad, 0.06)
    # Widen the narrower side to the figure's shape, so a long north–south tour never outgrows the page.
    ratio = 7.2 / 5.6
    if half_x * 0.8 / half_y < ratio:
        half_x = half_y * ratio / 0.8
    else:
        half_y = half_x * 0.8 / ratio
    ax.set_xlim(cx - half_x, cx + half_x)
    ax.set_ylim(cy - half_y, cy + half_y)
    ax.set_aspect(1 / 0.8)  # cos(37.3°), as the bulletin's map
    ax.set_axis_off()
    ax.text(1.0, 0.0, "红线为站点间直线连线，非道路路线", transform=ax.transAxes, ha="right", color="#c00000", **_kw(7))
    schematic_note(ax, districts)
    return _png(fig)


def _problems(session: Session, tour: dict) -> dict[int, str | None]:
    """This month's 存在问题 of each stop: from its passed report of the month the tour's figures are at."""
    month = parse_month(tour["month"])
    rows = session.execute(
        text("""
        SELECT r.project_id, r.problems FROM progress_reports r
        WHERE r.project_id = ANY(CAST(:ids AS integer[])) AND r.month = :month
          AND r.superseded_at IS NULL AND r.review_state = 'passed'"""),
        {"ids": [s["project_id"] for s in tour["stops"]], "month": month},
    ).all()
    return {pid: problems for pid, problems in rows}


def _photos(session: Session, settings: Settings, tour: dict) -> dict[int, dict]:
    """Each stop's latest photo that counts as evidence for its month (geo.photos.evidence) and whose file is there."""
    rows = session.execute(
        text(f"""
        SELECT ph.project_id, ph.sha256, COALESCE(ph.taken_at, ph.created_at) AS taken
        FROM photos ph
        WHERE ph.project_id = ANY(CAST(:ids AS integer[])) AND {photo_visible(ANONYMOUS)} AND {counts_as_evidence("ph")}
        ORDER BY ph.project_id, ph.report_month DESC, COALESCE(ph.taken_at, ph.created_at) DESC, ph.id DESC"""),
        {"ids": [s["project_id"] for s in tour["stops"]]},
    ).mappings()
    found: dict[int, dict] = {}
    for r in rows:
        if r["project_id"] in found:
            continue
        path = path_of(settings.photo_dir, "display", r["sha256"], "jpg")
        if path.is_file():
            found[r["project_id"]] = {"path": path, "taken": r["taken"]}
    return found


def _month_zh(label: str) -> str:
    year, month = label.split("-")
    return f"{year}年{int(month)}月"


def _facts(stop: dict, month: str) -> list[list[str]]:
    lag = "" if stop["planned_progress"] is None else f"（计划{zhtext.pct(stop['planned_progress'])}）"
    return [
        FACT_HEADER,
        ["项目编号", stop["code"]],
        ["所在区市", stop["district"]],
        ["产业集群", stop["cluster"]],
        ["建设状态", zhtext.STATUS_ZH.get(stop["status"], stop["status"])],
        ["总投资", f"{zhtext.money(stop['investment_total'])}亿元"],
        ["年度计划投资", f"{zhtext.money(stop['investment_year'])}亿元"],
        ["累计完成投资", f"{zhtext.money(stop['investment_completed'])}亿元"],
        ["形象进度", f"{zhtext.pct(stop['progress'])}{lag}"],
        [f"亮灯（截至{_month_zh(month)}末）", zhtext.LIGHT_ZH.get(stop["light"], stop["light"])],
        ["责任单位、责任人", "、".join(x for x in (stop["unit"], stop["person"]) if x) or "–"],
    ]


def _base_name(name: str) -> str:
    """The tour's name without a trailing 观摩 or 观摩路线, so titles never say 观摩 twice."""
    name = zhtext.zh(name)
    for tail in ("观摩路线", "观摩"):
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return name


def tour_title(name: str) -> str:
    """'荣成市重点项目观摩' → '荣成市重点项目观摩路线': the itinerary's title."""
    return _base_name(name) + "观摩路线"


def itinerary_blocks(session: Session, *, settings: Settings, tour: dict) -> list[tuple]:
    """The itinerary as geo.bulletin.pdf blocks: cover, map, stop list, then one section per stop."""
    problems = _problems(session, tour)
    photos = _photos(session, settings, tour)
    month = tour["month"]
    start = tour["start"]
    out: list[tuple] = [
        ("title", tour_title(tour["name"])),
        ("note", f"观摩日期：{zhtext.zh_date(_date(tour['date']))}　站点：{len(tour['stops'])}个"),
        ("para", NOT_A_ROAD),
        (
            "para",
            f"{'自' + zhtext.zh(start['label']) + '出发，' if start else ''}"
            f"全程直线距离合计{tour['total_km']:.1f}公里。项目情况截至{_month_zh(month)}末（最近关账月份）。",
        ),
    ]
    if tour.get("note"):
        out.append(("para", zhtext.sentence(tour["note"])))
    out.append(("image", tour_map(map_layers(session)["districts"], tour), 150, "图　观摩站点示意图（按观摩顺序编号）"))
    out.append(("h2", "观摩站点"))
    rows = [[str(s["seq"]), s["name"], s["district"], f"{s['leg_km']:.1f}"] for s in tour["stops"]]
    out.append(("table", [STOP_HEADER, *rows], [14, 86, 30, 30], {1}, False))
    for s in tour["stops"]:
        out.append(("pagebreak", ""))
        out.append(("h2", f"第{s['seq']}站　{zhtext.zh(s['name'])}"))
        out.append(("table", _facts(s, month), [50, 110], {1}, False))
        out.append(("h2", f"存在问题（{_month_zh(month)}调度报告）"))
        out.append(("para", zhtext.sentence(problems.get(s["project_id"])) or "该月调度报告未反映问题或尚未报送。"))
        out.append(("h2", "现场照片"))
        photo = photos.get(s["project_id"])
        if photo:
            caption = f"{zhtext.zh(s['name'])}｜{zhtext.zh_date(photo['taken'])}摄（经核验）"
            out.append(("photos", [(photo["path"].read_bytes(), caption)]))
        else:
            out.append(("para", "暂无经核验的现场照片。"))
    return out


def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def itinerary_pdf(session: Session, *, settings: Settings, tour_id: int) -> Download:
    """The itinerary PDF of a tour."""
    tour = get_tour(session, settings=settings, tour_id=tour_id)
    data = render_blocks(
        itinerary_blocks(session, settings=settings, tour=tour),
        title=f"{tour['name']} 观摩路线",
        author=settings.bulletin_issuer,
    )
    return Download(data, PDF, f"观摩路线-{tour['id']}-{tour['date']}.pdf")


def _criteria_line(tour: dict) -> str:
    return "；".join(f"{c['name']}{c['weight']:g}分" for c in tour["criteria"])


def score_header(tour: dict) -> list[str]:
    """The scoring sheet's columns: stop, project, district, one per criterion with its weight, total, remarks."""
    return [
        "站序",
        "项目名称",
        "区市",
        *(f"{c['name']}\n（{c['weight']:g}）" for c in tour["criteria"]),
        "合计",
        "备注",
    ]


def scoresheet(session: Session, *, settings: Settings, tour_id: int, fmt: str) -> Download:
    """The officials' scoring sheet, one row per stop, columns per criterion with its weight (pdf or xlsx)."""
    tour = get_tour(session, settings=settings, tour_id=tour_id)
    name = f"观摩评分表-{tour['id']}-{tour['date']}"
    if fmt == "xlsx":
        header = score_header(tour)
        blank = [""] * (len(tour["criteria"]) + 2)
        rows = [[str(s["seq"]), s["name"], s["district"], *blank] for s in tour["stops"]]
        info = [
            ["观摩路线", tour["name"]],
            ["观摩日期", tour["date"]],
            ["评分标准", f"每项按百分制打分，合计=各项得分×权重/100之和。权重：{_criteria_line(tour)}"],
            ["评分人", ""],
        ]
        data = write_xlsx({"评分表": ([h.replace("\n", "") for h in header], rows), "说明": (["项目", "内容"], info)})
        return Download(data, XLSX, name + ".xlsx")
    # A4 portrait holds five criteria at 16 mm, wide enough for a handwritten score.
    per = min(16.0, 84 / max(len(tour["criteria"]), 1))
    widths = [8, 160 - 8 - 14 - 12 - per * len(tour["criteria"]), 14, *([per] * len(tour["criteria"])), 12]
    head = ["站序", "项目名称", "区市", *(f"{c['name']}\n{c['weight']:g}分" for c in tour["criteria"]), "合计"]
    lines = [[str(s["seq"]), s["name"], s["district"], *([""] * (len(tour["criteria"]) + 1))] for s in tour["stops"]]
    content = [
        ("title", f"{_base_name(tour['name'])}观摩评分表"),
        ("note", f"观摩日期：{zhtext.zh_date(_date(tour['date']))}"),
        ("para", f"每项按百分制打分，合计=各项得分×权重÷100之和。权重：{_criteria_line(tour)}。"),
        ("table", [head, *lines], widths, {1}, False),
        ("para", "评分人（签字）：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"),
    ]
    data = render_blocks(content, title=f"{tour['name']} 观摩评分表", author=settings.bulletin_issuer)
    return Download(data, PDF, name + ".pdf")
