"""Wording of the 简报, shared by the PDF and the Excel, so both say the same: sections as paragraphs and table rows.

Every sentence set in the bulletin goes through zh(), the one normaliser of Chinese running text; numbers and codes
in table cells are formatted by the helpers below and never pass through it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

LIGHT_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
STATUS_ZH = {"planning": "前期推进", "construction": "在建", "completed": "竣工投产", "stalled": "停缓建"}
GROUP_HEADER = ["名称", "项目数", "年度计划投资", "年内累计完成", "本期完成", "完成率", "红灯", "黄灯"]
LIGHT_HEADER = ["序号", "项目名称", "区市", "责任单位\n责任人", "形象\n进度", "计划\n进度", "滞后"]
CN_NUM = "一二三四五六七八九十"
CLOSING = (
    "下一步，市新旧动能转换重大工程推进办公室将会同各区市、各责任单位，坚持“要素跟着项目走”，"
    "对红灯项目逐个建立问题清单、责任清单和时限清单，实行专班调度、限时销号；对黄灯项目加强跟踪提醒，"
    "防止转为红灯；按月通报进展，确保全年投资目标任务完成。"
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’—…·"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def zh(text: str | None) -> str:
    """Chinese running text as it is typeset: full-width ，。：；（）？！ and “” quotes, no spaces beside Chinese.

    A comma or colon between two digits (1,000 or 10:30) and a full stop inside a number stay as they are."""
    if not text:
        return ""
    s = re.sub(rf"(?<=[{_CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{_CJK}])", "", str(text).strip())
    s = re.sub(r"(?<!\d)[,:]|[,:](?!\d)", lambda m: _HALF_TO_FULL[m.group()], s)
    s = re.sub(r"[;?!()]", lambda m: _HALF_TO_FULL[m.group()], s)
    s = re.sub(rf"(?<=[{_CJK}A-Za-z%）])\.(?!\d)", "。", s)
    quotes = iter("“”" * (s.count('"') // 2 + 1))
    s = re.sub('"', lambda m: next(quotes), s)
    s = re.sub(r"。{2,}", "。", s)
    return s


def sentence(text: str | None) -> str:
    """zh(text) ending in one 。 (reporters write with or without, and with other stops)."""
    s = zh(text).rstrip("。；，、 ")
    return s + "。" if s else ""


def money(value) -> str:
    """亿元 with two decimals: 293.80."""
    return "–" if value is None else f"{Decimal(str(value)):.2f}"


def pct(value, digits: int = 1) -> str:
    """A percentage as printed: 68.2%."""
    return "–" if value is None else f"{Decimal(str(value)):.{digits}f}%"


def zh_date(day) -> str:
    """2026年12月4日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _span(data: dict) -> str:
    first, last = int(data["first_month"][5:]), int(data["month"][5:])
    return f"{last}月" if data["kind"] == "monthly" else f"{first}—{last}月"


def _signed(delta: Decimal, unit: str, up: str = "增加", down: str = "减少") -> str:
    if delta == 0:
        return "持平"
    return f"{up if delta > 0 else down}{money(abs(delta)) if unit == '亿元' else abs(delta)}{unit}"


def _d(value) -> Decimal:
    return Decimal(str(value or 0))


def _plan_ytd(data: dict):
    point = next((t for t in data.get("trend") or [] if t["month"] == data["month"]), None)
    return None if point is None or point.get("plan_ytd") is None else _d(point["plan_ytd"])


