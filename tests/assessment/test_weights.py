"""The weights are one setting: checked when read (known criteria, each kind summing to 100), and a change of weights
changes every score exactly as the formula says."""

import pytest
from pydantic import ValidationError

from geo.assessment.league import league
from geo.periods import quarterly
from geo.settings import Settings


def test_weights_must_name_known_criteria_and_sum_to_100(settings):
    good = settings.assessment_weights
    with pytest.raises(ValidationError, match="sum to 100"):
        Settings(assessment_weights={**good, "district": {**good["district"], "timeliness": 50}})
    with pytest.raises(ValidationError, match="unknown criteria"):
        Settings(assessment_weights={**good, "department": {"beauty": 100}})
    with pytest.raises(ValidationError, match="'department' table"):
        Settings(assessment_weights={"district": good["district"]})


def test_other_weights_give_the_scores_the_formula_says(session, settings):
    period = quarterly("2026-Q3")
    only_lights = {**settings.assessment_weights, "district": {"lights": 50, "investment": 50}}
    custom = settings.model_copy(update={"assessment_weights": only_lights})
    data = league(session, settings=custom, kind="district", period=period)
    assert [w["code"] for w in data["weights"]] == ["investment", "lights"]
    for u in data["units"]:
        scores = {c["code"]: c["score"] for c in u["criteria"]}
        assert set(scores) == {"investment", "lights"}
        assert u["score"] == round((scores["investment"] + scores["lights"]) / 2 + 1e-9, 2)
