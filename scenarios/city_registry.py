"""City step "registry": district → streets → communities → compounds → grids, then daily
registry churn spread over the whole city: renames (most), compounds moved between
communities, new compounds with their grids, and closed grids (never a compound's last).

Every street gets its property-management office and every community its party
organisation, residents' committee and property-work guidance committee at go-live
(domain/org_bodies.py).

Facts for the other steps: "streets", "communities", "compounds" (append-only lists),
"street_of" (community → street), "community_of" (compound → community, follows moves),
"grids_of" (compound → its open grids), "compound_of_grid", "guidance_committee_of"
(community → its property-work guidance committee).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.org_bodies_commands import EstablishOrgBody
from domain.org_registry import CompoundType
from domain.org_registry_commands import CloseOrgUnit, MoveCompound, RegisterOrgUnit, RenameOrgUnit
from scenarios.city_context import CityContext, pick_share
from scenarios.seed_terms import PROPERTY_WORK_COMMITTEE

COMPOUND_TYPES = [t.value for t in CompoundType]
MIX = (("rename", 0.75), ("move", 0.12), ("new_compound", 0.08), ("close_grid", 0.05))


class OrgRegistryStep:
    name = "registry"

    def setup(self, ctx: CityContext) -> None:
        self.rng = ctx.rng_for(self.name)
        app, plan, facts = ctx.app, ctx.plan, ctx.facts
        for key in ("streets", "communities", "compounds", "grids"):
            facts.setdefault(key, [])
        for key in (
            "street_of",
            "community_of",
            "grids_of",
            "compound_of_grid",
            "guidance_committee_of",
        ):
            facts.setdefault(key, {})
        with ctx.at(ctx.moment(plan.start, 8 * 60)):
            district = ctx.do(
                app.handle, RegisterOrgUnit(kind="district", code="C", name="市区")
            ).id
            ctx.ids["district"] = district
            for s in range(plan.streets):
                street = ctx.do(
                    app.handle,
                    RegisterOrgUnit(
                        kind="street", code=f"C{s:03d}", name=f"第{s + 1}街道", parent_id=district
                    ),
                ).id
                facts["streets"].append(street)
                self.establish(
                    ctx, "street_property_office", street, f"第{s + 1}街道物业管理办公室"
                )
                for c in range(plan.communities_per_street):
                    code = f"C{s:03d}{c:03d}"
                    community = ctx.do(
                        app.handle,
                        RegisterOrgUnit(
                            kind="community",
                            code=code,
                            name=f"第{s + 1}街道第{c + 1}社区",
                            parent_id=street,
                        ),
                    ).id
                    facts["communities"].append(community)
                    facts["street_of"][community] = street
                    self.community_bodies(ctx, community, f"第{s + 1}街道第{c + 1}")
                    for q in range(plan.compounds_per_community):
                        self.new_compound(ctx, community, f"{code}Q{q:03d}")
                    if ctx.full:
                        return

    def community_bodies(self, ctx: CityContext, community: UUID, name: str) -> None:
        self.establish(ctx, "community_party_org", community, f"{name}社区党委")
        self.establish(ctx, "residents_committee", community, f"{name}社区居委会")
        committee = self.establish(
            ctx, "property_guidance_committee", community, f"{name}{PROPERTY_WORK_COMMITTEE}"
        )
        ctx.facts["guidance_committee_of"][community] = committee

    def establish(self, ctx: CityContext, kind: str, parent: UUID, name: str) -> UUID:
        on = ctx.plan.start
        command = EstablishOrgBody(kind=kind, parent_id=parent, name=name, established_on=on)
        return ctx.do(ctx.app.handle, command).id

    def new_compound(self, ctx: CityContext, community: UUID, code: str) -> None:
        app, facts = ctx.app, ctx.facts
        compound = ctx.do(
            app.handle,
            RegisterOrgUnit(
                kind="compound",
                code=code,
                name=f"{code}小区",
                parent_id=community,
                compound_type=self.rng.choice(COMPOUND_TYPES),
                households=self.rng.randrange(150, 2500),
            ),
        ).id
        facts["compounds"].append(compound)
        facts["community_of"][compound] = community
        facts["grids_of"][compound] = []
        for g in range(ctx.plan.grids_per_compound):
            grid = ctx.do(
                app.handle,
                RegisterOrgUnit(
                    kind="grid", code=f"{code}G{g}", name=f"{code}第{g + 1}网格", parent_id=compound
                ),
            ).id
            facts["grids"].append(grid)
            facts["grids_of"][compound].append(grid)
            facts["compound_of_grid"][grid] = compound

    def day(self, ctx: CityContext, day: date) -> None:
        changes = ctx.plan.registry_changes_per_day
        for n in range(changes):
            if ctx.full:
                return
            with ctx.at(ctx.moment(day, 8 * 60 + n * 600 / changes)):
                self.change(ctx, day, n)

    def change(self, ctx: CityContext, day: date, n: int) -> None:
        app, rng, facts = ctx.app, self.rng, ctx.facts
        kind = pick_share(rng, MIX, "rename")
        if kind == "move" and len(facts["communities"]) > 1:
            self.move(ctx)
        elif kind == "new_compound":
            community = rng.choice(facts["communities"])
            self.new_compound(ctx, community, f"N{day:%y%m%d}{n:04d}")
        elif kind == "close_grid" and self.close_grid(ctx):
            pass
        else:
            unit = rng.choice(facts["compounds"] if rng.random() < 0.5 else facts["grids"])
            ctx.do(app.handle, RenameOrgUnit(unit_id=unit, name=f"更名{day:%y%m%d}-{n}"))

    def move(self, ctx: CityContext) -> None:
        facts = ctx.facts
        compound = self.rng.choice(facts["compounds"])
        here = facts["community_of"][compound]
        there = self.rng.choice([c for c in facts["communities"] if c != here])
        ctx.do(ctx.app.handle, MoveCompound(compound_id=compound, community_id=there))
        facts["community_of"][compound] = there

    def close_grid(self, ctx: CityContext) -> bool:
        """Close a grid of a compound that keeps another open grid; False if none found."""
        facts = ctx.facts
        grid = self.rng.choice(facts["grids"])
        siblings = facts["grids_of"][facts["compound_of_grid"][grid]]
        if len(siblings) < 2:
            return False
        ctx.do(ctx.app.handle, CloseOrgUnit(unit_id=grid, reason="网格调整"))
        siblings.remove(grid)
        facts["grids"].remove(grid)
        return True

    def finish(self, ctx: CityContext) -> None:
        pass
