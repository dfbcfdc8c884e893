"""A queued monthly report sent again after its answer was lost (issue 16): the first answer again, not a second
version; the same key for another month is refused."""

import pytest

from tests.factories import interior_point, make_project

pytestmark = pytest.mark.usefixtures("as_planner")

BODY = {
    "progress": "35.5",
    "investment_month": "1.25",
    "investment_cumulative": "6.40",
    "status": "construction",
    "milestone": "主体结构施工",
    "problems": None,
    "next_steps": "加快施工",
}


@pytest.fixture
def project(session):
    lon, lat = interior_point(session, "districts", "荣成市")
    return make_project(
        session, lon=lon, lat=lat, district="荣成市", total="20", progress="10", start="2025-01-01", end="2027-12-31"
    )


def test_a_resent_report_gets_its_first_answer_and_no_second_version(client, project):
    key = {"Idempotency-Key": "outbox-report-0001"}
    first = client.put(f"/api/projects/{project}/reports/2025-09", json=BODY, headers=key)
    again = client.put(f"/api/projects/{project}/reports/2025-09", json=BODY, headers=key)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json() == first.json() and again.json()["version"] == 1
    history = client.get(f"/api/projects/{project}/reports/2025-09/history").json()
    assert [h["version"] for h in history] == [1]
    # Without a key (or under a new one) a second PUT is a correction, as before.
    fixed = client.put(f"/api/projects/{project}/reports/2025-09", json={**BODY, "progress": "36"})
    assert fixed.status_code == 200 and fixed.json()["version"] == 2
    other = client.put(f"/api/projects/{project}/reports/2025-10", json=BODY, headers=key)
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]


def test_a_malformed_key_is_a_422_that_says_so(client, project):
    r = client.put(f"/api/projects/{project}/reports/2025-09", json=BODY, headers={"Idempotency-Key": "x y"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
