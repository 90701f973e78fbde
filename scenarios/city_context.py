"""What every step of the city generator shares: the plan (sizes), the context (the app,
ids and facts the steps hand each other, the log head) and a schedule of timed actions.

A step is a `CityStep`: `setup` once (the standing structure), `day` for every simulated
day, `finish` at the end. Each step draws from its own seeded RNG (`ctx.rng_for(name)`),
so adding or changing one step does not change what the others generate.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from domain.commands import CommandResult
from scenarios.context import SHANGHAI, ScenarioContext

AREAS = ("registry", "companies", "branch_life", "issues", "subsidies", "assessment")
NEEDS = {  # an area's steps read the facts of these areas
    "companies": ("registry",),
    "branch_life": ("companies",),
    "issues": ("registry",),
    "subsidies": ("companies",),
    "assessment": ("registry",),
}


@dataclass(frozen=True)
class CityPlan:
    streets: int = 10
    communities_per_street: int = 8
    compounds_per_community: int = 10
    grids_per_compound: int = 2
    companies: int = 200
    issues_per_day: int = 300
    registry_changes_per_day: int = 20  # renames, moves, new compounds, closed grids
    days: int = 30
    start: date = date(2021, 3, 15)  # so the default 30 days publish the 2021Q1 scorecards
    max_events: int | None = None  # stop once the log reaches this many events
    seed: int = 20211
    areas: tuple[str, ...] = AREAS  # which steps run (see AREAS, NEEDS)

    def __post_init__(self) -> None:
        unknown = set(self.areas) - set(AREAS)
        if unknown:
            raise ValueError(f"unknown areas {sorted(unknown)}; choose from {', '.join(AREAS)}")
        for area in self.areas:
            missing = [n for n in NEEDS.get(area, ()) if n not in self.areas]
            if missing:
                raise ValueError(f"area {area} needs {', '.join(missing)}")

    @property
    def end(self) -> date:
        """The day after the last simulated day."""
        return self.start + timedelta(days=self.days)


@dataclass
class CityContext(ScenarioContext):
    plan: CityPlan = field(default_factory=CityPlan)
    head: int = 0  # log position of the last command's events
    commands: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # time spent in each step

    def record(self, result: CommandResult) -> CommandResult:
        self.head = max(self.head, result.position)
        self.commands += 1
        return result

    def do(self, command: Callable[..., CommandResult], *a: Any, **kw: Any) -> CommandResult:
        """Run one command and note where the log now ends."""
        return self.record(command(*a, **kw))

    def resync(self) -> None:
        """After work that does not return positions (a deadline tick, the subsidy
        process), read the head from the log."""
        self.head = max(self.head, self.app.recorder.max_notification_id() or 0)

    @property
    def full(self) -> bool:
        return self.plan.max_events is not None and self.head >= self.plan.max_events

    def rng_for(self, name: str) -> random.Random:
        return random.Random(f"{self.plan.seed}/{name}")

    @staticmethod
    def moment(day: date, minute_of_day: float) -> datetime:
        """A business time in Asia/Shanghai, `minute_of_day` minutes after midnight."""
        return datetime.combine(day, time(), SHANGHAI) + timedelta(minutes=minute_of_day)


class CityStep(Protocol):
    name: str

    def setup(self, ctx: CityContext) -> None: ...

    def day(self, ctx: CityContext, day: date) -> None: ...

    def finish(self, ctx: CityContext) -> None: ...


class Schedule:
    """Timed actions run in business-time order: `at(when, fn, *args)`, then `run_until`
    runs every action due before a moment (actions may schedule further actions)."""

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0

    def at(self, when: datetime, fn: Callable[..., None], *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, fn, args))

    def run_until(self, moment: datetime, ctx: CityContext) -> None:
        while self._heap and self._heap[0][0] < moment and not ctx.full:
            when, _, fn, args = heapq.heappop(self._heap)
            fn(when, *args)

    def __len__(self) -> int:
        return len(self._heap)


def end_of(day: date) -> datetime:
    return CityContext.moment(day, 24 * 60)


def pick_share(rng: random.Random, shares: Sequence[tuple[str, float]], rest: str) -> str:
    """One draw: the name whose share it falls in, or `rest` past all of them."""
    roll = rng.random()
    for name, share in shares:
        if roll < share:
            return name
        roll -= share
    return rest
