"""ORM models: boundaries (districts, zones, bases), industry clusters and key projects, all in EPSG:4326."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from geo.crs import METRIC_SRID
from geo.enums import (
    DOCUMENT_FORMATS,
    REVIEW_STATE_CODES,
    ROLE_CODES,
    STATUS_CODES,
    TASK_CATEGORY_CODES,
    TASK_SOURCE_CODES,
    TASK_STATUS_CODES,
)

SRID = 4326


class Base(DeclarativeBase):
    """Declarative base of every table."""


def _boundary_columns() -> tuple:
    return (
        mapped_column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=True), nullable=False),
        mapped_column(
            Geometry("MULTIPOLYGON", srid=METRIC_SRID, spatial_index=True),
            Computed(f"ST_Transform(geom, {METRIC_SRID})", persisted=True),
        ),
    )


class District(Base):
    """A reporting unit: a county-level division (kind 'county') or a functional area carved out of one."""

    __tablename__ = "districts"
    __table_args__ = (CheckConstraint("kind IN ('county', 'functional')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    full_name: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    schematic: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    geom, geom_utm = _boundary_columns()


class IndustryCluster(Base):
    """One of the seven industry clusters."""

    __tablename__ = "industry_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str | None] = mapped_column(Text)


class _SchematicArea:
    """Columns shared by the zones and the bases: named, usually schematic, areas resting on a carrier."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str | None] = mapped_column(Text)
    schematic: Mapped[bool] = mapped_column(Boolean, default=True)
    carrier: Mapped[str | None] = mapped_column(Text)
    district: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def geom(cls):
        return _boundary_columns()[0]

    @declared_attr
    def geom_utm(cls):
        return _boundary_columns()[1]


class Zone(_SchematicArea, Base):
    """One of the five zones (五区)."""

    __tablename__ = "zones"


class IndustryBase(_SchematicArea, Base):
    """One of the nine industry bases (九基地)."""

    __tablename__ = "bases"

    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("industry_clusters.id"))


_status_list = ", ".join(f"'{s}'" for s in STATUS_CODES)
_review_list = ", ".join(f"'{s}'" for s in REVIEW_STATE_CODES)


