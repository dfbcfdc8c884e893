"""Places inside Weihai's districts that registers write instead of the district (街道、镇、管理区、度假区).

Used only for hints: an unknown 所属区市 such as 石岛管理区 is answered with the district that holds it.  The reporting
units themselves are the enumeration in geo/enums.py.
"""

from __future__ import annotations

# district -> the towns, sub-districts and managed areas inside it (2021 administrative divisions)
PLACES: dict[str, tuple[str, ...]] = {
    "环翠区": (
        "环翠楼街道",
        "鲸园街道",
        "竹岛街道",
        "孙家疃街道",
        "张村镇",
        "羊亭镇",
        "温泉镇",
        "嵩山街道",
        "刘公岛",
    ),
    "高区": ("田和街道", "怡园街道", "双岛街道", "初村镇", "火炬高技术产业开发区", "火炬高新区"),
    "经区": ("凤林街道", "西苑街道", "皇冠街道", "泊于镇", "桥头镇", "崮山镇", "经济技术开发区"),
    "临港区": ("草庙子镇", "汪疃镇", "苘山镇", "蔄山镇", "临港经济技术开发区"),
    "文登区": (
        "龙山街道",
        "天福街道",
        "环山街道",
        "文登营镇",
        "大水泊镇",
        "张家产镇",
        "高村镇",
        "泽库镇",
        "侯家镇",
        "宋村镇",
        "泽头镇",
        "葛家镇",
        "米山镇",
        "界石镇",
    ),
    "南海新区": ("小观镇", "南海"),
    "荣成市": (
        "石岛管理区",
        "石岛",
        "宁津街道",
        "港湾街道",
        "桃园街道",
        "王连街道",
        "东山街道",
        "斥山街道",
        "崖头街道",
        "城西街道",
        "寻山街道",
        "崂山街道",
        "俚岛镇",
        "成山镇",
        "埠柳镇",
        "港西镇",
        "夏庄镇",
        "崖西镇",
        "荫子镇",
        "滕家镇",
        "大疃镇",
        "上庄镇",
        "虎山镇",
        "人和镇",
        "好运角旅游度假区",
    ),
    "乳山市": (
        "城区街道",
        "夏村街道",
        "白沙滩镇",
        "乳山口镇",
        "海阳所镇",
        "南黄镇",
        "冯家镇",
        "下初镇",
        "午极镇",
        "育黎镇",
        "崖子镇",
        "诸往镇",
        "乳山寨镇",
        "大孤山镇",
        "银滩旅游度假区",
    ),
}
_SUFFIXES = ("管理区", "街道办事处", "街道", "镇", "旅游度假区", "度假区", "乡")


def _stem(name: str) -> str:
    for prefix in ("山东省", "威海市"):
        name = name.removeprefix(prefix)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


_BY_STEM = {_stem(place): district for district, places in PLACES.items() for place in places}


def district_of_place(name: str) -> str | None:
    """The district holding a town, sub-district or managed area written in its place (e.g. 石岛管理区 -> 荣成市)."""
    name = "".join(name.split())
    return _BY_STEM.get(_stem(name)) or _BY_STEM.get(name)
