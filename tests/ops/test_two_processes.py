"""Two app servers on one database and one object store (one of them with two uvicorn workers): a write through one
is seen through the other on the next request, a session opened on one is valid on the other, and the sign-in limit
counts attempts on both together."""

import hashlib
import os
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import text

from geo.settings import PROJECT_ROOT
from tests.conftest import _free_port, stop_process
from tests.photos.images import jpeg


def _server(port: int, env: dict, workers: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_ready(url: str, proc: subprocess.Popen, log_path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited: {log_path.read_text()[-3000:]}"
        try:
            if httpx.get(f"{url}/api/health/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never became ready: {log_path.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def two_servers(ops_db, seaweedfs, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two")
    env = {
        **os.environ,
        "DATABASE_URL": ops_db["app_url"].render_as_string(hide_password=False),
        "WARROOM_MIGRATE_DATABASE_URL": ops_db["owner_url"].render_as_string(hide_password=False),
        "WARROOM_VAR_DIR": str(tmp_path / "var"),
        "WARROOM_PHOTO_STORE": f"s3://{seaweedfs['bucket']}/two-{tmp_path.name}",
        "WARROOM_PHOTO_STORE_ENDPOINT": seaweedfs["photo_store_endpoint"],
        "WARROOM_PHOTO_STORE_ACCESS_KEY": seaweedfs["photo_store_access_key"],
        "WARROOM_PHOTO_STORE_SECRET_KEY": seaweedfs["photo_store_secret_key"],
        "WARROOM_SIGN_IN_ATTEMPTS_PER_MINUTE": "3",
        "WARROOM_LOG_LEVEL": "warning",
    }
    procs, urls = [], []
    for name, workers in (("a", 2), ("b", 1)):
        port = _free_port()
        log_path = tmp_path / f"{name}.log"
        proc = _server(port, env, workers, open(log_path, "wb"))  # noqa: SIM115 — the child holds it
        procs.append((proc, log_path))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, (proc, log_path) in zip(urls, procs):
            _wait_ready(url, proc, log_path)
        yield urls
    finally:
        for proc, _ in procs:
            stop_process(proc, timeout=15)


def test_a_write_through_one_server_is_seen_through_the_other(two_servers, ops_db):
    a, b = two_servers
    project = ops_db["project"]
    data = jpeg(seed=900, lon=project["lon"], lat=project["lat"])
    r = httpx.post(
        f"{a}/api/projects/{project['id']}/photos",
        files=[("files", ("two.jpg", data, "image/jpeg"))],
        headers=ops_db["headers"],
        timeout=60,
    )
    assert r.status_code == 201, r.text
    photo = r.json()["photos"][0]
    try:
        seen = httpx.get(f"{b}/api/photos/{photo['id']}", headers=ops_db["headers"], timeout=30)
        assert seen.status_code == 200 and seen.json()["sha256"] == hashlib.sha256(data).hexdigest()
        original = httpx.get(f"{b}/api/photos/{photo['id']}/original", headers=ops_db["headers"], timeout=30)
        assert original.status_code == 200 and original.content == data, "B streams what A stored in the bucket"
        listed = httpx.get(f"{b}/api/projects/{project['id']}/photos", timeout=30).json()["photos"]
        assert photo["id"] in [p["id"] for p in listed]
    finally:  # its files live in this module's bucket only: the backup and migrate tests must not meet its row
        with ops_db["owner"].begin() as conn:
            conn.execute(text("DELETE FROM photos WHERE id = :id"), {"id": photo["id"]})


def test_a_browser_session_opened_on_one_server_is_valid_on_the_other(two_servers, ops_db):
    a, b = two_servers
    planner = ops_db["planner"]
    signed = httpx.post(
        f"{a}/api/auth/login", json={"username": planner["username"], "password": planner["password"]}, timeout=30
    )
    assert signed.status_code == 200, signed.text
    me = httpx.get(f"{b}/api/auth/me", cookies=signed.cookies, timeout=30)
    assert me.status_code == 200 and me.json()["user"]["username"] == planner["username"]


def test_the_sign_in_limit_holds_across_both_servers(two_servers, ops_db):
    a, b = two_servers
    statuses = [
        httpx.post(
            f"{url}/api/auth/login",
            json={"username": ops_db["planner"]["username"], "password": "wrong password"},
            timeout=30,
        ).status_code
        for url in (a, b, a, b, a, b)
    ]
    assert statuses[:3] == [401, 401, 401] and set(statuses[3:]) == {429}, statuses
