"""Indicators and the scoring engine on hand-computed cases (no I/O)."""

from __future__ import annotations

import pytest

from domain.assessment_scoring import PeriodFacts, Subject, grade_for, normalise, score_period
from domain.indicators import INDICATORS, MONTHS_FACT, is_complaint


def m(code: str, **facts: float) -> tuple[float, float, float | None]:
    got = INDICATORS[code].measure(facts)
    return got.numerator, got.denominator, got.value


def test_rates_on_hand_computed_cases() -> None:
    assert m("satisfaction_rate", reported_with_feedback=8, reported_satisfied=6) == (6, 8, 75.0)
    # 3 complaints in 600 households: 0.5 per 100 households
    assert m("complaint_rate", complaints=3, households_under_contract=600) == (3, 600, 0.5)
    assert m("response_rate", reported_accepted=4, reported_accepted_on_time=3)[2] == 75.0
    assert m("on_time_handling_rate", issues_handled=3, issues_handled_on_time=1)[2] == 33.3333
    assert m("reopen_rate", issues_handled=4, issues_reopened=1)[2] == 25.0
    assert m("resolution_rate", reported_accepted=4, reported_resolved=3)[2] == 75.0
    assert m("grid_worker_assessment", grid_assessments=4, grid_assessment_points=340)[2] == 85.0
    assert m("joint_events", joint_events=2)[2] == 2.0
    assert (
        m("joint_event_participation", joint_event_participants=30, households_under_contract=1500)[
            2
        ]
        == 2.0
    )


@pytest.mark.parametrize(
    ("company_id", "state", "complaint"),
    [
        ("c1", "accepted", True),
        ("c1", "closed", True),
        ("c1", "referred_out", False),
        ("c1", "duplicate", False),
        (None, "accepted", False),  # routed to a department
        (None, "reported", False),
    ],
)
def test_a_complaint_is_an_item_accepted_for_a_company(
    company_id: str | None, state: str, complaint: bool
) -> None:
    assert is_complaint(company_id, state) is complaint


def test_no_denominator_is_no_data() -> None:
    assert m("satisfaction_rate") == (0, 0, None)
    assert m("complaint_rate", complaints=2) == (2, 0, None)


def test_party_coverage_counts_an_org_or_an_instructor() -> None:
    assert m("party_coverage")[2] == 0.0
    assert m("party_coverage", instructors=1)[2] == 100.0
    assert m("party_coverage", party_orgs=1)[2] == 100.0


def test_meeting_compliance_for_a_quarter() -> None:
    # one branch, a quarter: required assembly 1, committee 3, party group 3, lesson 1 = 8
    facts = {
        MONTHS_FACT: 3,
        "party_branches": 1,
        "meetings_branch_assembly": 2,
        "meetings_branch_committee": 3,
        "meetings_party_group": 1,
    }
    # held (capped): 1 + 3 + 1 + 0 = 5 of 8
    assert m("meeting_compliance", **facts) == (5, 8, 62.5)
    assert m("meeting_compliance", **{MONTHS_FACT: 3})[2] is None


def test_every_indicator_has_a_written_definition() -> None:
    for indicator in INDICATORS.values():
        assert "Numerator" in indicator.definition or "numerator" in indicator.definition


SPEC = {"direction": "higher", "lower": 60.0, "upper": 100.0, "no_data_score": 100.0}


def test_linear_normalisation_clamped_both_directions() -> None:
    assert normalise(80, SPEC) == 50.0
    assert normalise(50, SPEC) == 0.0 and normalise(120, SPEC) == 100.0
    lower = {**SPEC, "direction": "lower", "lower": 0.0, "upper": 2.0}
    assert normalise(0.5, lower) == 75.0
    assert normalise(None, {**SPEC, "no_data_score": 60.0}) == 60.0


BANDS = [
    {"grade": "不合格", "min": 0, "max": 60},
    {"grade": "合格", "min": 60, "max": 75},
    {"grade": "良好", "min": 75, "max": 90},
    {"grade": "优秀", "min": 90, "max": 100},
]


@pytest.mark.parametrize(
    ("total", "grade"),
    [(0, "不合格"), (59.99, "不合格"), (60, "合格"), (89.99, "良好"), (90, "优秀"), (100, "优秀")],
)
def test_grades(total: float, grade: str) -> None:
    assert grade_for(total, BANDS) == grade


def test_score_period_weights_and_ranks_with_ties() -> None:
    definition = {
        "subjects": ["community"],
        "bands": BANDS,
        "indicators": [
            {"code": "satisfaction_rate", "subject_kind": "community", "weight": 60.0, **SPEC},
            {
                "code": "complaint_rate",
                "subject_kind": "community",
                "weight": 40.0,
                "direction": "lower",
                "lower": 0.0,
                "upper": 2.0,
                "no_data_score": 100.0,
            },
        ],
    }
    subjects = [Subject("community", i, n) for i, n in (("a", "甲"), ("b", "乙"), ("c", "丙"))]
    facts = PeriodFacts(
        position=9,
        months=3,
        subjects=subjects,
        facts={
            ("community", "a"): {
                "reported_with_feedback": 10,
                "reported_satisfied": 9,
                "complaints": 3,
                "households_under_contract": 600,
            },
            ("community", "b"): {
                "reported_with_feedback": 4,
                "reported_satisfied": 4,
                "households_under_contract": 100,
                "complaints": 2,
            },
            ("community", "c"): {
                "reported_with_feedback": 1,
                "reported_satisfied": 1,
                "households_under_contract": 100,
                "complaints": 2,
            },
        },
        sources={
            ("community", "a", "reported_with_feedback"): [5, 7],
            ("community", "a", "complaints"): [3],
        },
    )
    cards = {c["subject_id"]: c for c in score_period(definition, facts)}
    a = cards["a"]
    # satisfaction 90% -> (90-60)/40 = 75 -> x0.6 = 45; complaints 0.5/100 -> 75 -> x0.4 = 30
    assert [ln["weighted"] for ln in a["lines"]] == [45.0, 30.0]
    assert a["total"] == 75.0 and a["grade"] == "良好"
    assert a["lines"][0]["positions"] == [5, 7] and a["lines"][1]["positions"] == [3]
    # b and c: 100% satisfied -> 60; 2 per 100 households -> 0: both 60, tied second
    assert (cards["b"]["total"], cards["c"]["total"]) == (60.0, 60.0)
    assert (a["rank"], cards["b"]["rank"], cards["c"]["rank"]) == (1, 2, 2)
