"""Database access: one engine per process, from DATABASE_URL or the embedded cluster."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from geo.db.embedded import EmbeddedCluster
from geo.db.roles import current_role
from geo.errors import Conflict
from geo.settings import Settings

log = logging.getLogger("warroom.db")

# serialization_failure, deadlock_detected: the transaction lost a race and may simply be sent again
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def normalise_url(url: str | URL) -> URL:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL) -> Engine:
    """An engine with pre-ping, so a restarted database is noticed instead of failing a request."""
    return create_engine(normalise_url(url), pool_pre_ping=True, pool_size=10, max_overflow=10)


@dataclass
class Database:
    """The app's engine, its session factory, the owner's URL for migrations and, when embedded, the cluster."""

    engine: Engine
    cluster: EmbeddedCluster | None = None
    owner_url: URL | str | None = None  # migrations connect with it; None: the app's own engine migrates
    sessions: sessionmaker = field(init=False)
    _owner_engine: Engine | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def owner_engine(self) -> Engine:
        """The engine migrations run on: the owner role's, or the app's when no owner URL was given."""
        if self.owner_url is None or normalise_url(self.owner_url) == self.engine.url:
            return self.engine
        if self._owner_engine is None:
            self._owner_engine = create_engine(normalise_url(self.owner_url), pool_size=1, max_overflow=2)
        return self._owner_engine

    def app_role(self) -> str | None:
        """The app's role when it differs from the owner's (it is then granted row privileges), else None."""
        if self.owner_engine is self.engine:
            return None
        app = current_role(self.engine)
        return None if app == current_role(self.owner_engine) else app

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        session = self.sessions()
        try:
            yield session
        except BaseException:
            self.discard(session)
            raise
        self.finish(session)

    @staticmethod
    def finish(session: Session) -> None:
        """Commit and close a session (closed on a failed commit too)."""
        try:
            commit(session)
        except BaseException:
            Database.discard(session)
            raise
        session.close()

    @staticmethod
    def discard(session: Session) -> None:
        """Roll back and close a session."""
        try:
            session.rollback()
        finally:
            session.close()

    def close(self) -> None:
        """Dispose of the pool and stop the embedded cluster if this process started it."""
        self.engine.dispose()
        if self._owner_engine is not None:
            self._owner_engine.dispose()
        if self.cluster is not None:
            self.cluster.stop()


def commit(session: Session) -> None:
    """Commit; a transaction that lost a race with another (serialization failure, deadlock) is a Conflict to retry.

    A constraint checked at commit (deferred) raises IntegrityError, which the API answers as 409 too."""
    try:
        session.commit()
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES:
            raise
        log.warning("commit lost a race: %s", exc.orig)
        raise Conflict(
            "与同时进行的另一修改冲突,未保存,请重试 / a concurrent change conflicted; nothing was saved, try again"
        ) from exc


def open_database(settings: Settings) -> Database:
    """Connect to DATABASE_URL (migrating with WARROOM_MIGRATE_DATABASE_URL), or start (or reuse) the embedded
    PostGIS cluster under var/ as its app role."""
    if settings.database_url:
        return Database(make_engine(settings.database_url), owner_url=settings.migrate_database_url)
    cluster = EmbeddedCluster(settings.var_dir, bin_dir=settings.pg_bin_dir)
    owner_url = cluster.start(settings.database_name)
    return Database(make_engine(cluster.app_url(settings.database_name)), cluster, owner_url=owner_url)


def postgis_version(session: Session) -> str:
    """The PostGIS library version of the connected database."""
    return session.execute(text("SELECT postgis_lib_version()")).scalar_one()
