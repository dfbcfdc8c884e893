"""Accounts for tests: users of each role, signing in by cookie, API tokens, and clients with other settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import CSRF_COOKIE, CSRF_HEADER
from geo.db.engine import Database
from geo.settings import Settings
from tests.conftest import share_session
from tests.factories import PASSWORD, make_user, token_for  # noqa: F401  (re-exported for the auth tests)


def sign_in(client: TestClient, user: dict) -> dict:
    """Sign in by the browser route (cookies kept by the client); returns the CSRF header for writes."""
    r = client.post("/api/auth/login", json={"username": user["username"], "password": user["password"]})
    assert r.status_code == 200, r.text
    assert client.cookies.get(CSRF_COOKIE) == r.json()["csrf_token"]
    return {CSRF_HEADER: r.json()["csrf_token"]}


@pytest.fixture
def client_with(engine, session) -> Iterator:
    """Make a client whose app has other settings (e.g. anonymous_read=False), sharing the test's session."""
    clients = []

    def make(base_url: str = "http://testserver", **overrides) -> TestClient:
        app = create_app(Settings(database_url=None, basemap="none", **overrides), Database(engine))
        share_session(app, session)
        c = TestClient(app, raise_server_exceptions=False, base_url=base_url)
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