class Project(Base):
    """A key project: a point with its plan, responsibility and progress; siting columns are computed by PostGIS."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_0_100"),
        CheckConstraint("investment_total >= 0", name="investment_total_nonneg"),
        CheckConstraint("investment_year >= 0", name="investment_year_nonneg"),
        CheckConstraint(f"status IN ({_status_list})", name="status_known"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        CheckConstraint("ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90", name="lonlat_in_range"),
        CheckConstraint(
            "retired_month IS NULL OR retired_month = date_trunc('month', retired_month)::date",
            name="retired_month_is_first_day",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("industry_clusters.id"), index=True)
    investment_total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    investment_year: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    unit: Mapped[str | None] = mapped_column(Text)
    person: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # 分包责任人: the leader answering for the project, beside its responsible unit and contact person (geo.workplan).
    leader_name: Mapped[str | None] = mapped_column(Text)
    leader_title: Mapped[str | None] = mapped_column(Text)
    leader_unit: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=False)
    # Siting, written by geo.siting.engine whenever a project or a boundary changes (never per request).
    located_district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    zone_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    base_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    # Display copies of the names, so a 10,000-feature answer needs no per-row lookups (2.3x faster measured).
    zone_names: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    base_names: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    # 退库: the row, its reports and photos stay; from retired_month on it leaves the figures (geo.progress.state).
    retired_month: Mapped[dt.date | None] = mapped_column(Date)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    retired_reason: Mapped[str | None] = mapped_column(Text)


class ProgressReport(Base):
    """A monthly dispatch report (每月调度) of one project; a correction supersedes the current version."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        CheckConstraint("month = date_trunc('month', month)::date", name="month_is_first_day"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="report_progress_0_100"),
        CheckConstraint("investment_month >= 0 AND investment_cumulative >= 0", name="report_investment_nonneg"),
        CheckConstraint(f"status IN ({_status_list})", name="report_status_known"),
        UniqueConstraint("project_id", "month", "version", name="report_version_unique"),
        Index(
            "progress_reports_idempotency_key",
            "submitted_by",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
        CheckConstraint(f"review_state IN ({_review_list})", name="report_review_state_known"),
        CheckConstraint("review_state <> 'returned' OR review_reason IS NOT NULL", name="report_returned_has_reason"),
        Index(
            "ux_progress_reports_current",
            "project_id",
            "month",
            unique=True,
            postgresql_where=text("superseded_at IS NULL AND review_state = 'passed'"),
            postgresql_include=["progress", "status", "investment_cumulative"],  # the state's lookup reads only these
        ),
        Index(
            "ux_progress_reports_submitted",
            "project_id",
            "month",
            unique=True,
            postgresql_where=text("superseded_at IS NULL AND review_state <> 'passed'"),
        ),
        Index(
            "ix_progress_reports_month_current",
            "month",
            postgresql_where=text("superseded_at IS NULL AND review_state = 'passed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column(Date)  # first day of the reported month
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    progress: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    investment_month: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    investment_cumulative: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(16))
    milestone: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    regress_reason: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: generated demo history
    # The client's key of a queued report (web/js/outbox.js): a resend after a lost answer gets the first answer.
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    demo: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    superseded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_state: Mapped[str] = mapped_column(String(8), server_default="passed")  # pending | passed | returned
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_reason: Mapped[str | None] = mapped_column(Text)
    correction: Mapped[bool] = mapped_column(Boolean, server_default="false")  # filed after the month closed
    filed_on: Mapped[dt.date | None] = mapped_column(Date)  # the app's date when filed (0018)


class ReportingPeriod(Base):
    """A month of the dispatch cycle that was closed or published; a month without a row is judged by the date."""

    __tablename__ = "reporting_periods"
    __table_args__ = (
        CheckConstraint("month = date_trunc('month', month)::date", name="period_month_is_first_day"),
        CheckConstraint("published_at IS NULL OR closed_at IS NOT NULL", name="period_published_after_closed"),
    )

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ProgressPlan(Base):
    """A project's monthly plan (定投资计划): planned investment and image progress; the progress overrides the linear
    plan from its dates."""

    __tablename__ = "progress_plans"
    __table_args__ = (
        CheckConstraint("month = date_trunc('month', month)::date", name="plan_month_is_first_day"),
        CheckConstraint("planned_progress >= 0 AND planned_progress <= 100", name="plan_progress_0_100"),
        CheckConstraint("planned_investment IS NULL OR planned_investment >= 0", name="plan_investment_nonneg"),
        Index(
            "ix_progress_plans_progress",
            "project_id",
            "month",
            postgresql_where=text("planned_progress IS NOT NULL"),
            postgresql_include=["planned_progress"],
        ),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    planned_progress: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    planned_investment: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))


class Milestone(Base):
    """A milestone of a project's work list (节点): planned and done dates, evidence, responsible unit."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="milestone_named"),
        CheckConstraint(
            "(evidence_doc_sha256 IS NULL) = (evidence_doc_type IS NULL)", name="milestone_document_complete"
        ),
        Index("ix_milestones_project_planned", "project_id", "planned_date", postgresql_include=["done_date"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    planned_date: Mapped[dt.date] = mapped_column(Date)
    done_date: Mapped[dt.date | None] = mapped_column(Date)
    responsible_unit: Mapped[str | None] = mapped_column(Text)
    evidence_photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    # An uploaded document (PDF/Office), stored by content under var/documents/ like the photos.
    evidence_doc_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_doc_name: Mapped[str | None] = mapped_column(Text)
    evidence_doc_type: Mapped[str | None] = mapped_column(String(8))
    evidence_doc_size: Mapped[int | None] = mapped_column(Integer)
    demo: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Photo(Base):
    """A site photo of a project: its stored file (by sha256), what its EXIF says, its checks against the project."""

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint("gps_status IN ('ok', 'missing', 'invalid')", name="gps_status_known"),
        CheckConstraint(
            "location_source IS NULL OR location_source IN ('exif', 'manual')", name="location_source_known"
        ),
        CheckConstraint("EXTRACT(DAY FROM report_month) = 1", name="report_month_first_day"),
        CheckConstraint(
            "(placement_status IS NULL) = (placed_geom IS NULL) AND "
            "(placement_status IS NULL OR placement_status IN ('pending', 'verified', 'rejected'))",
            name="placement_status_known",
        ),
        CheckConstraint(
            "reuse_status IS NULL OR reuse_status IN ('suspect', 'confirmed', 'cleared')", name="reuse_status_known"
        ),
        CheckConstraint(
            "(device_lon IS NULL) = (device_lat IS NULL) AND (device_lon IS NULL) = (device_accuracy_m IS NULL)",
            name="device_position_whole",
        ),
        Index(
            "photos_idempotency_key",
            "uploaded_by",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(8))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)  # upright, after orientation
    height: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str | None] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    legacy_uploader: Mapped[str | None] = mapped_column(Text)  # the free-text name typed before accounts existed
    report_month: Mapped[dt.date] = mapped_column(Date, index=True)
    # Wall-clock time the camera recorded, with its UTC offset when the file has one.
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=False))
    taken_offset: Mapped[str | None] = mapped_column(String(6))
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=True)
    exif_lon: Mapped[float | None] = mapped_column(Float)
    exif_lat: Mapped[float | None] = mapped_column(Float)
    altitude_m: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str | None] = mapped_column(String(8))
    gps_status: Mapped[str] = mapped_column(String(8))
    gps_problem: Mapped[str | None] = mapped_column(Text)
    orientation: Mapped[int | None] = mapped_column(Integer)
    exif_error: Mapped[str | None] = mapped_column(Text)
    # Verification, computed by PostGIS when stored or placed (geo.photos.checks.verify).
    distance_m: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)
    within_radius: Mapped[bool | None] = mapped_column(Boolean)
    in_project_area: Mapped[bool | None] = mapped_column(Boolean)
    in_month: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Who may see it: geo.accounts.scope.photo_visible (viewers and anonymous visitors: published ones only).
    published: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who last set the flag
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Perceptual hashes of the upright display copy (geo.photos.reuse), signed 64-bit.
    phash: Mapped[int | None] = mapped_column(BigInteger)
    dhash: Mapped[int | None] = mapped_column(BigInteger)
    # A hand placement is a claim beside the EXIF facts (geom, exif_*, the checks above), never over them; it counts
    # only once a planner verified it (geo.photos.review).
    placed_geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False), nullable=True)
    placed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    placed_distance_m: Mapped[float | None] = mapped_column(Float)
    placed_within_radius: Mapped[bool | None] = mapped_column(Boolean)
    placed_in_project_area: Mapped[bool | None] = mapped_column(Boolean)
    placement_status: Mapped[str | None] = mapped_column(String(10))  # pending | verified | rejected
    placement_reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    placement_reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    placement_reason: Mapped[str | None] = mapped_column(Text)
    # Suspected reuse of another project's or month's photo: [{id, phash, dhash}] of the matches and the review.
    reuse_status: Mapped[str | None] = mapped_column(String(10))  # suspect | confirmed | cleared
    reuse_matches = mapped_column(JSONB, nullable=True)
    reuse_reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reuse_reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reuse_reason: Mapped[str | None] = mapped_column(Text)
    # The phone's own position when the photo was taken or chosen (设备定位, issue 16): a third, labelled fact beside
    # EXIF and the hand placement, never merged into them; its distance to the project and its gap to the EXIF point.
    device_lon: Mapped[float | None] = mapped_column(Float)
    device_lat: Mapped[float | None] = mapped_column(Float)
    device_accuracy_m: Mapped[float | None] = mapped_column(Float)
    device_distance_m: Mapped[float | None] = mapped_column(Float)
    device_within_radius: Mapped[bool | None] = mapped_column(Boolean)
    device_exif_gap_m: Mapped[float | None] = mapped_column(Float)
    device_agrees: Mapped[bool | None] = mapped_column(Boolean)
    # The client's key of a queued upload (web/js/outbox.js): a resend after a lost answer gets the first answer.
    idempotency_key: Mapped[str | None] = mapped_column(String(80))


class BoundaryState(Base):
    """One row: a token that changes with every write to districts, zones or bases (siting caches check it)."""

    __tablename__ = "boundary_state"
    __table_args__ = (CheckConstraint("id", name="single_row"),)

    id: Mapped[bool] = mapped_column(Boolean, primary_key=True, server_default=text("true"))
    token: Mapped[str] = mapped_column(UUID(as_uuid=False), server_default=text("gen_random_uuid()"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DataVersion(Base):
    """One row: a counter every committed write to the published tables moves (api/caching.py's ETags)."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id", name="single_row"),)

    id: Mapped[bool] = mapped_column(Boolean, primary_key=True, server_default=text("true"))
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BoundaryImport(Base):
    """One applied boundary import: which file, which layer, what it changed."""

    __tablename__ = "boundary_imports"
    __table_args__ = (CheckConstraint("layer IN ('districts', 'zones', 'bases')", name="layer_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    layer: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(Text)
    source_crs: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL from the command line
    summary: Mapped[dict] = mapped_column(JSONB, server_default="{}")


class BoundaryVersion(Base):
    """A boundary as it was from valid_from until valid_to (open while current); written by triggers (0003)."""

    __tablename__ = "boundary_versions"
    __table_args__ = (
        CheckConstraint("layer IN ('districts', 'zones', 'bases')", name="layer_known"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_ordered"),
        Index("ix_boundary_versions_open", "layer", "feature_id", postgresql_where=text("valid_to IS NULL")),
        Index("ix_boundary_versions_period", "layer", "valid_from", "valid_to"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    layer: Mapped[str] = mapped_column(String(16))
    feature_id: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(16))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False), nullable=False)
    valid_from: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    valid_to: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("boundary_imports.id", ondelete="SET NULL"))


_role_list = ", ".join(f"'{r}'" for r in ROLE_CODES)


class User(Base):
    """A local account; reporters are tied to the one district they report for."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_role_list})", name="role_known"),
        CheckConstraint("role <> 'reporter' OR district IS NOT NULL", name="reporter_has_district"),
        CheckConstraint("role <> 'dept_reporter' OR department_id IS NOT NULL", name="dept_reporter_has_department"),
        Index("ux_users_username_lower", func.lower(text("username")), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))  # unique case-insensitively (index on lower(username))
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))  # a department reporter's
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(Text)  # argon2id; NULL: cannot sign in (the legacy account)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    """A browser sign-in; the cookie holds a random token of which only the SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str | None] = mapped_column(Text)
    user_agent: Mapped[str | None] = mapped_column(Text)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A personal API token for scripts (Authorization: Bearer); shown once, stored as its SHA-256."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, so the owner can tell tokens apart
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_address: Mapped[str | None] = mapped_column(Text)


class SignInLimit(Base):
    """A sign-in failure counter (geo.accounts.throttle): per account and address, per address, or per account."""

    __tablename__ = "sign_in_limits"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class AuditEntry(Base):
    """One audited event; the table is append-only (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    # Sign-in rate limits count recent failures per name and per address.
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(Text)  # username then (or the name tried, for a failed sign-in)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)
    address: Mapped[str | None] = mapped_column(Text)


class BulletinIssue(Base):
    """An issued 简报: its kind, period and 期号 (seq, numbered per year and kind), and who issued it when."""

    __tablename__ = "bulletin_issues"
    __table_args__ = (
        CheckConstraint("kind IN ('monthly', 'quarterly')", name="bulletin_kind_known"),
        CheckConstraint("seq >= 1", name="bulletin_seq_positive"),
        UniqueConstraint("kind", "period", name="bulletin_period_unique"),
        UniqueConstraint("kind", "year", "seq", name="bulletin_seq_unique"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_by_name: Mapped[str] = mapped_column(Text)


class Problem(Base):
    """A problem to coordinate (问题清单): from a report's 存在问题 or entered freely, tracked until closed (销号)."""

    __tablename__ = "problems"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'coordinating', 'resolved')", name="problem_status_known"),
        CheckConstraint(
            "status <> 'resolved' OR (resolution IS NOT NULL AND resolved_at IS NOT NULL AND resolved_on IS NOT NULL)",
            name="problem_resolved_has_note",
        ),
        CheckConstraint(
            "source_month IS NULL OR source_month = date_trunc('month', source_month)::date",
            name="problem_month_is_first_day",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id", ondelete="SET NULL"))
    source_month: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(Text)  # 牵头协调部门
    action: Mapped[str | None] = mapped_column(Text)  # requested action
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), server_default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    opened_on: Mapped[dt.date] = mapped_column(Date)  # the overdue rule's days, by the app's clock
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    demo: Mapped[bool] = mapped_column(Boolean, server_default="false")


class ProblemEvent(Base):
    """One step of a problem's history: created, edited (a readable change) or moved between states, by whom, when."""

    __tablename__ = "problem_events"
    __table_args__ = (CheckConstraint("kind IN ('create', 'edit', 'transition')", name="problem_event_kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[str | None] = mapped_column(Text)


class ProjectVersion(Base):
    """One change of a project's library entry (create, edit, retire, restore): who, when, field-level before/after."""

    __tablename__ = "project_versions"
    __table_args__ = (
        CheckConstraint("version >= 1", name="project_version_positive"),
        CheckConstraint(
            "action IN ('create', 'update', 'retire', 'restore', 'import')", name="project_version_action_known"
        ),
        UniqueConstraint("project_id", "version", name="project_version_unique"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(Text)
    changes: Mapped[list] = mapped_column(JSONB)  # [{field, label, before, after}] as people read them
    snapshot: Mapped[dict] = mapped_column(JSONB)  # the entry after the change
    note: Mapped[str | None] = mapped_column(Text)


class ProjectProposal(Base):
    """A district reporter's proposed change to a project of their district, accepted or rejected by a planner."""

    __tablename__ = "project_proposals"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'accepted', 'rejected')", name="proposal_state_known"),
        CheckConstraint("state <> 'rejected' OR reason IS NOT NULL", name="proposal_rejected_has_reason"),
        Index("ix_project_proposals_pending", "project_id", postgresql_where=text("state = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_by_name: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSONB)  # the fields as sent, checked again when accepted
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), server_default="pending")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_name: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("project_versions.id"))


class Tour(Base):
    """A 观摩 inspection tour: its name, date, note, optional start point, and the criteria copied at creation."""

    __tablename__ = "tours"
    __table_args__ = (CheckConstraint("length(btrim(name)) > 0", name="tour_name_not_blank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    tour_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    start_label: Mapped[str | None] = mapped_column(Text)
    start_geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False), nullable=True)
    criteria: Mapped[dict] = mapped_column(JSONB)  # [{"name": 形象进度, "weight": 25}, …]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TourStop(Base):
    """A project visited on a tour, at position `seq` (1 = first stop)."""

    __tablename__ = "tour_stops"
    __table_args__ = (
        CheckConstraint("seq >= 1", name="tour_stop_seq_positive"),
        UniqueConstraint("tour_id", "seq", name="tour_stop_seq_unique", deferrable=True, initially="DEFERRED"),
        Index("ix_tour_stops_project", "project_id"),
    )

    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)


class TourScore(Base):
    """One inspecting official's score (0–100) of one stop on one criterion."""

    __tablename__ = "tour_scores"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="tour_score_0_100"),
        ForeignKeyConstraint(
            ["tour_id", "project_id"], ["tour_stops.tour_id", "tour_stops.project_id"], ondelete="CASCADE"
        ),
        UniqueConstraint("tour_id", "project_id", "scorer", "criterion", name="tour_score_unique"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(Integer)
    scorer: Mapped[str] = mapped_column(Text)
    criterion: Mapped[str] = mapped_column(Text)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Department(Base):
    """A city department (市直部门): lead or cooperating unit of key tasks; `alias` is the name the 2018 plan used."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    alias: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Task(Base):
    """A key task (重点任务): from the provincial or the city plan, led by one department, carried by projects."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(f"source IN ({_in(TASK_SOURCE_CODES)})", name="task_source_known"),
        CheckConstraint(f"category IN ({_in(TASK_CATEGORY_CODES)})", name="task_category_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16), index=True)
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    districts: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    clusters: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    deliverable: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[dt.date] = mapped_column(Date)
    # [{"month": "YYYY-MM", "kind": "monthly" | "quarterly", "text": "…"}]
    milestones: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    demo: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TaskCooperator(Base):
    """A cooperating unit (配合单位) of a task."""

    __tablename__ = "task_cooperators"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class TaskProject(Base):
    """A project that carries out a task (many to many)."""

    __tablename__ = "task_projects"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True)


class TaskReport(Base):
    """A monthly report of a key task, on the same cycle (periods, review, corrections) as the project reports."""

    __tablename__ = "task_reports"
    __table_args__ = (
        CheckConstraint("month = date_trunc('month', month)::date", name="task_report_month_is_first_day"),
        CheckConstraint(f"status IN ({_in(TASK_STATUS_CODES)})", name="task_report_status_known"),
        CheckConstraint(f"review_state IN ({_review_list})", name="task_report_review_state_known"),
        CheckConstraint(
            "review_state <> 'returned' OR review_reason IS NOT NULL", name="task_report_returned_has_reason"
        ),
        UniqueConstraint("task_id", "month", "version", name="task_report_version_unique"),
        Index(
            "ux_task_reports_current",
            "task_id",
            "month",
            unique=True,
            postgresql_where=text("superseded_at IS NULL AND review_state = 'passed'"),
        ),
        Index(
            "ux_task_reports_submitted",
            "task_id",
            "month",
            unique=True,
            postgresql_where=text("superseded_at IS NULL AND review_state <> 'passed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    status: Mapped[str] = mapped_column(String(16))
    narrative: Mapped[str] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: generated demo history
    demo: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    superseded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_state: Mapped[str] = mapped_column(String(8), server_default="passed")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_reason: Mapped[str | None] = mapped_column(Text)
    correction: Mapped[bool] = mapped_column(Boolean, server_default="false")
    filed_on: Mapped[dt.date | None] = mapped_column(Date)  # the app's date when filed (0018)


class TaskEvidence(Base):
    """An evidence document (PDF or Office file) of a task's month, stored by sha256 like the photos."""

    __tablename__ = "task_evidence"
    __table_args__ = (
        CheckConstraint(f"format IN ({_in(DOCUMENT_FORMATS)})", name="task_evidence_format_known"),
        CheckConstraint("EXTRACT(DAY FROM report_month) = 1", name="task_evidence_month_first_day"),
        UniqueConstraint("task_id", "sha256", name="task_evidence_unique"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    report_month: Mapped[dt.date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    size_bytes: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
