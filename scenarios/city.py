"""A city-scale generator: a deterministic, realistic mix of every kind of event, loaded
through the application's commands only (never by writing rows), for load and rebuild
benchmarks.

Each area is a `CityStep` (scenarios/city_<area>.py): `setup` once at go-live (the
standing structure), then `day` for every simulated day, `finish` at the end. STEPS
lists them in the order they run each day; `CityPlan.areas` picks some of them. The bulk
of the log is service issues (`plan.issues_per_day`, each driven through its life).

While it runs the generator is the log's only writer, so it keeps recently used
aggregates in memory (an LRU cache that is not fast-forwarded from the database): a
command then loads a long-lived aggregate (a community, a company, a budget) without
replaying its history.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from eventsourcing.application import LRUCache
from eventsourcing.sqlite import SQLiteConnectionPool

from infra.storage.library_seams import set_synchronous
from scenarios.city_assessment import AssessmentStep
from scenarios.city_branch_life import BranchLifeStep
from scenarios.city_companies import CompaniesStep
from scenarios.city_context import AREAS, CityContext, CityPlan, CityStep
from scenarios.city_issues import ServiceIssuesStep
from scenarios.city_registry import OrgRegistryStep
from scenarios.city_subsidies import SubsidiesStep

__all__ = ["AREAS", "STEPS", "CityContext", "CityPlan", "CityStep", "generate", "log_digest"]

STEPS: list[type[CityStep]] = [
    OrgRegistryStep,
    CompaniesStep,
    BranchLifeStep,
    ServiceIssuesStep,
    SubsidiesStep,
    AssessmentStep,  # last: it scores what the others generated
]
CACHED_AGGREGATES = 20_000


@contextmanager
def sole_writer(app: Any, maxsize: int = CACHED_AGGREGATES) -> Iterator[None]:
    """What the generator may do because it is the log's only writer while it runs, and
    because a failing command ends the run: keep saved aggregates in an LRU cache that is
    neither fast-forwarded from the database nor copied for each command; on SQLite,
    commit without waiting for the disk (synchronous=NORMAL, still crash-safe for the
    database file). The application's own settings come back afterwards."""
    repository = app.repository
    saved = repository.cache, repository.fastforward, repository.deepcopy_from_cache
    repository.cache = LRUCache(maxsize=maxsize)
    repository.fastforward = repository.deepcopy_from_cache = False
    pool = getattr(getattr(app.recorder, "datastore", None), "pool", None)
    sqlite = isinstance(pool, SQLiteConnectionPool)
    if sqlite:
        set_synchronous(pool, "NORMAL")
    try:
        yield
    finally:
        repository.cache, repository.fastforward, repository.deepcopy_from_cache = saved
        if sqlite:
            set_synchronous(pool, None)


def every(seconds: float, report: Callable[[str, int, float], None]) -> Callable[[str, int], None]:
    """A `progress` for `generate` that hands `report` (what, head, events/s so far) at most
    once every `seconds`."""
    began = last = time.perf_counter()

    def progress(what: str, head: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= seconds:
            report(what, head, head / (now - began))
            last = now

    return progress


def generate(
    app: Any,
    plan: CityPlan,
    *,
    steps: list[CityStep] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> CityContext:
    """Load a city through the commands; returns the context (ids, facts, head)."""
    ctx = CityContext(app, plan=plan)
    chosen = steps if steps is not None else [s() for s in STEPS if s.name in plan.areas]
    with sole_writer(app):
        for step in chosen:
            _timed(ctx, step.name, step.setup, ctx)
            if progress:
                progress(f"setup {step.name}", ctx.head)
        for d in range(plan.days):
            if ctx.full:
                break
            day = plan.start + timedelta(days=d)
            for step in chosen:
                _timed(ctx, step.name, step.day, ctx, day)
            if progress:
                progress(f"day {day}", ctx.head)
        for step in chosen:
            step.finish(ctx)
    ctx.resync()
    return ctx


def _timed(ctx: CityContext, name: str, fn: Callable[..., None], *args: Any) -> None:
    began = time.perf_counter()
    fn(*args)
    ctx.seconds[name] = ctx.seconds.get(name, 0.0) + time.perf_counter() - began


def log_digest(app: Any, page: int = 5000) -> str:
    """SHA-256 of the log's content: every position, topic, originator, version and event
    state, without the wall-clock `timestamp` each event carries (two runs of one plan
    differ only there)."""
    digest, after = hashlib.sha256(), 0
    while notifications := app.recorder.select_notifications(
        start=after, limit=page, inclusive_of_start=False
    ):
        for n in notifications:
            state = json.loads(n.state)
            state.pop("timestamp", None)
            line = [n.id, n.topic, str(n.originator_id), n.originator_version, state]
            digest.update(json.dumps(line, sort_keys=True, ensure_ascii=False).encode())
        after = notifications[-1].id
    return digest.hexdigest()
