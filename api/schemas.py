"""What each JSON answer looks like: pydantic models for answers built in Python, JSON schemas for PostGIS's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    """An answer: the fields listed are always there; an answer may carry more."""

    model_config = ConfigDict(extra="allow")


class Health(Out):
    """The database answers, with its PostGIS version."""

    status: str
    postgis: str


class Liveness(Out):
    """The process answers."""

    status: str


class Check(Out):
    """One dependency: whether it answered, how, and how long it took."""

    ok: bool
    detail: str
    ms: float


class Readiness(Out):
    """Whether the database and the photo store answer."""

    ready: bool
    checks: dict[str, Check]


class Meta(Out):
    """Enumerations and map settings the front end must not hard-code."""

    plan_year: int
    districts: list[dict[str, Any]]
    clusters: list[dict[str, Any]]
    statuses: list[dict[str, Any]]
    lights: list[dict[str, Any]]
    report_months: list[str]
    roles: list[dict[str, Any]]
    permissions: list[dict[str, Any]]
    anonymous_read: bool


class Named(Out):
    """A district, zone or base by name."""

    name: str


class NearestBase(Named):
    """The nearest base and how far it is, in metres."""

    code: str
    distance_m: float


class LookupAnswer(Out):
    """Which district, county, zones and bases contain a point, or why none do (`error`)."""

    lon: float
    lat: float
    inside_weihai: bool | None = None
    district: Named | None = None
    county: Named | None = None
    zones: list[Named] = []
    bases: list[Named] = []
    nearest_base: NearestBase | None = None
    message: str | None = None
    error: str | None = None


class LookupBatch(Out):
    """Every point's answer, in the order sent."""

    count: int
    results: list[LookupAnswer]


class Photo(Out):
    """A site photo: its file, EXIF position and time, checks against the project and badges."""

    id: int
    project_id: int
    project_name: str
    district: str
    month: str
    mime: str
    location: dict[str, Any] | None
    checks: dict[str, Any]  # what the EXIF position says; a hand placement's checks are under placement
    placement: dict[str, Any] | None  # a hand placement: a claim, pending until a planner verifies or rejects it
    device_position: dict[str, Any] | None = None  # the phone's own position (设备定位), beside EXIF, never merged
    reuse: dict[str, Any] | None  # suspected (or reviewed) reuse of another project's or month's photo
    evidence: dict[str, Any]  # counts: whether it counts for its month; shortfalls: why not (geo.photos.evidence)
    badges: list[str]
    published: bool
    urls: dict[str, str]


class PhotosUploaded(Out):
    """The photos stored by one upload."""

    photos: list[Photo]


class ProjectPhotos(Out):
    """A project's photos."""

    project_id: int
    photos: list[Photo]


class WallProject(Out):
    """One project on the photo wall with its latest photos."""

    id: int
    code: str
    name: str
    district: str
    photos: list[Photo]


class PhotoWall(Out):
    """The district photo wall of a month, and the projects that sent no photo."""

    district: str | None
    month: str
    projects: list[WallProject]
    projects_without_photos: list[dict[str, Any]]


class Consistency(Out):
    """Projects whose declared district is not where their point lies."""

    count: int
    projects: list[dict[str, Any]]


class MembershipAsOf(Out):
    """Each project's district, county, zones and bases by the boundaries valid at `at`."""

    at: dt.datetime
    projects: list[dict[str, Any]]


class BoundaryImport(Out):
    """What a boundary file changes (or changed, when applied)."""

    applied: bool
    changes: list[dict[str, Any]]
    counts: dict[str, int]


class BoundaryImportRecord(Out):
    """One applied boundary import."""

    id: int
    layer: str
    filename: str
    source_crs: str | None
    imported_at: dt.datetime
    summary: dict[str, Any]
    imported_by: str | None


class RegisterImport(Out):
    """What a register import checked and (when applied) wrote."""

    rows: int
    valid: int
    applied: bool
    errors: list[dict[str, Any]]


class Account(Out):
    """The signed-in account, or null."""

    user: dict[str, Any] | None


class SignedIn(Account):
    """A new browser session: the account and the CSRF token writes must send."""

    csrf_token: str
    expires_at: dt.datetime


class Me(Account):
    """Who is asking, and whether visitors may read without an account."""

    anonymous_read: bool


class Changed(Out):
    """The password was changed; a browser's new session has this CSRF token (null for a token request)."""

    changed: bool
    csrf_token: str | None = None


class ApiToken(Out):
    """A personal API token (never its secret, except once in NewApiToken)."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime | None
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None
    last_used_address: str | None = None


class NewApiToken(ApiToken):
    """A new token with its secret, shown this once."""

    token: str


class ApiTokens(Out):
    """The account's tokens."""

    tokens: list[ApiToken]


class SignInSession(Out):
    """A browser sign-in (never its cookie): when it began and was last used, from where, with which browser."""

    id: int
    created_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    expires_at: dt.datetime | None
    address: str | None
    user_agent: str | None
    current: bool


