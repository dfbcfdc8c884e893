"""The embedded PostGIS cluster: first start, reuse by a second process, stop, recovery, missing PostGIS."""

import os
import shutil
import signal
import subprocess
import sys

import psycopg
import pytest

from geo.db.embedded import EmbeddedCluster, check_postgis, find_bin_dir
from geo.errors import EmbeddedDatabaseError


@pytest.fixture
def var_dir(tmp_path):
    yield tmp_path / "var"
    c = EmbeddedCluster(tmp_path / "var", name="pgdata")
    if c.is_running():
        c.owned = True
        c.stop()
    shutil.rmtree(c.home.parent if c.home.parent.name.startswith("weihai-warroom-") else c.home, ignore_errors=True)


def answers(cluster: EmbeddedCluster) -> bool:
    try:
        with psycopg.connect(host=str(cluster.socket_dir), user="warroom", dbname="warroom", connect_timeout=3) as conn:
            return conn.execute("SELECT postgis_lib_version()").fetchone()[0].startswith("3.")
    except psycopg.OperationalError:
        return False


def test_start_reuse_and_stop(var_dir, caplog):
    first = EmbeddedCluster(var_dir)
    first.start()
    assert first.owned and answers(first)
    if os.geteuid() == 0:
        # pytest's tmp_path is private to root: the cluster must move where postgres can reach, and say so.
        assert any("kept in" in r.message for r in caplog.records) or str(first.home).startswith(str(var_dir))

    second = EmbeddedCluster(var_dir)
    second.start()  # a second app on the same checkout reuses the running cluster
    assert not second.owned and answers(second)
    second.stop()
    assert answers(first), "a reusing process must not stop the owner's cluster"

    first.stop()
    assert not first.is_running() and not answers(first)
    assert not first.owner_file.exists()


def test_restart_after_a_killed_owner_adopts_the_cluster(var_dir):
    """A warroom process killed with SIGKILL leaves postgres running: the next start adopts and later stops it."""
    script = (
        f"import os,time; from geo.db.embedded import EmbeddedCluster; c=EmbeddedCluster({str(var_dir)!r}); "
        "c.start(); print('up', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "up"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    c = EmbeddedCluster(var_dir)
    assert c.is_running()
    c.start()
    assert c.owned and answers(c)
    c.stop()
    assert not c.is_running()


def test_recovers_after_postgres_itself_was_killed(var_dir):
    c = EmbeddedCluster(var_dir)
    c.start()
    pid = int((c.data_dir / "postmaster.pid").read_text().splitlines()[0])
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        import time

        time.sleep(0.05)
    again = EmbeddedCluster(var_dir)
    again.start()  # stale postmaster.pid, crash recovery
    assert answers(again)
    again.stop()


def test_missing_postgis_names_the_package(tmp_path):
    with pytest.raises(EmbeddedDatabaseError) as err:
        check_postgis(find_bin_dir(), sharedir=tmp_path)
    assert "postgis-3" in err.value.detail and "apt-get install" in err.value.detail


def test_missing_postgresql_says_what_to_install(tmp_path):
    with pytest.raises(EmbeddedDatabaseError) as err:
        find_bin_dir(tmp_path)
    assert "pg_ctl" in err.value.detail


def test_restarts_when_the_killed_postgres_pid_was_reused(var_dir):
    """kill -9 of postgres leaves postmaster.pid and the socket lock naming a PID another process may get next."""
    c = EmbeddedCluster(var_dir)
    c.start()
    pid_file = c.data_dir / "postmaster.pid"
    pid = int(pid_file.read_text().splitlines()[0])
    os.kill(pid, signal.SIGKILL)
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = subprocess.run(["pgrep", "-f", str(c.data_dir)], capture_output=True).stdout.strip()
        if not alive:
            break
        time.sleep(0.1)
    # The PID's new owner: alive, of the server's user (so postgres may signal it), and no postgres.
    other = subprocess.Popen(["sleep", "60"], user="postgres" if os.geteuid() == 0 else None)
    try:
        for lock in [pid_file, *c.socket_dir.glob(".s.PGSQL.*.lock")]:
            lines = lock.read_text().splitlines()
            lock.write_text("\n".join([str(other.pid), *lines[1:]]) + "\n")
        again = EmbeddedCluster(var_dir)
        again.start()
        assert answers(again)
        again.stop()
    finally:
        other.kill()
        other.wait()
