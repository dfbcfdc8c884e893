"""The app's supervisor starts the embedded PostgreSQL again after a kill -9 (stale lock files and all)."""

import os
import signal
import time

import psycopg

from geo.db.embedded import EmbeddedCluster
from geo.ops.supervise import Supervisor
from geo.settings import PROJECT_ROOT


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_killed_embedded_postgres_is_started_again_and_answers():
    cluster = EmbeddedCluster(PROJECT_ROOT / "var", name="pgsupervise", fast=True)
    cluster.start()
    supervisor = Supervisor(cluster, interval=0.2)
    supervisor.start()
    try:
        pid = int((cluster.data_dir / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while _running(pid):  # a connection made before the signal lands would prove nothing
            assert time.monotonic() < deadline
            time.sleep(0.05)
        while True:
            try:
                with psycopg.connect(host=str(cluster.socket_dir), user="warroom", dbname="postgres") as conn:
                    assert conn.execute("SELECT 1").fetchone() == (1,)
                break
            except psycopg.OperationalError:
                assert time.monotonic() < deadline, "the embedded database was not started again"
                time.sleep(0.2)
        while supervisor.restarts < 1:  # counted once revive() returns, which may be just after the server answers
            assert time.monotonic() < deadline, "the supervisor never counted its restart"
            time.sleep(0.05)
        assert int((cluster.data_dir / "postmaster.pid").read_text().splitlines()[0]) != pid
    finally:
        supervisor.stop()
        cluster.stop()
