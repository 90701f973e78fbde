"""A property company and an owners' committee each host one active party organisation at a
time, through the one `PartyOrgHolder` rule (the committee also only while in office)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.errors import AlreadyExists, RuleViolation
from domain.owners_committees import OwnersCommittee, OwnersCommitteeTerms
from domain.property_companies import PropertyCompany

D = date(2021, 5, 1)


def _committee() -> OwnersCommittee:
    terms = OwnersCommitteeTerms(compound_id=uuid4())
    return OwnersCommittee.elect(
        compound_id=terms.compound_id,
        community_id=uuid4(),
        name="幸福业委会",
        term_starts=date(2021, 1, 1),
        term_ends=date(2023, 12, 31),
        members=[{"member_ref": "A", "name": "甲", "party_member": True}],
        terms=terms,
    )


def _company() -> PropertyCompany:
    return PropertyCompany.register(credit_code="91370105MA3C000009", name="康都物业")


@pytest.mark.parametrize(
    "holder,label",
    [(_company, "company 康都物业"), (_committee, "owners' committee 幸福业委会")],
)
def test_one_active_party_org_at_a_time(holder: object, label: str) -> None:
    body = holder()  # type: ignore[operator]
    first, second = uuid4(), uuid4()
    body.link_party_org(first, D)
    version = body.version
    body.link_party_org(first, D)  # linking the same org again records nothing
    assert body.version == version
    with pytest.raises(AlreadyExists, match=f"{label} already has an active party organisation"):
        body.link_party_org(second, D)
    body.unlink_party_org(second, D)  # not its org: nothing happens
    assert body.party_org_id == first
    body.unlink_party_org(first, D)
    body.link_party_org(second, D)
    assert body.party_org_id == second
    assert [type(e).__name__ for e in body.collect_events()][-3:] == [
        "PartyOrgLinked",
        "PartyOrgUnlinked",
        "PartyOrgLinked",
    ]


def test_an_owners_committee_hosts_an_org_only_while_in_office() -> None:
    committee = _committee()
    with pytest.raises(RuleViolation, match="not in office on 2024-01-01"):
        committee.link_party_org(uuid4(), date(2024, 1, 1))
    assert committee.party_org_id is None
