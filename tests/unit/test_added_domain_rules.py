"""Rules kept in the aggregates before their events (no I/O): an issue goes to the company
serving its compound; one owners' committee per compound at a time; a branch is founded with
at least three full members, fewer form a party group attached to another organisation."""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.errors import (
    CompanyDoesNotServeCompound,
    OverlappingOwnersCommittee,
    RuleViolation,
    TooFewFullMembers,
)
from domain.metadata import command_context
from domain.owners_committees import OwnersCommittee, OwnersCommitteeTerms
from domain.party_orgs import PartyOrg
from domain.property_companies import PropertyCompany
from domain.service_issues import ServiceIssue

T0 = datetime(2020, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _issue() -> ServiceIssue:
    return ServiceIssue.report(
        source_ref=uuid4().hex,
        channel="grid_worker",
        category="heating",
        compound_id=uuid4(),
        grid_id=None,
        street_id=uuid4(),
        community_id=uuid4(),
        description="暖气不热",
        reported_at=T0,
    )


@pytest.mark.parametrize("served_by", [None, uuid4()])
def test_an_issue_is_not_accepted_for_a_company_not_serving_its_compound(served_by: object) -> None:
    issue = _issue()
    with pytest.raises(CompanyDoesNotServeCompound) as refused:
        issue.accept(company_id=uuid4(), served_by=served_by)  # type: ignore[arg-type]
    assert refused.value.field == "company_id" and issue.state == "reported"
    assert [type(e).__name__ for e in issue.collect_events()] == ["Reported"]


def test_an_issue_is_accepted_for_the_serving_company_or_a_department() -> None:
    company = uuid4()
    issue = _issue()
    issue.accept(company_id=company, served_by=company)
    assert issue.state == "accepted"
    other = _issue()
    other.accept(department="街道物业管理办公室", served_by=None)
    assert other.state == "accepted"


def _elect(terms: OwnersCommitteeTerms, starts: date, ends: date) -> OwnersCommittee:
    return OwnersCommittee.elect(
        compound_id=terms.compound_id,
        community_id=uuid4(),
        name="业主委员会",
        term_starts=starts,
        term_ends=ends,
        members=[{"member_ref": "A", "name": "甲", "party_member": True}],
        terms=terms,
    )


def test_owners_committee_terms_on_one_compound_do_not_overlap() -> None:
    terms = OwnersCommitteeTerms(compound_id=uuid4())
    _elect(terms, date(2020, 6, 18), date(2025, 6, 17))
    for starts, ends in (
        (date(2020, 6, 18), date(2025, 6, 17)),
        (date(2025, 6, 17), date(2030, 6, 16)),
        (date(2015, 6, 18), date(2020, 6, 18)),
        (date(2021, 1, 1), date(2022, 1, 1)),
    ):
        with pytest.raises(OverlappingOwnersCommittee) as refused:
            _elect(terms, starts, ends)
        assert refused.value.field == "term_starts"
    assert len(terms.terms) == 1
    _elect(terms, date(2025, 6, 18), date(2030, 6, 17))
    _elect(terms, date(2015, 6, 18), date(2020, 6, 17))
    assert len(terms.terms) == 3


def _found(members: list[str], **over: object) -> PartyOrg:
    args: dict = dict(
        code=f"P{uuid4().hex[:6]}",
        name="党支部",
        host_kind="property_company",
        companies=[
            PropertyCompany.register(
                credit_code=f"91370105MA3C{uuid4().int % 10**6:06d}", name="物业"
            )
        ],
        method="standalone",
        kind="branch",
        founded_on=date(2020, 3, 1),
        full_members=members,
    )
    args.update(over)
    with command_context(occurred_at="2020-03-01T10:00:00+08:00"):
        return PartyOrg.found(**args)


@pytest.mark.parametrize("kind", ["branch", "general_branch", "committee"])
@pytest.mark.parametrize("members", [[], ["M1"], ["M1", "M2"]])
def test_a_branch_needs_three_full_members(kind: str, members: list[str]) -> None:
    with pytest.raises(TooFewFullMembers) as refused:
        _found(members, kind=kind)
    assert refused.value.field == "full_members"


def test_founding_members_are_members_from_the_founding_day() -> None:
    org = _found(["M1", "M2", "M3"])
    assert org.members_on(date(2020, 3, 1)) == {"M1", "M2", "M3"}
    assert org.members_on(date(2020, 2, 29)) == set()
    with pytest.raises(RuleViolation):
        _found(["M1", "M1", "M2"])


def test_a_party_group_is_attached_to_another_organisation() -> None:
    host = _found(["H1", "H2", "H3"])
    with pytest.raises(RuleViolation) as alone:
        _found(["M1"], kind="party_group")
    assert alone.value.field == "kind"
    with pytest.raises(TooFewFullMembers):
        _found([], kind="party_group", method="affiliated", affiliated_to=host)
    group = _found(["M1", "M2"], kind="party_group", method="affiliated", affiliated_to=host)
    assert group.kind == "party_group" and group.members == ["M1", "M2"]
