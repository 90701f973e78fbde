"""Party building commands through the application, on both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import AlreadyExists, RuleViolation
from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.party_building_commands import (
    EndServiceContract,
    FoundPartyOrg,
    RecordMembership,
    RegisterPropertyCompany,
    SignServiceContract,
)
from domain.property_companies import PropertyCompany


def _compound(app: Any) -> Any:
    d = app.handle(RegisterOrgUnit(kind="district", code="D", name="天桥区"))
    s = app.handle(RegisterOrgUnit(kind="street", code="S", name="街道", parent_id=d.id))
    c = app.handle(RegisterOrgUnit(kind="community", code="C", name="社区", parent_id=s.id))
    return s.id, app.handle(
        RegisterOrgUnit(
            kind="compound", code="X", name="小区", parent_id=c.id, compound_type="open"
        )
    ).id


def test_contracts_and_orgs_are_saved_atomically(system: Any) -> None:
    app = system.app
    with command_context(actor_id="t"):
        street, compound = _compound(app)
        a = app.handle(RegisterPropertyCompany(credit_code="91370105MA3C000001", name="康都物业"))
        b = app.handle(RegisterPropertyCompany(credit_code="91370105MA3C000002", name="B"))
        with pytest.raises(
            AlreadyExists, match=r"property company 91370105MA3C000001 already exists"
        ):
            app.handle(RegisterPropertyCompany(credit_code="91370105ma3c000001", name="dup"))
        app.handle(
            SignServiceContract(company_id=a.id, compound_id=compound, starts_on=date(2020, 1, 1))
        )
        head = app.recorder.max_notification_id()
        with pytest.raises(
            RuleViolation,
            match=r"the compound is served under contract .* from 2020-01-01 to open end",
        ):
            app.handle(
                SignServiceContract(
                    company_id=b.id, compound_id=compound, starts_on=date(2020, 6, 1)
                )
            )
        assert app.recorder.max_notification_id() == head
        contract = PropertyCompany.contract_id_for(a.id, compound, date(2020, 1, 1))
        app.handle(
            EndServiceContract(
                company_id=a.id, contract_id=contract, on=date(2020, 5, 31), reason="解聘"
            )
        )
        app.handle(
            SignServiceContract(company_id=b.id, compound_id=compound, starts_on=date(2020, 6, 1))
        )
        org = app.handle(
            FoundPartyOrg(
                code="P1",
                name="康都物业党支部",
                host_kind="property_company",
                company_ids=[a.id],
                method="standalone",
                kind="branch",
                founded_on=date(2020, 3, 1),
                street_id=street,
                full_members=["F1", "F2", "F3"],
            )
        )
        head = app.recorder.max_notification_id()
        with pytest.raises(
            AlreadyExists, match=r"company 康都物业 already has an active party organisation"
        ):
            app.handle(
                FoundPartyOrg(
                    code="P2",
                    name="again",
                    host_kind="property_company",
                    company_ids=[a.id, b.id],
                    method="joint",
                    kind="branch",
                    founded_on=date(2020, 4, 1),
                    full_members=["F4", "F5", "F6"],
                )
            )
        assert app.recorder.max_notification_id() == head
        assert app.repository.get(b.id).party_org_id is None
        app.handle(
            RecordMembership(org_id=org.id, change="joined", member_ref="M1", on=date(2020, 3, 2))
        )
        assert app.repository.get(org.id).members == ["F1", "F2", "F3", "M1"]
        assert app.repository.get(a.id).party_org_id == org.id


def _race(system: Any, commands: list[Any]) -> list[Any]:
    import threading

    outcomes: list[Any] = []
    barrier = threading.Barrier(len(commands))

    def go(command: Any) -> None:
        barrier.wait()
        try:
            with command_context(actor_id="t"):
                outcomes.append(system.gateway.run(command)[0])
        except Exception as refused:  # noqa: BLE001
            outcomes.append(refused)

    threads = [threading.Thread(target=go, args=(c,)) for c in commands]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_overlapping_contracts_and_orgs_one_wins(system: Any) -> None:
    app = system.app
    with command_context(actor_id="t"):
        _, compound = _compound(app)
        a = app.handle(RegisterPropertyCompany(credit_code="91370105MA3C000001", name="A")).id
        b = app.handle(RegisterPropertyCompany(credit_code="91370105MA3C000002", name="B")).id
    signed = _race(
        system,
        [
            lambda c=c: app.handle(
                SignServiceContract(company_id=c, compound_id=compound, starts_on=date(2020, 1, 1))
            )
            for c in (a, b)
        ],
    )
    assert sorted(type(o).__name__ for o in signed) == ["CommandResult", "RuleViolation"]

    def found(code: str) -> Any:
        return lambda: app.handle(
            FoundPartyOrg(
                code=code,
                name=code,
                host_kind="property_company",
                company_ids=[a],
                method="standalone",
                kind="branch",
                founded_on=date(2020, 3, 1),
                full_members=["F1", "F2", "F3"],
            )
        )

    founded = _race(system, [found("P1"), found("P2")])
    assert sorted(type(o).__name__ for o in founded) == ["AlreadyExists", "CommandResult"]
