"""How the outbox answers each failure of a send (issue 16): what waits and is retried, what the server refused and
why, as the reporter sees it on the phone."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.test_outbox import OUTBOX_STATES, open_photos_tab, reporter_phone  # noqa: F401 (fixture)
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser


def problem(status: int, detail: str) -> dict:
    body = {"type": "about:blank", "title": "x", "status": status, "detail": detail}
    return {"status": status, "content_type": "application/problem+json", "body": json.dumps(body, ensure_ascii=False)}


@pytest.mark.parametrize(
    "status,detail,state,shown",
    [
        (503, "服务暂不可用", "pending", "待发送"),  # a server hiccup: kept and retried
        (401, "请先登录", "pending", "重新登录后自动发送"),  # the session expired: kept until signed in again
        (429, "每小时最多上传", "pending", "待发送"),  # the hourly limit: kept and retried later
        (413, "大小 40.0 MB,超过上限 25 MB", "rejected", "超过上限"),  # refused: the reason is the server's
        (415, "不是可识别的照片格式", "rejected", "不是可识别的照片格式"),
        (409, "“a.jpg”已上传过(照片 7)", "rejected", "已上传过"),  # a real duplicate (another item's bytes)
    ],
)
def test_each_failure_keeps_or_refuses_the_item_as_it_should(
    reporter_phone,  # noqa: F811
    live_server,
    tmp_path,
    status,
    detail,
    state,
    shown,
):
    context, pg, project = reporter_phone
    open_photos_tab(pg, live_server, project)
    photo = tmp_path / f"fail-{status}.jpg"
    photo.write_bytes(jpeg(seed=800 + status, size=(640, 480)))
    pg.route(
        "**/api/projects/*/photos",
        lambda route: route.fulfill(**problem(status, detail)) if route.request.method == "POST" else route.continue_(),
    )
    pg.set_input_files("[data-testid=photo-album]", [str(photo)])
    row = pg.locator(f"[data-testid=photo-job][data-outbox-state={state}]")
    # A fresh item is 'pending' before its first try too: wait for the text of the answer, not the first state.
    expect(row).to_contain_text(shown, timeout=15_000)
    # A kept item may be between two tries ('sending') at any one look: it must be seen in its resting state.
    seen = []
    for _ in range(50):
        seen.append(pg.evaluate(OUTBOX_STATES))
        if seen[-1] == [state]:
            break
        pg.wait_for_timeout(100)
    assert seen[-1] == [state], seen
