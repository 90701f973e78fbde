"""As of means as of: every party-building figure as of D (coverage, members, brands,
projects, owners' committees, study coverage, secretary training) is a function of the facts
dated on or before D. Appending any events dated after D changes nothing as of D."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from itertools import count
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.branch_life_commands import HoldBranchMeeting
from domain.errors import DomainError
from domain.party_activities_commands import HoldSecretaryTraining
from domain.party_building_commands import (
    AwardCompanyBrand,
    DissolvePartyOrg,
    FoundPartyOrg,
    RecordMembership,
    RegisterPropertyCompany,
    RevokeCompanyBrand,
)
from domain.party_coverage_commands import (
    DesignateDemonstrationProject,
    DispatchInstructor,
    ElectOwnersCommittee,
    RecallInstructor,
    RegisterInstructor,
)
from projections import dual_coverage, party_orgs
from projections.party_figures import party_figures
from tests.grid_helpers import at, small_district

D = date(2020, 6, 30)
FOUNDERS = ["F1", "F2", "F3"]
ACTIONS = (
    "join",
    "leave",
    "found",
    "dispatch",
    "recall",
    "brand",
    "revoke",
    "project",
    "committee",
    "dissolve",
    "meeting",
    "training",
    "committee_org",
)


def _on(day: date) -> Any:
    return at(f"{day.isoformat()}T10:00:00")


def _members(n: int) -> list[dict[str, Any]]:
    return [{"member_ref": f"Y{k}", "name": f"委员{k}", "party_member": k < 3} for k in range(n)]


def _world(app: Any) -> dict[str, Any]:
    ids: dict[str, Any] = small_district(app)
    with _on(date(2020, 2, 1)):
        ids["org"] = app.handle(
            FoundPartyOrg(
                code="P1",
                name="一号物业党支部",
                host_kind="property_company",
                company_ids=[ids["company_a"]],
                method="standalone",
                kind="branch",
                founded_on=date(2020, 2, 1),
                street_id=ids["street"],
                full_members=FOUNDERS,
            )
        ).id
    with _on(date(2020, 3, 1)):
        ids["instructor"] = app.handle(RegisterInstructor(code="ZDY1", name="指导员")).id
        app.handle(
            DispatchInstructor(
                instructor_id=ids["instructor"],
                target_kind="property_company",
                target_id=ids["company_a"],
                on=date(2020, 3, 1),
            )
        )
        ids["committee"] = app.handle(
            ElectOwnersCommittee(
                compound_id=ids["compound1"],
                name="1号小区业主委员会",
                term_starts=date(2020, 3, 1),
                term_ends=date(2023, 2, 28),
                members=_members(7),
            )
        ).id
    with _on(date(2020, 4, 1)):
        app.handle(
            AwardCompanyBrand(
                company_id=ids["company_a"], on=date(2020, 4, 1), decision="品牌（2020）"
            )
        )
    with _on(date(2020, 5, 1)):
        app.handle(
            DesignateDemonstrationProject(
                year=2020, unit_id=ids["community"], name="示范项目", designated_on=date(2020, 5, 1)
            )
        )
    return ids


def _append(app: Any, ids: dict[str, Any], action: str, day: date, n: int) -> None:
    """One later-dated command; a refusal (the state no longer allows it) stores nothing."""
    commands = {
        "join": lambda: app.handle(
            RecordMembership(org_id=ids["org"], change="joined", member_ref=f"L{n}", on=day)
        ),
        "leave": lambda: app.handle(
            RecordMembership(org_id=ids["org"], change="left", member_ref=FOUNDERS[n % 3], on=day)
        ),
        "found": lambda: _found_new(app, ids, day, n),
        "dispatch": lambda: _dispatch_new(app, ids, day, n),
        "recall": lambda: app.handle(RecallInstructor(instructor_id=ids["instructor"], on=day)),
        "brand": lambda: app.handle(
            AwardCompanyBrand(company_id=ids["company_b"], on=day, decision=f"品牌{n}")
        ),
        "revoke": lambda: app.handle(
            RevokeCompanyBrand(company_id=ids["company_a"], on=day, decision=f"撤销{n}")
        ),
        "project": lambda: app.handle(
            DesignateDemonstrationProject(
                year=day.year, unit_id=ids["community2"], name=f"示范{n}", designated_on=day
            )
        ),
        "committee": lambda: app.handle(
            ElectOwnersCommittee(
                compound_id=ids["compound2"],
                name=f"2号小区业主委员会{n}",
                term_starts=day,
                term_ends=day + timedelta(days=3 * 365),
                members=_members(5),
            )
        ),
        "dissolve": lambda: app.handle(DissolvePartyOrg(org_id=ids["org"], on=day, reason="撤销")),
        "meeting": lambda: app.handle(
            HoldBranchMeeting(
                org_id=ids["org"],
                kind="party_lesson",
                held_on=day,
                platform="class_19",
                title=f"党课{n}",
                attendees=[FOUNDERS[n % 3]],
            )
        ),
        "committee_org": lambda: app.handle(
            FoundPartyOrg(
                code=f"YW{n}",
                name=f"业委会党支部{n}",
                host_kind="owners_committee",
                company_ids=[],
                method="standalone",
                kind="branch",
                founded_on=day,
                community_id=ids["community"],
                full_members=[f"Y{n}-{k}" for k in range(3)],
                owners_committee_id=ids["committee"],
            )
        ),
        "training": lambda: app.handle(
            HoldSecretaryTraining(
                title=f"书记培训{n}",
                held_on=day,
                attendees=[{"secretary_ref": f"SJ{n}", "org_id": ids["org"]}],
            )
        ),
    }
    with _on(day), suppress(DomainError):
        commands[action]()


def _found_new(app: Any, ids: dict[str, Any], day: date, n: int) -> None:
    company = app.handle(
        RegisterPropertyCompany(
            credit_code=f"91370105LATE{n:06d}", name=f"新物业{n}", street_id=ids["street"]
        )
    ).id
    app.handle(
        FoundPartyOrg(
            code=f"LATE{n}",
            name=f"新物业党支部{n}",
            host_kind="property_company",
            company_ids=[company],
            method="standalone",
            kind="branch",
            founded_on=day,
            street_id=ids["street"],
            full_members=[f"N{n}-{k}" for k in range(3)],
        )
    )


def _dispatch_new(app: Any, ids: dict[str, Any], day: date, n: int) -> None:
    instructor = app.handle(RegisterInstructor(code=f"ZDY-L{n}", name=f"指导员{n}")).id
    app.handle(
        DispatchInstructor(
            instructor_id=instructor,
            target_kind="property_company",
            target_id=ids["company_b"],
            on=day,
        )
    )


def _as_of(system: Any, orgs: list[str]) -> dict[str, Any]:
    system.catch_up()
    with system.read_engine.connect() as conn:
        return {
            "figures": party_figures(conn, D, year=2020),
            "figures_default_year": party_figures(conn, D),
            "coverage": dual_coverage.coverage_as_of(conn, D),
            "members": {o: party_orgs.member_refs_on(conn, o, D) for o in orgs},
            "active_orgs": [o["id"] for o in party_orgs.list_orgs(conn, active_on=D)],
        }


def test_the_as_of_figures_of_the_base_world(system: Any) -> None:
    ids = _world(system.app)
    seen = _as_of(system, [str(ids["org"])])
    figures = seen["figures"]
    assert figures["coverage"]["companies"] == 2 and figures["coverage"]["with_party_org"] == 1
    assert figures["demonstration_projects"] == 1 and figures["brands"] == 1
    assert figures["largest_branches"] == [{"name": "一号物业党支部", "members": 3}]
    assert figures["owners_committees"] == [
        {"name": "1号小区业主委员会", "party_member_share_pct": 42.9}
    ]
    early = _early(system, date(2020, 1, 31))
    assert early["largest_branches"] == [] and early["owners_committees"] == []
    assert early["demonstration_projects"] == 0 and early["brands"] == 0


def _early(system: Any, day: date) -> dict[str, Any]:
    with system.read_engine.connect() as conn:
        return party_figures(conn, day)


def test_events_dated_after_d_change_nothing_as_of_d(system: Any) -> None:
    ids = _world(system.app)
    orgs = [str(ids["org"])]
    before = _as_of(system, orgs)
    numbers = count(1)

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.lists(
            st.tuples(st.sampled_from(ACTIONS), st.integers(min_value=1, max_value=540)),
            min_size=1,
            max_size=6,
        )
    )
    def appended_later(actions: list[tuple[str, int]]) -> None:
        for action, days in actions:
            _append(system.app, ids, action, D + timedelta(days=days), next(numbers))
        assert _as_of(system, orgs) == before

    appended_later()
