"""Browser fixtures: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API.

`page` fails the test on any console error, uncaught page error, or request to a host other than
the app (foreign requests are also blocked, so an offline intranet is what the page sees). Pages run under the app's
CSP, so `wait_for_function` predicates are arrow functions: a bare expression is eval'ed after a navigation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("WARROOM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright import sync_api

    # `make test` installs Chromium: a missing browser is a broken setup, not a reason to skip.
    assert os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM}: run `make test` (it installs Debian's chromium)"
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class PageProblems:
    """What went wrong in the page; `allow_http_errors` lets a test expect failed API calls (4xx)."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.allow_http_errors = False

    def unexpected(self) -> list[str]:
        console = [m for m in self.console_errors if not (self.allow_http_errors and "Failed to load resource" in m)]
        return (
            [f"console error: {m}" for m in console]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"foreign request: {u}" for u in self.foreign_requests]
        )


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def app_page(browser, base_url: str, problems: PageProblems, init_script: str | None = None, **context_options):
    """A page in a fresh context (empty localStorage, zh-CN) that may only talk to base_url; (context, page)."""
    app = urlparse(base_url)
    context = browser.new_context(**{"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN", **context_options})
    if init_script:
        context.add_init_script(init_script)

    def guard(route):
        u = urlparse(route.request.url)
        if u.scheme in ("data", "blob") or (u.hostname == app.hostname and u.port == app.port):
            route.continue_()
        else:
            problems.foreign_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("console", lambda m: m.type == "error" and problems.console_errors.append(m.text))
    pg.on("pageerror", lambda e: problems.page_errors.append(str(e)))
    pg.set_default_timeout(30_000)  # two test workers share the cores: a loaded machine is slow, not wrong
    return context, pg


@pytest.fixture
def page(browser, live_server, page_problems) -> Iterator[object]:
    """A fresh page of the live server that may only talk to the app."""
    context, pg = app_page(browser, live_server, page_problems)
    yield pg
    problems = page_problems.unexpected()
    context.close()
    if problems:
        pytest.fail("page problems:\n" + "\n".join(problems))


def open_app(page, base_url: str, hash_: str = "") -> None:
    """Load the map and wait until meta, layers, markers and the summary are in."""
    page.goto(f"{base_url}/{hash_}")
    page.wait_for_function("() => document.body.dataset.ready === '1' && document.body.dataset.loading === '0'")


def wait_idle(page) -> None:
    page.wait_for_function("() => document.body.dataset.loading === '0'")
    # let a fitBounds / zoom animation end so marker counts reflect the final view
    page.wait_for_function("() => !window.warroom.map._animatingZoom && !window.warroom.map._panAnim?._inProgress")
    page.wait_for_timeout(350)


@pytest.fixture(scope="session")
def accounts(engine) -> dict:
    """Committed accounts the live server knows: one per role (the reporter reports for 乳山市), with passwords."""
    from sqlalchemy.orm import Session

    from tests.factories import make_user

    with Session(engine) as s:
        made = {role: make_user(s, role=role) for role in ("viewer", "reporter", "planner", "admin")}
        s.commit()
    return made


def sign_in(page, base_url: str, user: dict, next_path: str = "/") -> None:
    """Sign in through the login page and wait until it has sent us on to next_path."""
    from urllib.parse import quote

    page.goto(f"{base_url}/login.html?next={quote(next_path)}")
    page.fill("[data-testid=login-username]", user["username"])
    page.fill("[data-testid=login-password]", user["password"])
    page.click("[data-testid=login-submit]")
    page.wait_for_function("() => location.pathname !== '/login.html'")


def signed_in_client(base: str, user: dict):
    """An httpx client with the user's browser session (cookie and CSRF header), as the pages send writes."""
    import httpx

    client = httpx.Client(base_url=base, timeout=30)
    r = client.post("/api/auth/login", json={"username": user["username"], "password": user["password"]})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = client.cookies["warroom_csrf"]
    return client
