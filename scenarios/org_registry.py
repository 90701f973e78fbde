"""The district's streets, communities, compounds and grids, and the bodies the seed names
under them: every street's property-management office (街道物业管理办公室), and in every
community its party organisation (社区党组织), residents' committee (居委会) and property-work
guidance committee (社区物业工作指导委员会), all in office from go-live.

Named places from the seed report: 北坦街道 (华黎社区, whose party organisation the seed calls
华黎社区党总支), 堤口路街道, 制锦市街道, 北关社区. Other names are invented; Tianqiao has nine
streets in reality, the demo keeps five.

Ids for the later steps: ctx.ids["property_office:<street>"], and per community
"community_party_org:<community>", "residents_committee:<community>",
"guidance_committee:<community>"; ctx.facts["guidance_committee_of"] (community id → id)
and ctx.facts["community_of"] (compound id → community id).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.org_bodies_commands import EstablishOrgBody
from domain.org_registry import CompoundType
from domain.org_registry_commands import RegisterOrgUnit
from scenarios import seed_terms as terms
from scenarios.context import ScenarioContext

STREETS = {
    "北坦街道": ["华黎社区", "北坦社区", "康都社区", "铜元局社区"],
    "堤口路街道": ["堤口路社区", "明星社区", "无影山社区", "蓝翔路社区"],
    "制锦市街道": ["制锦市社区", "北关社区", "锦苑社区", "纬北社区"],
    "工人新村北村街道": ["北村社区", "新村社区", "堤口庄社区"],
    "官扎营街道": ["官扎营社区", "成丰桥社区", "新黄社区"],
}
COMPOUND_TYPES = list(CompoundType)
GO_LIVE = date(2020, 1, 2)


def load(ctx: ScenarioContext) -> None:
    app = ctx.app
    with ctx.at("2020-01-02T09:00:00"):
        district = app.handle(
            RegisterOrgUnit(kind="district", code="370105", name=terms.DISTRICT)
        ).id
        ctx.ids["district"] = district
        compounds: list = []
        for s_no, (street, communities) in enumerate(STREETS.items(), start=1):
            street_id = app.handle(
                RegisterOrgUnit(kind="street", code=f"S{s_no:02d}", name=street, parent_id=district)
            ).id
            ctx.ids[f"street:{street}"] = street_id
            ctx.ids[f"property_office:{street}"] = _establish(
                ctx, "street_property_office", street_id, f"{street}物业管理办公室"
            )
            for c_no, community in enumerate(communities, start=1):
                code = f"S{s_no:02d}C{c_no:02d}"
                community_id = app.handle(
                    RegisterOrgUnit(
                        kind="community", code=code, name=community, parent_id=street_id
                    )
                ).id
                ctx.ids[f"community:{community}"] = community_id
                _community_bodies(ctx, community, community_id)
                for k in range(1, 6):
                    compound_type = COMPOUND_TYPES[(s_no + c_no + k) % len(COMPOUND_TYPES)]
                    compound_id = app.handle(
                        RegisterOrgUnit(
                            kind="compound",
                            code=f"{code}Q{k}",
                            name=f"{community.removesuffix('社区')}{k}号小区",
                            parent_id=community_id,
                            compound_type=compound_type.value,
                            households=ctx.rng.randrange(200, 1600),
                        )
                    ).id
                    app.handle(
                        RegisterOrgUnit(
                            kind="grid",
                            code=f"{code}Q{k}G1",
                            name=f"{community}第{k}网格",
                            parent_id=compound_id,
                        )
                    )
                    compounds.append(compound_id)
                    ctx.facts.setdefault("community_of", {})[compound_id] = community_id
        ctx.facts["compounds"] = compounds


def _community_bodies(ctx: ScenarioContext, community: str, community_id: UUID) -> None:
    for key, kind, name in (
        ("community_party_org", "community_party_org", f"{community}党总支"),
        ("residents_committee", "residents_committee", f"{community}居委会"),
        (
            "guidance_committee",
            "property_guidance_committee",
            f"{community.removesuffix('社区')}{terms.PROPERTY_WORK_COMMITTEE}",
        ),
    ):
        ctx.ids[f"{key}:{community}"] = _establish(ctx, kind, community_id, name)
    committees = ctx.facts.setdefault("guidance_committee_of", {})
    committees[community_id] = ctx.ids[f"guidance_committee:{community}"]


def _establish(ctx: ScenarioContext, kind: str, parent_id: UUID, name: str) -> UUID:
    command = EstablishOrgBody(kind=kind, parent_id=parent_id, name=name, established_on=GO_LIVE)
    return ctx.app.handle(command).id
