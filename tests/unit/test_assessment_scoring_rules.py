"""The scoring engine's rules at their boundaries: normalisation, rounding, grades, ranks,
and "no data" for every indicator (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.assessment_scoring import (
    PeriodFacts,
    Subject,
    grade_for,
    normalise,
    rank_cards,
    score_period,
)
from domain.indicators import INDICATORS, MEETING_RULE, MONTHS_FACT


def measure(code: str, **facts: float) -> tuple[float, float, float | None]:
    got = INDICATORS[code].measure(facts)
    return got.numerator, got.denominator, got.value


# -- "no data": a zero denominator gives no value, for each of the 11 indicators -----------

# code: (its numerator fact, its denominator fact or None when the denominator is fixed)
RATIOS = {
    "satisfaction_rate": ("reported_satisfied", "reported_with_feedback"),
    "complaint_rate": ("complaints", "households_under_contract"),
    "response_rate": ("reported_accepted_on_time", "reported_accepted"),
    "resolution_rate": ("reported_resolved", "reported_accepted"),
    "on_time_handling_rate": ("issues_handled_on_time", "issues_handled"),
    "reopen_rate": ("issues_reopened", "issues_handled"),
    "grid_worker_assessment": ("grid_assessment_points", "grid_assessments"),
    "joint_event_participation": ("joint_event_participants", "households_under_contract"),
}


def test_every_indicator_is_covered_here() -> None:
    assert set(RATIOS) | {"party_coverage", "meeting_compliance", "joint_events"} == set(INDICATORS)


@pytest.mark.parametrize("code", sorted(RATIOS))
def test_ratio_indicators_without_a_denominator_have_no_data(code: str) -> None:
    num, den = RATIOS[code]
    assert measure(code) == (0, 0, None)
    assert measure(code, **{num: 3}) == (3, 0, None)
    assert measure(code, **{den: 4}) == (0, 4, 0.0)


@pytest.mark.parametrize(
    ("code", "num", "den", "value"),
    [
        ("satisfaction_rate", 1, 3, 33.3333),
        ("complaint_rate", 1, 3, 33.3333),
        ("response_rate", 2, 3, 66.6667),
        ("resolution_rate", 2, 3, 66.6667),
        ("on_time_handling_rate", 1, 7, 14.2857),
        ("reopen_rate", 1, 6, 16.6667),
        ("grid_worker_assessment", 250, 3, 83.3333),
        ("joint_event_participation", 2, 7, 28.5714),
    ],
)
def test_ratios_are_rounded_to_four_places(code: str, num: int, den: int, value: float) -> None:
    n, d = RATIOS[code]
    assert measure(code, **{n: num, d: den}) == (num, den, value)


def test_resolution_counts_the_issues_reported_not_the_events_of_the_period() -> None:
    """resolution_rate@2: resolved / accepted issues of the cohort; closures and
    handlings of the period's events no longer count (version 1 did)."""
    assert measure("resolution_rate", reported_resolved=2, reported_accepted=3) == (2, 3, 66.6667)
    assert measure("resolution_rate", issues_closed=5, issues_handled=4) == (0, 0, None)


def test_joint_events_count_has_a_fixed_denominator() -> None:
    assert measure("joint_events") == (0, 1.0, 0.0)
    assert measure("joint_events", joint_events=3) == (3, 1.0, 3.0)


def test_party_coverage_without_org_or_instructor_is_zero_not_no_data() -> None:
    assert measure("party_coverage") == (0.0, 1.0, 0.0)
    assert measure("party_coverage", party_orgs=1) == (1.0, 1.0, 100.0)
    assert measure("party_coverage", instructors=1) == (1.0, 1.0, 100.0)
    assert measure("party_coverage", party_orgs=0, instructors=0) == (0.0, 1.0, 0.0)


# -- meeting compliance: the 1/3 rule at a length where 1/3 and 1/4 round differently ------


