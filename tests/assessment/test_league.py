"""The assessment (考核): every score recomputes by hand from the breakdown and the weights; a department's on-time
task report moves its 填报及时率 and score exactly as the weights say; the league ranks, moves and exports."""

import io
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import load_workbook
from sqlalchemy import text

from tests.factories import make_user, token_for


def _by_hand(unit: dict) -> float:
    """The documented rule: score = raw capped at 100, total = Σ weight × score ÷ Σ weight over criteria with data."""
    num = den = Decimal(0)
    for c in unit["criteria"]:
        if c["no_data"]:
            continue
        raw = (Decimal(100) * Decimal(str(c["num"])) / Decimal(str(c["den"]))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert Decimal(str(c["raw"])) == raw
        score = min(raw, Decimal(100))
        num += Decimal(str(c["weight"])) * score
        den += Decimal(str(c["weight"]))
    return float((num / den).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_a_district_score_recomputes_by_hand_from_the_breakdown_and_the_weights(client, settings):
    league = client.get("/api/assessment", params={"period": "2026-Q3", "kind": "district"}).json()
    assert len(league["units"]) == 8
    weights = {w["code"]: w["weight"] for w in league["weights"]}
    assert sum(weights.values()) == 100 and weights == settings.assessment_weights["district"]
    unit = league["units"][0]
    assert unit["rank"] == 1 and unit["score"] == _by_hand(unit)
    # The points shown beside each criterion add up to the score (to the cent, per rounding).
    assert abs(sum(c["points"] for c in unit["criteria"] if not c["no_data"]) - unit["score"]) < 0.05
    for u in league["units"]:
        assert u["score"] == _by_hand(u)
    scores = [u["score"] for u in league["units"]]
    assert scores == sorted(scores, reverse=True)
    assert league["red"] == [u["name"] for u in league["units"][:3]]
    assert league["black"] == [u["name"] for u in league["units"][-3:][::-1]]


def test_a_criterion_without_data_is_shown_as_such_and_its_weight_re_spread(client):
    league = client.get("/api/assessment", params={"period": "2026-Q3"}).json()
    unit = league["units"][0]
    tours = next(c for c in unit["criteria"] if c["code"] == "tours")
    assert tours["no_data"] and tours["score"] is None and tours["points"] is None  # no tour in the demo
    with_data = [c for c in unit["criteria"] if not c["no_data"]]
    assert abs(sum(c["effective_weight"] for c in with_data) - 100) < 0.05
    assert "无数据" in league["note"]


def test_a_department_reporter_filing_on_time_moves_timeliness_and_score_as_the_weights_say(client, session, settings):
    name = "市商务局"
    # A department's November: no demo report exists, so every open task of the department is due and unfiled.
    before = client.get(f"/api/assessment/department/{name}", params={"period": "2026-11"}).json()
    timely = next(c for c in before["criteria"] if c["code"] == "timeliness")
    assert timely["num"] == 0 and timely["den"] > 0
    task = session.execute(
        text("""
        SELECT t.id FROM tasks t JOIN departments d ON d.id = t.lead_department_id WHERE d.name = :d
          AND NOT EXISTS (SELECT 1 FROM task_reports r WHERE r.task_id = t.id AND r.month = '2026-11-01')
          AND COALESCE((SELECT r.status FROM task_reports r WHERE r.task_id = t.id AND r.superseded_at IS NULL
                        ORDER BY r.month DESC LIMIT 1), '') <> 'completed'
        ORDER BY t.code LIMIT 1"""),
        {"d": name},
    ).scalar_one()
    reporter = token_for(session, make_user(session, role="dept_reporter", department=name))
    # The test clock is in November, before 5 December: filing now is on time.
    r = client.put(
        f"/api/tasks/{task}/reports/2026-11",
        json={"status": "in_progress", "narrative": "按计划推进"},
        headers=reporter,
    )
    assert r.status_code == 201, r.text
    after = client.get(f"/api/assessment/department/{name}", params={"period": "2026-11"}).json()
    moved = next(c for c in after["criteria"] if c["code"] == "timeliness")
    assert (moved["num"], moved["den"]) == (1, timely["den"])
    expected_raw = float((Decimal(100) / Decimal(str(timely["den"]))).quantize(Decimal("0.01"), ROUND_HALF_UP))
    assert moved["raw"] == moved["score"] == expected_raw
    # Pending review changes no state, so only 填报及时率 moved: by its weight's share of the weights with data.
    others = {c["code"]: c["score"] for c in before["criteria"] if c["code"] != "timeliness"}
    assert others == {c["code"]: c["score"] for c in after["criteria"] if c["code"] != "timeliness"}
    total_weight = sum(Decimal(str(c["weight"])) for c in after["criteria"] if not c["no_data"])
    step = Decimal(str(moved["weight"])) * Decimal(str(expected_raw)) / total_weight
    assert abs(Decimal(str(after["score"])) - Decimal(str(before["score"])) - step) <= Decimal("0.01")
    assert after["score"] == _by_hand(after)


def test_a_unit_has_a_twelve_month_trend_and_the_league_a_movement(client):
    unit = client.get("/api/assessment/district/荣成市", params={"period": "2026-10"}).json()
    assert [t["month"] for t in unit["trend"]][-1] == "2026-10" and len(unit["trend"]) == 12
    assert unit["trend"][-1]["score"] == unit["score"]
    league = client.get("/api/assessment", params={"period": "2026-10"}).json()
    for u in league["units"]:
        if u["previous_rank"] and u["rank"]:
            diff = u["previous_rank"] - u["rank"]
            assert u["movement"] == (f"↑{diff}" if diff > 0 else f"↓{-diff}" if diff < 0 else "—")


def test_bad_input_gets_an_actionable_problem(client):
    r = client.get("/api/assessment", params={"kind": "county"})
    assert r.status_code == 422 and "district" in r.text
    r = client.get("/api/assessment", params={"period": "2026-13"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/assessment/district/不存在市").status_code == 404


def test_the_league_exports_to_excel_with_the_weights(client):
    r = client.get("/api/assessment.xlsx", params={"period": "2026-Q3", "kind": "department"})
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[0].startswith("部门排名") and "权重 weights" in book.sheetnames
    rows = list(book.worksheets[0].values)
    assert rows[1][0] == 1 and len(rows) > 5
