"""Shared set-up for subsidy tests: a district with two streets, a policy, budgets and
company party branches."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.subsidy_commands import AllocateSubsidyBudget, SetSubsidyPolicy
from tests.support.company_branches import company_branch


def setup_district(app: Any, *, budget: int = 10_000_000) -> dict[str, UUID]:
    ids: dict[str, UUID] = {}
    with command_context(actor_id="admin", role="district_admin", scope="*"):
        ids["district"] = app.handle(
            RegisterOrgUnit(kind="district", code="370105", name="天桥区")
        ).id
        for code, name in (("S01", "北坦街道"), ("S02", "堤口路街道")):
            ids[code] = app.handle(
                RegisterOrgUnit(kind="street", code=code, name=name, parent_id=ids["district"])
            ).id
        app.handle(
            SetSubsidyPolicy(
                effective_from=date(2019, 1, 1),
                start_date=date(2019, 1, 1),
                startup_fund_fen=500_000,
                yearly_subsidy_fen=300_000,
            )
        )
        for year in (2020, 2021):
            app.handle(
                AllocateSubsidyBudget(holder_id=ids["district"], year=year, amount_fen=budget)
            )
    return ids


def found_branch(
    app: Any, code: str, founded_on: date, street_id: UUID | None, community_id: UUID | None = None
) -> UUID:
    """A company party branch (its founding event)."""
    org = company_branch(code, f"company-{code}", founded_on, street_id, community_id)
    app.save(org)
    return org.id


def dissolve_branch(app: Any, branch_id: UUID, on: date) -> None:
    org = app.repository.get(branch_id)
    org.dissolve(on, reason="company left the district", companies=[])
    app.save(org)
