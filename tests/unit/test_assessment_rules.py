"""Scheme validation and the period lifecycle, without a database."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.assessment_period import (
    AssessmentPeriod,
    EmptyPeriod,
    PublishedScorecardImmutable,
    parse_period,
    period_months,
)
from domain.assessment_scheme import (
    AssessmentScheme,
    OverlappingGradeBands,
    UnknownIndicator,
    WeightsDoNotSumTo100,
)
from domain.errors import InvalidTransition, RuleViolation
from scenarios.assessment import scheme_definition


def test_periods_in_months() -> None:
    assert parse_period("2020Q4") == ("quarter", date(2020, 10, 1), date(2021, 1, 1))
    assert period_months("2020Q4") == ["2020-10", "2020-11", "2020-12"]
    assert period_months("2021-02") == ["2021-02"]
    assert len(period_months("2020")) == 12
    for bad, rule in (
        ("2020Q5", "period must look like 2020, 2020Q4 or 2020-10"),
        ("2020-13", "month must be 01..12"),
        ("20", "period must look like"),
        ("Q1", "period must look like"),
    ):
        with pytest.raises(RuleViolation, match=rule):
            parse_period(bad)


def test_scheme_versions_and_effective_dates() -> None:
    scheme = AssessmentScheme.define(
        code="T", name="t", definition=scheme_definition(), effective_from=date(2020, 1, 1)
    )
    scheme.revise(scheme_definition(satisfaction=40), date(2021, 1, 1), "more weight")
    assert scheme.version == 2
    assert scheme.in_force_on(date(2020, 12, 31))["version"] == 1
    assert scheme.in_force_on(date(2021, 3, 1))["version"] == 2
    with pytest.raises(
        RuleViolation, match=r"a new version cannot take effect before the previous one"
    ):
        scheme.revise(scheme_definition(), date(2020, 6, 1), "backdated")


def test_bad_schemes_are_named_errors() -> None:
    bad_weights = scheme_definition()
    bad_weights["indicators"][0]["weight"] += 1
    with pytest.raises(
        WeightsDoNotSumTo100, match=r"weights for property_company sum to 101.0%, not 100%"
    ):
        AssessmentScheme.define(
            code="X", name="x", definition=bad_weights, effective_from=date(2020, 1, 1)
        )
    overlapping = scheme_definition()
    overlapping["bands"][1]["min"] = 55
    with pytest.raises(OverlappingGradeBands, match=r"不合格 and 合格 overlap"):
        AssessmentScheme.define(
            code="X", name="x", definition=overlapping, effective_from=date(2020, 1, 1)
        )
    unknown = scheme_definition()
    unknown["indicators"][0]["code"] = "happiness"
    with pytest.raises(UnknownIndicator, match=r"unknown indicator 'happiness'"):
        AssessmentScheme.define(
            code="X", name="x", definition=unknown, effective_from=date(2020, 1, 1)
        )


CARD = {
    "subject_kind": "property_company",
    "subject_id": "c1",
    "subject_name": "甲",
    "total": 80.0,
    "grade": "良好",
    "rank": 1,
    "lines": [],
}


def test_period_lifecycle_and_reassessment() -> None:
    period = AssessmentPeriod.open(key="2020Q4", scheme_id=uuid4())
    with pytest.raises(EmptyPeriod, match=r"period 2020Q4 has no scorecards to publish"):
        period.publish()
    with pytest.raises(InvalidTransition, match=r"compute the scores before reviewing them"):
        period.review("r", "")
    period.record_scores(scheme_version=1, facts_position=10, cards=[CARD])
    with pytest.raises(InvalidTransition, match=r"a draft must be reviewed before it is published"):
        period.publish()  # not reviewed
    period.review("reviewer", "ok")
    period.publish()
    names = [type(e).__name__ for e in period.collect_events()]
    assert names[-2:] == ["Published", "ResultSent"]
    with pytest.raises(
        PublishedScorecardImmutable, match=r"revision 1 of 2020Q4 is published and cannot recompute"
    ):
        period.record_scores(scheme_version=1, facts_position=11, cards=[CARD])
    period.reassess("a late complaint was wrongly attributed")
    assert period.revision == 2 and period.state == "open"
    period.record_scores(scheme_version=1, facts_position=12, cards=[])
    period.review("reviewer", "")
    with pytest.raises(EmptyPeriod, match=r"period 2020Q4 has no scorecards to publish"):
        period.publish()