class SignInSessions(Out):
    """The account's live sessions, the most recently used first."""

    sessions: list[SignInSession]


class User(Out):
    """An account (never its password hash)."""

    id: int
    username: str
    role: str
    district: str | None
    department: str | None = None
    active: bool


class Users(Out):
    """Every account."""

    users: list[User]


class UserChanged(Out):
    """The account after the change."""

    user: User


class UserWithPassword(Out):
    """An account with its new password, shown this once (null when the caller chose it)."""

    user: User
    password: str | None


class AuditPage(Out):
    """Matching audit entries, newest first, with the total count."""

    total: int
    entries: list[dict[str, Any]]


# Answers assembled by PostGIS as JSON text: their shape, declared here.
NUMBER_OR_NULL = {"type": ["number", "null"]}
REPORT = {
    "type": "object",
    "required": ["id", "project_id", "month", "version", "progress", "status", "current"],
    "properties": {
        "id": {"type": "integer"},
        "project_id": {"type": "integer"},
        "month": {"type": "string", "pattern": "^\\d{4}-\\d{2}$"},
        "version": {"type": "integer"},
        "progress": {"type": "number"},
        "investment_month": {"type": "number"},
        "investment_cumulative": {"type": "number"},
        "status": {"type": "string"},
        "current": {"type": "boolean"},
    },
}
REPORTS = {"type": "array", "items": REPORT}
_GROUP = {
    "type": "object",
    "required": ["name", "count", "investment_year", "completed_year"],
    "properties": {"name": {"type": "string"}, "count": {"type": "integer"}, "completion_rate": NUMBER_OR_NULL},
}
DASHBOARD = {
    "type": "object",
    "required": ["period", "month", "as_of", "headline", "by_district", "by_cluster", "by_base", "trend", "lagging"],
    "properties": {
        "period": {"type": "string"},
        "month": {"type": "string"},
        "as_of": {"type": "string", "format": "date"},
        "headline": {"type": "object", "required": ["count", "investment_year", "completed_year", "by_light"]},
        "by_district": {"type": "array", "items": _GROUP},
        "by_cluster": {"type": "array", "items": _GROUP},
        "by_base": {"type": ["array", "null"], "items": _GROUP},
        "trend": {"type": ["array", "null"], "items": {"type": "object", "required": ["month"]}},
        "lagging": {"type": "array", "items": {"type": "object", "required": ["id", "name", "light"]}},
    },
}

_COUNTS = {
    "due": {"type": "integer"},
    "reported": {"type": "integer"},
    "passed": {"type": "integer"},
    "pending": {"type": "integer"},
    "returned": {"type": "integer"},
    "corrections_pending": {"type": "integer"},
    "photos_received": {"type": "integer"},
    "photos_due": {"type": "integer"},
}
COMPLETENESS = {
    "type": "object",
    "required": ["month", *_COUNTS, "by_district", "unreported"],
    "properties": {
        "month": {"type": "string"},
        **_COUNTS,
        "by_district": {"type": ["array", "null"], "items": {"type": "object", "properties": _COUNTS}},
        "unreported": {"type": "array", "items": {"type": "object", "required": ["id", "name", "district"]}},
    },
}
PERIODS = {
    "type": "object",
    "required": ["today", "due_month", "shown_month", "review", "months"],
    "properties": {
        "today": {"type": "string", "format": "date"},
        "due_month": {"type": "string"},
        "shown_month": {"type": "string"},
        "review": {"type": "boolean"},
        "months": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["month", "state", "due_date", "closes_on"],
                "properties": {"state": {"enum": ["open", "closed", "published"]}},
            },
        },
    },
}
PERIOD_CLOSED = {
    "type": "object",
    "required": ["month", "state", "pending"],
    "properties": {"month": {"type": "string"}, "state": {"const": "closed"}, "pending": {"type": "integer"}},
}
REVIEW_QUEUE = {
    "type": "array",
    "items": {"type": "object", "required": ["report", "project"], "properties": {"report": REPORT}},
}

