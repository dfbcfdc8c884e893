"""Deterministic demo project generator (演示项目) — pure Python + shapely, no database.

The seed document (2018) names 116 key projects of Weihai's 新旧动能转换 programme with a total
investment of 2289.6 亿元 and 293.8 亿元 planned for the year, but not the projects themselves.
:func:`generate_projects` makes a plausible stand-in list: same count and exact sums, spread over the
eight reporting units and the nine bases the way the plan describes. Every record has ``demo: True``.

Same inputs → identical output (seeded ``random.Random`` and a numpy generator seeded from it).
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["generate_projects", "CLUSTERS", "DISTRICT_WEIGHTS", "SEED_COUNT", "SEED_TOTAL", "SEED_YEAR"]

SEED_COUNT = 116
SEED_TOTAL = Decimal("2289.6")
SEED_YEAR = Decimal("293.8")

CLUSTERS = (
    "新一代信息技术",
    "新医药与医疗器械",
    "先进装备与智能制造",
    "碳纤维等复合材料",
    "海洋生物与健康食品",
    "时尚与休闲运动产品",
    "康养旅游",
)
C1, C2, C3, C4, C5, C6, C7 = CLUSTERS

FUNCTIONAL = ("高区", "经区", "临港区", "南海新区")

DISTRICT_WEIGHTS = {
    "环翠区": 12,
    "文登区": 14,
    "荣成市": 18,
    "乳山市": 12,
    "高区": 14,
    "经区": 14,
    "临港区": 8,
    "南海新区": 8,
}

BASE_SHARE = 0.40  # share of projects placed inside a base of their cluster

# Cluster mix by reporting unit (weights).
CLUSTER_MIX = {
    "环翠区": {C1: 2, C2: 1, C3: 2, C4: 1, C5: 1, C6: 3, C7: 3},
    "文登区": {C1: 1, C2: 2, C3: 3, C4: 1, C5: 2, C6: 2, C7: 2},
    "荣成市": {C1: 1, C2: 1, C3: 2, C4: 0.5, C5: 6, C6: 1, C7: 3},
    "乳山市": {C1: 0.5, C2: 1, C3: 1.5, C4: 0.5, C5: 4, C6: 1, C7: 4},
    "高区": {C1: 5, C2: 4, C3: 2, C4: 2, C5: 0.5, C6: 0.5, C7: 0.5},
    "经区": {C1: 4, C2: 1.5, C3: 4, C4: 1, C5: 1, C6: 1.5, C7: 1},
    "临港区": {C1: 1, C2: 2, C3: 4, C4: 1, C5: 0.5, C6: 0.5, C7: 3},
    "南海新区": {C1: 1, C2: 1, C3: 2, C4: 5, C5: 1, C6: 0.5, C7: 2},
}
DEFAULT_MIX = {c: 1 for c in CLUSTERS}

# Places for project-name prefixes, and where points cluster (towns / urban cores, lon/lat).
PLACES = {
    "环翠区": ["威海", "环翠", "张村", "羊亭", "孙家疃", "桥头"],
    "文登区": ["文登", "侯家", "泽头", "大水泊", "米山", "葛家"],
    "荣成市": ["荣成", "石岛", "俚岛", "人和", "成山", "港西", "寻山"],
    "乳山市": ["乳山", "银滩", "海阳所", "白沙滩", "夏村", "大孤山"],
    "高区": ["威海", "高区", "初村", "怡园", "田和"],
    "经区": ["威海", "经区", "崮山", "泊于", "东部滨海新城"],
    "临港区": ["威海", "临港", "草庙子", "汪疃", "苘山"],
    "南海新区": ["威海", "南海", "南海新区", "小观", "张家埠"],
}
HOTSPOTS = {
    "环翠区": [(122.118, 37.501), (121.92, 37.37)],
    "文登区": [(122.053, 37.193), (122.09, 37.18)],
    "荣成市": [(122.482, 37.164), (122.40, 36.89)],
    "乳山市": [(121.535, 36.919)],
    "高区": [(122.063, 37.507), (121.924, 37.412)],
    "经区": [(122.133, 37.413), (122.26, 37.40)],
    "临港区": [(122.042, 37.305)],
    "南海新区": [(121.96, 36.97)],
}
UNITS = {
    "环翠区": ("环翠区人民政府", "区"),
    "文登区": ("文登区人民政府", "区"),
    "荣成市": ("荣成市人民政府", "市"),
    "乳山市": ("乳山市人民政府", "市"),
    "高区": ("威海火炬高技术产业开发区管委会", "管"),
    "经区": ("威海经济技术开发区管委会", "管"),
    "临港区": ("威海临港经济技术开发区管委会", "管"),
    "南海新区": ("威海南海新区管委会", "管"),
}
CITY_DEPTS = {
    C1: ["市工业和信息化局", "市科学技术局"],
    C2: ["市卫生健康委员会", "市工业和信息化局"],
    C3: ["市工业和信息化局"],
    C4: ["市工业和信息化局", "市科学技术局"],
    C5: ["市海洋发展局", "市农业农村局"],
    C6: ["市商务局", "市工业和信息化局"],
    C7: ["市文化和旅游局", "市卫生健康委员会"],
}
PRODUCTS = {
    C1: [
        "智能终端",
        "集成电路封测",
        "工业互联网平台",
        "大数据中心",
        "激光打印机",
        "新型显示模组",
        "物联网传感器",
        "5G通信设备",
        "软件和信息服务",
        "数字经济产业园",
        "服务外包",
        "跨境电商",
    ],
    C2: [
        "医用耗材",
        "高端医疗器械",
        "生物医药",
        "医用高分子材料",
        "体外诊断试剂",
        "骨科植入物",
        "创新药物研发",
        "医学影像设备",
        "现代中药",
        "血液净化设备",
    ],
    C3: [
        "智能装备",
        "数控机床",
        "新能源汽车零部件",
        "工业机器人",
        "船舶修造",
        "高性能轮胎",
        "智能电机",
        "精密模具",
        "海洋工程装备",
        "轨道交通装备",
        "无人机",
    ],
    C4: [
        "碳纤维复合材料",
        "高性能碳纤维",
        "石墨烯新材料",
        "碳纤维预浸料",
        "复合材料构件",
        "玻璃纤维",
        "石墨烯导热膜",
        "高性能膜材料",
    ],
    C5: [
        "海洋生物医药",
        "海参精深加工",
        "海洋食品",
        "海藻生物制品",
        "远洋渔业",
        "冷链物流",
        "鱼油深加工",
        "健康食品",
        "海洋牧场",
        "水产品精深加工",
        "西洋参精深加工",
        "果品深加工",
    ],
    C6: [
        "服装设计",
        "家纺",
        "户外运动用品",
        "渔具",
        "休闲运动装备",
        "时尚创意",
        "针织服饰",
        "体育器材",
        "高尔夫用品",
        "文化创意",
    ],
    C7: [
        "康养综合体",
        "温泉度假区",
        "医养结合",
        "滨海旅游度假区",
        "养老服务中心",
        "文旅小镇",
        "中医药康养",
        "国际医疗健康城",
        "精品民宿集群",
        "海洋主题公园",
    ],
}
SUFFIXES = [
    "产业化项目",
    "项目",
    "产业园",
    "产业园二期",
    "扩建项目",
    "技术改造项目",
    "生产基地建设项目",
    "研发中心项目",
    "智能化改造项目",
    "产业基地",
    "产业园一期",
    "新建项目",
]
COMPANY_INDUSTRY = {
    C1: ["电子科技", "信息技术", "智能科技"],
    C2: ["医疗器械", "生物医药", "医用制品"],
    C3: ["智能装备", "机械", "重工"],
    C4: ["新材料科技", "复合材料", "碳纤维科技"],
    C5: ["海洋生物科技", "食品", "水产"],
    C6: ["服饰", "体育用品", "家纺"],
    C7: ["文旅发展", "健康产业", "旅游开发"],
}
BRAND_1 = "华海鑫瑞泰恒盛宏德嘉福润远博鼎卓航达新东蓝金昌凯裕晟泓振宇信"
BRAND_2 = "海达泰源丰康通信诚安益和祥隆昌威远鸿洋邦盛辰宁"
SURNAMES = "王李张刘陈杨赵孙于丛曲毕鞠姜宋郑徐周吴林高谭邹夏孔马胡郭何梁董田"
GIVEN = [
    "建国",
    "志强",
    "海涛",
    "立新",
    "洪波",
    "国庆",
    "玉梅",
    "晓东",
    "文华",
    "春生",
    "丽娟",
    "新民",
    "振华",
    "海燕",
    "明",
    "勇",
    "军",
    "涛",
    "静",
    "磊",
    "伟",
    "敏",
    "永胜",
    "德胜",
    "卫东",
    "秀英",
    "宏伟",
    "红",
    "健",
    "晓峰",
    "学军",
    "京",
    "鹏",
    "华",
    "云",
    "彬",
]

STATUS_SHARES = (("construction", 0.60), ("planning", 0.18), ("completed", 0.14), ("stalled", 0.08))

INSET_DEG = 0.00065  # ≥ 57 m (east-west) / 72 m (north-south) at 37°N: points stay ≥ 50 m inside


# --------------------------------------------------------------------------- helpers
def _dec1(tenths: int) -> Decimal:
    return Decimal(tenths).scaleb(-1)


def _apportion(weights, total: int, minimum: int = 0, caps=None) -> list[int]:
    """Split ``total`` integer units proportionally to ``weights`` (largest remainder), each ≥ minimum
    and ≤ caps[i]. Exact: the result sums to ``total``."""
    n = len(weights)
    if n == 0:
        return []
    caps = list(caps) if caps is not None else [total] * n
    if minimum * n > total or sum(caps) < total:
        raise ValueError("infeasible apportionment")
    out = [minimum] * n
    free = set(range(n))
    rest = total - minimum * n
    while rest > 0:
        wsum = sum(weights[i] for i in free) or float(len(free))
        raw = {i: (weights[i] if wsum else 1.0) * rest / wsum for i in free}
        capped = [i for i in free if out[i] + raw[i] >= caps[i]]
        if capped:  # water-filling: fix the capped ones, redistribute the rest
            for i in capped:
                rest -= caps[i] - out[i]
                out[i] = caps[i]
                free.discard(i)
            continue
        fl = {i: int(math.floor(raw[i])) for i in free}
        for i in free:
            out[i] += fl[i]
        left = rest - sum(fl.values())
        order = sorted(free, key=lambda i: (-(raw[i] - fl[i]), i))
        for i in order[:left]:
            out[i] += 1
        rest = 0
    return out


def _counts(weights: list[float], n: int) -> list[int]:
    return _apportion(weights, n) if n else [0] * len(weights)


def _sample(prepared, bounds, n: int, gen: np.random.Generator, centres=(), spread=(0.045, 0.035)):
    """n points inside ``prepared`` (a prepared shapely geometry): half near ``centres``, half uniform."""
    if n <= 0:
        return np.empty((0, 2))
    minx, miny, maxx, maxy = bounds
    got: list[np.ndarray] = []
    have = 0
    rate = 0.3
    for _ in range(200):
        need = n - have
        m = int(min(max(256, need / max(rate, 0.01) * 1.3), 2_000_000))
        xs = minx + (maxx - minx) * gen.random(m)
        ys = miny + (maxy - miny) * gen.random(m)
        if centres:
            near = gen.random(m) < 0.5
            k = gen.integers(0, len(centres), m)
            cx = np.array([c[0] for c in centres])[k]
            cy = np.array([c[1] for c in centres])[k]
            xs = np.where(near, cx + spread[0] * gen.standard_normal(m), xs)
            ys = np.where(near, cy + spread[1] * gen.standard_normal(m), ys)
        ok = shapely.contains_xy(prepared, xs, ys)
        rate = max(ok.mean(), 0.001)
        pts = np.column_stack([xs[ok], ys[ok]])[:need]
        got.append(pts)
        have += len(pts)
        if have >= n:
            break
    if have < n:  # degenerate region: fall back to a representative point
        rp = prepared.representative_point()
        got.append(np.tile([rp.x, rp.y], (n - have, 1)))
    return np.concatenate(got)[:n]


def _rand_date(rng: random.Random, lo: date, hi: date) -> date:
    span = (hi - lo).days
    return lo + timedelta(days=rng.randint(0, max(span, 0)))


# --------------------------------------------------------------------------- main entry
def generate_projects(
    districts: dict[str, BaseGeometry],
    bases: dict[str, tuple[BaseGeometry, str]],
    *,
    count: int = 116,
    seed: int = 2018,
    total_investment: Decimal | None = None,
    year_investment: Decimal | None = None,
    plan_year: int = 2026,
) -> list[dict]:
    """Generate ``count`` demo projects (dicts, see module doc and tests) deterministically.

    districts: reporting unit name → geometry (WGS84); functional areas (高区, 经区, 临港区, 南海新区,
    then any smaller unit) take precedence where geometries overlap.
    bases: base name → (geometry, cluster name).
    """
    if count < 0:
        raise ValueError("count must be ≥ 0")
    if count == 0:
        return []
    rng = random.Random(seed)
    gen = np.random.default_rng(rng.getrandbits(64))
    q = Decimal("0.1")
    scale = Decimal(count) / Decimal(SEED_COUNT)
    total = (
        Decimal(total_investment) if total_investment is not None else (SEED_TOTAL * scale).quantize(q, ROUND_HALF_UP)
    )
    year = Decimal(year_investment) if year_investment is not None else (SEED_YEAR * scale).quantize(q, ROUND_HALF_UP)
    total_u, year_u = int((total * 10).to_integral_value()), int((year * 10).to_integral_value())
    if total_u < count or year_u > total_u or year_u < 0:
        raise ValueError("investment targets infeasible for this count")

    # ---- reporting units: make disjoint (functional areas first), shrink by the inset, prepare
    names = list(districts)
    if not names:
        raise ValueError("no districts")
    prio = sorted(names, key=lambda n: (0 if n in FUNCTIONAL else 1, districts[n].area, n))
    eff, taken = {}, None
    for n in prio:
        g = districts[n]
        if not g.is_valid:
            g = shapely.make_valid(g)
        eff[n] = g if taken is None else g.difference(taken)
        taken = g if taken is None else taken.union(g)
    inner = {}
    for n in prio:
        g = eff[n].buffer(-INSET_DEG)
        if g.is_empty:  # tiny unit: fall back to a smaller inset
            g = eff[n].buffer(-INSET_DEG / 10)
        shapely.prepare(g)
        inner[n] = g
    usable = [n for n in prio if not inner[n].is_empty]
    all_inner = shapely.union_all([inner[n] for n in usable])

    def locate(xs, ys):
        out = np.full(len(xs), None, dtype=object)
        for n in usable:
            m = (out == None) & shapely.contains_xy(inner[n], xs, ys)  # noqa: E711
            out[m] = n
        return out

    # ---- which projects go to bases, which to districts
    base_names = []
    base_region = {}
    for bn in bases:
        geom, cl = bases[bn]
        r = geom.intersection(all_inner)
        if not r.is_empty and r.area > 0:
            shapely.prepare(r)
            base_region[bn] = r
            base_names.append(bn)
    n_base = round(BASE_SHARE * count) if base_names else 0
    n_dist = count - n_base
    # multipart / large bases (品质农业基地) take a bigger share
    per_base = _counts([2.0 if len(getattr(base_region[bn], "geoms", [])) > 1 else 1.0 for bn in base_names], n_base)
    dweights = [DISTRICT_WEIGHTS.get(n, sum(DISTRICT_WEIGHTS.values()) / len(DISTRICT_WEIGHTS)) for n in usable]
    per_dist = _counts(dweights, n_dist)

    recs: list[dict] = []
    for bn, k in zip(base_names, per_base):
        if not k:
            continue
        pts = _sample(base_region[bn], base_region[bn].bounds, k, gen)
        where = locate(pts[:, 0], pts[:, 1])
        for (x, y), d in zip(pts, where):
            if d is None:  # cannot happen (region ⊂ inner), kept for robustness
                continue
            recs.append(dict(district=d, cluster=bases[bn][1], base=bn, lon=float(x), lat=float(y)))
    for n, k in zip(usable, per_dist):
        if not k:
            continue
        pts = _sample(inner[n], inner[n].bounds, k, gen, centres=tuple(HOTSPOTS.get(n, ())))
        mix = CLUSTER_MIX.get(n, DEFAULT_MIX)
        cls = rng.choices(list(mix), weights=list(mix.values()), k=k)
        for (x, y), c in zip(pts, cls):
            recs.append(dict(district=n, cluster=c, base=None, lon=float(x), lat=float(y)))
    # top up if a base sample came short (robustness; normally no-op)
    while len(recs) < count:
        n = usable[len(recs) % len(usable)]
        ((x, y),) = _sample(inner[n], inner[n].bounds, 1, gen)
        recs.append(dict(district=n, cluster=rng.choice(CLUSTERS), base=None, lon=float(x), lat=float(y)))
    rng.shuffle(recs)

    # ---- status (exact shares, shuffled)
    st_counts = _counts([s for _, s in STATUS_SHARES], count)
    statuses = [code for (code, _), k in zip(STATUS_SHARES, st_counts) for _ in range(k)]
    rng.shuffle(statuses)

    # ---- total investment: heavy-tailed (log-normal quantiles spanning ~1 … ~150), exact in tenths
    nd = NormalDist()
    z = [nd.inv_cdf((i + 0.5) / count) for i in range(count)] if count > 1 else [0.0]
    zmin, zmax = z[0], z[-1]
    b = math.log(150.0) / (zmax - zmin) if zmax > zmin else 0.0
    vals = [math.exp(b * (zi - zmin)) * (1.0 + 0.08 * (rng.random() - 0.5)) for zi in z]
    rng.shuffle(vals)
    totals = _apportion(vals, total_u, minimum=1)

    # ---- this year's plan: share of total by status, capped by the total, exact in tenths
    share = {"planning": (0.03, 0.10), "construction": (0.10, 0.25), "completed": (0.10, 0.35), "stalled": (0.02, 0.08)}
    yw = [t * rng.uniform(*share[s]) for t, s in zip(totals, statuses)]
    years = _apportion(yw, year_u, minimum=1 if year_u >= count else 0, caps=totals)

    # ---- dates and progress
    as_of = date(plan_year, 6, 30)
    out = []
    used_names: set[str] = set()
    width = max(3, len(str(count)))
    for rec, status, t, y in zip(recs, statuses, totals, years):
        if status == "planning":
            start = _rand_date(rng, date(plan_year, 3, 1), date(plan_year, 12, 31))
            end = _rand_date(rng, date(plan_year + 1, 6, 30), date(plan_year + 3, 12, 31))
            prog = rng.randint(0, 100)  # tenths → 0.0 … 10.0
        elif status == "completed":
            start = _rand_date(rng, date(plan_year - 2, 1, 1), date(plan_year - 1, 6, 30))
            end = _rand_date(rng, date(plan_year, 1, 15), date(plan_year, 10, 31))
            prog = 1000
        else:
            start = _rand_date(rng, date(plan_year - 2, 1, 1), date(plan_year, 4, 30))
            end = _rand_date(
                rng, max(date(plan_year, 12, 31), start + timedelta(days=400)), date(plan_year + 3, 12, 31)
            )
            elapsed = min(max((as_of - start).days / max((end - start).days, 1), 0.02), 0.98)
            if status == "construction":
                p = elapsed * 100 + rng.gauss(0, 9) - 3
                prog = int(round(min(max(p, rng.uniform(3.0, 12.0)), 97.0) * 10))
            else:  # stalled: lagging well behind schedule
                p = elapsed * 100 * rng.uniform(0.15, 0.55)
                prog = int(round(min(max(p, 2.0), 60.0) * 10))
        out.append(
            dict(
                code="",
                name=_project_name(rng, rec["district"], rec["cluster"], used_names),
                district=rec["district"],
                cluster=rec["cluster"],
                investment_total=_dec1(t),
                investment_year=_dec1(y),
                status=status,
                progress=_dec1(prog),
                unit="",
                person="",
                start_date=start,
                end_date=end,
                lon=round(rec["lon"], 6),
                lat=round(rec["lat"], 6),
                demo=True,
            )
        )
        out[-1]["unit"], out[-1]["person"] = _unit_person(rng, rec["district"], rec["cluster"])

    # ---- order like a 推进手册: by reporting unit, then by investment; then number
    order = {n: i for i, n in enumerate(DISTRICT_WEIGHTS)}
    out.sort(key=lambda p: (order.get(p["district"], 99), p["district"], -p["investment_total"], p["name"]))
    for i, p in enumerate(out, 1):
        p["code"] = f"XJ-2018-{i:0{width}d}"
    return out


def _brand(rng: random.Random) -> str:
    a = rng.choice(BRAND_1)
    b = rng.choice(BRAND_2)
    return a + b if a != b else a + "源"


def _project_name(rng: random.Random, district: str, cluster: str, used: set[str]) -> str:
    places = PLACES.get(district, [district.rstrip("区市县")])
    for _attempt in range(40):
        place = rng.choice(places)
        product = rng.choice(PRODUCTS[cluster])
        suffix = rng.choice(SUFFIXES)
        form = rng.random()
        if form < 0.45:
            name = f"{place}{_brand(rng)}{product}{suffix}"
        elif form < 0.75:
            name = f"{place}{product}{suffix}"
        else:
            name = (
                f"威海{_brand(rng)}{product}{suffix}" if place != "威海" else f"{place}{_brand(rng)}{product}{suffix}"
            )
        if name not in used:
            used.add(name)
            return name
    k = 2
    while f"{name}({k})" in used:
        k += 1
    name = f"{name}({k})"
    used.add(name)
    return name


def _person(rng: random.Random, title: str) -> str:
    return f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}({title})"


def _unit_person(rng: random.Random, district: str, cluster: str) -> tuple[str, str]:
    r = rng.random()
    if r < 0.62:
        unit, kind = UNITS.get(district, (f"{district}人民政府", "区"))
        title = {
            "区": rng.choice(["区长", "副区长", "副区长"]),
            "市": rng.choice(["市长", "副市长", "副市长"]),
            "管": rng.choice(["主任", "副主任", "副主任"]),
        }[kind]
    elif r < 0.85:
        unit = rng.choice(CITY_DEPTS[cluster] + ["市发展和改革委员会"])
        title = rng.choice(["主任", "副主任"]) if unit.endswith("委员会") else rng.choice(["局长", "副局长"])
    else:
        unit = f"威海{_brand(rng)}{rng.choice(COMPANY_INDUSTRY[cluster])}有限公司"
        title = rng.choice(["董事长", "总经理"])
    return unit, _person(rng, title)
