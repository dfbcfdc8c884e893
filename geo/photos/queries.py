"""Reading photos: one photo, a project's photos, the district photo wall, camera positions, files, the store check."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import literal_column, select, text
from sqlalchemy.orm import Session

from geo.accounts.principal import Principal
from geo.accounts.scope import photo_in_scope, photo_visible
from geo.db.models import Photo
from geo.db.sql import JOIN_REPORTING_DISTRICT, feature_collection, require_project
from geo.enums import PHOTO_FORMATS
from geo.errors import NotFound
from geo.periods import current_month
from geo.photos import store
from geo.photos.checks import badges
from geo.photos.evidence import counts_as_evidence, evidence_shortfalls
from geo.photos.image import decode_budget
from geo.photos.public import public_original
from geo.photos.stamp import KIND as STAMPED
from geo.photos.stamp import PhotoGone, stamped_display
from geo.photos.stamp import current_keys as current_stamp_keys
from geo.settings import Settings

SEES_USERNAMES = "reporter"


# Where a photo is shown: its hand placement while that claim stands (pending or verified), else its EXIF position.
SHOWN_GEOM = "CASE WHEN ph.placement_status IN ('pending', 'verified') THEN ph.placed_geom ELSE ph.geom END"


def _photo_sql(actor: Principal, extra_columns: str = "") -> str:
    """Every column a photo answer is shaped from, with extra columns first (e.g. a rank); the reuse matches listed
    are those the actor may see."""
    return f"""
SELECT {extra_columns}ph.id, ph.project_id, p.name AS project_name, p.code AS project_code, d.name AS district,
       ph.sha256, ph.format, ph.size_bytes, ph.width, ph.height, ph.original_name, ph.caption,
       COALESCE(ph.legacy_uploader, up.display_name) AS uploader, up.username AS uploader_username,
       ph.legacy_uploader IS NULL AND lower(up.display_name) = lower(up.username) AS uploader_is_username,
       ph.report_month, ph.taken_at, ph.taken_offset, ST_X({SHOWN_GEOM}) AS lon, ST_Y({SHOWN_GEOM}) AS lat,
       ph.exif_lon, ph.exif_lat, ph.altitude_m, ph.location_source, ph.gps_status, ph.gps_problem, ph.orientation,
       ph.exif_error, ph.distance_m, ph.radius_m, ph.within_radius, ph.in_project_area, ph.in_month, ph.created_at,
       ph.published, ph.published_at, ST_X(p.geom) AS project_lon, ST_Y(p.geom) AS project_lat,
       ST_X(ph.placed_geom) AS placed_lon, ST_Y(ph.placed_geom) AS placed_lat, ph.placed_at,
       pl.display_name AS placed_by_name, ph.placed_distance_m, ph.placed_within_radius, ph.placed_in_project_area,
       ph.placement_status, ph.placement_reviewed_at, pr.display_name AS placement_reviewed_by_name,
       ph.placement_reason, ph.reuse_status, ph.reuse_reviewed_at, rr.display_name AS reuse_reviewed_by_name,
       ph.reuse_reason, ph.device_lon, ph.device_lat, ph.device_accuracy_m, ph.device_distance_m,
       ph.device_within_radius, ph.device_exif_gap_m, ph.device_agrees,
       COALESCE(jsonb_array_length(ph.reuse_matches), 0) AS reuse_match_count,
       (SELECT COALESCE(json_agg(json_build_object(
                   'id', mp.id, 'project_id', mp.project_id, 'project_name', mpp.name,
                   'month', to_char(mp.report_month, 'YYYY-MM'),
                   'phash_distance', CAST(x.m ->> 'phash' AS integer),
                   'dhash_distance', CAST(x.m ->> 'dhash' AS integer)) ORDER BY x.n), '[]'::json)
          FROM jsonb_array_elements(ph.reuse_matches) WITH ORDINALITY AS x(m, n)
          JOIN photos mp ON mp.id = CAST(x.m ->> 'id' AS integer)
          JOIN projects mpp ON mpp.id = mp.project_id
         WHERE {photo_visible(actor, alias="mp")}) AS reuse_matches,
       {evidence_shortfalls("ph")} AS evidence_shortfalls
