"""The demo's party-building step reproduces the seed's figures through the read models."""

from __future__ import annotations

from datetime import date
from typing import Any

from infra.scenario import org_registry, party_building
from infra.scenario.context import ScenarioContext
from projections import dual_coverage, owners_committees, party_orgs, recognitions


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