def test_meeting_rule_is_quarterly_for_assembly_and_lesson_monthly_otherwise() -> None:
    assert MEETING_RULE == {
        "meetings_branch_assembly": 1 / 3,
        "meetings_branch_committee": 1.0,
        "meetings_party_group": 1.0,
        "meetings_party_lesson": 1 / 3,
    }


def test_meeting_compliance_over_a_year() -> None:
    # one year, two branches: assembly and lesson 2 x 4, committee and group 2 x 12 = 64
    # (a quarter rule of 1/4 would require 2 x 3 and give 56)
    year = {MONTHS_FACT: 12, "party_branches": 2}
    assert measure("meeting_compliance", **year) == (0, 64, 0.0)
    held = {
        "meetings_branch_assembly": 8,
        "meetings_party_lesson": 7,
        "meetings_branch_committee": 30,  # capped at 24
        "meetings_party_group": 24,
    }
    assert measure("meeting_compliance", **year, **held) == (63, 64, 98.4375)


def test_meeting_compliance_for_one_month_requires_at_least_one_of_each() -> None:
    month = {MONTHS_FACT: 1, "party_branches": 1}
    assert measure("meeting_compliance", **month) == (0, 4, 0.0)
    assert measure("meeting_compliance", **month, meetings_party_lesson=1) == (1, 4, 25.0)


@pytest.mark.parametrize(
    "facts",
    [{"party_branches": 1}, {MONTHS_FACT: 0, "party_branches": 1}, {MONTHS_FACT: 3}],
)
def test_meeting_compliance_without_months_or_branches_has_no_data(facts: dict) -> None:
    assert measure("meeting_compliance", **facts, meetings_party_group=2) == (0, 0, None)


# -- normalisation -----------------------------------------------------------------------

HIGHER = {"direction": "higher", "lower": 60.0, "upper": 90.0, "no_data_score": 70.0}
LOWER = {**HIGHER, "direction": "lower"}


@pytest.mark.parametrize(
    ("value", "higher", "lower"),
    [
        (59.0, 0.0, 100.0),
        (60.0, 0.0, 100.0),
        (61.0, 3.3333, 96.6667),
        (70.0, 33.3333, 66.6667),
        (89.0, 96.6667, 3.3333),
        (90.0, 100.0, 0.0),
        (91.0, 100.0, 0.0),
    ],
)
def test_normalise_is_linear_clamped_and_rounded(value: float, higher: float, lower: float) -> None:
    assert normalise(value, HIGHER) == higher
    assert normalise(value, LOWER) == lower


def test_no_data_takes_the_schemes_score() -> None:
    assert normalise(None, HIGHER) == 70.0
    assert normalise(None, {**LOWER, "no_data_score": 0}) == 0.0


# -- grades ------------------------------------------------------------------------------

BANDS = [
    {"grade": "D", "min": 0, "max": 60},
    {"grade": "C", "min": 60, "max": 70},
    {"grade": "A", "min": 80, "max": 100},  # 70..80 is a gap: it falls to the lowest grade
]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (-0.01, "D"),
        (0, "D"),
        (59.99, "D"),
        (60, "C"),
        (69.99, "C"),
        (70, "D"),
        (79.99, "D"),
        (80, "A"),
        (99.99, "A"),
        (100, "A"),
        (100.01, "A"),
    ],
)
def test_grade_bands_include_min_exclude_max_but_the_top_includes_its_max(
    total: float, grade: str
) -> None:
    assert grade_for(total, BANDS) == grade


# -- scorecards --------------------------------------------------------------------------

SPEC = {"direction": "higher", "lower": 0.0, "upper": 3.0, "no_data_score": 50.0}
DEFINITION: dict[str, Any] = {
    "subjects": ["community", "property_company"],
    "bands": BANDS,
    "indicators": [
        {"code": "joint_events", "subject_kind": "property_company", "weight": 100.0, **SPEC},
        {"code": "joint_events", "subject_kind": "community", "weight": 50.0, **SPEC},
        {"code": "satisfaction_rate", "subject_kind": "community", "weight": 50.0, **SPEC},
    ],
}