def overview_paragraphs(data: dict) -> list[str]:
    """一、总体情况: headline figures against the previous period and against the plan."""
    h, lights, prev = data["headline"], data["headline"]["by_light"], data.get("previous")
    last = int(data["month"][5:])
    period_word = "本月" if data["kind"] == "monthly" else "本季度"
    prev_word = "上月" if data["kind"] == "monthly" else "上季度"
    out = [
        f"截至{data['title']}底，全市纳入调度的重大项目{h['count']}个，总投资{money(h['investment_total'])}亿元，"
        f"年度计划投资{money(h['investment_year'])}亿元。"
    ]
    ytd = f"1—{last}月累计完成投资{money(h['completed_year'])}亿元，完成率{pct(h['completion_rate'])}"
    plan = _plan_ytd(data)
    if plan is not None and plan > 0:
        gap = _d(h["completed_year"]) - plan
        ytd += f"；按年度计划均摊，1—{last}月应完成{money(plan)}亿元，" + (
            f"超序时进度{money(gap)}亿元" if gap >= 0 else f"落后序时进度{money(-gap)}亿元"
        )
    if prev is not None and prev["year"] == data["year"] and prev["headline"]["completion_rate"] is not None:
        rate_delta = _d(h["completion_rate"]) - _d(prev["headline"]["completion_rate"])
        ytd += f"，完成率较{prev_word}末提高{rate_delta}个百分点" if rate_delta >= 0 else ""
    this = f"{_span(data)}完成投资{money(h['completed_period'])}亿元"
    if prev is not None:
        before = _d(prev["headline"]["completed_period"])
        delta = _d(h["completed_period"]) - before
        this += f"，较{prev_word}（{money(before)}亿元）{_signed(delta, '亿元')}"
        if before > 0 and delta != 0:
            this += f"，环比{'增长' if delta > 0 else '下降'}{pct(abs(100 * delta / before))}"
    out.append(f"{ytd}。{this}。{period_word}平均形象进度{pct(h['progress_avg'])}。")
    counts = "、".join(f"{LIGHT_ZH[c]}{lights.get(c, 0)}个" for c in ("green", "yellow", "red"))
    light_text = f"亮灯情况：{counts}"
    if prev is not None:
        changes = []
        for code in ("red", "yellow", "green"):
            delta = int(lights.get(code, 0)) - int(prev["headline"]["by_light"].get(code, 0))
            changes.append(f"{LIGHT_ZH[code]}{_signed(Decimal(delta), '个')}")
        light_text += f"；与{prev_word}相比，" + "、".join(changes)
    t = data["thresholds"]
    light_text += (
        f"（形象进度滞后计划进度{t['yellow_lag']}个百分点以上亮黄灯，{t['red_lag']}个百分点以上或停缓建亮红灯）。"
    )
    out.append(light_text)
    return [zh(p) for p in out]


def _first(mapping: dict, *keys, default=None):
    for key in keys:
        if key in mapping and mapping[key] is not None:
            return mapping[key]
    return default


def completeness_view(data: dict) -> dict | None:
    """The dashboard's `completeness` in one shape, whatever of it is present; None when absent.

    Read: completeness.city (or its top level) and each of completeness.by_district (or .districts) with reported,
    due, photos_received, photos_due; completeness.unreported (or each district's unreported) as
    [{name | project, district, unit, person}]."""
    raw = data.get("completeness")
    if not isinstance(raw, dict):
        return None
    city = raw.get("city") if isinstance(raw.get("city"), dict) else raw
    districts = _first(raw, "by_district", "districts", default=[]) or []
    unreported = list(raw.get("unreported") or [])
    for d in districts:
        for u in d.get("unreported") or []:
            unreported.append({"district": d.get("name"), **u})
    fields = ("reported", "due", "photos_received", "photos_due")
    return {
        "city": {k: city.get(k) for k in fields},
        "by_district": [
            {"name": d.get("name") or d.get("district"), **{k: d.get(k) for k in fields}} for d in districts
        ],
        "unreported": [
            {
                "name": _first(u, "name", "project", default=""),
                "district": u.get("district") or "",
                "unit": u.get("unit") or "",
                "person": u.get("person") or "",
            }
            for u in unreported
        ],
    }


def _ratio(done, due) -> str:
    return f"{done}/{due}" if done is not None and due is not None else "–"


def completeness_paragraphs(data: dict) -> list[str]:
    """二、填报与审核情况: from whatever of `completeness` and `review` the dashboard gives; never a guess."""
    view, review = completeness_view(data), data.get("completeness")
    out = []
    if view is not None:
        c = view["city"]
        parts = []
        if c["reported"] is not None and c["due"] is not None:
            parts.append(f"应填报月度进度{c['due']}个项目，已填报{c['reported']}个")
            if c["due"]:
                parts[-1] += f"，填报率{pct(100 * Decimal(c['reported']) / Decimal(c['due']))}"
        if c["photos_received"] is not None and c["photos_due"] is not None:
            parts.append(f"应上传现场照片{c['photos_due']}个项目，已上传{c['photos_received']}个")
        if parts:
            out.append("本期" + "；".join(parts) + "。")
        if view["unreported"]:
            names = "、".join(
                f"{u['district']}{u['name']}" + (f"（{u['unit']}，{u['person']}）" if u["unit"] or u["person"] else "")
                for u in view["unreported"][:20]
            )
            more = f"等{len(view['unreported'])}个项目" if len(view["unreported"]) > 20 else ""
            out.append(f"未按时填报的项目：{names}{more}，请相关责任单位尽快补报。")
        elif c["reported"] is not None and c["reported"] == c["due"]:
            out.append("各项目均已按时填报。")
    if isinstance(review, dict) and any(review.get(k) is not None for k in ("pending", "passed", "returned")):
        out.append(
            "审核情况："
            + "、".join(
                f"{label}{review[k]}份"
                for k, label in (("passed", "审核通过"), ("returned", "退回修改"), ("pending", "待审核"))
                if review.get(k) is not None
            )
            + "。"
        )
    if not out:
        out.append("本期填报完整性和审核情况暂无统计。")
    return [zh(p) for p in out]