# --- key tasks (geo.tasks): JSON assembled in the database, described for the OpenAPI and its fuzzing ---
DEPARTMENT = {
    "type": "object",
    "required": ["id", "code", "name", "active"],
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "name": {"type": "string"},
        "alias": {"type": ["string", "null"]},
        "active": {"type": "boolean"},
    },
}
DEPARTMENTS = {"type": "array", "items": DEPARTMENT}
TASK = {
    "type": "object",
    "required": ["id", "code", "title", "source", "category", "lead", "deadline", "status", "light", "demo"],
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "title": {"type": "string"},
        "source": {"enum": ["province", "city"]},
        "category": {"type": "string"},
        "lead": {"type": "object", "required": ["id", "name"]},
        "cooperators": {"type": "array"},
        "districts": {"type": "array", "items": {"type": "string"}},
        "clusters": {"type": "array", "items": {"type": "string"}},
        "deadline": {"type": "string", "format": "date"},
        "status": {"enum": ["not_started", "in_progress", "completed", "lagging"]},
        "light": {"enum": ["green", "yellow", "red"]},
        "projects": {"type": "integer"},
        "pending": {"type": "boolean"},
        "demo": {"type": "boolean"},
    },
}
TASK_LIST = {
    "type": "object",
    "required": ["month", "tasks"],
    "properties": {"month": {"type": "string"}, "tasks": {"type": "array", "items": TASK}},
}
TASK_CARD = {
    "allOf": [
        TASK,
        {
            "type": "object",
            "required": ["month", "milestones", "linked_projects"],
            "properties": {
                "linked_projects": {
                    "type": "array",
                    "items": {"type": "object", "required": ["id", "name", "lon", "lat"]},
                }
            },
        },
    ]
}
_TASK_COUNTS = {k: {"type": "integer"} for k in ("total", "completed", "on_schedule", "lagging")}
TASKS_SUMMARY = {
    "type": "object",
    "required": ["month", *_TASK_COUNTS, "by_department", "by_category", "by_source"],
    "properties": {
        "month": {"type": "string"},
        **_TASK_COUNTS,
        "by_department": {"type": "array", "items": {"type": "object", "properties": _TASK_COUNTS}},
        "by_category": {"type": "array", "items": {"type": "object", "properties": _TASK_COUNTS}},
        "by_source": {"type": "array", "items": {"type": "object", "properties": _TASK_COUNTS}},
    },
}
TASK_REPORT = {
    "type": "object",
    "required": ["id", "task_id", "month", "version", "status", "narrative", "review_state", "current"],
    "properties": {
        "id": {"type": "integer"},
        "task_id": {"type": "integer"},
        "month": {"type": "string", "pattern": "^\\d{4}-\\d{2}$"},
        "version": {"type": "integer"},
        "status": {"enum": ["not_started", "in_progress", "completed", "lagging"]},
        "narrative": {"type": "string"},
        "problems": {"type": ["string", "null"]},
        "review_state": {"enum": ["pending", "passed", "returned"]},
        "current": {"type": "boolean"},
    },
}
TASK_REPORTS = {"type": "array", "items": TASK_REPORT}
TASK_EVIDENCE = {
    "type": "object",
    "required": ["id", "task_id", "month", "format", "size_bytes", "url"],
    "properties": {
        "id": {"type": "integer"},
        "task_id": {"type": "integer"},
        "month": {"type": "string"},
        "format": {"type": "string"},
        "size_bytes": {"type": "integer"},
        "name": {"type": ["string", "null"]},
        "url": {"type": "string"},
    },
}
TASK_EVIDENCE_LIST = {"type": "array", "items": TASK_EVIDENCE}

# --- the assessment (考核), geo.assessment.league ---
_NUM = {"type": ["number", "null"]}
ASSESSMENT_CRITERION = {
    "type": "object",
    "required": ["code", "name", "weight", "no_data", "raw", "score", "effective_weight", "points"],
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "weight": {"type": "number"},
        "no_data": {"type": "boolean"},
        "num": _NUM,
        "den": _NUM,
        "raw": _NUM,
        "score": _NUM,
        "effective_weight": _NUM,
        "points": _NUM,
    },
}
ASSESSMENT_UNIT_ROW = {
    "type": "object",
    "required": ["name", "score", "rank", "movement", "criteria"],
    "properties": {
        "name": {"type": "string"},
        "score": _NUM,
        "rank": {"type": ["integer", "null"]},
        "previous_rank": {"type": ["integer", "null"]},
        "movement": {"type": "string"},
        "criteria": {"type": "array", "items": ASSESSMENT_CRITERION},
    },
}
_ASSESSMENT_HEAD = {
    "kind": {"enum": ["district", "department"]},
    "period": {"type": "string"},
    "previous_period": {"type": "string"},
    "weights": {"type": "array", "items": {"type": "object"}},
    "note": {"type": "string"},
}
ASSESSMENT_LEAGUE = {
    "type": "object",
    "required": ["kind", "period", "weights", "units", "red", "black", "note"],
    "properties": {
        **_ASSESSMENT_HEAD,
        "units": {"type": "array", "items": ASSESSMENT_UNIT_ROW},
        "red": {"type": "array", "items": {"type": "string"}},
        "black": {"type": "array", "items": {"type": "string"}},
    },
}
ASSESSMENT_UNIT = {
    "allOf": [
        ASSESSMENT_UNIT_ROW,
        {
            "type": "object",
            "required": ["kind", "period", "weights", "trend"],
            "properties": {
                **_ASSESSMENT_HEAD,
                "trend": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"month": {"type": "string"}, "score": _NUM}},
                },
            },
        },
    ]
}
