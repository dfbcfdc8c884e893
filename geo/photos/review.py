"""After upload: placing a photo without usable GPS by hand, and publishing or withdrawing it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.accounts.scope import ensure_may_act_on_project
from geo.db.models import SRID, Photo
from geo.errors import Conflict, InvalidInput
from geo.photos.checks import classify_gps, verify
from geo.photos.queries import photo_dict, photo_not_found
from geo.settings import Settings


def place_photo(
    session: Session, *, settings: Settings, actor: Principal, photo_id: int, lon: float, lat: float
) -> dict:
    """Place a photo without usable GPS by hand (a reporter only in their own district) and re-run its checks."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise photo_not_found(photo_id)
    photo_dict(session, photo_id, actor=actor)  # 404, not 403, for a photo the actor may not even see
    ensure_may_act_on_project(session, actor=actor, project_id=photo.project_id)
    if photo.gps_status == "ok":
        raise Conflict(f"照片 {photo_id} 已有 GPS 位置,无需手动定位 / photo {photo_id} already has a GPS position")
    status, problem = classify_gps(session, lon=lon, lat=lat, far_m=settings.photo_far_m)
    if status != "ok":
        raise InvalidInput(
            f"手动定位的位置应在威海市内(经度, 纬度)/ place the photo inside Weihai (lon, lat): {problem}",
            errors=[{"field": "lon,lat", "message": problem or "invalid"}],
        )
    checks = verify(
        session,
        project_id=photo.project_id,
        lon=lon,
        lat=lat,
        usable=True,
        taken_at=photo.taken_at,
        report_month=photo.report_month,
        radius_m=settings.photo_radius_m,
    )
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
        raise photo_not_found(photo_id)
    photo_dict(session, photo_id, actor=actor)  # 404 for a photo out of the actor's sight
    before = photo.published
    if before != published:
        photo.published = published
        photo.published_by = actor.user_id
        photo.published_at = dt.datetime.now(dt.UTC)
        audit(
            session,
            actor=actor,
            action="photo.publish" if published else "photo.unpublish",
            obj=("photo", photo_id),
            before={"published": before},
            after={"published": published, "project_id": photo.project_id},
        )
    session.commit()
    return photo_dict(session, photo_id, actor=actor)
