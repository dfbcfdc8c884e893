"""The stamped display copy (水印): a dark band at the bottom of the 1600 px display copy naming the project, the
shooting time and place as the checks established them, and the upload time; drawn by the server from the photo's
row, never from the phone's word, so a forged EXIF clock or a claimed position reads "未核实".

Each evidence claim keeps its own name and is never upgraded into another: an EXIF position within the radius is
"EXIF 已核实", a hand placement a planner verified is "手动定位,已审核", a device position alone is "设备定位(未核实)".
The copy is keyed by content and stamp text (`stamped/<sha[:2]>/<sha>-<digest>.jpg`), made on first request and kept in
the photo store; a change of the facts changes the digest, so the next request makes a new copy and
`warroom photos check --repair` removes the stale one with the orphans.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.bulletin.fonts import face_file
from geo.periods import LOCAL_TZ
from geo.photos import store
from geo.photos.image import DecodeBudget
from geo.siting.engine import site_points

KIND = "stamped"
# Bumped whenever the drawing (not the facts) changes, so every stamped copy is made again.
VERSION = "1"
# How far after the upload an EXIF time may lie: cameras and servers disagree by a little, never by more.
CLOCK_SKEW = dt.timedelta(minutes=10)
BAND_ALPHA = 0.62
QUALITY = 88

_FACTS = """
SELECT ph.id, ph.sha256, p.name AS project_name, p.demo, ph.taken_at, ph.taken_offset, ph.in_month, ph.created_at,
       ph.gps_status, ph.within_radius, ST_X(ph.geom) AS exif_lon, ST_Y(ph.geom) AS exif_lat,
       ph.placement_status, ph.placed_within_radius, ST_X(ph.placed_geom) AS placed_lon,
       ST_Y(ph.placed_geom) AS placed_lat, ph.device_lon
FROM photos ph JOIN projects p ON p.id = ph.project_id"""


class PhotoGone(LookupError):
    """The photo's row was deleted between the visibility check and the stamp."""


@dataclass(frozen=True)
class Stamp:
    """The lines drawn on a photo and the digest its stored copy is keyed by."""

    lines: tuple[str, ...]

    @property
    def digest(self) -> str:
        """16 hex digits of the stamp text (and the drawing version)."""
        return hashlib.sha256("\n".join((VERSION, *self.lines)).encode()).hexdigest()[:16]

    def key(self, sha256: str) -> str:
        """The store key of this stamp on these bytes."""
        return f"{KIND}/{sha256[:2]}/{sha256}-{self.digest}.jpg"


