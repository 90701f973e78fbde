"""The bodies in the demo (issue 17 point 1; the Tianqiao demo's own test, on both databases,
is test_living_demo::test_the_tianqiao_demo_has_every_body_and_uses_them): the body labels
are the seed's, and the city routes issues of unserved compounds to their community's
guidance committee by id, under the seed's name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.org_bodies import BODY_LABELS, BodyKind
from projections import org_bodies
from projections.issue_board import issues
from scenarios.city import CityPlan, generate
from scenarios.seed_terms import PROPERTY_WORK_COMMITTEE

SEED = Path(__file__).resolve().parents[2] / "../shared/seed/tianqiao-red-property.zh.txt"
MISNAMED = "社区物业服务指导委员会"


def _rows(system: Any, table: Any, *where: Any) -> list[Any]:
    with system.read_engine.connect() as conn:
        return list(conn.execute(select(table).where(*where)))


def _bodies_on(system: Any, day: date) -> list[dict[str, Any]]:
    with system.read_engine.connect() as conn:
        items, total = org_bodies.list_bodies(conn, page=1, per_page=500, as_of=day)
    assert len(items) == total
    return items


def test_the_body_labels_are_the_seeds() -> None:
    text = SEED.read_text(encoding="utf-8")
    for kind, label in BODY_LABELS.items():
        core = label.removeprefix("街道") if kind is BodyKind.STREET_PROPERTY_OFFICE else label
        assert core in text, label
    assert "街道成立物业管理办公室" in text and MISNAMED not in text


@pytest.mark.parametrize("days", [3])
def test_the_city_routes_unserved_compounds_to_their_guidance_committee(
    system: Any, days: int
) -> None:
    plan = replace(
        CityPlan(
            streets=2,
            communities_per_street=2,
            compounds_per_community=2,
            issues_per_day=20,
            registry_changes_per_day=2,
            days=days,
        ),
        areas=("registry", "issues"),
    )
    generate(system.app, plan)
    system.catch_up()
    committees = {
        b["id"]: b
        for b in _bodies_on(system, plan.end)
        if b["kind"] == "property_guidance_committee"
    }
    assert len(committees) == 4
    accepted = _rows(system, issues, issues.c.accepted_at.is_not(None))
    assert accepted
    for row in accepted:
        assert row.company_id is None  # no companies in this plan
        committee = committees[row.body_id]
        assert committee["community_id"] == row.community_id
        assert row.department == committee["name"] and PROPERTY_WORK_COMMITTEE in row.department
