"""The seed weighs resident satisfaction and complaint rate more (R13): a scheme version in
which they are not the two heaviest indicators of a subject kind is refused, unless an
override is recorded with its reason."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.assessment_scheme import AssessmentScheme, SatisfactionAndComplaintsMustWeighMost
from domain.errors import RuleViolation
from scenarios.assessment import scheme_definition

DAY = date(2020, 1, 1)


def reweighed(weights: dict[str, float], kind: str = "community") -> dict[str, Any]:
    definition = scheme_definition()
    for spec in definition["indicators"]:
        if spec["subject_kind"] == kind and spec["code"] in weights:
            spec["weight"] = weights[spec["code"]]
    return definition


LIGHT_COMPLAINTS = {"complaint_rate": 10, "response_rate": 25}  # response outweighs it
TIED = {"complaint_rate": 15, "response_rate": 20}  # 20 ties 20 once complaints drop to 15


@pytest.mark.parametrize(
    "weights",
    [LIGHT_COMPLAINTS, {"satisfaction_rate": 10, "response_rate": 30}],
)
def test_a_version_that_weighs_another_indicator_more_is_refused(weights: dict) -> None:
    with pytest.raises(SatisfactionAndComplaintsMustWeighMost, match=r"community: .*response_rate"):
        AssessmentScheme.define(
            code="X", name="x", definition=reweighed(weights), effective_from=DAY
        )
    scheme = AssessmentScheme.define(
        code="X", name="x", definition=scheme_definition(), effective_from=DAY
    )
    with pytest.raises(SatisfactionAndComplaintsMustWeighMost):
        scheme.revise(reweighed(weights), date(2021, 1, 1), "note")
    assert scheme.version == 1 and len(scheme.versions) == 1


def test_a_tie_with_a_third_indicator_is_refused() -> None:
    tied = reweighed({"complaint_rate": 20, "response_rate": 20, "resolution_rate": 5})
    with pytest.raises(SatisfactionAndComplaintsMustWeighMost):
        AssessmentScheme.define(code="X", name="x", definition=tied, effective_from=DAY)


def test_a_kind_without_them_is_refused() -> None:
    definition = scheme_definition()
    definition["indicators"] = [
        {**spec, "weight": 50}
        for spec in definition["indicators"]
        if spec["subject_kind"] == "community" and spec["code"] in ("response_rate", "reopen_rate")
    ]
    definition["subjects"] = ["community"]
    with pytest.raises(SatisfactionAndComplaintsMustWeighMost, match="satisfaction_rate"):
        AssessmentScheme.define(code="X", name="x", definition=definition, effective_from=DAY)


def test_an_override_with_a_reason_is_recorded() -> None:
    scheme = AssessmentScheme.define(
        code="X",
        name="x",
        definition=reweighed(LIGHT_COMPLAINTS),
        effective_from=DAY,
        override_reason="试点年度：响应率优先",
    )
    assert scheme.versions[0]["override_reason"] == "试点年度：响应率优先"
    scheme.revise(reweighed(TIED), date(2021, 1, 1), "note", override_reason="继续试点")
    assert scheme.versions[1]["override_reason"] == "继续试点"
    scheme.revise(scheme_definition(), date(2022, 1, 1), "back to the rule")
    assert scheme.versions[2]["override_reason"] is None
    with pytest.raises(RuleViolation, match="override_reason"):
        scheme.revise(reweighed(LIGHT_COMPLAINTS), date(2023, 1, 1), "n", override_reason=" ")


def test_the_demo_scheme_keeps_complaints_at_25_when_satisfaction_rises() -> None:
    for satisfaction in (30, 35, 40, 45):
        definition = scheme_definition(satisfaction)
        for kind in ("property_company", "community"):
            weights = {
                s["code"]: s["weight"]
                for s in definition["indicators"]
                if s["subject_kind"] == kind
            }
            assert (weights["satisfaction_rate"], weights["complaint_rate"]) == (satisfaction, 25)
        AssessmentScheme.define(code="T", name="t", definition=definition, effective_from=DAY)
