"""Photo upload: limits, duplicates (the same bytes: 409; a look-alike of another project's or month's photo: stored
and flagged as suspected reuse), decoding, checks; files written before the row commits, removed if it fails."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.accounts.scope import ensure_may_act_on_project
from geo.db.models import SRID, Photo
from geo.enums import PHOTO_FORMATS
from geo.errors import Conflict, InvalidInput, PayloadTooLarge, TooManyRequests
from geo.files import Upload
from geo.ops.metrics import PHOTO_BYTES, PHOTO_UPLOADS
from geo.periods import current_month
from geo.photos import store
from geo.photos.checks import DevicePosition, classify_gps, verify, verify_device
from geo.photos.image import Derived, decode_budget, derive
from geo.photos.queries import photo_dict
from geo.photos.reuse import find_matches, reuse_columns
from geo.settings import Settings


def _duplicate(session: Session, sha256: str, name: str, actor: Principal) -> Conflict:
    existing = photo_dict(session, _photo_ids_by_sha(session, [sha256])[0], actor=actor)
    return Conflict(
        f"“{name}”已上传过(照片 {existing['id']},项目“{existing['project_name']}”)/ {name!r} was already uploaded "
        f"as photo {existing['id']}",
        errors=[{"field": name, "message": "duplicate"}],
        extensions={"existing": existing},
    )


def _photo_ids_by_sha(session: Session, shas: list[str]) -> list[int]:
    return list(session.execute(select(Photo.id).where(Photo.sha256.in_(shas))).scalars())


def _check_upload_quota(session: Session, *, settings: Settings, actor: Principal, uploads: list[Upload]) -> None:
    """429 when this upload would take the account past its hourly number or bytes of photos (settings)."""
    count, size, oldest = session.execute(
        text(
            "SELECT count(*), COALESCE(sum(size_bytes), 0), min(created_at) FROM photos "
            "WHERE uploaded_by = :uid AND created_at > now() - interval '1 hour'"
        ),
        {"uid": actor.user_id},
    ).one()
    over_count = count + len(uploads) > settings.photo_uploads_per_hour
    over_bytes = size + sum(len(u.data) for u in uploads) > settings.photo_bytes_per_hour
    if over_count or over_bytes:
        wait = 60
        if oldest is not None:
            wait = max(1, int((oldest + dt.timedelta(hours=1) - dt.datetime.now(oldest.tzinfo)).total_seconds()))
        limit = (
            f"{settings.photo_uploads_per_hour} 张" if over_count else f"{settings.photo_bytes_per_hour / 2**20:g} MB"
        )
        raise TooManyRequests(
            f"每个账户每小时最多上传 {limit} 照片,请 {wait} 秒后再试 / hourly upload limit of this "
            f"account reached; try again in {wait} s",
            retry_after=wait,
        )


def add_photos(
    session: Session,
    *,
    settings: Settings,
    project_id: int,
    uploads: list[Upload],
    caption: str | None,
    month: dt.date | None,
    actor: Principal,
    device: DevicePosition | None = None,
    idempotency_key: str | None = None,
) -> list[dict]:
    """Check, decode, verify and store photos in one transaction, audited and owned by the actor (a reporter only for
    their own district); files are written before the commit and removed if it fails. A resend under the
    idempotency key of an upload this account already stored answers that photo again instead of a 409."""
    report_month = month or current_month()
    ensure_may_act_on_project(session, actor=actor, project_id=project_id)
    if not uploads:
        raise InvalidInput(
            "请选择至少一张照片 / send at least one file", errors=[{"field": "files", "message": "empty"}]
        )
    if idempotency_key is not None and len(uploads) != 1:
        raise InvalidInput(
            "带 Idempotency-Key 的上传一次只能含一张照片 / an upload with an Idempotency-Key carries exactly one photo",
            errors=[{"field": "files", "message": "one file per Idempotency-Key"}],
        )
    if len(uploads) > settings.photo_max_files:
        raise PayloadTooLarge(
            f"一次最多上传 {settings.photo_max_files} 张照片(收到 {len(uploads)} 张),请分批上传 / at most "
            f"{settings.photo_max_files} photos per upload ({len(uploads)} sent): upload them in batches",
            errors=[{"field": "files", "message": f"at most {settings.photo_max_files} files"}],
        )
    hashed: list[tuple[Upload, str]] = []
    for up in uploads:
        if len(up.data) > settings.photo_max_bytes:
            raise PayloadTooLarge(
                f"“{up.name}”大小 {len(up.data) / 2**20:.1f} MB,超过上限 {settings.photo_max_bytes / 2**20:g} MB / "
                f"{up.name!r} is larger than {settings.photo_max_bytes / 2**20:g} MB",
                errors=[{"field": up.name, "message": "too large"}],
            )
        hashed.append((up, hashlib.sha256(up.data).hexdigest()))
    for sha in sorted(
        {sha for _, sha in hashed}
    ):  # two uploads of one file wait for each other: the loser sees the row
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:sha, 0))"), {"sha": sha})
    if idempotency_key is not None:
        # The same queued item again (its first answer was lost): the same answer, not a duplicate, not a new row.
        first = session.execute(
            select(Photo.id, Photo.sha256).where(
                Photo.uploaded_by == actor.user_id, Photo.idempotency_key == idempotency_key
            )
        ).first()
        if first is not None:
            if first.sha256 != hashed[0][1]:
                raise Conflict(
                    f"Idempotency-Key “{idempotency_key}”已用于另一张照片 / this Idempotency-Key was used for another "
                    "photo",
                    errors=[{"field": "Idempotency-Key", "message": "used for another file"}],
                )
            session.rollback()
            return [photo_dict(session, first.id, actor=actor)]
    _check_upload_quota(session, settings=settings, actor=actor, uploads=uploads)
    seen: set[str] = set()
    for up, sha in hashed:  # duplicates are answered before any decoding
        if sha in seen:
            raise Conflict(
                f"“{up.name}”在本次上传中重复 / {up.name!r} is in this upload twice",
                errors=[{"field": up.name, "message": "duplicate in request"}],
            )
        if _photo_ids_by_sha(session, [sha]):
            raise _duplicate(session, sha, up.name, actor)
        seen.add(sha)
    budget = decode_budget(settings.photo_decode_memory_mb << 20)
    prepared = [
        (up, sha, derive(up.data, name=up.name, max_pixels=settings.photo_max_pixels, budget=budget))
        for up, sha in hashed
    ]
    photos, written = [], []
    files = store.get_store(settings)
    try:
        for up, sha, d in prepared:
            photo = _new_photo(session, settings, project_id, up, sha, d, caption, actor.user_id, report_month, device)
            photo.idempotency_key = idempotency_key
            photos.append(photo)
            ext = PHOTO_FORMATS[d.format][1]
            for kind, data in (("original", up.data), ("display", d.display), ("thumb", d.thumb)):
                key = store.key_of(kind, sha, ext)
                written.append(key)
                files.put(key, data)
        session.add_all(photos)
        session.flush()
        for p in photos:
            audit(
                session,
                actor=actor,
                action="photo.upload",
                obj=("photo", p.id),
                after={
                    "project_id": project_id,
                    "file": p.original_name,
                    "month": report_month.strftime("%Y-%m"),
                    "sha256": p.sha256[:12],
                    **(
                        {"device_position": f"{p.device_lon:.6f}, {p.device_lat:.6f} ±{p.device_accuracy_m:g} m"}
                        if p.device_lon is not None
                        else {}
                    ),
                    **({"reuse_suspect": p.reuse_matches} if p.reuse_status else {}),
                },
            )
        session.commit()
    except BaseException:
        session.rollback()
        try:
            files.delete(written)
        except store.StoreError:  # the store is down: `warroom photos check --repair` removes these later
            pass
        raise
    PHOTO_UPLOADS.inc(len(photos))
    PHOTO_BYTES.inc(sum(p.size_bytes for p in photos))
    return [photo_dict(session, p.id, actor=actor) for p in photos]


def _new_photo(
    session: Session,
    settings: Settings,
    project_id: int,
    up: Upload,
    sha: str,
    d: Derived,
    caption: str | None,
    uploaded_by: int | None,
    report_month: dt.date,
    device: DevicePosition | None = None,
) -> Photo:
    e = d.exif
    gps_status, gps_problem = classify_gps(session, lon=e.lon, lat=e.lat, far_m=settings.photo_far_m)
    placed = gps_status == "ok" or gps_problem == "far"  # a far point is a real place, shown with its distance
    checks = verify(
        session,
        project_id=project_id,
        lon=e.lon if placed else None,
        lat=e.lat if placed else None,
        usable=gps_status == "ok",
        taken_at=e.taken_at,
        report_month=report_month,
        radius_m=settings.photo_radius_m,
    )
    matches = find_matches(
        session,
        settings=settings,
        phash=d.phash,
        dhash=d.dhash,
        project_id=project_id,
        report_month=report_month,
    )
    return Photo(
        project_id=project_id,
        sha256=sha,
        format=d.format,
        size_bytes=len(up.data),
        width=d.width,
        height=d.height,
        original_name=up.name[:255],
        caption=caption,
        uploaded_by=uploaded_by,
        report_month=report_month,
        taken_at=e.taken_at,
        taken_offset=e.taken_offset,
        geom=f"SRID={SRID};POINT({e.lon} {e.lat})" if placed else None,
        exif_lon=e.lon if e.lon is None or abs(e.lon) < 1e6 else None,
        exif_lat=e.lat if e.lat is None or abs(e.lat) < 1e6 else None,
        altitude_m=e.altitude_m,
        location_source="exif" if placed else None,
        gps_status=gps_status,
        gps_problem=gps_problem,
        orientation=e.orientation,
        exif_error=e.error,
        phash=d.phash,
        dhash=d.dhash,
        **reuse_columns(matches),
        **checks,
        **verify_device(
            session,
            project_id=project_id,
            device=device,
            exif_lon=e.lon if gps_status == "ok" else None,
            exif_lat=e.lat if gps_status == "ok" else None,
            radius_m=settings.photo_radius_m,
            agree_m=settings.photo_device_agree_m,
        ),
    )
