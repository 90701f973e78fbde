"""Property companies, service contracts and party organisations (no I/O)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.errors import AlreadyExists, InvalidTransition, RuleViolation
from domain.party_orgs import PartyOrg
from domain.property_companies import CompoundServiceSlot, PropertyCompany

D = date(2020, 3, 1)
FOUNDERS = {"F1", "F2", "F3"}


def company(n: int = 1) -> PropertyCompany:
    return PropertyCompany.register(credit_code=f"91370105MA3C{n:06d}", name=f"物业{n}")


def org(companies: list[PropertyCompany], **over: object) -> PartyOrg:
    args: dict = dict(
        code=f"P{uuid4().hex[:6]}",
        name="党支部",
        host_kind="property_company",
        companies=companies,
        method="standalone",
        kind="branch",
        founded_on=D,
        full_members=sorted(FOUNDERS),
    )
    args.update(over)
    return PartyOrg.found(**args)


def test_company_id_is_the_credit_code_and_bad_codes_are_refused() -> None:
    c = company()
    assert c.id == PropertyCompany.create_id("91370105ma3c000001")
    with pytest.raises(
        RuleViolation, match=r"credit_code must be an 18-character unified social credit code"
    ):
        PropertyCompany.register(credit_code="123", name="x")


def test_brand_awarded_then_revoked_not_twice() -> None:
    c = company()
    c.award_brand(D, "天桥区委组织部〔2020〕5号")
    with pytest.raises(InvalidTransition, match=r"the company already holds the brand"):
        c.award_brand(D, "again")
    c.revoke_brand(date(2021, 1, 1), "撤销")
    assert not c.branded


def test_overlapping_contracts_on_one_compound_are_refused() -> None:
    compound = uuid4()
    slot = CompoundServiceSlot(compound_id=compound)
    a, b = company(1), company(2)
    cid = a.sign_contract(slot, D, date(2022, 12, 31))
    with pytest.raises(
        RuleViolation,
        match=r"the compound is served under contract .* from 2020-03-01 to 2022-12-31",
    ):
        b.sign_contract(slot, date(2021, 1, 1), None)
    with pytest.raises(
        RuleViolation,
        match=r"the compound is served under contract .* from 2020-03-01 to 2022-12-31",
    ):
        a.sign_contract(slot, date(2022, 12, 31), None)
    a.terminate_contract(slot, cid, date(2020, 12, 31), "业主大会解聘")
    b.sign_contract(slot, date(2021, 1, 1), None)
    assert slot.company_on(date(2020, 6, 1)) == a.id
    assert slot.company_on(date(2021, 6, 1)) == b.id
    with pytest.raises(InvalidTransition, match=r"the contract has already ended"):
        a.end_contract(slot, cid, date(2021, 1, 1))


def test_contract_end_before_start_is_refused() -> None:
    slot = CompoundServiceSlot(compound_id=uuid4())
    with pytest.raises(
        RuleViolation, match=r"ends_on \(2019-01-01\) is before the start \(2020-03-01\)"
    ):
        company().sign_contract(slot, D, date(2019, 1, 1))


def test_second_active_org_for_one_company_is_refused_until_dissolved() -> None:
    c = company()
    first = org([c])
    assert c.party_org_id == first.id
    with pytest.raises(
        AlreadyExists, match=r"company 物业1 already has an active party organisation"
    ):
        org([c])
    first.dissolve(date(2021, 1, 1), "撤销", [c])
    assert org([c], founded_on=date(2021, 2, 1)).active


def test_founding_methods_check_their_companies() -> None:
    a, b = company(1), company(2)
    with pytest.raises(RuleViolation, match=r"a standalone org covers exactly one company"):
        org([a, b])  # standalone with two companies
    with pytest.raises(
        RuleViolation, match=r"a joint org names every covered company \(2 or more\)"
    ):
        org([a], method="joint")
    joint = org([a, b], method="joint", kind="general_branch")
    assert joint.company_ids == [a.id, b.id]
    with pytest.raises(RuleViolation, match=r"an affiliated org names the org it is attached to"):
        org([company(3)], method="affiliated")
    affiliated = org([company(4)], method="affiliated", affiliated_to=joint)
    assert affiliated.affiliated_to == joint.id
    with pytest.raises(
        RuleViolation, match=r"kind must be one of branch, general_branch, committee"
    ):
        org([company(5)], kind="cell")


def test_membership_and_merge() -> None:
    a, b = company(1), company(2)
    x, y = org([a]), org([b])
    x.join("M1", D)
    x.transfer_in("M2", D)
    with pytest.raises(InvalidTransition, match=r"M1 is already a member"):
        x.join("M1", D)
    with pytest.raises(InvalidTransition, match=r"M9 is not a member"):
        x.leave("M9", D)
    with pytest.raises(
        RuleViolation, match=r"on \(2019-01-01\) is before the start \(2020-03-01\)"
    ):
        x.join("M3", date(2019, 1, 1))  # before founding
    x.transfer_out("M2", date(2020, 5, 1))
    assert x.members_on(date(2020, 4, 1)) == FOUNDERS | {"M1", "M2"}
    assert x.members_on(date(2020, 5, 1)) == FOUNDERS | {"M1"}
    assert x.members_on(date(2020, 2, 1)) == set()
    x.merge_into(y, date(2020, 6, 1), [a])
    assert a.party_org_id == y.id and "M1" in y.members and not x.active
    with pytest.raises(InvalidTransition, match=r"the party organisation is dissolved or merged"):
        x.join("M4", date(2020, 7, 1))
