"""The subsidy process over the real party-organisation events (PartyOrg.Founded, Merged,
Dissolved): company orgs get their entitlements, owners' committee orgs do not, and an
org that ended gets nothing for the years after."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.party_building_commands import FoundPartyOrg, MergePartyOrg, RegisterPropertyCompany
from domain.party_coverage_commands import ElectOwnersCommittee
from domain.subsidy_commands import OpenSubsidyYear
from domain.subsidy_policy import STARTUP, YEARLY
from projections import subsidy_reports as reports
from tests.support.subsidies import setup_district


def _at(day: str) -> Any:
    return command_context(
        actor_id="officer", role="street_officer", occurred_at=f"{day}T10:00:00+08:00"
    )


def test_process_follows_real_party_org_events(system: Any) -> None:
    app = system.app
    ids = setup_district(app)
    with _at("2020-01-02"):
        community = app.handle(
            RegisterOrgUnit(kind="community", code="C1", name="华黎社区", parent_id=ids["S01"])
        ).id
        compound = app.handle(
            RegisterOrgUnit(
                kind="compound", code="Q1", name="一号", parent_id=community, compound_type="open"
            )
        ).id
        committee = app.handle(
            ElectOwnersCommittee(
                compound_id=compound,
                name="一号业委会",
                term_starts=date(2020, 1, 1),
                term_ends=date(2022, 12, 31),
                members=[{"member_ref": "Y1", "name": "委员", "party_member": True}],
            )
        ).id
        a, b, c = (
            app.handle(
                RegisterPropertyCompany(
                    credit_code=f"91370105MA3C00000{i}", name=f"物业{i}", street_id=ids["S01"]
                )
            ).id
            for i in range(1, 4)
        )
    with _at("2020-03-01"):
        org_a = app.handle(
            FoundPartyOrg(
                code="A",
                host_kind="property_company",
                street_id=ids["S01"],
                name="A支部",
                method="standalone",
                kind="branch",
                founded_on=date(2020, 3, 1),
                full_members=["M1", "M2", "M3"],
                company_ids=[a],
            )
        ).id
        org_b = app.handle(
            FoundPartyOrg(
                code="B",
                host_kind="property_company",
                street_id=ids["S01"],
                name="B支部",
                method="standalone",
                kind="branch",
                founded_on=date(2020, 3, 1),
                full_members=["M1", "M2", "M3"],
                company_ids=[b],
            )
        ).id
        owners = app.handle(
            FoundPartyOrg(
                code="O",
                street_id=ids["S01"],
                community_id=community,
                name="业委会支部",
                method="standalone",
                kind="branch",
                founded_on=date(2020, 3, 1),
                full_members=["M1", "M2", "M3"],
                company_ids=[],
                host_kind="owners_committee",
                owners_committee_id=committee,
            )
        ).id
        app.handle(OpenSubsidyYear(2020))
    with _at("2020-09-01"):
        app.handle(MergePartyOrg(org_id=org_b, into_id=org_a, on=date(2020, 9, 1)))
    with _at("2021-01-04"):
        app.handle(OpenSubsidyYear(2021))
    system.catch_up()
    with system.read_engine.connect() as conn:
        items, _ = reports.list_entitlements(conn, page=1, per_page=100)
    found = {(e["branch_id"], e["kind"], e["year"]) for e in items}
    assert found == {
        (str(org_a), STARTUP, 2020),
        (str(org_a), YEARLY, 2020),
        (str(org_a), YEARLY, 2021),
        (str(org_b), STARTUP, 2020),
        (str(org_b), YEARLY, 2020),  # merged away in 2020: nothing for 2021
    }
    assert all(e["street_id"] == str(ids["S01"]) for e in items)
    assert str(owners) not in {e["branch_id"] for e in items}
    assert c  # a company without a party org gets nothing
