"""业委会党的组织和工作覆盖: owners' committees in office on D with a party organisation
(founded in the committee) and with an organisation or an instructor, from the read models."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import AlreadyExists, RuleViolation
from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.party_building_commands import DissolvePartyOrg, FoundPartyOrg
from domain.party_coverage_commands import (
    DispatchInstructor,
    ElectOwnersCommittee,
    RegisterInstructor,
)
from projections.dual_coverage import coverage_as_of


def _at(day: str) -> Any:
    return command_context(
        actor_id="officer", role="district_admin", occurred_at=f"{day}T10:00:00+08:00"
    )


def _world(app: Any) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    with _at("2020-01-02"):
        district = app.handle(RegisterOrgUnit(kind="district", code="D", name="天桥区")).id
        street = app.handle(
            RegisterOrgUnit(kind="street", code="S", name="S", parent_id=district)
        ).id
        community = app.handle(
            RegisterOrgUnit(kind="community", code="C", name="华黎社区", parent_id=street)
        ).id
        for n in (1, 2, 3):
            compound = app.handle(
                RegisterOrgUnit(
                    kind="compound",
                    code=f"Q{n}",
                    name=f"{n}号小区",
                    parent_id=community,
                    compound_type="commercial",
                )
            ).id
            ids[f"committee{n}"] = app.handle(
                ElectOwnersCommittee(
                    compound_id=compound,
                    name=f"{n}号小区业主委员会",
                    term_starts=date(2020, 1, 1),
                    term_ends=date(2020, 12, 31) if n == 3 else date(2022, 12, 31),
                    members=[{"member_ref": "Y1", "name": "委员", "party_member": True}],
                )
            ).id
        ids["community"] = community
    with _at("2020-03-01"):
        ids["org"] = _found(app, ids, "YW1", ids["committee1"], "2020-03-01")
        instructor = app.handle(RegisterInstructor(code="ZDY1", name="指导员")).id
        app.handle(
            DispatchInstructor(
                instructor_id=instructor,
                target_kind="owners_committee",
                target_id=ids["committee2"],
                on=date(2020, 3, 1),
            )
        )
    return ids


def _found(app: Any, ids: dict[str, Any], code: str, committee: Any, day: str) -> Any:
    return app.handle(
        FoundPartyOrg(
            code=code,
            name=f"{code}党支部",
            host_kind="owners_committee",
            company_ids=[],
            method="standalone",
            kind="branch",
            founded_on=date.fromisoformat(day),
            community_id=ids["community"],
            full_members=["M1", "M2", "M3"],
            owners_committee_id=committee,
        )
    ).id


def _coverage(system: Any, day: date) -> dict[str, Any]:
    system.catch_up()
    with system.read_engine.connect() as conn:
        return coverage_as_of(conn, day)["owners_committees"]


def test_organisational_and_work_coverage_of_owners_committees(system: Any, auth: Any) -> None:
    ids = _world(system.app)
    assert _coverage(system, date(2020, 2, 1)) == {
        "committees": 3,
        "with_party_org": 0,
        "with_org_or_instructor": 0,
        "organisational_coverage_pct": 0.0,
        "work_coverage_pct": 0.0,
    }
    june = _coverage(system, date(2020, 6, 30))
    assert (june["with_party_org"], june["with_org_or_instructor"]) == (1, 2)
    assert june["organisational_coverage_pct"] == 33.3 and june["work_coverage_pct"] == 66.7
    next_year = _coverage(system, date(2021, 6, 30))  # committee 3's term has ended
    assert next_year["committees"] == 2 and next_year["organisational_coverage_pct"] == 50.0
    with _at("2021-09-01"):
        system.app.handle(DissolvePartyOrg(org_id=ids["org"], on=date(2021, 9, 1), reason="换届"))
    assert _coverage(system, date(2021, 6, 30)) == next_year
    assert _coverage(system, date(2021, 9, 1))["with_party_org"] == 0
    token = auth("auditor")
    over_http = (
        system.wsgi()
        .test_client()
        .get("/api/v1/party-building/coverage", query_string={"as_of": "2020-06-30"}, headers=token)
    )
    assert over_http.status_code == 200 and over_http.json["owners_committees"] == june


def test_a_committee_has_one_org_at_a_time_founded_during_its_term(system: Any) -> None:
    ids = _world(system.app)
    head = system.app.recorder.max_notification_id()
    with _at("2020-04-01"), pytest.raises(AlreadyExists):
        _found(system.app, ids, "YW2", ids["committee1"], "2020-04-01")
    with _at("2021-02-01"), pytest.raises(RuleViolation) as outside:
        _found(system.app, ids, "YW3", ids["committee3"], "2021-02-01")
    assert outside.value.field == "founded_on"
    with _at("2020-04-01"), pytest.raises(RuleViolation) as unnamed:
        _found(system.app, ids, "YW4", None, "2020-04-01")
    assert unnamed.value.field == "owners_committee_id"
    assert system.app.recorder.max_notification_id() == head
