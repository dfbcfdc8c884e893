"""An admin sees an account's API tokens on the admin page and revokes one after confirming: the list shows it
revoked and the token no longer opens the API. A token name with markup shows as that text, on a laptop and a phone."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.browser.conftest import sign_in, signed_in_client
from tests.factories import make_user

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
HOSTILE = "<img src=x onerror=alert(1)>"
PLANTED = "() => document.querySelectorAll('img[src=x], [onerror]').length"


@pytest.fixture
def owner(engine, live_server) -> dict:
    """A committed viewer with two tokens made the way people make them (from a browser session): names and secrets."""
    with Session(engine) as s:
        user = make_user(s, role="viewer")
        s.commit()
    client = signed_in_client(live_server, user)
    secrets = {}
    for name in ("数据同步脚本", HOSTILE):
        r = client.post("/api/auth/tokens", json={"name": name})
        assert r.status_code == 201, r.text
        secrets[name] = r.json()["token"]
    client.close()
    return {**user, "secrets": secrets}


def authenticates(base: str, secret: str) -> bool:
    r = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert r.status_code in (200, 401), r.text
    return r.status_code == 200


def open_tokens(page, base: str, admin: dict, owner: dict):
    sign_in(page, base, admin, "/admin.html")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    page.click(f"[data-testid=user-row][data-username='{owner['username']}'] [data-testid=user-tokens]")
    panel = page.locator(f"[data-testid=tokens-panel][data-user-id='{owner['id']}']")
    panel.wait_for()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=token-item]').length === 2")
    return panel


def item(page, name: str):
    return page.locator("[data-testid=token-item]").filter(has=page.locator("[data-testid=token-name]", has_text=name))


def test_admin_sees_an_accounts_tokens_and_revokes_one_after_confirming(page, live_server, accounts, owner):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[tuple[str, str]] = []
    answer = {"confirm": True}

    def on_dialog(d):
        dialogs.append((d.type, d.message))
        d.accept() if d.type == "confirm" and answer["confirm"] else d.dismiss()

    page.on("dialog", on_dialog)
    sync, marked = owner["secrets"]["数据同步脚本"], owner["secrets"][HOSTILE]
    assert authenticates(live_server, sync) and authenticates(live_server, marked)

    panel = open_tokens(page, live_server, accounts["admin"], owner)
    assert owner["username"] in page.inner_text("[data-testid=tokens-title]")
    assert (
        page.get_attribute(
            f"[data-testid=user-row][data-username='{owner['username']}'] [data-testid=user-tokens]", "aria-expanded"
        )
        == "true"
    )
    # The markup is the token's name, as text: no element made of it, nothing ran.
    names = page.locator("[data-testid=token-name]").evaluate_all("els => els.map((e) => e.textContent)")
    assert names == [HOSTILE, "数据同步脚本"]  # newest first
    assert page.evaluate(PLANTED) == 0
    hostile_item = item(page, HOSTILE)
    assert hostile_item.get_attribute("data-state") == "active"
    assert sync[:10] in item(page, "数据同步脚本").inner_text()  # the prefix, never the secret
    assert sync not in panel.inner_text() and marked not in panel.inner_text()
    assert "创建于" in panel.inner_text() and "有效" in panel.inner_text()

    # Dismissing the confirmation leaves the token working.
    answer["confirm"] = False
    item(page, "数据同步脚本").locator("[data-testid=revoke-token]").click()
    assert dialogs[-1][0] == "confirm" and "数据同步脚本" in dialogs[-1][1] and owner["username"] in dialogs[-1][1]
    page.wait_for_timeout(300)
    assert item(page, "数据同步脚本").get_attribute("data-state") == "active"
    assert authenticates(live_server, sync)

    # Confirming revokes it: the list refreshes to show it revoked (no button), and the API refuses it.
    answer["confirm"] = True
    item(page, "数据同步脚本").locator("[data-testid=revoke-token]").click()
    item(page, "数据同步脚本").and_(page.locator("[data-state=revoked]")).wait_for()
    revoked = item(page, "数据同步脚本")
    assert "已撤销于" in revoked.inner_text()
    assert revoked.locator("[data-testid=revoke-token]").count() == 0
    assert not authenticates(live_server, sync)
    assert authenticates(live_server, marked)  # only that one
    page.locator("[data-testid=audit-row][data-action='token.revoke']").first.wait_for()

    # The token with markup for a name revokes the same way; its name was only ever text.
    item(page, HOSTILE).locator("[data-testid=revoke-token]").click()
    assert HOSTILE in dialogs[-1][1]
    item(page, HOSTILE).and_(page.locator("[data-state=revoked]")).wait_for()
    assert not authenticates(live_server, marked)
    assert [t for t, _ in dialogs] == ["confirm"] * 3  # no alert(1)
    assert page.evaluate(PLANTED) == 0
    page.screenshot(path=str(ARTIFACTS / "admin-tokens.png"), full_page=True)

    # English is there too; closing the panel hides it.
    page.click("[data-testid=lang-toggle]")
    assert page.inner_text("[data-testid=tokens-title]").startswith("API tokens of")
    assert "revoked" in item(page, HOSTILE).inner_text()
    page.click("[data-testid=tokens-close]")
    assert panel.is_hidden()


def test_admin_tokens_fit_a_phone(browser, live_server, accounts, owner):
    phone = browser.new_context(**PHONE)
    try:
        page = phone.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        panel = open_tokens(page, live_server, accounts["admin"], owner)
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        button = item(page, "数据同步脚本").locator("[data-testid=revoke-token]")
        b = button.bounding_box()
        assert b["x"] + b["width"] <= 390 and b["height"] >= 28, b  # on screen and big enough to tap
        assert page.evaluate(PLANTED) == 0
        panel.screenshot(path=str(ARTIFACTS / "admin-tokens-phone.png"))
        assert errors == []
    finally:
        phone.close()
