"""The demo's party-building step reproduces the seed's figures through the read models."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.branch_life import DEFAULT_RULES
from projections import (
    branch_life,
    dual_coverage,
    owners_committees,
    party_activities,
    party_orgs,
    recognitions,
)
from projections.party_figures import party_figures
from scenarios import org_registry, party_building, party_life
from scenarios.context import ScenarioContext


def test_seed_figures_from_the_read_models(system: Any) -> None:
    ctx = ScenarioContext(system.app)
    org_registry.load(ctx)
    party_building.load(ctx)
    system.catch_up()
    kangdu = str(ctx.ids["party_org:康都"])
    with system.read_engine.connect() as conn:
        now = dual_coverage.coverage_as_of(conn, date(2020, 12, 31))
        before = dual_coverage.coverage_as_of(conn, date(2020, 1, 9))
        kangdu_start = party_orgs.members_on(conn, kangdu, date(2020, 1, 10))
        kangdu_end = party_orgs.members_on(conn, kangdu, date(2020, 12, 31))
        demos = recognitions.demonstration_projects_in(conn, 2020)
        brands = recognitions.brands_as_of(conn, date(2020, 12, 31))
        huali = owners_committees.committees_with_party_share(
            conn, community_id=str(ctx.ids["community:华黎社区"])
        )
        year_end = party_figures(conn, date(2020, 12, 31))
        founding_day = party_figures(conn, date(2020, 1, 10))
    district = now["district"]
    assert district["companies"] == 65
    assert district["with_party_org"] == 48
    assert district["organisational_coverage_pct"] == 73.8
    assert district["instructors_in_post"] == 65
    assert district["work_coverage_pct"] == 100.0
    assert sum(s["companies"] for s in now["streets"]) == 65
    assert before["district"]["with_party_org"] == 0  # as of a date before any founding
    assert before["district"]["instructors_in_post"] == 0
    assert kangdu_start == 5 and kangdu_end > 20
    assert len(demos) == 15 and len(brands) == 5
    assert huali[0]["party_member_share_pct"] > 60
    assert len(ctx.facts["companies"]) == 65
    assert sum(len(o["company_ids"]) for o in ctx.facts["party_orgs"]) == 48
    assert year_end["largest_branches"][0] == {
        "name": "山东康都物业管理有限公司党支部",
        "members": 22,
    }
    assert year_end["demonstration_projects"] == 15 and year_end["brands"] == 5
    assert year_end["owners_committees"] == [
        {"name": "华黎1号小区业主委员会", "party_member_share_pct": 71.4}
    ]
    # as of the founding day of Kangdu's branch: nothing later is counted
    assert founding_day["largest_branches"] == [
        {"name": "山东康都物业管理有限公司党支部", "members": 5}
    ]
    assert founding_day["owners_committees"] == []  # elected 2020-06-18
    assert founding_day["demonstration_projects"] == 0 and founding_day["brands"] == 0


def test_party_life_step_through_the_read_models(system: Any, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the same commands run on both backends in the figures test")
    ctx = ScenarioContext(system.app)
    org_registry.load(ctx)
    party_building.load(ctx)
    party_life.load(ctx)
    system.catch_up()
    kangdu = str(ctx.ids["party_org:康都"])
    with system.read_engine.connect() as conn:
        year = branch_life.branch_life_report(
            conn, kangdu, date(2020, 1, 1), date(2020, 12, 31), DEFAULT_RULES
        )
        trainings = party_activities.events_in_year(conn, "secretary_training", 2020)
        joint = party_activities.events_in_year(conn, "joint_event", 2020)
        windows = party_activities.periods_active_on(conn, "place", date(2020, 5, 1))
        appointed = party_activities.periods_active_on(conn, "cross_appointment", date(2020, 3, 1))
        figures = party_figures(conn, date(2021, 12, 31))
        year_end = party_figures(conn, date(2020, 12, 31))
    assert all(k["met"] for k in year["by_kind"]), year["by_kind"]
    assert 0 < year["study_coverage_pct"] <= 100
    assert trainings[0]["attendees"] == len(ctx.facts["party_orgs"])
    assert [e["co_host_kinds"].count(",") + 1 for e in joint] == [2, 3]
    assert {w["kind"] for w in windows} == {"deliberation_hall", "service_window"}
    assert appointed == []  # as of a date before the appointments
    training = figures["secretary_training"]
    assert training["held_every_year"] and [y["year"] for y in training["years"]] == [2020, 2021]
    assert all(y["missed"] == [] for y in training["years"])
    study = year_end["study_coverage"]  # every branch meets, Kangdu's among them
    assert study["district"]["members_who_studied"] > year["members_who_studied"] > 0
    assert sum(s["members"] for s in study["streets"]) == study["district"]["members"]
