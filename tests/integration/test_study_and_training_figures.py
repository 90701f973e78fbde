"""学习全覆盖 per street and district, and the yearly secretary training checked with the
organisations that missed a year, from the read models on both databases."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.branch_life_commands import HoldBranchMeeting
from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.party_activities_commands import HoldSecretaryTraining
from domain.party_building_commands import FoundPartyOrg, RegisterPropertyCompany
from projections.party_figures import party_figures


def _at(day: str) -> Any:
    return command_context(
        actor_id="officer", role="district_admin", occurred_at=f"{day}T10:00:00+08:00"
    )


def _world(app: Any) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    with _at("2020-01-02"):
        ids["district"] = app.handle(RegisterOrgUnit(kind="district", code="D", name="天桥区")).id
        for code in ("S1", "S2"):
            ids[code] = app.handle(
                RegisterOrgUnit(kind="street", code=code, name=code, parent_id=ids["district"])
            ).id
        companies = [
            app.handle(
                RegisterPropertyCompany(
                    credit_code=f"91370105MA3C00000{n}", name=f"物业{n}", street_id=ids["S1"]
                )
            ).id
            for n in range(1, 4)
        ]
    for n, (street, founded, members) in enumerate(
        (("S1", "2020-02-01", 3), ("S1", "2020-02-01", 4), ("S2", "2021-03-01", 3)), start=1
    ):
        with _at(founded):
            ids[f"org{n}"] = app.handle(
                FoundPartyOrg(
                    code=f"P{n}",
                    name=f"物业{n}党支部",
                    host_kind="property_company",
                    company_ids=[companies[n - 1]],
                    method="standalone",
                    kind="branch",
                    founded_on=date.fromisoformat(founded),
                    street_id=ids[street],
                    full_members=[f"P{n}-M{k}" for k in range(members)],
                )
            ).id
    with _at("2020-04-01"):
        for n, attendees in ((1, ["P1-M0", "P1-M1", "P1-M2"]), (2, ["P2-M0"])):
            app.handle(
                HoldBranchMeeting(
                    org_id=ids[f"org{n}"],
                    kind="party_lesson",
                    held_on=date(2020, 4, 1),
                    platform="class_19",
                    title="党课",
                    attendees=attendees,
                )
            )
    with _at("2020-09-20"):
        app.handle(
            HoldSecretaryTraining(
                title="2020年物业服务企业党支部书记培训班",
                held_on=date(2020, 9, 20),
                attendees=[{"secretary_ref": "SJ1", "org_id": ids["org1"]}],
            )
        )
    return ids


def test_study_coverage_per_street_and_district(system: Any) -> None:
    ids = _world(system.app)
    system.catch_up()
    with system.read_engine.connect() as conn:
        study = party_figures(conn, date(2020, 12, 31))["study_coverage"]
        early = party_figures(conn, date(2020, 3, 31))["study_coverage"]
    assert study["from"] == "2020-01-01" and study["to"] == "2020-12-31"
    assert study["district"] == {
        "members": 7,
        "members_who_studied": 4,
        "study_coverage_pct": 57.1,
    }
    assert study["streets"] == [
        {
            "street_id": str(ids["S1"]),
            "members": 7,
            "members_who_studied": 4,
            "study_coverage_pct": 57.1,
        }
    ]
    assert early["district"]["members_who_studied"] == 0  # the lesson is on 2020-04-01


def test_secretary_training_every_year_with_the_organisations_that_missed(system: Any) -> None:
    ids = _world(system.app)
    system.catch_up()
    with system.read_engine.connect() as conn:
        in_2020 = party_figures(conn, date(2020, 12, 31))["secretary_training"]
        to_2021 = party_figures(conn, date(2021, 12, 31))["secretary_training"]
        before = party_figures(conn, date(2020, 9, 19))["secretary_training"]
    assert in_2020 == {
        "held_every_year": True,
        "years": [
            {
                "year": 2020,
                "trainings": 1,
                "organisations": 2,
                "missed": [{"id": str(ids["org2"]), "name": "物业2党支部"}],
            }
        ],
    }
    assert not to_2021["held_every_year"]
    assert to_2021["years"][1]["year"] == 2021 and to_2021["years"][1]["trainings"] == 0
    assert {m["name"] for m in to_2021["years"][1]["missed"]} == {
        "物业1党支部",
        "物业2党支部",
        "物业3党支部",
    }
    assert before["years"][0]["trainings"] == 0 and not before["held_every_year"]
