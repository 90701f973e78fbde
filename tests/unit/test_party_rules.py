"""Instructors, committees, owners' committees, demonstration projects, branch-life rules and
period facts (no I/O)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.branch_life import BranchLifeRules
from domain.demonstration import DemonstrationProject
from domain.errors import InvalidTransition, RuleViolation
from domain.instructors import IndustryPartyCommittee, Instructor
from domain.metadata import command_context
from domain.owners_committees import OwnersCommittee, OwnersCommitteeTerms
from domain.party_activities import CrossAppointment, JointEvent, Place

D = date(2020, 3, 1)


def test_instructor_is_not_dispatched_twice_at_once() -> None:
    i = Instructor.register(code="ZDY1", name="指导员")
    i.dispatch(target_kind="property_company", target_id=uuid4(), on=D)
    with pytest.raises(
        InvalidTransition,
        match=r"instructor ZDY1 is already dispatched \(since 2020-03-01\); recall first",
    ):
        i.dispatch(target_kind="property_company", target_id=uuid4(), on=D)
    with pytest.raises(
        RuleViolation, match=r"on \(2020-02-01\) is before the start \(2020-03-01\)"
    ):
        i.recall(date(2020, 2, 1))  # before the dispatch
    i.recall(date(2020, 6, 1))
    with pytest.raises(
        RuleViolation, match=r"on \(2020-05-01\) is before the start \(2020-06-01\)"
    ):
        i.dispatch(target_kind="property_company", target_id=uuid4(), on=date(2020, 5, 1))
    i.dispatch(target_kind="owners_committee", target_id=uuid4(), on=date(2020, 6, 2))
    with pytest.raises(
        RuleViolation, match=r"target_kind must be one of property_company, owners_committee"
    ):
        Instructor.register(code="Z2", name="x").dispatch(
            target_kind="school", target_id=uuid4(), on=D
        )


def test_no_dispatch_in_the_future_of_the_business_time() -> None:
    i = Instructor.register(code="ZDY1", name="指导员")
    with command_context(occurred_at="2020-03-01T10:00:00+08:00"):
        with pytest.raises(RuleViolation, match=r"on \(2020-03-05\) is in the future"):
            i.dispatch(target_kind="property_company", target_id=uuid4(), on=date(2020, 3, 5))
        i.dispatch(target_kind="property_company", target_id=uuid4(), on=date(2020, 3, 2))


def test_industry_committee_members() -> None:
    c = IndustryPartyCommittee.establish(district_id=uuid4(), name="行业党委", established_on=D)
    c.appoint(member_ref="M1", name="书记", post="书记", on=D)
    with pytest.raises(InvalidTransition, match=r"M1 is already a committee member"):
        c.appoint(member_ref="M1", name="书记", post="书记", on=D)
    with pytest.raises(
        RuleViolation, match=r"on \(2019-01-01\) is before the start \(2020-03-01\)"
    ):
        c.appoint(member_ref="M2", name="委员", post="委员", on=date(2019, 1, 1))
    c.remove("M1", date(2021, 1, 1))
    assert c.members == {}


def test_owners_committee_term_and_members() -> None:
    members = [{"member_ref": "A", "name": "甲", "party_member": True}]
    with pytest.raises(
        RuleViolation, match=r"term_ends \(2019-01-01\) is before the start \(2020-03-01\)"
    ):
        OwnersCommittee.elect(
            compound_id=uuid4(),
            community_id=uuid4(),
            name="业委会",
            term_starts=D,
            term_ends=date(2019, 1, 1),
            members=members,
            terms=OwnersCommitteeTerms(compound_id=uuid4()),
        )
    with pytest.raises(RuleViolation, match=r"a member is named twice"):
        OwnersCommittee.elect(
            compound_id=uuid4(),
            community_id=uuid4(),
            name="业委会",
            term_starts=D,
            term_ends=date(2025, 1, 1),
            members=members * 2,
            terms=OwnersCommitteeTerms(compound_id=uuid4()),
        )


def test_demonstration_project_in_its_year_on_a_community_or_compound() -> None:
    with pytest.raises(RuleViolation, match=r"designated_on must fall in the year"):
        DemonstrationProject.designate(
            year=2020,
            unit_id=uuid4(),
            unit_kind="community",
            name="x",
            designated_on=date(2021, 1, 1),
        )
    with pytest.raises(RuleViolation, match=r"designate a community or a compound"):
        DemonstrationProject.designate(
            year=2020, unit_id=uuid4(), unit_kind="street", name="x", designated_on=D
        )


def test_rules_are_validated_and_configurable() -> None:
    assert BranchLifeRules().minimums["party_group"] == (1, "month")
    assert BranchLifeRules(minimums={"party_lesson": (2, "year")}).minimums == {
        "party_lesson": (2, "year")
    }
    with pytest.raises(RuleViolation, match=r"bad minimum rule for party_lesson"):
        BranchLifeRules(minimums={"party_lesson": (1, "fortnight")})
    with pytest.raises(RuleViolation, match=r"bad minimum rule for picnic"):
        BranchLifeRules(minimums={"picnic": (1, "month")})


def test_period_facts_and_joint_events() -> None:
    a = CrossAppointment.appoint(
        person_ref="P",
        name="两委委员",
        role="company_supervisor",
        company_id=uuid4(),
        community_id=uuid4(),
        starts_on=D,
    )
    with pytest.raises(
        RuleViolation, match=r"on \(2020-01-01\) is before the start \(2020-03-01\)"
    ):
        a.end(date(2020, 1, 1))
    a.end(date(2020, 12, 31))
    with pytest.raises(InvalidTransition, match=r"already ended on 2020-12-31"):
        a.end(date(2021, 1, 1))
    with pytest.raises(
        RuleViolation, match=r"kind must be one of deliberation_hall, service_window"
    ):
        Place.open(kind="cinema", unit_id=uuid4(), name="x", opened_on=D)
    host = {"kind": "property_company", "id": uuid4()}
    with pytest.raises(RuleViolation, match=r"a joint event has co-hosts of at least two kinds"):
        JointEvent.hold(
            name="x",
            kind="culture",
            held_on=D,
            community_id=uuid4(),
            co_hosts=[host, host],
            participants=3,
        )