FROM photos ph
JOIN projects p ON p.id = ph.project_id
{JOIN_REPORTING_DISTRICT}
LEFT JOIN users up ON up.id = ph.uploaded_by
LEFT JOIN users pl ON pl.id = ph.placed_by
LEFT JOIN users pr ON pr.id = ph.placement_reviewed_by
LEFT JOIN users rr ON rr.id = ph.reuse_reviewed_by"""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _placement(r: dict, staff: bool) -> dict | None:
    """The hand placement as a claim: where, by whom, its review; its position checks only once verified."""
    if r["placement_status"] is None:
        return None
    verified = r["placement_status"] == "verified"
    return {
        "status": r["placement_status"],
        "lon": round(r["placed_lon"], 6),
        "lat": round(r["placed_lat"], 6),
        "distance_m": r["placed_distance_m"],
        "within_radius": r["placed_within_radius"] if verified else None,
        "in_project_area": r["placed_in_project_area"] if verified else None,
        "placed_at": _iso(r["placed_at"]),
        "reviewed_at": _iso(r["placement_reviewed_at"]),
        "reason": r["placement_reason"],
        **({"placed_by": r["placed_by_name"], "reviewed_by": r["placement_reviewed_by_name"]} if staff else {}),
    }


def _device(r: dict) -> dict | None:
    """The phone's own position (设备定位), labelled as such: its checks and whether it agrees with the EXIF point."""
    if r["device_lon"] is None:
        return None
    return {
        "source": "device",
        "lon": round(r["device_lon"], 6),
        "lat": round(r["device_lat"], 6),
        "accuracy_m": r["device_accuracy_m"],
        "distance_m": r["device_distance_m"],
        "within_radius": r["device_within_radius"],
        "exif_gap_m": r["device_exif_gap_m"],
        "agrees_with_exif": r["device_agrees"],
    }


def _reuse(r: dict, staff: bool) -> dict | None:
    """A suspected (or reviewed) reuse: how many photos it matched and those the actor may see."""
    if r["reuse_status"] is None:
        return None
    return {
        "status": r["reuse_status"],
        "match_count": r["reuse_match_count"],
        "matches": r["reuse_matches"],
        "reviewed_at": _iso(r["reuse_reviewed_at"]),
        "reason": r["reuse_reason"],
        **({"reviewed_by": r["reuse_reviewed_by_name"]} if staff else {}),
    }


def _shape(r: dict, actor: Principal) -> dict:
    base = f"/api/photos/{r['id']}"
    # A login name is half a credential: only staff (reporter and up) see it; everyone else sees the display name,
    # and nothing where the display name is just the login name again.
    staff = actor.has_role(SEES_USERNAMES)
    uploader = r["uploader"] if staff or not r["uploader_is_username"] else None
    location = (
        None
        if r["lon"] is None
        else {
            "lon": round(r["lon"], 6),
            "lat": round(r["lat"], 6),
            "altitude_m": r["altitude_m"],
            "source": "manual" if r["placement_status"] in ("pending", "verified") else r["location_source"],
        }
    )
    return {
        "id": r["id"],
        "project_id": r["project_id"],
        "project_name": r["project_name"],
        "project_code": r["project_code"],
        "district": r["district"],
        "sha256": r["sha256"],
        "format": r["format"],
        "mime": PHOTO_FORMATS[r["format"]][0],
        "size_bytes": r["size_bytes"],
        "width": r["width"],
        "height": r["height"],
        "original_name": r["original_name"],
        "caption": r["caption"],
        "uploader": uploader,
        **({"uploader_username": r["uploader_username"]} if staff else {}),
        "month": r["report_month"].strftime("%Y-%m"),
        "taken_at": r["taken_at"].isoformat() if r["taken_at"] else None,
        "taken_offset": r["taken_offset"],
        "uploaded_at": r["created_at"].isoformat(),
        "location": location,
        "exif_position": None if r["exif_lat"] is None else {"lon": r["exif_lon"], "lat": r["exif_lat"]},
        "gps": r["gps_status"],
        "gps_problem": r["gps_problem"],
        "orientation": r["orientation"],
        "exif_error": r["exif_error"],
        "project_location": {"lon": round(r["project_lon"], 6), "lat": round(r["project_lat"], 6)},
        "checks": {
            "distance_m": r["distance_m"],
            "radius_m": r["radius_m"],
            "within_radius": r["within_radius"],
            "in_project_area": r["in_project_area"],
            "in_month": r["in_month"],
        },
        "placement": _placement(r, staff),
        "device_position": _device(r),
        "reuse": _reuse(r, staff),
        "evidence": {"counts": not r["evidence_shortfalls"], "shortfalls": r["evidence_shortfalls"]},
        "badges": badges(r),
        "published": r["published"],
        "published_at": r["published_at"].isoformat() if r["published_at"] else None,
        "urls": {
            "thumb": f"{base}/thumb",
            "display": f"{base}/display",
            "stamped": f"{base}/stamped",
            "original": f"{base}/original",
        },
    }


