"""The demo's subsidy step on its own, over 48 company branches (the fact shape of the
party-building step's `ctx.facts["party_orgs"]`): the ledger checks out, two reversals.
`-s` prints its yearly report."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any

from infra import ledger_export
from infra.ledger_check import check_ledger
from projections import subsidy_reports as reports
from scenarios import org_registry, subsidies
from scenarios.context import ScenarioContext
from tests.support.company_branches import company_branch

BRANCHES = 48


def company_party_orgs(ctx: ScenarioContext) -> list[dict[str, Any]]:
    streets = sorted(k for k in ctx.ids if k.startswith("street:"))
    facts = []
    for i in range(BRANCHES):
        founded = date(2018, 7, 1) + timedelta(days=23 * i)
        street = streets[i % len(streets)]
        with ctx.at(f"{founded.isoformat()}T09:00:00"):
            org = company_branch(f"PB{i:02d}", f"company-{i:02d}", founded, ctx.ids[street])
            ctx.app.save(org)
        facts.append(
            {
                "id": org.id,
                "company_ids": [f"company-{i:02d}"],
                "founded_on": founded,
                "street": street.split(":", 1)[1],
            }
        )
    return facts


def test_subsidy_step_over_48_branches(system: Any) -> None:
    ctx = ScenarioContext(system.app)
    org_registry.load(ctx)
    ctx.facts.setdefault("party_orgs", company_party_orgs(ctx))
    subsidies.load(ctx)
    system.catch_up()
    with system.read_engine.connect() as conn:
        yearly = reports.yearly_report(conn)
        trial = reports.trial_balance(conn)
        reversed_ = reports.list_entitlements(conn, page=1, per_page=500, status="reversed")[1]
        recovered = reports.list_entitlements(conn, page=1, per_page=500, status="recovered")[1]
        sheets = ledger_export.build(conn, ["yearly", "streets"])
    assert trial["net_fen"] == 0
    assert reversed_ + recovered == 2
    assert {(r["year"], r["kind"]) for r in yearly} >= {(2020, "yearly"), (2021, "yearly")}
    assert sum(r["entitlements"] for r in yearly if r["kind"] == "yearly" and r["year"] == 2021)
    assert check_ledger(system.app, system.write_engine).ok
    ledger_export.write_text(sheets, sys.stdout)
