"""Application settings: the one place configuration is read from the environment."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration (env prefix WARROOM_, plus DATABASE_URL)."""

    model_config = SettingsConfigDict(env_prefix="WARROOM_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "WARROOM_DATABASE_URL")
    )
    database_name: str = Field(
        default="warroom",
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="database inside the embedded cluster (e.g. a separate one for 10,000 demo projects)",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    var_dir: Path = PROJECT_ROOT / "var"
    pg_bin_dir: Path | None = None
    basemap: Literal["none", "osm", "tianditu"] = "none"
    osm_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tianditu_key: str | None = None
    plan_year: int = 2026
    light_yellow_lag: float = Field(default=10.0, description="percentage points behind plan that turn a light yellow")
    light_red_lag: float = Field(default=25.0, description="percentage points behind plan that turn a light red")
    milestone_red_days: int = Field(
        default=30, ge=0, description="days a milestone may be overdue at a month's end before its light turns red"
    )
    # --- the monthly dispatch cycle ---
    today: dt.date | None = Field(
        default=None, description="the date the dispatch cycle reads (pinned for demos and tests); empty: Weihai's"
    )
    report_due_day: int = Field(
        default=5, ge=1, le=28, description="day of the next month by which a month's reports are due"
    )
    report_close_grace_days: int = Field(
        default=3, ge=0, le=25, description="days after the due day when a month not closed by hand closes itself"
    )
    report_review: bool = Field(
        default=True, description="a district's report waits for a planner's review (审核); false: passed on submission"
    )
    anonymous_read: bool = Field(
        default=True,
        description="visitors who have not signed in may read the map, projects, "
        "published photos and the dashboard; off: everything but the login page needs an account",
    )
    session_hours: float = Field(default=12.0, gt=0, description="a browser sign-in lasts this many hours")
    cookie_secure: bool | None = Field(
        default=None, description="Secure cookies; default: when the request came over HTTPS"
    )
    # --- sign-in limits (geo/accounts/throttle.py) ---
    sign_in_attempts_per_minute: int = Field(
        default=10, ge=1, description="failed password checks allowed per account from one address in a minute"
    )
    sign_in_address_failures_per_minute: int = Field(
        default=100,
        ge=1,
        description="failed password checks allowed from one address (all accounts) in a minute; "
        "high, so that a whole office behind one NAT is not locked out",
    )
    sign_in_account_free_failures: int = Field(
        default=20, ge=1, description="failures of one account (from all addresses) before its exponential back-off"
    )
    sign_in_backoff_first_seconds: float = Field(
        default=1.0, gt=0, description="first wait of the per-account back-off; it doubles with each further failure"
    )
    sign_in_backoff_max_seconds: int = Field(
        default=900, ge=1, description="longest wait of the per-account back-off between two attempts"
    )
    sign_in_account_reset_hours: float = Field(
        default=24.0, gt=0, description="an account's failure count starts again after this long without a failure"
    )
    sign_in_known_address_days: int = Field(
        default=90, ge=0, description="an address the account signed in from within these days skips the back-off"
    )
    # --- end of sign-in limits ---
    # --- the 简报 (geo/bulletin) ---
    bulletin_title: str = Field(
        default="全市新旧动能转换重大项目推进情况", description="the bulletin's name, printed in its red masthead"
    )
    bulletin_issuer: str = Field(
        default="威海市发展和改革委员会 / 市新旧动能转换重大工程推进办公室",
        description="发文单位 under the masthead; ' / ' separates joint issuers",
    )
    # --- 观摩 tours (geo/tours) ---
    tour_criteria: dict[str, float] = Field(
        default={"形象进度": 25, "投资完成": 25, "建设质量": 20, "带动效应": 15, "现场管理": 15},
        description="the inspecting officials' scoring criteria and their weights (summing to 100), as JSON, e.g. "
        'WARROOM_TOUR_CRITERIA=\'{"形象进度": 50, "建设质量": 50}\'; copied onto each tour when it is made',
    )
    assessment_weights: dict[str, dict[str, float]] = Field(
        default={
            "district": {
                "timeliness": 15,
                "review": 10,
                "investment": 20,
                "lights": 15,
                "milestones": 10,
                "problems": 10,
                "photos": 10,
                "tours": 10,
            },
            "department": {"timeliness": 30, "task_status": 30, "task_lights": 20, "problems": 20},
        },
        description="the assessment's (考核) criteria and weights for districts and lead departments, each summing "
        'to 100, as JSON, e.g. WARROOM_ASSESSMENT_WEIGHTS=\'{"district": {…}, "department": {…}}\' '
        "(criteria: geo/assessment/criteria.py)",
    )
    gzip_level: int = 5
    map_tile_threshold: int = Field(
        default=50_000,
        ge=0,
        description="above this many projects the map draws them from vector tiles (/api/projects/tiles) instead of "
        "one GeoJSON answer; 0: always tiles (bench/map_scale.py measures the crossover)",
    )
    photo_max_bytes: int = Field(
        default=30 * 1024 * 1024, description="largest photo file accepted, in bytes (413 above)"
    )
    photo_max_pixels: int = Field(
        default=60_000_000, description="largest photo accepted, in pixels, checked before decoding"
    )
    photo_uploads_per_hour: int = Field(default=200, ge=1, description="photos one account may upload in an hour")
    photo_bytes_per_hour: int = Field(
        default=2 * 2**30, ge=1, description="bytes of photos one account may upload in an hour"
    )
    photo_max_files: int = Field(default=20, description="most files in one upload request")
    photo_radius_m: float = Field(default=1000.0, description="a photo within this many metres of its project fits it")
    photo_far_m: float = Field(
        default=50_000.0, description="GPS farther than this from every Weihai district is invalid"
    )
    photo_device_agree_m: float = Field(
        default=300.0,
        description="a phone's own position and the photo's EXIF point disagree when farther apart than this plus "
        "the phone's stated accuracy (metres)",
    )
    photo_reuse_phash_max: int = Field(
        default=10,
        ge=0,
        le=64,
        description="a photo whose pHash is within this many bits of another project's or month's photo is flagged "
        "as suspected reuse (tests/photos/reuse_figures.py, 24 generated photos: every 50 %/60 % resized, q=60/q=40 "
        "re-compressed and watermarked copy caught, 17 of 24 copies cropped by 5 %, 0 false pairs in 276)",
    )
    photo_reuse_dhash_max: int = Field(
        default=8, ge=0, le=64, description="the same for the dHash: either hash within its distance flags the photo"
    )
    batch_max_points: int = Field(default=200_000, description="most points one siting check (POST /api/lookup) takes")
    document_max_mb: int = Field(default=20, ge=1, description="largest milestone evidence document (PDF/Office) in MB")
    upload_max_mb: int = Field(default=50, description="largest upload (boundary file, register, point list) in MB")
    evidence_max_bytes: int = Field(
        default=20 * 1024 * 1024, description="largest task evidence document (PDF, Office) accepted, in bytes"
    )
    log_level: str = "info"
    # --- uploaded files: archives and photo decoding ---
    upload_max_unzipped_mb: int = Field(
        default=256, ge=1, description="most an uploaded zip (Shapefile, KMZ, .xlsx) may unpack to, in MB (413 above)"
    )
    upload_max_zip_ratio: float = Field(
        default=200.0, gt=1, description="highest compression ratio of an archive member over 1 MB (413 above)"
    )
    upload_max_zip_members: int = Field(default=1000, ge=1, description="most files inside one uploaded zip")
    photo_decode_memory_mb: int = Field(
        default=448,
        ge=16,
        description="memory the photo decodes in flight may take together, in MB; they wait for each other, and a "
        "photo that alone would need more is refused (413)",
    )
    # --- request bodies ---
    body_max_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="largest request body of any route but the uploads (photos, imports, siting check), in bytes",
    )
    # --- photo store, operations ---
    photo_store: str | None = Field(
        default=None,
        description="where photos are kept: a directory, or s3://bucket/prefix on an S3-compatible store "
        "(SeaweedFS, MinIO, AWS); empty: <var_dir>/photos",
    )
    photo_store_endpoint: str | None = Field(
        default=None, description="the S3 endpoint URL, e.g. http://127.0.0.1:8333; empty: AWS"
    )
    photo_store_access_key: str | None = Field(default=None, description="S3 access key (else the AWS_* chain)")
    photo_store_secret_key: SecretStr | None = Field(default=None, description="S3 secret key")
    photo_store_region: str = Field(default="us-east-1", description="S3 region (self-hosted stores ignore it)")
    metrics_path: str | None = Field(
        default=None,
        pattern=r"^/[A-Za-z0-9_/-]*$",
        description="path of the Prometheus metrics (e.g. /internal/metrics); empty: not served. Block it at the "
        "proxy or pick a path only the monitoring host knows",
    )
    metrics_allow: str = Field(
        default="127.0.0.1,::1",
        description="comma-separated client addresses allowed to read the metrics (after proxy headers); * for any",
    )
    log_json: bool = Field(default=False, description="access log as one JSON object a line (with the request id)")
    supervise_database: bool = Field(
        default=True, description="restart the embedded PostgreSQL when it has died (checked every few seconds)"
    )
    # --- database roles ---
    migrate_database_url: str | None = Field(
        default=None,
        description="the owner role's URL, for migrations and seeding; DATABASE_URL is then the app's role, granted "
        "row privileges only. Unset: DATABASE_URL migrates too, and the app warns at start that its role is too "
        "powerful. Not used by the embedded cluster, which has its own two roles",
    )

    @field_validator("tour_criteria")
    @classmethod
    def _criteria_weigh_100(cls, value: dict[str, float]) -> dict[str, float]:
        # A weighted score out of 100 only reads as one when the weights add up to 100.
        if not value or any(not name.strip() or w <= 0 for name, w in value.items()):
            raise ValueError("tour_criteria needs named criteria with positive weights")
        if abs(sum(value.values()) - 100) > 1e-6:
            raise ValueError(f"tour_criteria weights must sum to 100, not {sum(value.values())}")
        return value

    @field_validator("assessment_weights")
    @classmethod
    def _assessment_weigh_100(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        # Imported here: the criteria module reads settings' neighbours, not the other way round at import time.
        from geo.assessment.criteria import check_weights

        check_weights(value)
        return value

    @property
    def web_dir(self) -> Path:
        """Directory of the static front end."""
        return PROJECT_ROOT / "web"

    @property
    def photo_dir(self) -> Path:
        """Directory of stored photos (originals and derivatives, content-addressed)."""
        return self.var_dir / "photos"

    @property
    def document_dir(self) -> Path:
        """Directory of stored evidence documents of the key tasks (content-addressed, like the photos)."""
        return self.var_dir / "documents"


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings."""
    return Settings()
