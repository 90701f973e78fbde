"""A city-scale generator: a deterministic, realistic mix of events, loaded through the
application's commands only (never by writing rows), for load and rebuild benchmarks.

Each area is a pluggable `CityStep`: `setup` once (the standing structure), then `day`
for every simulated day (the daily activity). Today only the org registry exists.

EXTENSION POINTS — areas being built on other branches append their step to STEPS:
  * companies and party orgs (issue 3): `plan.companies` companies with their branches,
    cross-appointments and branch life, spread over `ctx.facts["compounds"]`;
  * service issues (issue 4): `plan.issues_per_day` residents' problems a day, reported,
    dispatched, handled and closed (most solved; some overdue);
  * subsidies (issue 5): start-up funds for new branches, yearly subsidies, reversals;
  * assessments (issue 6): quarterly scorecards from the days generated so far.
A step reads `ctx.plan`, uses `ctx.rng` (seeded) and `ctx.at(...)` for business time, and
reports each command's result to `ctx.record(...)` so the generator can stop at
`plan.max_events`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from uuid import UUID

from domain.commands import CommandResult
from domain.org_registry import CompoundType
from infra.scenario.context import ScenarioContext

COMPOUND_TYPES = [t.value for t in CompoundType]


@dataclass(frozen=True)
class CityPlan:
    streets: int = 10
    communities_per_street: int = 8
    compounds_per_community: int = 10
    grids_per_compound: int = 2
    companies: int = 200  # for the companies step (issue 3)
    issues_per_day: int = 300  # for the service-issues step (issue 4)
    registry_changes_per_day: int = 200  # renames, moves, new compounds, closed grids
    days: int = 30
    start: date = date(2021, 1, 4)
    max_events: int | None = None  # stop once the log reaches this many events
    seed: int = 20211


@dataclass
class CityContext(ScenarioContext):
    plan: CityPlan = field(default_factory=CityPlan)
    head: int = 0  # log position of the last command's events

    def record(self, result: CommandResult) -> None:
        self.head = max(self.head, result.position)

    @property
    def full(self) -> bool:
        return self.plan.max_events is not None and self.head >= self.plan.max_events

    def moment(self, day: date, minute_of_day: int) -> datetime:
        return datetime.combine(day, time()) + timedelta(minutes=minute_of_day)


class CityStep(Protocol):
    name: str

    def setup(self, ctx: CityContext) -> None: ...

    def day(self, ctx: CityContext, day: date) -> None: ...


class OrgRegistryStep:
    """District → streets → communities → compounds → grids, then daily registry churn:
    renames (most), compounds moved between communities, new compounds, closed grids."""

    name = "org registry"

    def setup(self, ctx: CityContext) -> None:
        app, plan = ctx.app, ctx.plan
        with ctx.at(datetime.combine(plan.start, time(9))):
            district = self._do(ctx, app.register_org_unit, kind="district", code="C", name="市区")
            ctx.ids["district"] = district
            for s in range(plan.streets):
                street = self._do(
                    ctx,
                    app.register_org_unit,
                    kind="street",
                    code=f"C{s:03d}",
                    name=f"第{s + 1}街道",
                    parent_id=district,
                )
                ctx.facts.setdefault("streets", []).append(street)
                for c in range(plan.communities_per_street):
                    code = f"C{s:03d}{c:03d}"
                    community = self._do(
                        ctx,
                        app.register_org_unit,
                        kind="community",
                        code=code,
                        name=f"第{s + 1}街道第{c + 1}社区",
                        parent_id=street,
                    )
                    ctx.facts.setdefault("communities", []).append(community)
                    for q in range(plan.compounds_per_community):
                        self.new_compound(ctx, community, f"{code}Q{q:03d}")
                    if ctx.full:
                        return

    def new_compound(self, ctx: CityContext, community: UUID, code: str) -> None:
        app = ctx.app
        compound = self._do(
            ctx,
            app.register_org_unit,
            kind="compound",
            code=code,
            name=f"{code}小区",
            parent_id=community,
            compound_type=ctx.rng.choice(COMPOUND_TYPES),
            households=ctx.rng.randrange(150, 2500),
        )
        ctx.facts.setdefault("compounds", []).append(compound)
        ctx.facts.setdefault("community_of", {})[compound] = community
        for g in range(ctx.plan.grids_per_compound):
            grid = self._do(
                ctx,
                app.register_org_unit,
                kind="grid",
                code=f"{code}G{g}",
                name=f"{code}第{g + 1}网格",
                parent_id=compound,
            )
            ctx.facts.setdefault("grids", []).append(grid)

    def day(self, ctx: CityContext, day: date) -> None:
        app, rng, facts = ctx.app, ctx.rng, ctx.facts
        for n in range(ctx.plan.registry_changes_per_day):
            if ctx.full:
                return
            with ctx.at(ctx.moment(day, 8 * 60 + n * 600 // ctx.plan.registry_changes_per_day)):
                roll = rng.random()
                if roll < 0.75 or len(facts["communities"]) < 2:
                    unit = rng.choice(facts["compounds"] + facts["grids"])
                    self._do(ctx, app.rename_org_unit, unit, f"更名{day:%m%d}-{n}")
                elif roll < 0.87:
                    self.move(ctx)
                elif roll < 0.95:
                    community = rng.choice(facts["communities"])
                    self.new_compound(ctx, community, f"N{day:%y%m%d}{n:04d}")
                elif facts["grids"]:
                    grid = facts["grids"].pop(rng.randrange(len(facts["grids"])))
                    self._do(ctx, app.close_org_unit, grid, "网格调整")

    def move(self, ctx: CityContext) -> None:
        compound = ctx.rng.choice(ctx.facts["compounds"])
        here = ctx.facts["community_of"][compound]
        there = ctx.rng.choice([c for c in ctx.facts["communities"] if c != here])
        self._do(ctx, ctx.app.move_compound, compound, there)
        ctx.facts["community_of"][compound] = there

    @staticmethod
    def _do(ctx: CityContext, command: Callable[..., CommandResult], *a: Any, **kw: Any) -> UUID:
        result = command(*a, **kw)
        ctx.record(result)
        return result.id


STEPS: list[CityStep] = [
    OrgRegistryStep(),
    # issue 3: CompaniesStep(), issue 4: ServiceIssuesStep(), issue 5: SubsidiesStep(),
    # issue 6: AssessmentStep() — see the module docstring.
]


def generate(
    app: Any,
    plan: CityPlan,
    *,
    steps: list[CityStep] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> CityContext:
    """Load a city through the commands; returns the context (ids, facts, head)."""
    import random

    ctx = CityContext(app, rng=random.Random(plan.seed), plan=plan)
    chosen = STEPS if steps is None else steps
    for step in chosen:
        step.setup(ctx)
        if progress:
            progress(f"setup {step.name}", ctx.head)
    for d in range(plan.days):
        if ctx.full:
            break
        day = plan.start + timedelta(days=d)
        for step in chosen:
            step.day(ctx, day)
        if progress:
            progress(f"day {day}", ctx.head)
    return ctx
