"""After upload: claiming a position for a photo without usable GPS, a planner's review of that claim and of a
suspected reuse, and publishing or withdrawing a photo."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.accounts.scope import ensure_may_act_on_project
from geo.db.models import SRID, Photo
from geo.enums import PLACEMENT_VERDICTS, REUSE_VERDICTS
from geo.errors import Conflict, InvalidInput, UnknownValue
from geo.photos.checks import classify_gps, verify
from geo.photos.queries import photo_dict, photo_not_found
from geo.settings import Settings


def _exif_facts(photo: Photo) -> dict:
    """What the photo's own EXIF says, as the audit records it beside a claim that departs from it."""
    return {
        "gps": photo.gps_status,
        "gps_problem": photo.gps_problem,
        "exif_position": None if photo.exif_lon is None else [photo.exif_lon, photo.exif_lat],
        "distance_m": photo.distance_m,
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "in_month": photo.in_month,
        "month": photo.report_month.strftime("%Y-%m"),
    }


def _claim(photo: Photo, session: Session) -> dict | None:
    if photo.placement_status is None:
        return None
    lon, lat = session.execute(
        text("SELECT ST_X(placed_geom), ST_Y(placed_geom) FROM photos WHERE id = :id"), {"id": photo.id}
    ).one()
    return {
        "status": photo.placement_status,
        "position": [round(lon, 6), round(lat, 6)],
        "distance_m": photo.placed_distance_m,
        "within_radius": photo.placed_within_radius,
        "in_project_area": photo.placed_in_project_area,
        "placed_by": photo.placed_by,
        # What a withdrawal needs to put this claim back exactly as it stood (withdraw_placement).
        "placed_at": photo.placed_at.isoformat() if photo.placed_at else None,
        "reviewed_by": photo.placement_reviewed_by,
        "reviewed_at": photo.placement_reviewed_at.isoformat() if photo.placement_reviewed_at else None,
        "reason": photo.placement_reason,
    }


def _photo_for(session: Session, actor: Principal, photo_id: int) -> Photo:
    photo = session.get(Photo, photo_id, with_for_update=True)
    if photo is None:
        raise photo_not_found(photo_id)
    photo_dict(session, photo_id, actor=actor)  # 404, not 403, for a photo the actor may not even see
    return photo


def place_photo(
    session: Session, *, settings: Settings, actor: Principal, photo_id: int, lon: float, lat: float
) -> dict:
    """Claim a position for a photo without usable GPS (a reporter only in their own district): stored beside its
    EXIF facts, never over them, and unverified until a planner reviews it; placing again reopens the review."""
    photo = _photo_for(session, actor, photo_id)
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
    before = _claim(photo, session)
    photo.placed_geom = f"SRID={SRID};POINT({lon} {lat})"
    photo.placed_distance_m = checks["distance_m"]
    photo.placed_within_radius = checks["within_radius"]
    photo.placed_in_project_area = checks["in_project_area"]
    photo.placed_by = actor.user_id
    photo.placed_at = dt.datetime.now(dt.UTC)
    photo.placement_status = "pending"
    photo.placement_reviewed_by = photo.placement_reviewed_at = photo.placement_reason = None
    audit(
        session,
        actor=actor,
        action="photo.place",
        obj=("photo", photo_id),
        before=before,
        after={
            "lon": lon,
            "lat": lat,
            "status": "pending",
            "distance_m": checks["distance_m"],
            "project_id": photo.project_id,
            "exif": _exif_facts(photo),
        },
    )
    session.commit()
    return photo_dict(session, photo_id, actor=actor)