def photo_not_found(photo_id: int) -> NotFound:
    """The one answer for a photo that is missing or that the actor may not see."""
    # An unpublished photo answers like a missing one: its existence is not public either.
    return NotFound(f"照片 {photo_id} 不存在 / photo {photo_id} does not exist")


def photo_dict(session: Session, photo_id: int, *, actor: Principal) -> dict:
    """One photo with its checks and badges, if the actor may see it."""
    row = (
        session.execute(text(f"{_photo_sql(actor)} WHERE ph.id = :id AND {photo_visible(actor)}"), {"id": photo_id})
        .mappings()
        .first()
    )
    if row is None:
        raise photo_not_found(photo_id)
    return _shape(dict(row), actor)


def project_photos(session: Session, *, project_id: int, actor: Principal) -> list[dict]:
    """A project's photos the actor may see, newest reporting month first, then newest taken."""
    require_project(session, project_id)
    rows = session.execute(
        text(
            f"{_photo_sql(actor)} WHERE ph.project_id = :pid AND {photo_visible(actor)} "
            "ORDER BY ph.report_month DESC, ph.taken_at DESC NULLS LAST, ph.id DESC"
        ),
        {"pid": project_id},
    ).mappings()
    return [_shape(dict(r), actor) for r in rows]


_RANK = "row_number() OVER (PARTITION BY ph.project_id ORDER BY ph.taken_at DESC NULLS LAST, ph.id DESC) AS rn, "


def photo_wall(
    session: Session, *, district: str | None, month: dt.date | None, per_project: int, actor: Principal
) -> dict:
    """The latest photos the actor may see of every project of a district (all when None) for a month, and the
    projects without any."""
    report_month = month or current_month()
    params = {"district": district, "month": report_month, "n": per_project}
    in_district = "(CAST(:district AS text) IS NULL OR d.name = :district)"
    rows = session.execute(
        text(f"""
        SELECT * FROM ({_photo_sql(actor, _RANK)}
                       WHERE ph.report_month = :month AND {in_district} AND {photo_visible(actor)}) s
        WHERE rn <= :n ORDER BY district, project_code, rn"""),
        params,
    ).mappings()
    projects: dict[int, dict] = {}
    for r in rows:
        entry = projects.setdefault(
            r["project_id"],
            {
                "id": r["project_id"],
                "code": r["project_code"],
                "name": r["project_name"],
                "district": r["district"],
                "photos": [],
            },
        )
        entry["photos"].append(_shape(dict(r), actor))
    without = session.execute(
        text(f"""
        SELECT p.id, p.code, p.name, d.name AS district FROM projects p {JOIN_REPORTING_DISTRICT}
        WHERE {in_district} AND NOT EXISTS (SELECT 1 FROM photos ph WHERE ph.project_id = p.id
                                            AND ph.report_month = :month AND {photo_visible(actor)})
        ORDER BY p.code"""),
        params,
    ).mappings()
    return {
        "district": district,
        "month": report_month.strftime("%Y-%m"),
        "projects": list(projects.values()),
        "projects_without_photos": [dict(r) for r in without],
    }


def photo_positions_geojson(session: Session, *, district: str | None, project_id: int | None, actor: Principal) -> str:
    """Photos the actor may see with a usable position as GeoJSON points, each with its project's point for the line."""
    sql = feature_collection(f"""
    SELECT ph.id, ph.project_id, p.name AS project_name, ph.report_month, ph.gps_status,
           CASE WHEN ph.gps_status = 'ok' THEN 'exif' ELSE 'manual' END AS location_source, ph.placement_status,
           CASE WHEN ph.gps_status = 'ok' THEN ph.distance_m ELSE ph.placed_distance_m END AS distance_m,
           CASE WHEN ph.gps_status = 'ok' THEN ph.within_radius
                WHEN ph.placement_status = 'verified' THEN ph.placed_within_radius END AS within_radius,
           ph.reuse_status, {counts_as_evidence("ph")} AS counts_as_evidence,
           ph.published, '/api/photos/' || ph.id || '/thumb' AS thumb,
           json_build_array(round(ST_X(p.geom)::numeric, 6), round(ST_Y(p.geom)::numeric, 6)) AS project_coordinates,
           {SHOWN_GEOM} AS geom
    FROM photos ph JOIN projects p ON p.id = ph.project_id
    {JOIN_REPORTING_DISTRICT}
    WHERE (ph.gps_status = 'ok' AND ph.geom IS NOT NULL OR ph.placement_status IN ('pending', 'verified'))
      AND {photo_visible(actor)}
      AND (CAST(:district AS text) IS NULL OR d.name = :district)
      AND (CAST(:pid AS integer) IS NULL OR ph.project_id = :pid)
    ORDER BY ph.id""")
    return session.execute(text(sql), {"district": district, "pid": project_id}).scalar_one()


