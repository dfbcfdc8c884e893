"""Site photos: store with verification, list per project, the district photo wall, camera positions, hand placement."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session
from sqlalchemy.types import Float

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.accounts.scope import ensure_may_act_on_project, photo_visible
from geo.enums import DISTRICT_NAMES, PHOTO_FORMATS
from geo.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge, TooManyRequests
from geo.db.models import SRID, Photo
from geo.photos import store
from geo.photos.image import Derived, derive
from geo.settings import Settings
from geo.siting.engine import site_points

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Upload:
    """One received file: the name the client gave and its bytes."""

    name: str
    data: bytes


def parse_month(raw: str | None, *, field: str = "month") -> dt.date | None:
    """'YYYY-MM' -> first day of that month; None stays None; anything else raises InvalidInput."""
    if raw is None or raw == "":
        return None
    m = _MONTH.match(raw.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise InvalidInput(f"月份应写成 YYYY-MM,例如 2026-05 / {field} must be YYYY-MM, e.g. 2026-05; got {raw!r}",
                           errors=[{"field": field, "message": "expected YYYY-MM"}])
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def current_month() -> dt.date:
    """First day of this month in Weihai's time zone."""
    return dt.datetime.now(LOCAL_TZ).date().replace(day=1)


def _project_exists(session: Session, project_id: int) -> None:
    if session.execute(text("SELECT 1 FROM projects WHERE id = :id"), {"id": project_id}).scalar() is None:
        raise NotFound(f"项目 {project_id} 不存在 / project {project_id} does not exist")


def classify_gps(session: Session, *, lon: float | None, lat: float | None, far_m: float) -> tuple[str, str | None]:
    """('ok'|'missing'|'invalid', problem): missing, out of range, 0,0, or farther than far_m from every district."""
    if lon is None or lat is None:
        return "missing", None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "invalid", "out_of_range"
    if abs(lon) < 1e-7 and abs(lat) < 1e-7:
        return "invalid", "zero"
    near = session.execute(text(f"""
        SELECT EXISTS (SELECT 1 FROM districts d
                       WHERE ST_DWithin(d.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), {SRID})::geography, :far))"""),
                           {"lon": lon, "lat": lat, "far": far_m}).scalar()
    return ("ok", None) if near else ("invalid", "far")


_distance = text(f"""
SELECT ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), {SRID})::geography) AS distance_m,
       p.zone_ids, p.base_ids
FROM projects p WHERE p.id = :project_id""").bindparams(bindparam("lon", type_=Float), bindparam("lat", type_=Float))


def verify(session: Session, *, project_id: int, lon: float | None, lat: float | None, usable: bool,
           taken_at: dt.datetime | None, report_month: dt.date, radius_m: float) -> dict:
    """Distance (geography, metres), within radius, inside the project's zone/base (by geo.siting.engine), taken in the month."""
    checks = {"distance_m": None, "radius_m": radius_m, "within_radius": None, "in_project_area": None,
              "in_month": None if taken_at is None else (taken_at.year, taken_at.month) == (report_month.year, report_month.month)}
    if lon is None or lat is None:
        return checks
    row = session.execute(_distance, {"lon": lon, "lat": lat, "project_id": project_id}).mappings().one()
    checks["distance_m"] = round(row["distance_m"], 1)
    if not usable:
        return checks
    checks["within_radius"] = row["distance_m"] <= radius_m
    project_areas = set(row["zone_ids"] or []) | {-b for b in row["base_ids"] or []}
    if project_areas:
        sited = site_points(session, lons=[lon], lats=[lat])[0]
        photo_areas = set(sited["zone_ids"] or []) | {-b for b in sited["base_ids"] or []}
        checks["in_project_area"] = bool(project_areas & photo_areas)
    return checks


def _duplicate(session: Session, sha256: str, name: str, actor: Principal) -> Conflict:
    existing = photo_dict(session, _photo_ids_by_sha(session, [sha256])[0], actor=actor)
    return Conflict(
        f"“{name}”已上传过(照片 {existing['id']},项目“{existing['project_name']}”)/ {name!r} was already uploaded "
        f"as photo {existing['id']}", errors=[{"field": name, "message": "duplicate"}], extensions={"existing": existing})


def _photo_ids_by_sha(session: Session, shas: list[str]) -> list[int]:
    return list(session.execute(select(Photo.id).where(Photo.sha256.in_(shas))).scalars())


