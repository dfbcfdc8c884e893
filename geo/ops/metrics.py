"""Prometheus metrics: requests by route, photo uploads, siting batch sizes and committed writes by audited action
(the month cycle's closes, publications, reports and reviews among them).

With several worker processes `warroom serve` sets PROMETHEUS_MULTIPROC_DIR before they start, so that one scrape
sums them all (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy import event
from sqlalchemy.orm import Session

REQUESTS = Counter("warroom_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "warroom_http_request_duration_seconds",
    "time to answer, by route",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PHOTO_UPLOADS = Counter("warroom_photo_uploads", "photos stored (committed)")
PHOTO_BYTES = Counter("warroom_photo_upload_bytes", "bytes of original photos stored (committed)")
SITING_POINTS = Histogram(
    "warroom_siting_batch_points",
    "points per siting check (POST /api/lookup)",
    buckets=(1, 10, 100, 1000, 10_000, 50_000, 100_000, 200_000),
)
WRITES = Counter(
    "warroom_committed_writes",
    "committed changes by audited action (period.close, period.publish, report.submit, report.review, …)",
    ["action"],
)

_PENDING = "warroom_metrics_actions"


def count_on_commit(session: Session, action: str) -> None:
    """Count an audited action once its transaction commits (never for a rolled-back one)."""
    session.info.setdefault(_PENDING, []).append(action)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for action in session.info.pop(_PENDING, []):
        WRITES.labels(action).inc()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def exposition() -> tuple[bytes, str]:
    """The metrics text (all worker processes' when in multiprocess mode) and its media type."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