def photo_file(
    session: Session, *, settings: Settings, photo_id: int, kind: str, actor: Principal
) -> tuple[store.PhotoStore, str, str, str]:
    """(store, key, media type, etag) of a stored file of a photo; NotFound when the row is missing or the actor may
    not see the photo. Those in its evidence scope (planners, admins, the reporters of its district, its uploader) get
    the original with EXIF and GPS and the plain display copy; everyone else the public copy without metadata and the
    stamped display copy (水印). `stamped` asks for the stamped copy whoever asks."""
    row = session.execute(
        select(
            Photo.sha256, Photo.format, Photo.orientation, literal_column(photo_in_scope(actor, alias="photos"))
        ).where(Photo.id == photo_id, text(photo_visible(actor, alias="photos")))
    ).first()
    if row is None:
        raise photo_not_found(photo_id)
    sha256, fmt, orientation, evidence = row
    mime, ext = PHOTO_FORMATS[fmt]
    tag = kind
    files = store.get_store(settings)
    if kind == "stamped" or (kind == "display" and not evidence):
        try:
            key, digest = stamped_display(
                session, files, photo_id=photo_id, budget=decode_budget(settings.photo_decode_memory_mb << 20)
            )
        except PhotoGone:
            raise photo_not_found(photo_id) from None
        except FileNotFoundError:
            raise file_missing(photo_id) from None
        mime, tag = "image/jpeg", f"stamped-{digest}"
    elif kind == "original" and not evidence:
        try:
            key, is_display = public_original(files, sha256=sha256, fmt=fmt, ext=ext, orientation=orientation or 1)
        except FileNotFoundError:
            raise file_missing(photo_id) from None
        mime, tag = ("image/jpeg", "display") if is_display else (mime, "public")
    else:
        key = store.key_of(kind, sha256, ext)
        mime = mime if kind == "original" else "image/jpeg"
    return files, key, mime, f'"{sha256[:32]}-{tag}"'


def file_missing(photo_id: int) -> NotFound:
    """The row is there but its file is not."""
    return NotFound(f"照片 {photo_id} 的文件缺失,请运行 warroom photos check / the file of photo {photo_id} is missing")


def check_store(
    session: Session, *, settings: Settings, repair: bool = False, grace: float = store.GRACE_SECONDS
) -> dict:
    """Files without rows (and temp files, and stamped copies of facts that changed since), rows missing files;
    `repair` removes the former, never a row."""
    files = store.get_store(settings)
    rows = {sha: PHOTO_FORMATS[fmt][1] for sha, fmt in session.execute(select(Photo.sha256, Photo.format))}
    present: set[str] = set()
    orphans: list[store.Entry] = []
    stamped: set[str] | None = None
    for entry in files.entries(store.STORED_KINDS):
        present.add(entry.key)
        if entry.kind == STAMPED:
            # a stamped copy belongs to the facts of a row, not only to its bytes: one whose facts changed is stale
            stamped = current_stamp_keys(session) if stamped is None else stamped
            if entry.key not in stamped:
                orphans.append(entry)
        elif entry.sha256 not in rows:
            orphans.append(entry)
    removed: list[store.Entry] = []
    if repair:
        # Only settled files: a young one may be an upload whose row is about to be committed.
        removed = [e for e in orphans if store.settled(e, grace)]
        files.delete(e.key for e in removed)
    missing = [
        {"sha256": sha, "kind": kind, "path": files.describe(store.key_of(kind, sha, ext))}
        for sha, ext in rows.items()
        for kind in store.KINDS
        if store.key_of(kind, sha, ext) not in present
    ]
    return {
        "rows": len(rows),
        "store": files.url,
        "files_without_rows": [files.describe(e.key) for e in orphans if e not in removed],
        "rows_without_files": missing,
        "removed": [files.describe(e.key) for e in removed],
    }
