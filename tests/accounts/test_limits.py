"""Sign-in and password-change limits: per account and address, per address (an office behind one NAT), the
per-account back-off that the owner's usual address skips, and atomic counting under parallel guesses."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.app import create_app
from geo.db.engine import Database
from tests.accounts.conftest import PASSWORD, make_user, sign_in
from tests.conftest import served, share_session

_address_seq = itertools.count(1)


def _fresh_address() -> str:
    """An address no other test has used (the per-address counters live in the shared database)."""
    n = next(_address_seq)
    return f"10.77.{n // 250}.{n % 250 + 1}"


@pytest.fixture
def at(engine, session, settings) -> Iterator:
    """Make a client whose requests come from a given address, on one app sharing the test's session."""
    # a first back-off of a minute, so that a slow machine cannot outwait it within a test
    app = create_app(settings.model_copy(update={"sign_in_backoff_first_seconds": 60}), Database(engine))
    share_session(app, session)
    clients = []

    def make(address: str) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False, client=(address, 50000))
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def _login(client, user: dict, password: str) -> int:
    return client.post("/api/auth/login", json={"username": user["username"], "password": password}).status_code


def _failed_checks(session, username: str) -> int:
    return session.execute(
        text("SELECT count(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND actor_name = :u"),
        {"u": username},
    ).scalar()


def test_sixty_parallel_wrong_guesses_get_at_most_ten_password_checks(engine, settings):
    with Session(engine) as s:  # committed: the live server has its own sessions
        victim = make_user(s)
        s.commit()
    address = _fresh_address()
    with served(create_app(settings, Database(engine))) as url:

        def guess(i: int) -> int:
            # uvicorn trusts X-Forwarded-For from 127.0.0.1, so the guesses come from `address`
            with httpx.Client(base_url=url, headers={"X-Forwarded-For": address}, timeout=60) as c:
                return c.post("/api/auth/login", json={"username": victim["username"], "password": f"guess-{i:04}"})

        with ThreadPoolExecutor(60) as pool:
            statuses = Counter(r.status_code for r in pool.map(guess, range(60)))
    with Session(engine) as s:
        checks = _failed_checks(s, victim["username"])
    assert checks == settings.sign_in_attempts_per_minute == 10, (checks, statuses)
    assert statuses == {401: 10, 429: 50}, statuses


def test_the_owner_gets_in_from_the_usual_address_while_others_hammer_the_account(at, session):
    owner = make_user(session)
    home, attacker = _fresh_address(), _fresh_address()
    assert _login(at(home), owner, PASSWORD) == 200  # the owner's usual address, on record
    hammer = at(attacker)
    assert [_login(hammer, owner, f"wrong-{i}") for i in range(11)] == [401] * 10 + [429]
    # from 10 more addresses (a botnet), one guess each: the account's 20 free failures are used up
    for _ in range(10):
        assert _login(at(_fresh_address()), owner, "wrong-again") == 401
    # now a new address waits (exponential back-off), even with the right password ...
    r = at(_fresh_address()).post("/api/auth/login", json={"username": owner["username"], "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "该账户" in r.json()["detail"]
    # ... but the owner at home still gets in, and the attacker's address is still refused
    assert _login(at(home), owner, PASSWORD) == 200
    assert _login(hammer, owner, PASSWORD) == 429
    assert _failed_checks(session, owner["username"]) == 20


def test_an_office_behind_one_nat_is_not_locked_out(at, session):
    office = at(_fresh_address())
    colleagues = [make_user(session) for _ in range(30)]
    clumsy = colleagues[0]
    assert [_login(office, clumsy, "typo-typo") for _ in range(11)] == [401] * 10 + [429]
    for user in colleagues[1:]:  # everyone else mistypes once, then signs in
        assert _login(office, user, "typo-typo") == 401
        assert _login(office, user, PASSWORD) == 200
        office.cookies.clear()


def test_wrong_current_passwords_are_limited_like_sign_in(at, session):
    user = make_user(session)
    browser = at(_fresh_address())
    csrf = sign_in(browser, user)
    statuses = [
        browser.post("/api/auth/password", json={"current": f"wrong-{i}", "new": "brand-new-pass"}, headers=csrf)
        for i in range(11)
    ]
    assert [r.status_code for r in statuses] == [401] * 10 + [429]
    r = browser.post("/api/auth/password", json={"current": PASSWORD, "new": "brand-new-pass"}, headers=csrf)
    assert r.status_code == 429 and "秒后再试" in r.json()["detail"]
    assert _failed_checks(session, user["username"]) == 10