def _check_upload_quota(session: Session, *, settings: Settings, actor: Principal, uploads: list[Upload]) -> None:
    """429 when this upload would take the account past its hourly number or bytes of photos (settings)."""
    count, size, oldest = session.execute(text(
        "SELECT count(*), COALESCE(sum(size_bytes), 0), min(created_at) FROM photos "
        "WHERE uploaded_by = :uid AND created_at > now() - interval '1 hour'"), {"uid": actor.user_id}).one()
    over_count = count + len(uploads) > settings.photo_uploads_per_hour
    over_bytes = size + sum(len(u.data) for u in uploads) > settings.photo_bytes_per_hour
    if over_count or over_bytes:
        wait = 60
        if oldest is not None:
            wait = max(1, int((oldest + dt.timedelta(hours=1) - dt.datetime.now(oldest.tzinfo)).total_seconds()))
        limit = (f"{settings.photo_uploads_per_hour} 张" if over_count
                 else f"{settings.photo_bytes_per_hour / 2**20:g} MB")
        raise TooManyRequests(f"每个账户每小时最多上传 {limit} 照片,请 {wait} 秒后再试 / hourly upload limit of this "
                              f"account reached; try again in {wait} s", retry_after=wait)


def add_photos(session: Session, *, settings: Settings, project_id: int, uploads: list[Upload], caption: str | None,
               month: str | None, actor: Principal) -> list[dict]:
    """Check, decode, verify and store photos in one transaction, audited and owned by the actor (a reporter only for
    their own district); files are written before the commit and removed if it fails."""
    report_month = parse_month(month) or current_month()
    ensure_may_act_on_project(session, actor=actor, project_id=project_id)
    if not uploads:
        raise InvalidInput("请选择至少一张照片 / send at least one file", errors=[{"field": "files", "message": "empty"}])
    hashed: list[tuple[Upload, str]] = []
    for up in uploads:
        if len(up.data) > settings.photo_max_bytes:
            raise PayloadTooLarge(
                f"“{up.name}”大小 {len(up.data) / 2**20:.1f} MB,超过上限 {settings.photo_max_bytes / 2**20:g} MB / "
                f"{up.name!r} is larger than {settings.photo_max_bytes / 2**20:g} MB",
                errors=[{"field": up.name, "message": "too large"}])
        hashed.append((up, hashlib.sha256(up.data).hexdigest()))
    _check_upload_quota(session, settings=settings, actor=actor, uploads=uploads)
    for sha in sorted({sha for _, sha in hashed}):  # two uploads of one file wait for each other: the loser sees the row
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:sha, 0))"), {"sha": sha})
    seen: set[str] = set()
    for up, sha in hashed:  # duplicates are answered before any decoding
        if sha in seen:
            raise Conflict(f"“{up.name}”在本次上传中重复 / {up.name!r} is in this upload twice",
                           errors=[{"field": up.name, "message": "duplicate in request"}])
        if _photo_ids_by_sha(session, [sha]):
            raise _duplicate(session, sha, up.name, actor)
        seen.add(sha)
    prepared = [(up, sha, derive(up.data, name=up.name, max_pixels=settings.photo_max_pixels)) for up, sha in hashed]
    photos, written = [], []
    try:
        for up, sha, d in prepared:
            photos.append(_new_photo(session, settings, project_id, up, sha, d, caption, actor.user_id, report_month))
            ext = PHOTO_FORMATS[d.format][1]
            for kind, data in (("original", up.data), ("display", d.display), ("thumb", d.thumb)):
                path = store.path_of(settings.photo_dir, kind, sha, ext)
                written.append(path)
                store.write_atomic(path, data)
        session.add_all(photos)
        session.flush()
        for p in photos:
            audit(session, actor=actor, action="photo.upload", obj=("photo", p.id),
                  after={"project_id": project_id, "file": p.original_name, "month": report_month.strftime("%Y-%m"),
                         "sha256": p.sha256[:12]})
        session.commit()
    except BaseException:
        session.rollback()
        store.remove(written)
        raise
    return [photo_dict(session, p.id, actor=actor) for p in photos]


