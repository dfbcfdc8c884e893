"""The one EXIF reader for every accepted format: Pillow's getexif()/get_ifd() (HEIC via pillow-heif, WebP, PNG, JPEG).

Nothing here raises on bad metadata: what cannot be read is left as None and described in `error`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from PIL import ExifTags, Image

GPS = ExifTags.IFD.GPSInfo
EXIF = ExifTags.IFD.Exif
TAG_ORIENTATION = ExifTags.Base.Orientation
TAG_DATETIME_ORIGINAL = ExifTags.Base.DateTimeOriginal
TAG_DATETIME_DIGITIZED = ExifTags.Base.DateTimeDigitized
TAG_OFFSET_ORIGINAL = ExifTags.Base.OffsetTimeOriginal
G_LAT_REF, G_LAT, G_LON_REF, G_LON, G_ALT_REF, G_ALT = (
    ExifTags.GPS.GPSLatitudeRef,
    ExifTags.GPS.GPSLatitude,
    ExifTags.GPS.GPSLongitudeRef,
    ExifTags.GPS.GPSLongitude,
    ExifTags.GPS.GPSAltitudeRef,
    ExifTags.GPS.GPSAltitude,
)
_DATETIME = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


@dataclass
class ExifInfo:
    """What a photo's EXIF says about where, when and which way up; None where it says nothing usable."""

    lon: float | None = None
    lat: float | None = None
    altitude_m: float | None = None
    taken_at: dt.datetime | None = None  # camera wall-clock time
    taken_offset: str | None = None  # "+08:00" when OffsetTimeOriginal is present
    orientation: int = 1
    error: str | None = None


def _number(value) -> float | None:
    """A finite float from an IFDRational, int, float or (num, den) pair; None for 0/0 and anything else."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        num, den = value
        return num / den if den else None
    num, den = getattr(value, "numerator", None), getattr(value, "denominator", None)
    if isinstance(num, int) and isinstance(den, int):
        return num / den if den else None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _degrees(value) -> float | None:
    """Degrees from degree-minute-second rationals (a 0/0 minute or second counts as 0; a 0/0 degree is unknown)."""
    parts = list(value) if isinstance(value, (tuple, list)) else [value]
    if not parts or len(parts) > 3:
        return None
    numbers = [_number(p) for p in parts]
    if numbers[0] is None:
        return None
    d, m, s = (numbers + [0.0, 0.0])[:3]
    return numbers[0] + (m or 0.0) / 60 + (s or 0.0) / 3600


def _ref(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value or "").strip("\x00 ").upper()[:1]


def _gps(info: ExifInfo, gps: dict) -> None:
    lat, lon = gps.get(G_LAT), gps.get(G_LON)
    if lat is None or lon is None:
        return  # e.g. a GPS section holding only its version number
    lat_deg, lon_deg = _degrees(lat), _degrees(lon)
    if lat_deg is None or lon_deg is None:
        return
    if _ref(gps.get(G_LAT_REF)) == "S":
        lat_deg = -lat_deg
    if _ref(gps.get(G_LON_REF)) == "W":
        lon_deg = -lon_deg
    info.lat, info.lon = lat_deg, lon_deg
    alt = _number(gps.get(G_ALT)) if gps.get(G_ALT) is not None else None
    if alt is not None:
        ref = gps.get(G_ALT_REF)
        below = (ref[:1] == b"\x01") if isinstance(ref, bytes) else ref == 1
        info.altitude_m = -alt if below else alt


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value or "").strip("\x00 ")


def parse_datetime(raw) -> dt.datetime | None:
    """'YYYY:MM:DD HH:MM:SS' (EXIF) -> datetime; blank, zeroed or impossible values -> None."""
    m = _DATETIME.match(_text(raw))
    if not m:
        return None
    try:
        return dt.datetime(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def parse_offset(raw) -> str | None:
    """'+08:00' style offsets, checked; anything else -> None."""
    m = _OFFSET.match(_text(raw))
    if not m or int(m.group(2)) > 14 or int(m.group(3)) > 59:
        return None
    return m.group(0)


def read_exif(img: Image.Image) -> ExifInfo:
    """Read position, altitude, time taken (with offset) and orientation; corrupt sections are noted, never raised."""
    info = ExifInfo()
    problems: list[str] = []
    try:
        exif = img.getexif()
    except Exception as exc:  # corrupt EXIF must not reject the photo
        return ExifInfo(error=f"EXIF unreadable: {exc}"[:200])
    try:
        orientation = int(exif.get(TAG_ORIENTATION) or 1)
        info.orientation = orientation if 1 <= orientation <= 8 else 1
    except (TypeError, ValueError):
        problems.append("bad orientation")
    try:
        _gps(info, dict(exif.get_ifd(GPS)))
    except Exception as exc:
        problems.append(f"GPS unreadable: {exc}")
    try:
        sub = exif.get_ifd(EXIF)
        info.taken_at = parse_datetime(sub.get(TAG_DATETIME_ORIGINAL)) or parse_datetime(
            sub.get(TAG_DATETIME_DIGITIZED)
        )
        if info.taken_at is not None:
            info.taken_offset = parse_offset(sub.get(TAG_OFFSET_ORIGINAL))
    except Exception as exc:
        problems.append(f"Exif section unreadable: {exc}")
    info.error = "; ".join(problems)[:200] or None
    return info
