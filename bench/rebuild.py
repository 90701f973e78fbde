"""Issue 2 (c): the registry projection rebuilt beside the raw notification read rate.

`infra.rebuild.rebuild` of the registry projection (what `redprop rebuild org_registry`
runs: build beside, then switch), events/s, target >= 30,000 events/s; the issue sets it
on 100k events (`--size log_events=100000`). The log is the city generator's org-registry
area alone (registrations, renames, moves, closures), so every event is the projection's.
The floor is a plain page-by-page read of the same log. Every projection rebuilt from the
whole city log (issue 7 row 3) is bench/city_rebuild.py.
"""

from __future__ import annotations

from typing import Any

from bench.harness import Row, Sizes, Target, city_log, for_backends, side_by_side
from bench.verify import read_log
from infra.bootstrap import build_system
from infra.rebuild import rebuild

REGISTRY = ("registry",)


def rebuild_registry(system: Any) -> int:
    runner = system.runner("org_registry")
    rebuild(system.app, system.write_engine, runner.projection)
    return system.app.recorder.max_notification_id() or 0


def measure(backend: str, events: int, rounds: int) -> list[Row]:
    settings = city_log(backend, events, REGISTRY)
    system = build_system(settings)
    try:
        recorder = system.app.recorder
        head = recorder.max_notification_id() or 0
        ours, floor = side_by_side(
            lambda r: rebuild_registry(system), lambda r: read_log(recorder), rounds
        )
    finally:
        system.close()
    return [
        Row(
            "rebuild registry projection vs notification read",
            backend,
            "events/s",
            ours,
            floor,
            "read log",
            Target("value", ">=", 30_000),
            issue="#2c",
            notes=f"{head} events, median of {rounds} interleaved rounds",
        ),
    ]


def run(sizes: Sizes) -> list[Row]:
    events = sizes.n("log_events", 30_000)
    rounds = sizes.n("rebuild_rounds", 3)
    return for_backends(sizes, lambda backend: measure(backend, events, rounds))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("rebuild", run)
