"""The demo's bodies (issue 17 point 1): every street has its property-management office and
every community its party organisation, residents' committee and property-work guidance
committee; appointments to the community party committee and co-hosts of joint events name
those bodies; issues of unserved compounds go to the guidance committee by id, under the
seed's name, and no issue is routed to the misnamed free-text department any more."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.org_bodies import BODY_LABELS, BodyKind
from projections import org_bodies
from projections.issue_board import issues
from projections.org_registry import org_units
from projections.party_activities import activity_periods
from scenarios.city import CityPlan, generate
from scenarios.org_registry import STREETS
from scenarios.seed_terms import PROPERTY_WORK_COMMITTEE
from scenarios.tianqiao import load_tianqiao

SEED = Path(__file__).resolve().parents[2] / "../shared/seed/tianqiao-red-property.zh.txt"
MISNAMED = "社区物业服务指导委员会"
COMMUNITY_KINDS = {"community_party_org", "residents_committee", "property_guidance_committee"}


def _rows(system: Any, table: Any, *where: Any) -> list[Any]:
    with system.read_engine.connect() as conn:
        return list(conn.execute(select(table).where(*where)))


def _bodies_on(system: Any, day: date) -> list[dict[str, Any]]:
    with system.read_engine.connect() as conn:
        items, total = org_bodies.list_bodies(conn, page=1, per_page=500, as_of=day)
    assert len(items) == total
    return items


def _held_joint_events(system: Any) -> list[Any]:
    found, after = [], 0
    while page := system.app.recorder.select_notifications(after, 5000, inclusive_of_start=False):
        found += [
            system.app.mapper.to_domain_event(n)
            for n in page
            if n.topic.endswith(":JointEvent.Held")
        ]
        after = page[-1].id
    return found


def test_the_body_labels_are_the_seeds() -> None:
    text = SEED.read_text(encoding="utf-8")
    for kind, label in BODY_LABELS.items():
        core = label.removeprefix("街道") if kind is BodyKind.STREET_PROPERTY_OFFICE else label
        assert core in text, label
    assert "街道成立物业管理办公室" in text and MISNAMED not in text


def test_the_tianqiao_demo_has_every_body_and_uses_them(system: Any) -> None:
    load_tianqiao(system.app)
    system.catch_up()
    units = {r.id: r for r in _rows(system, org_units)}
    bodies = _bodies_on(system, date(2020, 6, 30))
    assert _bodies_on(system, date(2020, 1, 1)) == []
    per_unit = Counter((b["parent_id"], b["kind"]) for b in bodies)
    assert set(per_unit.values()) == {1}
    streets = {u for u, r in units.items() if r.kind == "street"}
    communities = {u for u, r in units.items() if r.kind == "community"}
    assert len(streets) == len(STREETS)
    assert {p for p, k in per_unit if k == "street_property_office"} == streets
    for kind in COMMUNITY_KINDS:
        assert {p for p, k in per_unit if k == kind} == communities, kind
    for body in bodies:
        assert body["street_id"] == (
            units[body["parent_id"]].parent_id if body["community_id"] else body["parent_id"]
        )
        if body["kind"] == "property_guidance_committee":
            assert PROPERTY_WORK_COMMITTEE in body["name"]
    party_org_of = {
        b["community_id"]: b["id"] for b in bodies if b["kind"] == "community_party_org"
    }
    huali = next(u for u, r in units.items() if r.name == "华黎社区")
    assert next(b["name"] for b in bodies if b["id"] == party_org_of[huali]) == "华黎社区党总支"

    to_committee = _rows(
        system,
        activity_periods,
        activity_periods.c.what == "cross_appointment",
        activity_periods.c.kind == "community_party_committee",
    )
    assert to_committee
    assert all(r.org_id == party_org_of[r.unit_id] for r in to_committee)

    held = _held_joint_events(system)
    assert held
    body_of = {(b["kind"], b["community_id"]): b["id"] for b in bodies}
    for joint in held:
        for host in joint.co_hosts:
            if host["kind"] in COMMUNITY_KINDS:
                assert host["id"] == body_of[(host["kind"], str(joint.community_id))]

    routed = _rows(system, issues, issues.c.department.is_not(None))
    assert all(r.body_id is not None for r in routed)
    assert not _rows(system, issues, issues.c.department == MISNAMED)


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
