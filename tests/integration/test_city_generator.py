"""The city generator: deterministic, through the commands, every area present, and the
read models agree with the plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from infra.bootstrap import System, build_system
from infra.ledger_check import check_ledger
from infra.settings import Settings
from projections.assessment_ledger import assessment_cards, assessment_periods
from projections.branch_life import branch_meetings
from projections.dual_coverage import coverage_as_of
from projections.issue_board import issues
from projections.org_registry import org_units
from projections.party_orgs import party_orgs
from projections.subsidy_ledger import subsidy_entitlements
from scenarios.city import CityContext, CityPlan, generate, log_digest

# 2021-03-15 + 30 days: the 2021Q1 scorecards are published on 2021-04-10
PLAN = CityPlan(
    streets=2,
    communities_per_street=2,
    compounds_per_community=3,
    companies=8,
    issues_per_day=30,
    registry_changes_per_day=4,
    days=30,
)
AREA_OF = {  # the aggregate class of each topic -> the generator area that makes it
    "OrgUnit": "registry",
    "OrgBody": "registry",
    "OrgBodyTerms": "registry",
    "PropertyCompany": "companies",
    "PartyOrg": "companies",
    "Instructor": "companies",
    "OwnersCommittee": "companies",
    "BranchMeeting": "branch_life",
    "JointEvent": "branch_life",
    "SecretaryTraining": "branch_life",
    "ServiceIssue": "issues",
    "GridWorker": "issues",
    "SubsidyEntitlement": "subsidies",
    "SubsidyBudget": "subsidies",
    "AssessmentPeriod": "assessment",
    "GridWorkerAssessment": "assessment",
}


def _generate(path: Path, plan: CityPlan) -> tuple[System, CityContext]:
    system = build_system(Settings(database_url=f"sqlite:///{path}"))
    return system, generate(system.app, plan)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[System, CityContext]]:
    system, ctx = _generate(tmp_path_factory.mktemp("city") / "city.db", PLAN)
    system.catch_up()
    yield system, ctx
    system.close()


def _topics(system: System) -> Counter[str]:
    counts: Counter[str] = Counter()
    after = 0
    while page := system.app.recorder.select_notifications(after, 5000, inclusive_of_start=False):
        counts.update(n.topic.split(":")[-1] for n in page)
        after = page[-1].id
    return counts


def _count(system: System, table: Any, *where: Any) -> int:
    with system.read_engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_same_seed_same_log_another_seed_another(
    tmp_path: Path, city: tuple[System, CityContext]
) -> None:
    system, ctx = city
    again, again_ctx = _generate(tmp_path / "again.db", PLAN)
    other, other_ctx = _generate(tmp_path / "other.db", replace(PLAN, seed=PLAN.seed + 1))
    try:
        assert again_ctx.head == ctx.head
        assert log_digest(again.app) == log_digest(system.app)
        assert log_digest(other.app) != log_digest(system.app)
    finally:
        again.close()
        other.close()


def test_every_area_makes_its_events_and_issues_are_the_bulk(
    city: tuple[System, CityContext],
) -> None:
    system, ctx = city
    topics = _topics(system)
    assert sum(topics.values()) == ctx.head
    areas = Counter()
    for topic, n in topics.items():
        areas[AREA_OF.get(topic.split(".")[0], "other")] += n
    assert set(PLAN.areas) <= set(areas)
    assert areas["issues"] > sum(areas.values()) / 2
    for kind in ("Reported", "Accepted", "Closed", "Reopened", "DeadlineMissed", "ReferredOut"):
        assert topics[f"ServiceIssue.{kind}"] > 0, kind
    for topic in ("PartyOrg.Founded", "SubsidyEntitlement.Disbursed", "AssessmentPeriod.Published"):
        assert topics[topic] > 0, topic


def test_read_models_agree_with_the_plan(city: tuple[System, CityContext]) -> None:
    system, ctx = city
    facts = ctx.facts
    communities = PLAN.streets * PLAN.communities_per_street
    assert _count(system, org_units, org_units.c.kind == "community") == communities
    assert _count(system, org_units, org_units.c.kind == "compound") == len(facts["compounds"])
    open_grids = _count(system, org_units, org_units.c.kind == "grid", ~org_units.c.closed)
    assert open_grids == len(facts["grids"])

    assert _count(system, issues) == PLAN.issues_per_day * PLAN.days
    assert _count(system, issues, issues.c.company_id.is_(None), issues.c.state == "closed") == 0
    assert _count(system, issues, issues.c.missed_count > 0) > 0

    with system.read_engine.connect() as conn:
        coverage = coverage_as_of(conn, PLAN.end)["district"]
    covered = {c for o in facts["party_orgs"] if o["active"] for c in o["company_ids"]}
    assert coverage["companies"] == PLAN.companies
    assert coverage["with_party_org"] == len(covered)
    assert coverage["with_org_or_instructor"] == PLAN.companies  # an instructor in each
    active = sum(1 for o in facts["party_orgs"] if o["active"])
    assert _count(system, party_orgs, party_orgs.c.ended_on.is_(None)) == active
    assert _count(system, branch_meetings) > 0

    disbursed = subsidy_entitlements.c.status.in_(("disbursed", "reversed", "recovered"))
    assert _count(system, subsidy_entitlements, disbursed) > 0
    assert check_ledger(system.app, system.write_engine).ok

    published = assessment_periods.c.state == "published"
    assert _count(system, assessment_periods, published, assessment_periods.c.key == "2021Q1")
    cards = _count(system, assessment_cards, assessment_cards.c.key == "2021Q1")
    assert cards == PLAN.companies + communities


def test_stops_at_max_events_and_areas_pick_steps(tmp_path: Path) -> None:
    plan = replace(PLAN, areas=("registry", "issues"), max_events=1500)
    system, ctx = _generate(tmp_path / "small.db", plan)
    try:
        topics = _topics(system)
        assert ctx.head == sum(topics.values())
        assert 1500 <= ctx.head < 1500 + 10  # stops after the command that crossed it
        assert {t.split(".")[0] for t in topics} <= {
            "OrgUnit",
            "OrgBody",  # the registry's bodies under streets and communities
            "OrgBodyTerms",
            "SlaPolicy",
            "GridWorker",
            "CollectionPoint",
            "ServiceIssue",
        }
    finally:
        system.close()


def test_a_plan_names_known_areas_with_what_they_need() -> None:
    with pytest.raises(ValueError, match="unknown areas"):
        CityPlan(areas=("registry", "weather"))
    with pytest.raises(ValueError, match="needs"):
        CityPlan(areas=("registry", "subsidies"))
    assert CityPlan(start=date(2021, 1, 1), days=3).end == date(2021, 1, 4)
