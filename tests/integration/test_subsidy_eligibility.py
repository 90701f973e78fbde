"""Subsidy eligibility by founding method, applied by the subsidy process: by default (as
the seed reads: 新建的物业服务企业党支部) standalone and joint company branches get start-up
funds and yearly subsidies, affiliated organisations (挂靠建) neither; a setting recorded
with an effective date changes that from its date on, never before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import NotEligibleForSubsidy
from domain.metadata import command_context
from domain.party_building_commands import FoundPartyOrg, RegisterPropertyCompany
from domain.subsidy_commands import OpenSubsidyYear, RaiseSubsidyEntitlement, SetSubsidyEligibility
from domain.subsidy_policy import STARTUP, YEARLY
from projections import subsidy_reports as reports
from tests.support.subsidies import setup_district


def _at(day: str) -> Any:
    return command_context(
        actor_id="admin", role="district_admin", occurred_at=f"{day}T10:00:00+08:00"
    )


def _world(app: Any) -> dict[str, Any]:
    ids: dict[str, Any] = setup_district(app)
    with _at("2020-01-02"):
        companies = [
            app.handle(
                RegisterPropertyCompany(
                    credit_code=f"91370105MA3C00000{i}", name=f"物业{i}", street_id=ids["S01"]
                )
            ).id
            for i in range(1, 6)
        ]
    with _at("2020-03-01"):

        def found(code: str, company_ids: list[Any], method: str, kind: str, **more: Any) -> Any:
            return app.handle(
                FoundPartyOrg(
                    code=code,
                    name=code,
                    host_kind="property_company",
                    company_ids=company_ids,
                    method=method,
                    kind=kind,
                    founded_on=date(2020, 3, 1),
                    street_id=ids["S01"],
                    **more,
                )
            ).id

        ids["standalone"] = found(
            "S", companies[:1], "standalone", "branch", full_members=["a", "b", "c"]
        )
        ids["joint"] = found(
            "J", companies[1:3], "joint", "general_branch", full_members=["d", "e", "f"]
        )
        ids["affiliated"] = found(
            "A",
            companies[3:4],
            "affiliated",
            "branch",
            affiliated_to=ids["standalone"],
            full_members=["g", "h", "i"],
        )
        ids["group"] = found(
            "G",
            companies[4:5],
            "affiliated",
            "party_group",
            affiliated_to=ids["standalone"],
            full_members=["j"],
        )
        app.handle(OpenSubsidyYear(2020))
    with _at("2021-01-04"):
        app.handle(OpenSubsidyYear(2021))
    return ids


def _raised(system: Any) -> set[tuple[str, str, int]]:
    system.catch_up()
    with system.read_engine.connect() as conn:
        items, _ = reports.list_entitlements(conn, page=1, per_page=100)
    return {(e["branch_id"], e["kind"], e["year"]) for e in items}


def _all(org: Any, *what: tuple[str, int]) -> set[tuple[str, str, int]]:
    return {(str(org), kind, year) for kind, year in what}


FULL = ((STARTUP, 2020), (YEARLY, 2020), (YEARLY, 2021))


def test_by_default_affiliated_organisations_get_nothing(system: Any) -> None:
    ids = _world(system.app)
    assert _raised(system) == _all(ids["standalone"], *FULL) | _all(ids["joint"], *FULL)
    head = system.app.recorder.max_notification_id()
    with _at("2021-02-01"), pytest.raises(NotEligibleForSubsidy) as refused:
        system.app.handle(RaiseSubsidyEntitlement(branch_id=ids["affiliated"], kind=STARTUP))
    assert refused.value.field == "branch_id"
    assert system.app.recorder.max_notification_id() == head


def test_an_eligibility_setting_applies_from_its_date(system: Any) -> None:
    ids = _world(system.app)
    before = _raised(system)
    with _at("2021-01-10"):
        system.app.handle(
            SetSubsidyEligibility(
                effective_from=date(2021, 1, 1), methods=["standalone", "joint", "affiliated"]
            )
        )
    added = _raised(system) - before
    # founded 2020-03-01, before the setting: no start-up fund, no 2020 subsidy; 2021 yes
    assert added == _all(ids["affiliated"], (YEARLY, 2021)) | _all(ids["group"], (YEARLY, 2021))


@pytest.mark.parametrize("methods", [[], ["cell"], ["joint", "joint"]])
def test_a_bad_eligibility_setting_is_refused(system: Any, methods: list[str]) -> None:
    setup_district(system.app)
    head = system.app.recorder.max_notification_id()
    with _at("2021-01-10"), pytest.raises(Exception) as refused:
        system.app.handle(SetSubsidyEligibility(effective_from=date(2021, 1, 1), methods=methods))
    assert getattr(refused.value, "field", None) == "methods"
    assert system.app.recorder.max_notification_id() == head