def _new_photo(session: Session, settings: Settings, project_id: int, up: Upload, sha: str, d: Derived,
               caption: str | None, uploaded_by: int | None, report_month: dt.date) -> Photo:
    e = d.exif
    gps_status, gps_problem = classify_gps(session, lon=e.lon, lat=e.lat, far_m=settings.photo_far_m)
    placed = gps_status == "ok" or gps_problem == "far"  # a far point is a real place, shown with its distance
    checks = verify(session, project_id=project_id, lon=e.lon if placed else None, lat=e.lat if placed else None,
                    usable=gps_status == "ok", taken_at=e.taken_at, report_month=report_month, radius_m=settings.photo_radius_m)
    return Photo(
        project_id=project_id, sha256=sha, format=d.format, size_bytes=len(up.data), width=d.width, height=d.height,
        original_name=up.name[:255], caption=caption, uploaded_by=uploaded_by, report_month=report_month,
        taken_at=e.taken_at, taken_offset=e.taken_offset,
        geom=f"SRID={SRID};POINT({e.lon} {e.lat})" if placed else None,
        exif_lon=e.lon if e.lon is None or abs(e.lon) < 1e6 else None,
        exif_lat=e.lat if e.lat is None or abs(e.lat) < 1e6 else None,
        altitude_m=e.altitude_m, location_source="exif" if placed else None, gps_status=gps_status,
        gps_problem=gps_problem, orientation=e.orientation, exif_error=e.error, **checks)


def place_photo(session: Session, *, settings: Settings, actor: Principal, photo_id: int, lon: float, lat: float) -> dict:
    """Place a photo without usable GPS by hand (a reporter only in their own district) and re-run its checks."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise _not_found(photo_id)
    ensure_may_act_on_project(session, actor=actor, project_id=photo.project_id)
    if photo.gps_status == "ok":
        raise Conflict(f"照片 {photo_id} 已有 GPS 位置,无需手动定位 / photo {photo_id} already has a GPS position")
    status, problem = classify_gps(session, lon=lon, lat=lat, far_m=settings.photo_far_m)
    if status != "ok":
        raise InvalidInput(f"手动定位的位置应在威海市内(经度, 纬度)/ place the photo inside Weihai (lon, lat): {problem}",
                           errors=[{"field": "lon,lat", "message": problem or "invalid"}])
    checks = verify(session, project_id=photo.project_id, lon=lon, lat=lat, usable=True, taken_at=photo.taken_at,
                    report_month=photo.report_month, radius_m=settings.photo_radius_m)
    for k, v in checks.items():
        setattr(photo, k, v)
    photo.geom = f"SRID={SRID};POINT({lon} {lat})"
    photo.location_source = "manual"
    audit(session, actor=actor, action="photo.place", obj=("photo", photo_id), after={"lon": lon, "lat": lat})
    session.commit()
    return photo_dict(session, photo_id, actor=actor)


def set_published(session: Session, *, actor: Principal, photo_id: int, published: bool) -> dict:
    """Publish a photo (everyone who may read sees it) or withdraw it (reporters and above only), audited."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise _not_found(photo_id)
    before = photo.published
    if before != published:
        photo.published = published
        photo.published_by = actor.user_id
        photo.published_at = dt.datetime.now(dt.timezone.utc)
        audit(session, actor=actor, action="photo.publish" if published else "photo.unpublish", obj=("photo", photo_id),
              before={"published": before}, after={"published": published, "project_id": photo.project_id})
    session.commit()
    return photo_dict(session, photo_id, actor=actor)


_PHOTO_SQL = """
SELECT ph.id, ph.project_id, p.name AS project_name, p.code AS project_code, d.name AS district, ph.sha256, ph.format,
       ph.size_bytes, ph.width, ph.height, ph.original_name, ph.caption,
       COALESCE(ph.legacy_uploader, up.display_name) AS uploader, up.username AS uploader_username, ph.report_month, ph.taken_at,
       ph.taken_offset, ST_X(ph.geom) AS lon, ST_Y(ph.geom) AS lat, ph.exif_lon, ph.exif_lat, ph.altitude_m,
       ph.location_source, ph.gps_status, ph.gps_problem, ph.orientation, ph.exif_error, ph.distance_m, ph.radius_m,
       ph.within_radius, ph.in_project_area, ph.in_month, ph.created_at, ph.published, ph.published_at,
       ST_X(p.geom) AS project_lon, ST_Y(p.geom) AS project_lat
FROM photos ph
JOIN projects p ON p.id = ph.project_id
JOIN districts d ON d.id = COALESCE(p.located_district_id, p.district_id)
LEFT JOIN users up ON up.id = ph.uploaded_by"""