def completeness_rows(data: dict) -> list[list]:
    """Per-district 填报 / 照片 rows, when the dashboard has them."""
    view = completeness_view(data)
    if view is None or not view["by_district"]:
        return []
    rows = [
        [d["name"], _ratio(d["reported"], d["due"]), _ratio(d["photos_received"], d["photos_due"])]
        for d in view["by_district"]
    ]
    c = view["city"]
    return rows + [["全市", _ratio(c["reported"], c["due"]), _ratio(c["photos_received"], c["photos_due"])]]


def group_row(g: dict) -> list:
    """A district / cluster / base row, as printed."""
    return [
        g["name"],
        str(g["count"]),
        money(g["investment_year"]),
        money(g["completed_year"]),
        money(g["completed_period"]),
        pct(g["completion_rate"]),
        str(g["red"]),
        str(g["yellow"]),
    ]


def total_row(data: dict) -> list:
    """The 合计 row: the headline figures."""
    h, lights = data["headline"], data["headline"]["by_light"]
    return group_row(
        {
            "name": "合计",
            **h,
            "red": lights.get("red", 0),
            "yellow": lights.get("yellow", 0),
        }
    )


def light_rows(data: dict, light: str) -> list[list]:
    """五、六: one light's projects, most behind first, as printed."""
    rows = [x for x in data["lagging"] if x["light"] == light]
    return [
        [
            str(i),
            zh(x["name"]),
            x["district"],
            "\n".join(v for v in (zh(x["unit"]), zh(x["person"])) if v) or "–",
            pct(x["progress"]),
            pct(x["planned"]),
            "停缓建" if x["status"] == "stalled" else f"{Decimal(str(x['lag'] or 0)):.1f}",
        ]
        for i, x in enumerate(rows, 1)
    ]


def _grouped(data: dict, key: str) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for x in data["lagging"]:
        said = sentence(x.get(key)).rstrip("。")
        if said:
            groups[said].append(x)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _names(projects: list[dict], limit: int = 6) -> str:
    named = "、".join(f"{x['district']}{zh(x['name'])}" for x in projects[:limit])
    return named + (f"等{len(projects)}个项目" if len(projects) > limit else "")


def problem_paragraphs(data: dict) -> list[str]:
    """七、主要问题: red and yellow projects' reported 存在问题, the same problem grouped, most frequent first."""
    groups = _grouped(data, "problems")
    if not data["lagging"]:
        return ["本期无红灯、黄灯项目。"]
    out = []
    for i, (problem, projects) in enumerate(groups[:9]):
        red = sum(1 for x in projects if x["light"] == "red")
        split = "、".join(f"{n}{c}个" for n, c in (("红灯", red), ("黄灯", len(projects) - red)) if c)
        out.append(f"（{CN_NUM[i]}）{problem}。涉及{len(projects)}个项目（{split}）：{_names(projects)}。")
    rest = sum(len(p) for _, p in groups[9:])
    if rest:
        out.append(f"此外，另有{rest}个项目反映其他问题，详见附表。")
    silent = [x for x in data["lagging"] if not sentence(x.get("problems"))]
    if silent:
        out.append(f"另有{len(silent)}个红灯、黄灯项目未填报存在问题：{_names(silent)}，请责任单位补充说明。")
    return [zh(p) for p in out]


def next_step_paragraphs(data: dict) -> list[str]:
    """八、下步工作: red and yellow projects' 下步打算 grouped, then the standing closing text."""
    out = []
    for i, (step, projects) in enumerate(_grouped(data, "next_steps")[:7]):
        out.append(f"（{CN_NUM[i]}）{step}：{_names(projects, 4)}。")
    out.append(CLOSING)
    return [zh(p) for p in out]


def data_note(notes: dict) -> str | None:
    """One plain line on what is not real: schematic boundaries, demo projects; None when everything is real."""
    parts, areas = [], list(notes.get("schematic_districts") or [])
    named = "、".join(areas) if len(areas) <= 2 else f"{areas[0]}等{len(areas)}个区域"
    named = "及".join(x for x in (named, "五区九基地" if notes.get("schematic_areas") else "") if x)
    if named:
        parts.append(f"{named}边界为示意")
    if notes.get("demo"):
        parts.append("项目及填报数据为演示数据，非真实项目")
    return zh("说明：" + "；".join(parts) + "。") if parts else None
