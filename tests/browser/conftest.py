"""Browser fixtures: Playwright's sync API driving Debian's headless Chromium against the live server."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh page (1280×860); console errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=live_server, locale="zh-CN")
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