def _placement_replaced(session: Session, photo_id: int) -> dict | None:
    """The claim the standing hand placement replaced (None: there was none), read from the audit log: each
    withdrawal cancels the latest placement not yet withdrawn, so withdrawals walk back one placement at a time."""
    rows = session.execute(
        text("""
        SELECT action, before FROM audit_log
        WHERE object_type = 'photo' AND object_id = :id AND action IN ('photo.place', 'photo.unplace')
        ORDER BY id DESC"""),
        {"id": str(photo_id)},
    ).all()
    withdrawn = 0
    for action, before in rows:
        if action == "photo.unplace":
            withdrawn += 1
        elif withdrawn:
            withdrawn -= 1
        else:
            return before
    return None


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def withdraw_placement(session: Session, *, actor: Principal, photo_id: int) -> dict:
    """Undo the standing hand placement while it awaits review (the same people who may place it): the photo gets
    back the claim it replaced, or none; audited like the placement. 409 when there is none, or once a planner
    has verified or rejected it (a review is not taken back by withdrawing)."""
    photo = _photo_for(session, actor, photo_id)
    ensure_may_act_on_project(session, actor=actor, project_id=photo.project_id)
    if photo.placement_status is None:
        raise Conflict(
            f"照片 {photo_id} 没有手动定位,无可撤销 / photo {photo_id} has no hand placement to withdraw",
            errors=[{"field": "photo_id", "message": "not placed by hand"}],
        )
    if photo.placement_status != "pending":
        raise Conflict(
            f"照片 {photo_id} 的手动定位已经规划人员核实或判定,不能撤销;如位置有误请重新标注 / "
            f"photo {photo_id}'s placement has been reviewed and cannot be withdrawn; place it again instead",
            errors=[{"field": "photo_id", "message": f"placement {photo.placement_status}"}],
        )
    before = _claim(photo, session)
    earlier = _placement_replaced(session, photo_id)
    if earlier is None:
        photo.placed_geom = photo.placed_by = photo.placed_at = None
        photo.placed_distance_m = photo.placed_within_radius = photo.placed_in_project_area = None
        photo.placement_status = photo.placement_reviewed_by = photo.placement_reviewed_at = None
        photo.placement_reason = None
    else:
        lon, lat = earlier["position"]
        photo.placed_geom = f"SRID={SRID};POINT({lon} {lat})"
        photo.placed_distance_m = earlier.get("distance_m")
        photo.placed_within_radius = earlier.get("within_radius")
        photo.placed_in_project_area = earlier.get("in_project_area")
        photo.placed_by = earlier.get("placed_by")
        photo.placed_at = _when(earlier.get("placed_at"))
        photo.placement_status = earlier["status"]
        photo.placement_reviewed_by = earlier.get("reviewed_by")
        photo.placement_reviewed_at = _when(earlier.get("reviewed_at"))
        photo.placement_reason = earlier.get("reason")
    session.flush()
    audit(
        session,
        actor=actor,
        action="photo.unplace",
        obj=("photo", photo_id),
        before=before,
        after={"restored": _claim(photo, session), "project_id": photo.project_id, "exif": _exif_facts(photo)},
    )
    session.commit()
    return photo_dict(session, photo_id, actor=actor)


_PLACEMENT_ACTIONS = {
    "verified": "photo.placement_verify",
    "rejected": "photo.placement_reject",
    "pending": "photo.placement_reopen",
}


def _reason(reason: str | None, *, required: bool, what: str) -> str | None:
    reason = (reason or "").strip() or None
    if required and reason is None:
        raise InvalidInput(f"{what}请说明理由 / give a reason", errors=[{"field": "reason", "message": "required"}])
    return reason


def review_placement(
    session: Session, *, actor: Principal, photo_id: int, verdict: str, reason: str | None = None
) -> dict:
    """A planner's verdict on a hand placement: verified (its position checks then count), rejected (with a reason)
    or pending again; stored with who and when, and audited with the claim and the EXIF facts it departs from."""
    if verdict not in PLACEMENT_VERDICTS:
        raise UnknownValue("verdict", verdict, PLACEMENT_VERDICTS)
    photo = _photo_for(session, actor, photo_id)
    if photo.placement_status is None:
        raise Conflict(
            f"照片 {photo_id} 没有手动定位,无需核实 / photo {photo_id} has no hand placement to review",
            errors=[{"field": "photo_id", "message": "not placed by hand"}],
        )
    reason = _reason(reason, required=verdict == "rejected", what="判定手动定位不符")
    before = _claim(photo, session)
    photo.placement_status = verdict
    photo.placement_reason = reason
    photo.placement_reviewed_by = actor.user_id
    photo.placement_reviewed_at = dt.datetime.now(dt.UTC)
    audit(
        session,
        actor=actor,
        action=_PLACEMENT_ACTIONS[verdict],
        obj=("photo", photo_id),
        before={"status": before["status"]},
        after={
            **_claim(photo, session),
            "reason": reason,
            "reviewed_at": photo.placement_reviewed_at.isoformat(),
            "project_id": photo.project_id,
            "exif": _exif_facts(photo),
        },
    )
    session.commit()
    return photo_dict(session, photo_id, actor=actor)


def review_reuse(session: Session, *, actor: Principal, photo_id: int, verdict: str, reason: str | None = None) -> dict:
    """A planner's verdict on a suspected reuse: confirmed (it never counts) or cleared as fine (with a reason)."""
    if verdict not in REUSE_VERDICTS:
        raise UnknownValue("verdict", verdict, REUSE_VERDICTS)
    photo = _photo_for(session, actor, photo_id)
    if photo.reuse_status is None:
        raise Conflict(
            f"照片 {photo_id} 未被标记为疑似重复使用 / photo {photo_id} is not flagged as a suspected reuse",
            errors=[{"field": "photo_id", "message": "not flagged"}],
        )
    reason = _reason(reason, required=verdict == "cleared", what="排除重复使用")
    before = photo.reuse_status
    photo.reuse_status = verdict
    photo.reuse_reason = reason
    photo.reuse_reviewed_by = actor.user_id
    photo.reuse_reviewed_at = dt.datetime.now(dt.UTC)
    audit(
        session,
        actor=actor,
        action="photo.reuse_confirm" if verdict == "confirmed" else "photo.reuse_clear",
        obj=("photo", photo_id),
        before={"status": before},
        after={
            "status": verdict,
            "reason": reason,
            "matches": photo.reuse_matches,
            "reviewed_at": photo.reuse_reviewed_at.isoformat(),
            "project_id": photo.project_id,
            "month": photo.report_month.strftime("%Y-%m"),
        },
    )
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
