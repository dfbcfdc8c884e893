"""Accounts for tests: users of each role, signing in by cookie, API tokens, and clients with other settings."""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import CSRF_COOKIE, CSRF_HEADER, get_session
from geo.accounts.principal import cli_principal
from geo.accounts.tokens import create_token
from geo.accounts.users import create_user
from geo.db import Database
from geo.settings import Settings

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def make_user(session, *, role: str = "viewer", district: str | None = None, password: str = PASSWORD) -> dict:
    """A new active account; the dict carries its password for signing in."""
    if role == "reporter" and district is None:
        district = "乳山市"
    user, _ = create_user(session, actor=cli_principal(), username=f"t{role}{next(_seq)}", role=role,
                          district=district, password=password)
    return {**user, "password": password}


def token_for(session, user: dict) -> dict:
    """Authorization headers with a new personal API token of the user."""
    from geo.accounts.principal import Principal

    _, secret = create_token(session, actor=Principal(user_id=user["id"], username=user["username"], via="token",
                                                      role=user["role"]), name="test")
    return {"Authorization": f"Bearer {secret}"}


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
        app.dependency_overrides[get_session] = lambda: session
        c = TestClient(app, raise_server_exceptions=False, base_url=base_url)
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
