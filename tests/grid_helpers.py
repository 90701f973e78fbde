"""A small district for the grid closed-loop tests, built through the commands."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain.metadata import command_context
from domain.org_bodies_commands import EstablishOrgBody
from domain.org_registry_commands import RegisterOrgUnit
from domain.party_building_commands import RegisterPropertyCompany, SignServiceContract
from domain.service_issue_commands import DefineSlaPolicy, ReportIssue
from domain.sla import DEFAULT_RULES


def at(when: str, role: str = "district_admin", actor: str = "tester") -> Any:
    """Business time `when` (Asia/Shanghai) for the commands in the block."""
    return command_context(
        actor_id=actor, role=role, scope="*", channel="test", occurred_at=f"{when}+08:00"
    )


def small_district(
    app: Any, *, with_sla: bool = True, with_contracts: bool = True
) -> dict[str, UUID]:
    """Two compounds; with contracts, company_a serves compound1 and company_b compound2
    from 2020-01-01 (an issue is accepted only for the company serving its compound)."""
    ids: dict[str, UUID] = {}
    with at("2020-01-01T09:00:00"):
        ids["district"] = app.handle(RegisterOrgUnit(kind="district", code="D", name="天桥区")).id
        ids["street"] = app.handle(
            RegisterOrgUnit(kind="street", code="S1", name="堤口路街道", parent_id=ids["district"])
        ).id
        ids["community"] = app.handle(
            RegisterOrgUnit(kind="community", code="C1", name="明星社区", parent_id=ids["street"])
        ).id
        ids["community2"] = app.handle(
            RegisterOrgUnit(kind="community", code="C2", name="无影山社区", parent_id=ids["street"])
        ).id
        for key in ("community", "community2"):  # 社区党组织: assessor of grid workers (R10)
            ids[f"party_org:{key}"] = app.handle(
                EstablishOrgBody(
                    kind="community_party_org",
                    parent_id=ids[key],
                    name="社区党委",
                    established_on=date(2020, 1, 1),
                )
            ).id
        for n, (community, homes) in enumerate([("community", 200), ("community2", 300)], start=1):
            ids[f"compound{n}"] = app.handle(
                RegisterOrgUnit(
                    kind="compound",
                    code=f"Q{n}",
                    name=f"{n}号小区",
                    parent_id=ids[community],
                    compound_type="open",
                    households=homes,
                )
            ).id
            ids[f"grid{n}"] = app.handle(
                RegisterOrgUnit(
                    kind="grid", code=f"Q{n}G1", name=f"{n}号网格", parent_id=ids[f"compound{n}"]
                )
            ).id
        if with_sla:
            app.handle(DefineSlaPolicy(rules=DEFAULT_RULES))
        if not with_contracts:
            ids["company_a"], ids["company_b"] = uuid4(), uuid4()
            return ids
        for n, key in enumerate(("company_a", "company_b"), start=1):
            ids[key] = app.handle(
                RegisterPropertyCompany(credit_code=f"91370105GRID{n:06d}", name=f"{n}号物业")
            ).id
            app.handle(
                SignServiceContract(
                    company_id=ids[key], compound_id=ids[f"compound{n}"], starts_on=date(2020, 1, 1)
                )
            )
    return ids


def report(app: Any, ids: dict[str, UUID], n: int = 1, **overrides: Any) -> UUID:
    args: dict[str, Any] = dict(
        channel="grid_worker",
        category="heating",
        compound_id=ids[f"compound{n}"],
        grid_id=ids[f"grid{n}"],
        description="暖气不热",
        building="3号楼",
    )
    args.update(overrides)
    return app.handle(ReportIssue(**args)).id
