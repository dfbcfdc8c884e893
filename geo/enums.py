"""Enumerations of the programme, defined once and served to the front end by /api/meta."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class District:
    """A reporting unit (区市): a county-level division or a functional area carved out of one."""

    code: str
    name: str
    name_en: str
    kind: str  # "county" | "functional"
    parent: str | None = None


DISTRICTS: tuple[District, ...] = (
    District("371002", "环翠区", "Huancui", "county"),
    District("371003", "文登区", "Wendeng", "county"),
    District("371082", "荣成市", "Rongcheng", "county"),
    District("371083", "乳山市", "Rushan", "county"),
    District("371071", "高区", "Torch Hi-tech Zone", "functional", "环翠区"),
    District("371072", "经区", "Economic Development Zone", "functional", "环翠区"),
    District("371073", "临港区", "Lingang Zone", "functional", "环翠区"),
    District("WH-NH", "南海新区", "Nanhai New Area", "functional", "文登区"),
)


@dataclass(frozen=True)
class Cluster:
    """One of the seven industry clusters (七大千亿级产业集群)."""

    code: str
    name: str
    name_en: str
    color: str


CLUSTERS: tuple[Cluster, ...] = (
    Cluster("C1", "新一代信息技术", "New-generation IT", "#4e79a7"),
    Cluster("C2", "新医药与医疗器械", "Medicine & medical devices", "#e15759"),
    Cluster("C3", "先进装备与智能制造", "Advanced equipment & smart manufacturing", "#76b7b2"),
    Cluster("C4", "碳纤维等复合材料", "Carbon fibre & composites", "#59a14f"),
    Cluster("C5", "海洋生物与健康食品", "Marine biology & health food", "#edc948"),
    Cluster("C6", "时尚与休闲运动产品", "Fashion & leisure sports goods", "#b07aa1"),
    Cluster("C7", "康养旅游", "Health & wellness tourism", "#ff9da7"),
)


@dataclass(frozen=True)
class Status:
    """A project's construction status (建设状态)."""

    code: str
    name: str
    name_en: str


STATUSES: tuple[Status, ...] = (
    Status("planning", "前期推进", "Preparation"),
    Status("construction", "在建", "Under construction"),
    Status("completed", "竣工投产", "Completed"),
    Status("stalled", "停缓建", "Stalled"),
)


@dataclass(frozen=True)
class ProgressBand:
    """A colour band of image progress (形象进度); min inclusive, max exclusive except the last."""

    min: float
    max: float
    color: str
    label: str


PROGRESS_BANDS: tuple[ProgressBand, ...] = (
    ProgressBand(0, 25, "#d7301f", "0–25%"),
    ProgressBand(25, 50, "#fc8d59", "25–50%"),
    ProgressBand(50, 75, "#fdcc8a", "50–75%"),
    ProgressBand(75, 100, "#78c679", "75–99%"),
    ProgressBand(100, 100, "#238443", "100%"),
)


@dataclass(frozen=True)
class Light:
    """A traffic light (亮灯) level: how far actual progress lags the planned progress."""

    code: str
    name: str
    name_en: str
    color: str


LIGHTS: tuple[Light, ...] = (
    Light("green", "绿灯", "On schedule", "#2ca25f"),
    Light("yellow", "黄灯", "Lagging", "#f0b400"),
    Light("red", "红灯", "Seriously behind", "#de2d26"),
)

@dataclass(frozen=True)
class PhotoBadge:
    """A verification badge of a site photo; level is ok | warn | bad | info (the badge's colour)."""

    code: str
    name: str
    name_en: str
    level: str


PHOTO_BADGES: tuple[PhotoBadge, ...] = (
    PhotoBadge("near", "位置相符", "At the site", "ok"),
    PhotoBadge("far", "偏离项目", "Away from the site", "warn"),
    PhotoBadge("in_area", "位于所在园区", "Inside the project's zone/base", "ok"),
    PhotoBadge("out_area", "不在所在园区", "Outside the project's zone/base", "warn"),
    PhotoBadge("in_month", "当月拍摄", "Taken in the reporting month", "ok"),
    PhotoBadge("off_month", "非当月拍摄", "Not taken in the reporting month", "warn"),
    PhotoBadge("no_location", "无位置信息", "No location", "bad"),
    PhotoBadge("gps_invalid", "GPS 无效", "Invalid GPS", "bad"),
    PhotoBadge("no_time", "无拍摄时间", "No time taken", "bad"),
    PhotoBadge("manual", "手动定位", "Placed by hand", "info"),
)

# Photo formats accepted, recognised by content: code -> (MIME type, file extension).
PHOTO_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "HEIF": ("image/heic", "heic"),
}

DISTRICT_NAMES = tuple(d.name for d in DISTRICTS)
CLUSTER_NAMES = tuple(c.name for c in CLUSTERS)
STATUS_CODES = tuple(s.code for s in STATUSES)

# The box a point must fall in to be taken as "in or near Weihai" (land and near-shore sea).
WEIHAI_BOUNDS = (121.2, 36.6, 122.8, 37.7)


def as_dicts(items) -> list[dict]:
    """Serialise dataclass enumerations for JSON."""
    return [asdict(i) for i in items]