def badges(r: dict) -> list[str]:
    """Badge codes (geo.enums.PHOTO_BADGES) of a photo row."""
    out = []
    if r["location_source"] == "manual":
        out.append("manual")
    elif r["gps_status"] == "invalid":
        out.append("gps_invalid")
    elif r["gps_status"] == "missing":
        out.append("no_location")
    if r["within_radius"] is not None:
        out.append("near" if r["within_radius"] else "far")
    if r["in_project_area"] is not None:
        out.append("in_area" if r["in_project_area"] else "out_area")
    if r["taken_at"] is None:
        out.append("no_time")
    elif r["in_month"] is not None:
        out.append("in_month" if r["in_month"] else "off_month")
    return out


def _shape(r: dict) -> dict:
    base = f"/api/photos/{r['id']}"
    location = None if r["lon"] is None else {"lon": round(r["lon"], 6), "lat": round(r["lat"], 6),
                                              "altitude_m": r["altitude_m"], "source": r["location_source"]}
    return {
        "id": r["id"], "project_id": r["project_id"], "project_name": r["project_name"], "project_code": r["project_code"],
        "district": r["district"], "sha256": r["sha256"], "format": r["format"], "mime": PHOTO_FORMATS[r["format"]][0],
        "size_bytes": r["size_bytes"], "width": r["width"], "height": r["height"], "original_name": r["original_name"],
        "caption": r["caption"], "uploader": r["uploader"], "uploader_username": r["uploader_username"], "month": r["report_month"].strftime("%Y-%m"),
        "taken_at": r["taken_at"].isoformat() if r["taken_at"] else None, "taken_offset": r["taken_offset"],
        "uploaded_at": r["created_at"].isoformat(), "location": location,
        "exif_position": None if r["exif_lat"] is None else {"lon": r["exif_lon"], "lat": r["exif_lat"]},
        "gps": r["gps_status"], "gps_problem": r["gps_problem"], "orientation": r["orientation"], "exif_error": r["exif_error"],
        "project_location": {"lon": round(r["project_lon"], 6), "lat": round(r["project_lat"], 6)},
        "checks": {"distance_m": r["distance_m"], "radius_m": r["radius_m"], "within_radius": r["within_radius"],
                   "in_project_area": r["in_project_area"], "in_month": r["in_month"]},
        "badges": badges(r),
        "published": r["published"], "published_at": r["published_at"].isoformat() if r["published_at"] else None,
        "urls": {"thumb": f"{base}/thumb", "display": f"{base}/display", "original": f"{base}/original"},
    }


def _not_found(photo_id: int) -> NotFound:
    # An unpublished photo answers like a missing one: its existence is not public either.
    return NotFound(f"照片 {photo_id} 不存在 / photo {photo_id} does not exist")


def photo_dict(session: Session, photo_id: int, *, actor: Principal) -> dict:
    """One photo with its checks and badges, if the actor may see it."""
    row = session.execute(text(f"{_PHOTO_SQL} WHERE ph.id = :id AND {photo_visible(actor)}"),
                          {"id": photo_id}).mappings().first()
    if row is None:
        raise _not_found(photo_id)
    return _shape(dict(row))


def project_photos(session: Session, *, project_id: int, actor: Principal) -> list[dict]:
    """A project's photos the actor may see, newest reporting month first, then newest taken."""
    _project_exists(session, project_id)
    rows = session.execute(text(f"{_PHOTO_SQL} WHERE ph.project_id = :pid AND {photo_visible(actor)} "
                                "ORDER BY ph.report_month DESC, ph.taken_at DESC NULLS LAST, ph.id DESC"),
                           {"pid": project_id}).mappings()
    return [_shape(dict(r)) for r in rows]


def _district_check(district: str | None) -> None:
    if district and district not in DISTRICT_NAMES:
        raise InvalidInput(f"未知的区市“{district}”。可选:{'、'.join(DISTRICT_NAMES)} / unknown district {district!r}",
                           errors=[{"field": "district", "message": "unknown district", "allowed": list(DISTRICT_NAMES)}])


