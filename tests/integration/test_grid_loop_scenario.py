"""The grid-loop step routes issues to the companies the party step named. (The whole demo's
882 collected / 577 solved, on both databases: test_living_demo.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.party_building_commands import RegisterPropertyCompany, SignServiceContract
from projections import grid_workers, issue_metrics
from scenarios import grid_loop, org_registry
from scenarios.context import ScenarioContext


def test_routes_to_companies_when_the_party_step_named_them(system: Any, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("routing does not depend on the backend")
    ctx = ScenarioContext(system.app)
    org_registry.load(ctx)
    with ctx.at("2020-01-01T09:00:00"):
        companies = [
            system.app.handle(
                RegisterPropertyCompany(credit_code=f"91370105ROUTE{n:05d}", name=f"{n}号物业")
            ).id
            for n in range(3)
        ]
        ctx.facts["company_of"] = {}
        for k, compound in enumerate(ctx.facts["compounds"]):
            ctx.facts["company_of"][compound] = companies[k % 3]
            system.app.handle(
                SignServiceContract(
                    company_id=companies[k % 3], compound_id=compound, starts_on=date(2020, 1, 1)
                )
            )
    ctx.facts["companies"] = [{"id": str(companies[0])}, companies[1], str(companies[2])]
    grid_loop.load(ctx)
    system.catch_up()
    with system.read_engine.connect() as conn:
        rates = issue_metrics.rates(conn, per="company")
        card = grid_workers.grid_worker_scorecard(conn, str(companies[0]), "2020-Q4")
    assert {r["group_id"] for r in rates} == {str(c) for c in companies}
    assert sum(r["resolved"] for r in rates) == 577
    assert card["assessments"] == 2 and card["sent_to_company"] == 2 and card["workers"]
