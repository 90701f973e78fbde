"""No data is not full marks: a scheme states what a line without data scores — excluded,
its weight going to the lines with data, or a stated neutral value below full marks —
and the line says "no data"."""

from __future__ import annotations

from typing import Any

import pytest

from domain.assessment_scheme import NoDataIsNotFullMarks, validate_definition
from domain.assessment_scoring import PeriodFacts, Subject, no_data_score, score_period
from domain.errors import RuleViolation
from scenarios.assessment import scheme_definition

BANDS = [{"grade": "不合格", "min": 0, "max": 60}, {"grade": "合格", "min": 60, "max": 100}]
RATE = {"direction": "higher", "lower": 50.0, "upper": 100.0}


def company_scheme(satisfaction: dict[str, Any], grid: dict[str, Any]) -> dict[str, Any]:
    kind = {"subject_kind": "property_company"}
    return validate_definition(
        {
            "subjects": ["property_company"],
            "bands": BANDS,
            "indicators": [
                {"code": "satisfaction_rate", "weight": 40, **RATE, **kind, **satisfaction},
                {"code": "response_rate", "weight": 20, **RATE, **kind},
                {"code": "grid_worker_assessment", "weight": 40, **RATE, **kind, **grid},
            ],
        }
    )


def only_card(definition: dict[str, Any], facts: dict[str, float]) -> dict[str, Any]:
    subject = Subject("property_company", "p", "甲物业")
    (card,) = score_period(
        definition, PeriodFacts(1, 3, [subject], {("property_company", "p"): facts})
    )
    return card


ANSWERED_ON_TIME = {"reported_accepted": 4, "reported_accepted_on_time": 3}  # 75% -> score 50


def test_excluded_lines_say_no_data_and_their_weight_goes_to_the_lines_with_data() -> None:
    card = only_card(company_scheme({}, {}), ANSWERED_ON_TIME)  # excluded is the default
    satisfaction, response, grid = card["lines"]
    for line in (satisfaction, grid):
        assert line["no_data"] is True and line["value"] is None
        assert line["score"] is None and line["weighted"] == 0.0
    assert response["no_data"] is False
    assert response["score"] == 50.0 and response["weighted"] == 50.0  # 50 x 20 / 20
    assert card["total"] == 50.0


def test_a_stated_neutral_value_scores_no_data() -> None:
    neutral = {"no_data": "scored", "no_data_score": 60.0}
    card = only_card(company_scheme(neutral, neutral), ANSWERED_ON_TIME)
    satisfaction, response, grid = card["lines"]
    assert satisfaction["no_data"] is True and satisfaction["score"] == 60.0
    assert satisfaction["weighted"] == 24.0 and response["weighted"] == 10.0
    assert card["total"] == 24.0 + 10.0 + 24.0


def test_only_lines_with_data_share_the_weights() -> None:
    facts = {**ANSWERED_ON_TIME, "reported_with_feedback": 2, "reported_satisfied": 2}
    card = only_card(company_scheme({}, {}), facts)
    satisfaction, response, grid = card["lines"]
    assert satisfaction["weighted"] == pytest.approx(100 * 40 / 60, abs=1e-4)
    assert response["weighted"] == pytest.approx(50 * 20 / 60, abs=1e-4)
    assert grid["no_data"] is True and card["total"] == 83.33


def test_a_subject_with_no_data_at_all_scores_zero() -> None:
    card = only_card(company_scheme({}, {}), {})
    assert card["total"] == 0.0 and all(line["no_data"] for line in card["lines"])


def test_no_data_is_never_full_marks() -> None:
    with pytest.raises(NoDataIsNotFullMarks, match="satisfaction_rate"):
        company_scheme({"no_data": "scored", "no_data_score": 100.0}, {})
    with pytest.raises(RuleViolation, match="state the score"):
        company_scheme({"no_data": "scored"}, {})
    with pytest.raises(RuleViolation, match="no_data must be"):
        company_scheme({"no_data": "ignored"}, {})
    stated = company_scheme({"no_data_score": 0.0}, {})["indicators"]  # a score alone: scored
    assert (stated[0]["no_data"], stated[0]["no_data_score"]) == ("scored", 0.0)
    assert (stated[2]["no_data"], stated[2]["no_data_score"]) == ("excluded", None)


def test_definitions_stored_before_the_rule_state_a_score() -> None:
    assert no_data_score({"no_data_score": 100.0}) == 100.0
    assert no_data_score({"no_data": "scored", "no_data_score": 70}) == 70.0
    assert no_data_score({"no_data": "excluded", "no_data_score": None}) is None


def test_the_demo_scheme_excludes_what_it_has_no_data_for() -> None:
    for spec in validate_definition(scheme_definition())["indicators"]:
        if spec["code"] in ("satisfaction_rate", "complaint_rate", "grid_worker_assessment"):
            assert spec["no_data"] == "excluded", spec


def test_fractional_weights_with_data_are_not_rounded_away() -> None:
    definition = company_scheme({}, {})
    for spec, weight in zip(definition["indicators"], (62.5, 12.5, 25.0), strict=True):
        spec["weight"] = weight
    card = only_card(definition, ANSWERED_ON_TIME)  # only response (12.5) has data
    assert card["lines"][1]["weighted"] == 50.0 and card["total"] == 50.0
    facts = {**ANSWERED_ON_TIME, "reported_with_feedback": 1, "reported_satisfied": 1}
    card = only_card(definition, facts)  # 62.5 + 12.5 = 75 with data
    assert card["lines"][0]["weighted"] == pytest.approx(100 * 62.5 / 75, abs=1e-4)
