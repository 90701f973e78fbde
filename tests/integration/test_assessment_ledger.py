"""The assessment ledger end to end through commands and read models (both backends):
a published scorecard matches an independent recomputation from the raw events."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.assessment_commands import (
    ComputeAssessment,
    DefineAssessmentScheme,
    OpenAssessmentPeriod,
    PublishAssessment,
    Reassess,
    ReviewAssessment,
    ReviseAssessmentScheme,
)
from domain.assessment_handlers import what_if_assessment
from domain.assessment_period import PublishedScorecardImmutable, period_months
from domain.party_building_commands import (
    FoundPartyOrg,
    RegisterPropertyCompany,
    SignServiceContract,
)
from domain.service_issue_commands import (
    AcceptIssue,
    CloseIssue,
    GiveIssueFeedback,
    MarkIssueHandled,
    StartHandlingIssue,
)
from projections import assessment_queries as q
from projections.assessment_facts import read_period_facts
from tests.assessment_oracle import expected_lines, raw_counts
from tests.grid_helpers import at, report, small_district

RATE = {"direction": "higher", "lower": 50.0, "upper": 100.0, "no_data": "excluded"}
SPECS = [
    {"code": "satisfaction_rate", "weight": 30, **RATE},
    {
        "code": "complaint_rate",
        "weight": 25,
        "direction": "lower",
        "lower": 0.0,
        "upper": 2.0,
        "no_data": "excluded",
    },
    {"code": "response_rate", "weight": 15, **RATE},
    {"code": "resolution_rate", "weight": 10, **RATE},
    {"code": "on_time_handling_rate", "weight": 10, **RATE},
    {
        "code": "reopen_rate",
        "weight": 10,
        "direction": "lower",
        "lower": 0.0,
        "upper": 50.0,
        "no_data": "excluded",
    },
]
BANDS = [
    {"grade": "不合格", "min": 0, "max": 60},
    {"grade": "合格", "min": 60, "max": 75},
    {"grade": "良好", "min": 75, "max": 90},
    {"grade": "优秀", "min": 90, "max": 100},
]


def definition(specs: list[dict] = SPECS) -> dict[str, Any]:
    return {
        "subjects": ["community"],
        "bands": BANDS,
        "indicators": [{**s, "subject_kind": "community"} for s in specs],
    }


def lifecycle(app: Any, issue: Any, company: Any, day: str, rating: str | None) -> None:
    with at(f"{day}T10:30:00"):
        app.handle(AcceptIssue(issue_id=issue, company_id=company))
        app.handle(StartHandlingIssue(issue_id=issue))
    with at(f"{day}T15:00:00"):
        app.handle(MarkIssueHandled(issue_id=issue, resolution="已处理"))
        if rating:
            app.handle(GiveIssueFeedback(issue_id=issue, rating=rating))
            if rating != "dissatisfied":
                app.handle(CloseIssue(issue_id=issue))


def world(app: Any) -> dict[str, Any]:
    ids = small_district(app)
    a = ids["company_a"]
    with at("2020-09-28T10:00:00"):
        old = report(app, ids, 1)  # Q3: outside 2020Q4
    lifecycle(app, old, a, "2020-09-28", "satisfied")
    plan = [
        (1, "2020-10-05", "satisfied"),
        (1, "2020-11-11", "dissatisfied"),
        (1, "2020-12-01", "basically_satisfied"),
        (2, "2020-10-20", None),
        (2, "2020-12-30", "satisfied"),
    ]
    serving = {1: a, 2: ids["company_b"]}
    for n, day, rating in plan:
        with at(f"{day}T10:00:00"):
            issue = report(app, ids, n)
        lifecycle(app, issue, serving[n], day, rating)
    with at("2020-12-31T10:00:00"):
        report(app, ids, 2, category="parking")  # reported, never accepted
    return ids


def compute_publish(system: Any, period_id: Any, key: str) -> None:
    app = system.app
    system.catch_up()
    with system.read_engine.connect() as conn:
        facts = read_period_facts(conn, key)
    app.handle(ComputeAssessment(period_id, facts))
    app.handle(ReviewAssessment(period_id, reviewer="审核人"))
    with at("2021-01-08T09:00:00"):
        app.handle(PublishAssessment(period_id))
    system.catch_up()


def test_published_scorecard_matches_an_independent_recomputation(system: Any) -> None:
    app = system.app
    ids = world(app)
    with at("2020-01-01T09:00:00"):
        scheme = app.handle(
            DefineAssessmentScheme(
                code="T", name="测试办法", definition=definition(), effective_from=date(2020, 1, 1)
            )
        ).id
        period = app.handle(OpenAssessmentPeriod(period="2020Q4", scheme_id=scheme)).id
    compute_publish(system, period, "2020Q4")

    with system.read_engine.connect() as conn:
        pub = q.published_revision(conn, str(period))
        assert pub is not None and pub["revision"] == 1 and pub["scheme_version"] == 1
        rows = q.ranking(conn, str(period), 1, "community")
        cards = {
            r["subject_id"]: q.scorecard(conn, str(period), 1, "community", r["subject_id"])
            for r in rows
        }
    counts = raw_counts(app, period_months("2020Q4"), pub["facts_position"])
    assert set(cards) == {str(ids["community"]), str(ids["community2"])}
    for community, card in cards.items():
        assert card is not None
        expected = expected_lines(counts[community], SPECS)
        assert len(card["lines"]) == len(expected)
        for got, want in zip(card["lines"], expected, strict=True):
            assert got["indicator"] == want["indicator"]
            assert (got["numerator"], got["denominator"]) == (
                want["numerator"],
                want["denominator"],
            )
            assert got["value"] == pytest.approx(want["value"], abs=1e-4)
            assert got["score"] == pytest.approx(want["score"], abs=1e-4)
            assert got["weighted"] == pytest.approx(want["weighted"], abs=1e-4)
            assert got["positions"] == want["positions"]
        assert card["total"] == pytest.approx(sum(w["weighted"] for w in expected), abs=0.01)
    # community 1: 3 complaints in Q4 for 200 households -> 1.5 per 100
    c1 = {ln["indicator"]: ln for ln in cards[str(ids["community"])]["lines"]}
    assert c1["complaint_rate"]["value"] == 1.5
    assert c1["satisfaction_rate"]["value"] == pytest.approx(200 / 3, abs=1e-3)
    assert [r["rank"] for r in rows] == [1, 2]


def test_reassessment_as_of_and_what_if(system: Any) -> None:
    app = system.app
    ids = world(app)
    with at("2020-01-01T09:00:00"):
        scheme = app.handle(
            DefineAssessmentScheme(
                code="T", name="测试办法", definition=definition(), effective_from=date(2020, 1, 1)
            )
        ).id
        period = app.handle(OpenAssessmentPeriod(period="2020Q4", scheme_id=scheme)).id
    compute_publish(system, period, "2020Q4")

    # published is immutable: recomputing is refused and stores nothing
    head = app.recorder.max_notification_id()
    with system.read_engine.connect() as conn:
        facts = read_period_facts(conn, "2020Q4")
    with pytest.raises(PublishedScorecardImmutable, match=r"is published and cannot recompute"):
        app.handle(ComputeAssessment(period, facts))
    assert app.recorder.max_notification_id() == head

    # a late-recorded complaint for December, then a numbered re-assessment
    with at("2020-12-31T20:00:00"):
        late = report(app, ids, 1)
        app.handle(AcceptIssue(issue_id=late, company_id=ids["company_a"]))
    with at("2021-02-01T09:00:00"):
        app.handle(Reassess(period, reason="一件12月投诉漏记"))
    system.catch_up()
    with system.read_engine.connect() as conn:
        facts = read_period_facts(conn, "2020Q4")
    app.handle(ComputeAssessment(period, facts))
    app.handle(ReviewAssessment(period, reviewer="审核人"))
    with at("2021-02-02T09:00:00"):
        app.handle(PublishAssessment(period))
    system.catch_up()

    c1 = str(ids["community"])
    with system.read_engine.connect() as conn:
        before = q.published_revision(conn, str(period), as_of=date(2021, 1, 10))
        now = q.published_revision(conn, str(period))
        assert before["revision"] == 1 and now["revision"] == 2
        assert now["reason"] == "一件12月投诉漏记"
        old = q.scorecard(conn, str(period), 1, "community", c1)
        new = q.scorecard(conn, str(period), 2, "community", c1)
        assert q.published_revision(conn, str(period), as_of=date(2021, 1, 7)) is None
        assert [t["key"] for t in q.trend(conn, "community", c1)] == ["2020Q4"]
    complaints = {c["indicator"]: c for c in old["lines"]}["complaint_rate"]
    assert complaints["numerator"] == 3
    assert {c["indicator"]: c for c in new["lines"]}["complaint_rate"]["numerator"] == 4

    # what-if under a revised scheme version: scores differ, nothing is stored
    revised = [{**SPECS[0], "weight": 50}, {**SPECS[1], "weight": 50}]
    with at("2021-03-01T09:00:00"):
        app.handle(
            ReviseAssessmentScheme(
                scheme,
                definition=definition(revised),
                effective_from=date(2021, 3, 1),
                note="只看满意度和投诉",
            )
        )
    head = app.recorder.max_notification_id()
    what_if = what_if_assessment(app, period, facts, scheme_version=2)
    assert app.recorder.max_notification_id() == head
    card = next(c for c in what_if["cards"] if c["subject_id"] == c1)
    assert [ln["indicator"] for ln in card["lines"]] == ["satisfaction_rate", "complaint_rate"]


def test_companies_are_scored_on_contracts_routed_issues_and_party_orgs(system: Any) -> None:
    app = system.app
    ids = small_district(app, with_contracts=False)
    with at("2020-01-05T09:00:00"):
        company = app.handle(
            RegisterPropertyCompany(credit_code="91370105MA3C000001", name="康都物业")
        ).id
        app.handle(
            SignServiceContract(
                company_id=company, compound_id=ids["compound1"], starts_on=date(2020, 1, 1)
            )
        )
        other = app.handle(
            RegisterPropertyCompany(credit_code="91370105MA3C000002", name="乙物业")
        ).id
    with at("2020-06-01T09:00:00"):
        app.handle(
            FoundPartyOrg(
                code="P1",
                name="康都物业党支部",
                host_kind="property_company",
                company_ids=[company],
                method="standalone",
                kind="branch",
                founded_on=date(2020, 6, 1),
                full_members=["M1", "M2", "M3"],
            )
        )
    for day, rating in (("2020-10-05", "satisfied"), ("2020-11-11", "dissatisfied")):
        with at(f"{day}T10:00:00"):
            issue = report(app, ids, 1)
        lifecycle(app, issue, company, day, rating)
    specs = [
        {**SPECS[0], "weight": 40},
        {**SPECS[1], "weight": 40},
        {
            "code": "party_coverage",
            "weight": 20,
            "direction": "higher",
            "lower": 0.0,
            "upper": 100.0,
            "no_data_score": 0.0,
        },
    ]
    scheme_def = {
        "subjects": ["property_company"],
        "bands": BANDS,
        "indicators": [{**s, "subject_kind": "property_company"} for s in specs],
    }
    with at("2020-01-01T09:00:00"):
        scheme = app.handle(
            DefineAssessmentScheme(
                code="C", name="企业", definition=scheme_def, effective_from=date(2020, 1, 1)
            )
        ).id
        period = app.handle(OpenAssessmentPeriod(period="2020Q4", scheme_id=scheme)).id
    compute_publish(system, period, "2020Q4")
    with system.read_engine.connect() as conn:
        ranking = q.ranking(conn, str(period), 1, "property_company")
        card = q.scorecard(conn, str(period), 1, "property_company", str(company))
        trend = q.trend(conn, "property_company", str(company))
    # 康都: 50% satisfied -> 0; 1 complaint per 100 households -> 50 x 0.4; org -> 20 = 40
    # 乙: no issues, no households: satisfaction and complaints excluded (no data, not
    # full marks); no party org -> 0 on the only line with data
    assert [(r["subject_name"], r["total"]) for r in ranking] == [
        ("康都物业", 40.0),
        ("乙物业", 0.0),
    ]
    assert all(r["result_sent_position"] is not None for r in ranking)
    lines = {ln["indicator"]: ln for ln in card["lines"]}
    assert (lines["complaint_rate"]["numerator"], lines["complaint_rate"]["denominator"]) == (
        2,
        200,
    )
    assert lines["satisfaction_rate"]["value"] == 50.0
    assert lines["party_coverage"]["value"] == 100.0
    with system.read_engine.connect() as conn:
        other_card = q.scorecard(conn, str(period), 1, "property_company", str(other))
    other_lines = {ln["indicator"]: ln for ln in other_card["lines"]}
    assert other_lines["party_coverage"]["value"] == 0.0
    assert other_lines["satisfaction_rate"]["no_data"] is True
    assert (other_lines["satisfaction_rate"]["score"], other_lines["complaint_rate"]["score"]) == (
        None,
        None,
    )
    assert trend[0]["key"] == "2020Q4"