def photo_wall(session: Session, *, district: str | None, month: str | None, per_project: int, actor: Principal) -> dict:
    """The latest photos the actor may see of every project of a district (all when None) for a month, and the
    projects without any."""
    _district_check(district)
    report_month = parse_month(month) or current_month()
    params = {"district": district, "month": report_month, "n": per_project}
    in_district = "(CAST(:district AS text) IS NULL OR d.name = :district)"
    rows = session.execute(text(f"""
        SELECT * FROM ({_PHOTO_SQL.replace('SELECT ph.id', 'SELECT row_number() OVER (PARTITION BY ph.project_id '
                                            'ORDER BY ph.taken_at DESC NULLS LAST, ph.id DESC) AS rn, ph.id', 1)}
                       WHERE ph.report_month = :month AND {in_district} AND {photo_visible(actor)}) s
        WHERE rn <= :n ORDER BY district, project_code, rn"""), params).mappings()
    projects: dict[int, dict] = {}
    for r in rows:
        entry = projects.setdefault(r["project_id"], {"id": r["project_id"], "code": r["project_code"],
                                                       "name": r["project_name"], "district": r["district"], "photos": []})
        entry["photos"].append(_shape(dict(r)))
    without = session.execute(text(f"""
        SELECT p.id, p.code, p.name, d.name AS district FROM projects p
        JOIN districts d ON d.id = COALESCE(p.located_district_id, p.district_id)
        WHERE {in_district} AND NOT EXISTS (SELECT 1 FROM photos ph WHERE ph.project_id = p.id AND ph.report_month = :month
                                                          AND {photo_visible(actor)})
        ORDER BY p.code"""), params).mappings()
    return {"district": district, "month": report_month.strftime("%Y-%m"), "projects": list(projects.values()),
            "projects_without_photos": [dict(r) for r in without]}


def photo_positions_geojson(session: Session, *, district: str | None, project_id: int | None, actor: Principal) -> str:
    """Photos the actor may see with a usable position as GeoJSON points, each with its project's point for the line."""
    _district_check(district)
    sql = f"""
WITH rows AS (
    SELECT ph.id, ph.project_id, p.name AS project_name, ph.report_month, ph.location_source, ph.distance_m,
           ph.within_radius, ph.published, '/api/photos/' || ph.id || '/thumb' AS thumb,
           json_build_array(round(ST_X(p.geom)::numeric, 6), round(ST_Y(p.geom)::numeric, 6)) AS project_coordinates,
           ph.geom
    FROM photos ph JOIN projects p ON p.id = ph.project_id
    JOIN districts d ON d.id = COALESCE(p.located_district_id, p.district_id)
    WHERE ph.geom IS NOT NULL AND (ph.gps_status = 'ok' OR ph.location_source = 'manual') AND {photo_visible(actor)}
      AND (CAST(:district AS text) IS NULL OR d.name = :district)
      AND (CAST(:pid AS integer) IS NULL OR ph.project_id = :pid)
    ORDER BY ph.id)
SELECT json_build_object('type', 'FeatureCollection',
                         'features', COALESCE(json_agg(ST_AsGeoJSON(rows.*, 'geom', 6)::json), '[]'::json))::text
FROM rows"""
    return session.execute(text(sql), {"district": district, "pid": project_id}).scalar_one()


def photo_file(session: Session, *, settings: Settings, photo_id: int, kind: str,
               actor: Principal) -> tuple[str, str, object]:
    """(path, media type, etag) of a stored file of a photo; NotFound when the row or the file is missing or the
    actor may not see the photo."""
    row = session.execute(select(Photo.sha256, Photo.format)
                          .where(Photo.id == photo_id, text(photo_visible(actor, alias="photos")))).first()
    if row is None:
        raise _not_found(photo_id)
    mime, ext = PHOTO_FORMATS[row.format]
    path = store.path_of(settings.photo_dir, kind, row.sha256, ext)
    if not path.is_file():
        raise NotFound(f"照片 {photo_id} 的文件缺失,请运行 warroom photos check / the file of photo {photo_id} is missing")
    return str(path), mime if kind == "original" else "image/jpeg", f'"{row.sha256[:32]}-{kind}"'


def check_store(session: Session, *, settings: Settings) -> dict:
    """Files without rows (and leftover temp files), and rows whose original or derivatives are missing."""
    rows = {sha: PHOTO_FORMATS[fmt][1] for sha, fmt in session.execute(select(Photo.sha256, Photo.format))}
    orphans = [str(p) for kind, sha, p in store.stored_files(settings.photo_dir) if sha not in rows]
    missing = [{"sha256": sha, "kind": kind, "path": str(store.path_of(settings.photo_dir, kind, sha, ext))}
               for sha, ext in rows.items() for kind in store.KINDS
               if not store.path_of(settings.photo_dir, kind, sha, ext).is_file()]
    return {"rows": len(rows), "files_without_rows": orphans, "rows_without_files": missing}
