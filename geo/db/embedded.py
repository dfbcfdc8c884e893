"""The embedded PostGIS cluster: a private PostgreSQL under var/ used when no DATABASE_URL is set."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pwd
import re
import shutil
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from geo.errors import EmbeddedDatabaseError

log = logging.getLogger("warroom.embedded")

DB_NAME = "warroom"
DB_USER = "warroom"  # the cluster's superuser (initdb): makes databases, roles and extensions, never used by the app
OWNER_ROLE = "warroom_owner"  # owns the database and its tables: migrations connect as it
APP_ROLE = "warroom_app"  # the app's connections: rows only, no DDL, the audit log append-only
SERVICE_USER = "postgres"  # PostgreSQL refuses to run as root; Debian's packages create this user.
MAX_SOCKET_PATH = 100  # sun_path is 108 bytes; leave room for "/.s.PGSQL.5432".


def find_bin_dir(configured: Path | None = None) -> Path:
    """Locate the PostgreSQL server binaries (newest Debian version first)."""
    if configured:
        if (configured / "pg_ctl").exists():
            return configured
        raise EmbeddedDatabaseError(
            f"没有在 {configured} 找到 pg_ctl / pg_ctl not found in WARROOM_PG_BIN_DIR={configured}"
        )
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name), reverse=True
    )
    if candidates:
        return candidates[0].parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    raise EmbeddedDatabaseError(
        "PostgreSQL is not installed: install it with `apt-get install postgresql postgresql-15-postgis-3` "
        "(or run `make run`, which does), or set DATABASE_URL to an existing PostGIS server."
    )


def server_version(bin_dir: Path) -> int:
    """Major version of the PostgreSQL server binaries in bin_dir."""
    out = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"\(PostgreSQL\)\s+(\d+)", out).group(1))


def share_dir(bin_dir: Path) -> Path:
    """The server's share directory, where extension control files live."""
    out = subprocess.run([str(bin_dir / "pg_config"), "--sharedir"], capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        return Path(out.stdout.strip())
    return Path("/usr/share/postgresql") / str(server_version(bin_dir))


def check_postgis(bin_dir: Path, sharedir: Path | None = None) -> None:
    """Raise with the package to install when PostGIS is missing for these binaries."""
    sharedir = sharedir or share_dir(bin_dir)
    if not (sharedir / "extension" / "postgis.control").exists():
        major = server_version(bin_dir)
        raise EmbeddedDatabaseError(
            f"PostGIS is not installed for PostgreSQL {major}: install it with "
            f"`apt-get install postgresql-{major}-postgis-3` (or run `make run`, which does)."
        )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_postgres(pid: int) -> bool:
    """Whether a live process with this PID is a PostgreSQL server (not another program that reused the PID)."""
    if not _pid_alive(pid):
        return False
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return True  # no /proc to ask: assume the worst and leave its files alone
    return name in ("postgres", "postmaster")


class EmbeddedCluster:
    """A private PostgreSQL cluster in `<var_dir>/<name>`, started on demand and stopped by its owner."""

    def __init__(self, var_dir: Path, *, name: str = "pgdata", bin_dir: Path | None = None, fast: bool = False):
        self.var_dir = Path(var_dir).resolve()
        self.name = name
        self.configured_bin_dir = bin_dir
        self.fast = fast  # fsync off: for throwaway test clusters only
        self.owned = False
        self.token = (
            f"{os.getpid()}:{uuid.uuid4().hex}"  # tells this instance's claim from another's, even in one process
        )
        self.run_as_service_user = os.geteuid() == 0
        self.home = self._choose_home()

    # -- layout ---------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self.home / "data"

    @property
    def socket_dir(self) -> Path:
        """The directory of the unix socket."""
        return self.home / "run"

    @property
    def log_file(self) -> Path:
        """The server log."""
        return self.home / "postgresql.log"

    @property
    def owner_file(self) -> Path:
        """Which process started the cluster."""
        return self.var_dir / f"{self.name}.owner"

    @property
    def lock_file(self) -> Path:
        """The lock held while starting or stopping."""
        return self.var_dir / f"{self.name}.lock"

    def url(self, database: str = DB_NAME, *, role: str = OWNER_ROLE) -> URL:
        """SQLAlchemy URL of a database in this cluster as a role (the owner by default), over its unix socket."""
        return URL.create("postgresql+psycopg", username=role, database=database, query={"host": str(self.socket_dir)})

    def app_url(self, database: str = DB_NAME) -> URL:
        """URL of a database in this cluster as the app's role."""
        return self.url(database, role=APP_ROLE)

    def _choose_home(self) -> Path:
        """var/<name>, or a fallback when the service user cannot enter var/ or the socket path is too long."""
        home = self.var_dir / self.name
        reason = None
        if len(str(home / "run" / ".s.PGSQL.5432")) > MAX_SOCKET_PATH:
            reason = "the socket path would be too long"
        elif self.run_as_service_user and not self._service_user_can_reach(self.var_dir):
            reason = f"user {SERVICE_USER} cannot reach {self.var_dir} (a parent directory is private)"
        if reason is None:
            return home
        digest = hashlib.sha1(str(home).encode()).hexdigest()[:10]
        fallback = Path("/var/tmp") / f"weihai-warroom-{digest}" / self.name
        log.warning("embedded database kept in %s because %s", fallback, reason)
        return fallback

    def _service_user_can_reach(self, path: Path) -> bool:
        """Whether the service user can traverse every directory down to path."""
        try:
            entry = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            return False
        probe = path
        while not probe.exists():
            probe = probe.parent
        for directory in [probe, *probe.parents]:
            st = directory.stat()
            if st.st_uid == entry.pw_uid:
                ok = st.st_mode & 0o100
            elif st.st_gid == entry.pw_gid:
                ok = st.st_mode & 0o010
            else:
                ok = st.st_mode & 0o001
            if not ok:
                return False
        return True

    # -- commands ---------------------------------------------------------------------------------
    def _bin(self) -> Path:
        return find_bin_dir(self.configured_bin_dir)

    def _run(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        """Run a server binary, as the service user when we are root."""
        if self.run_as_service_user:
            args = ["runuser", "-u", SERVICE_USER, "--", *args]
        return subprocess.run(args, capture_output=True, text=True, **kw)

    def _make_dir(self, path: Path, mode: int = 0o700) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.run_as_service_user:
            entry = pwd.getpwnam(SERVICE_USER)
            os.chown(path, entry.pw_uid, entry.pw_gid)
        path.chmod(mode)

    @contextmanager
    def _locked(self):
        """Serialise start and stop between processes sharing this cluster."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def is_running(self) -> bool:
        """Whether a postmaster is serving this cluster's data directory."""
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        return self._run([str(self._bin() / "pg_ctl"), "status", "-D", str(self.data_dir)]).returncode == 0

    def _initdb(self, bin_dir: Path) -> None:
        if self.run_as_service_user:
            try:
                pwd.getpwnam(SERVICE_USER)
            except KeyError:
                raise EmbeddedDatabaseError(
                    f"running as root needs the unprivileged user '{SERVICE_USER}' "
                    "(created by Debian's postgresql packages)"
                ) from None
        self.home.parent.mkdir(parents=True, exist_ok=True)
        self._make_dir(self.home)
        log.info("initialising embedded PostGIS cluster in %s", self.data_dir)
        res = self._run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                DB_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-instructions",
            ]
        )
        if res.returncode != 0:
            raise EmbeddedDatabaseError(f"initdb failed: {res.stderr.strip() or res.stdout.strip()}")

    def _postgres_options(self) -> str:
        opts = ["-c listen_addresses=''", f"-k {self.socket_dir}", "-c jit=off"]
        if self.fast:
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        return " ".join(opts)

    def _pg_ctl_start(self, bin_dir: Path) -> subprocess.CompletedProcess:
        args = [
            str(bin_dir / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            self._postgres_options(),
        ]
        # A session of its own keeps Ctrl-C in the terminal from reaching postgres: we stop it ourselves.
        return self._run(args, start_new_session=True)

    def start(self, database: str = DB_NAME) -> URL:
        """Initialise (first time) and start the cluster, or reuse one already serving; return the database's URL."""
        bin_dir = self._bin()
        check_postgis(bin_dir)
        with self._locked():
            if not (self.data_dir / "PG_VERSION").exists():
                self._initdb(bin_dir)
            self._make_dir(self.socket_dir, 0o755)
            self._remove_stale_locks()
            if self.is_running():
                owner = self._owner()
                if owner and owner != self.token and _pid_alive(int(owner.split(":")[0])):
                    log.info("reusing embedded database already started by process %s", owner.split(":")[0])
                    self.owned = False
                else:
                    log.info("adopting embedded database left running by a process that is gone")
                    self._claim()
            else:
                self._start_server(bin_dir)
                self._claim()
            # Under the lock: two processes starting at once would race to create the same roles.
            self._ensure_database(database)
        return self.url(database)

    def revive(self) -> bool:
        """Start the cluster again if it has died (kill -9, OOM killer) since it was started; True when it was.

        Under the start lock, so that of several workers noticing at once only one starts it."""
        if self.is_running():
            return False
        bin_dir = self._bin()
        with self._locked():
            if self.is_running():
                return False
            log.warning("the embedded PostgreSQL is not running: starting it again")
            self._make_dir(self.socket_dir, 0o755)
            self._remove_stale_locks()
            self._start_server(bin_dir)
            self._claim()
        return True

    def _remove_stale_locks(self) -> None:
        """After a kill -9 of postgres: drop postmaster.pid and the socket lock files whose PID is no postgres."""
        # pg_ctl and postgres only ask whether the PID is alive; a reused PID would block the start for good.
        pid_file = self.data_dir / "postmaster.pid"
        for lock in [pid_file, *self.socket_dir.glob(".s.PGSQL.*.lock")]:
            try:
                pid = int(lock.read_text().splitlines()[0])
            except (OSError, ValueError, IndexError):
                continue
            if not _is_postgres(abs(pid)):
                log.warning("removing stale lock file %s (PID %s is not a running postgres)", lock, pid)
                lock.unlink(missing_ok=True)

    def _start_server(self, bin_dir: Path) -> None:
        res = self._pg_ctl_start(bin_dir)
        if res.returncode != 0 and "lock file" in (res.stderr + res.stdout) and not self.is_running():
            # A postmaster.pid left by a killed server whose PID now belongs to another process.
            (self.data_dir / "postmaster.pid").unlink(missing_ok=True)
            res = self._pg_ctl_start(bin_dir)
        if res.returncode != 0:
            tail = self.log_file.read_text(errors="replace").splitlines()[-5:] if self.log_file.exists() else []
            raise EmbeddedDatabaseError(
                "the embedded PostgreSQL did not start: "
                + (res.stderr.strip() or res.stdout.strip())
                + "\n"
                + "\n".join(tail)
            )
        log.info("embedded PostGIS started (data %s, socket %s)", self.data_dir, self.socket_dir)

    def _owner(self) -> str | None:
        try:
            owner = self.owner_file.read_text().strip()
        except FileNotFoundError:
            return None
        return owner if re.fullmatch(r"\d+:[0-9a-f]+", owner) else None

    def _claim(self) -> None:
        self.owner_file.write_text(self.token)
        self.owned = True

    def _ensure_database(self, database: str = DB_NAME) -> None:
        """Create the roles, the database (the owner's) and PostGIS when missing; hand an older one to the owner."""
        import psycopg

        from geo.db import roles

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg.connect(host=str(self.socket_dir), user=DB_USER, dbname="postgres", autocommit=True)
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with conn:
            for role in (OWNER_ROLE, APP_ROLE):
                roles.ensure_login_role(conn, role)
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{database}" OWNER "{OWNER_ROLE}"')
        with psycopg.connect(host=str(self.socket_dir), user=DB_USER, dbname=database, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            with conn.transaction():
                roles.hand_over(conn, database, OWNER_ROLE, APP_ROLE)

    def create_database(self, database: str) -> URL:
        """Create (if missing) another database in this running cluster, with PostGIS; the owner's URL."""
        with self._locked():
            self._ensure_database(database)
        return self.url(database)

    def stop(self) -> None:
        """Stop the cluster if this process owns it; a reusing process leaves it to the owner."""
        if not self.owned:
            return
        with self._locked():
            res = self._run([str(self._bin() / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])
            if res.returncode != 0 and self.is_running():
                log.error("could not stop the embedded database: %s", res.stderr.strip())
                return
            self.owner_file.unlink(missing_ok=True)
            self.owned = False
            log.info("embedded PostGIS stopped")
