"""A district reporter signing in lands on their own district, the projects still to report for the due month first."""

import pytest

from tests.browser.conftest import sign_in, signed_in_client

pytestmark = pytest.mark.browser


def test_reporter_lands_on_their_district_with_unreported_projects_first(page, live_server, accounts):
    reporter = accounts["reporter"]
    client = signed_in_client(live_server, reporter)
    try:
        due = client.get("/api/periods").json()["due_month"]
        unreported = client.get(f"/api/periods/{due}/completeness", params={"district": reporter["district"]}).json()
        unreported_ids = {str(x["id"]) for x in unreported["unreported"]}
    finally:
        client.close()
    assert unreported_ids  # the demo history stops before the due month

    sign_in(page, live_server, reporter)
    page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
    page.wait_for_function(f"() => window.warroom.state().filters.district === '{reporter['district']}'")
    page.wait_for_function("() => window.warroom.idle() && document.querySelector('[data-testid=todo-hint]')")
    assert "district=" in page.evaluate("location.hash")
    assert page.get_by_test_id("district-select").input_value() == reporter["district"]
    assert due in page.get_by_test_id("todo-hint").inner_text()
    items = page.get_by_test_id("project-item")
    n = len(unreported_ids)
    first = [items.nth(i).get_attribute("data-id") for i in range(n)]
    assert set(first) == unreported_ids
    assert page.get_by_test_id("todo-badge").count() == n


def test_a_viewer_keeps_the_city_view(page, live_server, accounts):
    sign_in(page, live_server, accounts["viewer"])
    page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
    assert not page.evaluate("window.warroom.state().filters.district")
    assert page.get_by_test_id("todo-hint").count() == 0
