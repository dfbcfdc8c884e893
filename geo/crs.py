"""Coordinate systems: GCJ-02 ↔ WGS84 (web map pickers), and any EPSG CRS (CGCS2000, Gauss–Krüger) → WGS84."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geo.errors import InvalidInput

WGS84 = "EPSG:4326"
METRIC_SRID = 32651  # UTM 51N covers Weihai (scale error < 0.03 %): distances, areas, nearest-base order
UTM51N = f"EPSG:{METRIC_SRID}"

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses it
_EE = 0.00669342162296594323


def _d_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    r += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return r


def _d_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    r += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Forward GCJ-02 obfuscation (vectorised; points are assumed to be inside China)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlat = _d_lat(lon - 105.0, lat - 35.0)
    dlon = _d_lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sq = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sq) * np.pi)
    dlon = (dlon * 180.0) / (_A / sq * np.cos(rad) * np.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, tol: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Iterative inverse of wgs84_to_gcj02 (fixed point; converges to < 1e-9 degree)."""
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon, wlat = wlon - elon, wlat - elat
        if elon.size == 0 or max(np.max(np.abs(elon)), np.max(np.abs(elat))) < tol:
            break
    return wlon, wlat


def parse_crs(value: str, *, field: str = "crs") -> CRS:
    """A pyproj CRS from 'EPSG:4549', '4549' or WKT, or InvalidInput naming the common choices."""
    text = value.strip()
    if text.isascii() and text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except CRSError:
        raise InvalidInput(
            f"无法识别坐标系 {value!r}。常用:EPSG:4326(WGS84)、EPSG:4490(CGCS2000)、"
            f"EPSG:4549/4550(CGCS2000 高斯-克吕格 "
            f"3 度带 120°E/123°E)、EPSG:3857 / unknown CRS {value!r}",
            errors=[{"field": field, "message": "unknown CRS"}],
        ) from None


@lru_cache(maxsize=32)
def _to_wgs84(source: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(source), WGS84, always_xy=True)


def to_wgs84(xs, ys, crs: CRS | str) -> tuple[np.ndarray, np.ndarray]:
    """Transform x/y (easting/northing or lon/lat, axis order x first) from crs to WGS84 lon/lat."""
    source = crs.to_wkt() if isinstance(crs, CRS) else crs
    return _to_wgs84(source).transform(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))


@lru_cache(maxsize=1)
def _to_utm() -> Transformer:
    return Transformer.from_crs(WGS84, UTM51N, always_xy=True)


def lonlat_to_utm(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat to UTM 51N metres (the metric CRS of every distance)."""
    return _to_utm().transform(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