def test_a_scorecard_line_for_each_indicator_of_the_subjects_kind() -> None:
    subject = Subject("community", "c1", "甲社区")
    facts = PeriodFacts(
        position=5,
        months=3,
        subjects=[subject],
        facts={("community", "c1"): {"joint_events": 1}},
        sources={("community", "c1", "joint_events"): [4, 2], ("community", "x", "joint_events"): [9]},
    )  # fmt: skip
    (card,) = score_period(DEFINITION, facts)
    assert set(card) == {"subject_kind", "subject_id", "subject_name", "total", "grade",
                         "rank", "lines"}  # fmt: skip
    assert (card["subject_kind"], card["subject_id"], card["subject_name"]) == (
        "community", "c1", "甲社区",
    )  # fmt: skip
    events, satisfaction = card["lines"]
    assert events == {
        "indicator": "joint_events",
        "definition": "joint_events@1",
        "label": "联建活动次数",
        "numerator": 1,
        "denominator": 1.0,
        "value": 1.0,
        "score": 33.3333,  # 1 of 0..3
        "weight": 50.0,
        "weighted": 16.6667,
        "no_data": False,
        "positions": [2, 4],
    }
    assert satisfaction["value"] is None and satisfaction["score"] == 50.0  # no data
    assert satisfaction["no_data"] is True
    assert satisfaction["weighted"] == 25.0 and satisfaction["positions"] == []
    assert card["total"] == 41.67 and card["grade"] == "D" and card["rank"] == 1


def test_a_subject_without_facts_scores_on_no_data_and_sources_are_optional() -> None:
    subject = Subject("property_company", "p1", "物业")
    facts = PeriodFacts(position=1, months=3, subjects=[subject])
    assert facts.of(subject) == {MONTHS_FACT: 3}
    (card,) = score_period(DEFINITION, facts, with_sources=False)
    assert card["total"] == 0.0 and "positions" not in card["lines"][0]


def test_subject_kinds_outside_the_scheme_are_not_scored() -> None:
    only_companies = {**DEFINITION, "subjects": ["property_company"]}
    facts = PeriodFacts(
        1, 3, [Subject("community", "c", "c"), Subject("property_company", "p", "p")]
    )
    assert [c["subject_id"] for c in score_period(only_companies, facts)] == ["p"]  # fmt: skip


# -- ranking: competition rank within each kind, the input in no particular order ----------


def card(kind: str, id_: str, name: str, total: float) -> dict[str, Any]:
    return {"subject_kind": kind, "subject_id": id_, "subject_name": name, "total": total,
            "rank": 0}  # fmt: skip


def test_ranking_sorts_by_total_and_ranks_ties_alike() -> None:
    cards = [
        card("community", "c3", "丙", 70.0),
        card("property_company", "p2", "B", 50.0),
        card("community", "c1", "乙", 90.0),
        card("community", "c4", "丁", 80.0),
        card("property_company", "p1", "A", 60.0),
        card("community", "c2", "甲", 80.0),
        card("community", "c5", "戊", 80.0),
    ]
    rank_cards(cards)
    assert [(c["subject_id"], c["rank"]) for c in cards] == [
        ("c1", 1),
        ("c4", 2),  # 丁 < 戊 < 甲 in code-point order: ties by name, then id
        ("c5", 2),
        ("c2", 2),
        ("c3", 5),
        ("p1", 1),  # each kind ranks from 1
        ("p2", 2),
    ]
    assert all(set(c) == {"subject_kind", "subject_id", "subject_name", "total", "rank"}
               for c in cards)  # fmt: skip


def test_ties_on_name_are_ordered_by_id() -> None:
    cards = [card("community", "b", "同名", 10.0), card("community", "a", "同名", 10.0)]
    rank_cards(cards)
    assert [(c["subject_id"], c["rank"]) for c in cards] == [("a", 1), ("b", 1)]