def _local(value: dt.datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _taken_local(taken: dt.datetime, offset: str | None) -> dt.datetime:
    """The camera's wall clock in Beijing time: converted by its recorded offset, else taken as Beijing time."""
    if offset:
        sign = -1 if offset[0] == "-" else 1
        hours, minutes = offset[1:].split(":")
        tz = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
        return taken.replace(tzinfo=tz).astimezone(LOCAL_TZ)
    return taken.replace(tzinfo=LOCAL_TZ)


def time_line(r: dict) -> str:
    """拍摄 time only when the checks found it in the reporting month and not after the upload; 上传 time always."""
    uploaded = f"上传 {_local(r['created_at'])}"
    if r["taken_at"] is None or r["in_month"] is not True:
        return f"拍摄时间未核实 · {uploaded}"
    taken = _taken_local(r["taken_at"], r["taken_offset"])
    if taken > r["created_at"] + CLOCK_SKEW:  # a clock set ahead: the photo cannot postdate its own upload
        return f"拍摄时间未核实 · {uploaded}"
    return f"拍摄 {taken:%Y-%m-%d %H:%M}(EXIF 已核实,北京时间)· {uploaded}"


def checked_position(r: dict) -> tuple[str, float, float] | None:
    """(claim, lon, lat) of the position the checks stand behind, or None: usable EXIF GPS within the radius, else a
    hand placement a planner verified (within the radius); a device position or a pending placement never is."""
    if r["gps_status"] == "ok" and r["within_radius"] is True and r["exif_lon"] is not None:
        return "EXIF 已核实", r["exif_lon"], r["exif_lat"]
    if r["placement_status"] == "verified" and r["placed_within_radius"] is True:
        return "手动定位,已审核", r["placed_lon"], r["placed_lat"]
    return None


def place_line(r: dict, where: str | None) -> str:
    """The place line: the checked claim with the district/zone it falls in and lon/lat to 4 decimals, or which
    unverified claim there is."""
    checked = checked_position(r)
    if checked is not None:
        claim, lon, lat = checked
        return f"位置:{claim} · {where or '威海市外'} · {lon:.4f}, {lat:.4f}"
    if r["placement_status"] == "pending":
        return "位置:手动定位(待审核,未核实)"
    if r["device_lon"] is not None:
        return "位置:设备定位(未核实)"
    return "位置未核实"


def _places(session: Session, rows: list[dict]) -> dict[int, str]:
    """Photo id -> "district · zone" of its checked position, sited by the one siting rule in one pass."""
    points = [(r["id"], p[1], p[2]) for r in rows if (p := checked_position(r)) is not None]
    if not points:
        return {}
    sited = site_points(session, lons=[p[1] for p in points], lats=[p[2] for p in points])
    districts = dict(session.execute(text("SELECT id, name FROM districts")).all())
    zones = dict(session.execute(text("SELECT id, name FROM zones")).all())
    out = {}
    for (photo_id, _, _), s in zip(points, sited):
        names = [districts[s["district_id"]]] if s["district_id"] in districts else []
        names += [zones[z] for z in s["zone_ids"] or [] if z in zones]
        out[photo_id] = " · ".join(names) if names else None
    return out


def _stamps(session: Session, rows: list[dict]) -> dict[int, Stamp]:
    places = _places(session, rows)
    return {
        r["id"]: Stamp(
            (
                r["project_name"] + ("(演示数据)" if r["demo"] else ""),
                time_line(r),
                place_line(r, places.get(r["id"])),
            )
        )
        for r in rows
    }


def stamp_of(session: Session, photo_id: int) -> tuple[str, Stamp]:
    """(sha256, stamp) of one photo as its row stands now; PhotoGone when the row is gone."""
    row = session.execute(text(f"{_FACTS} WHERE ph.id = :id"), {"id": photo_id}).mappings().first()
    if row is None:  # deleted since the caller looked
        raise PhotoGone(photo_id)
    return row["sha256"], _stamps(session, [dict(row)])[row["id"]]


def current_keys(session: Session) -> set[str]:
    """The stamped-copy keys every photo row names now (for the store check: the rest are stale or orphans)."""
    rows = [dict(r) for r in session.execute(text(_FACTS)).mappings()]
    stamps = _stamps(session, rows)
    return {stamps[r["id"]].key(r["sha256"]) for r in rows}


@lru_cache(maxsize=64)
def cjk_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK SC (bold for the project line) at a pixel size, from the fonts the bulletin uses."""
    path, family = face_file("sans-bold" if bold else "sans")
    for index in range(16):  # the collection holds SC, TC, JP, KR, HK faces: the simplified Chinese one
        try:
            font = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            break
        if font.getname()[0] == family:
            return font
    return ImageFont.truetype(str(path), size)


def layout(width: int, lines: tuple[str, ...]) -> tuple[int, int, int, int]:
    """(font size, band height, line height, padding) of these lines on an image this wide."""
    size = _fitted_size(width, lines)
    return (size, *_layout(size, len(lines)))


def band_height(width: int, lines: tuple[str, ...]) -> int:
    """Height in pixels of the band drawn on an image this wide (what the pixel tests leave out)."""
    return layout(width, lines)[1]


def _layout(size: int, n: int) -> tuple[int, int, int]:
    """(band height, line height, padding) for a font size."""
    line, pad = round(size * 1.4), round(size * 0.55)
    return n * line + 2 * pad, line, pad


def _fitted_size(width: int, lines: tuple[str, ...]) -> int:
    """A font size relative to the width (1/42 of it), smaller when the longest line would not fit."""
    size = max(10, width // 42)
    widest = max(cjk_font(size, i == 0).getlength(line) for i, line in enumerate(lines))
    room = width * 0.94
    return size if widest <= room else max(8, int(size * room / widest))


def draw(display: bytes, stamp: Stamp, budget: DecodeBudget | None = None) -> bytes:
    """The display copy (JPEG bytes) with the band and its lines drawn at the bottom, as JPEG."""
    img = Image.open(io.BytesIO(display))
    w, h = img.size
    need = w * h * 4 * 3 + 4 * 2**20  # the decoded copy, the blended band and the encoder's buffers
    with budget.reserve(need, name="stamp") if budget else nullcontext():
        img = img.convert("RGB")
        size, band, line, pad = layout(w, stamp.lines)
        box = (0, max(0, h - band), w, h)
        region = img.crop(box)
        img.paste(Image.blend(region, Image.new("RGB", region.size, (0, 0, 0)), BAND_ALPHA), box)
        pen = ImageDraw.Draw(img)
        for i, text_line in enumerate(stamp.lines):
            pen.text((pad, box[1] + pad + i * line), text_line, font=cjk_font(size, i == 0), fill=(255, 255, 255))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=QUALITY)  # no exif argument: the stamped copy carries no metadata
        return out.getvalue()


def stamped_display(
    session: Session, files: store.PhotoStore, *, photo_id: int, budget: DecodeBudget | None = None
) -> tuple[str, str]:
    """(key, digest) of the photo's stamped display copy as its facts stand, made and stored on first request;
    PhotoGone when the row is gone, FileNotFoundError when its display copy is missing or unreadable."""
    sha256, stamp = stamp_of(session, photo_id)
    key = stamp.key(sha256)
    if not files.exists(key):
        display_key = store.key_of("display", sha256, "jpg")
        display = files.read(display_key)
        if display is None:
            raise FileNotFoundError(display_key)
        try:
            stamped = draw(display, stamp, budget)
        except (OSError, ValueError, SyntaxError) as e:  # a damaged display copy is as good as a missing one
            raise FileNotFoundError(display_key) from e
        files.put(key, stamped)
    return key, stamp.digest
