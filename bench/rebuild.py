"""Issue 2 (c) and issue 7 row 3: projection rebuilds beside the raw notification read rate.

* #2c: `infra.rebuild.rebuild` of the registry projection (what `redprop rebuild
  org_registry` runs: build beside, then switch), events/s, target >= 30,000 events/s;
  the issue sets it on 100k events (`--size log_events=100000`).
* #7.3: every projection in `projections.catalog`, rebuilt in a fresh child process, so
  that its peak RSS (target < 400 MB) is the rebuild's alone; the peer of the RSS row is
  the same child's RSS just before the rebuild started.
The floor of both rate rows is a plain page-by-page read of the same log.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from typing import Any

from bench.harness import Row, Sizes, Target, city_log, for_backends, per_second, side_by_side
from bench.verify import read_log
from infra.bootstrap import build_system
from infra.rebuild import rebuild
from infra.settings import Settings
from projections.catalog import all_projections


def rebuild_registry(system: Any) -> int:
    runner = system.runner("org_registry")
    rebuild(system.app, system.write_engine, runner.projection)
    return system.app.recorder.max_notification_id() or 0


def rebuild_all_in_child(settings: Settings, out: Any) -> None:
    """Child process: rebuild every projection; report events, seconds and RSS (MB)."""
    system = build_system(settings)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    for projection in all_projections():
        rebuild(system.app, system.write_engine, projection)
    seconds = time.perf_counter() - start
    events = system.app.recorder.max_notification_id() or 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    system.close()
    out.put((events, seconds, before, peak))


def measure(backend: str, events: int, rounds: int) -> list[Row]:
    settings = city_log(backend, events)
    system = build_system(settings)
    try:
        recorder = system.app.recorder
        head = recorder.max_notification_id() or 0
        ours, floor = side_by_side(
            lambda r: rebuild_registry(system), lambda r: read_log(recorder), rounds
        )
    finally:
        system.close()
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    child = spawn.Process(target=rebuild_all_in_child, args=(settings, out))
    child.start()
    n, seconds, before, peak = out.get(timeout=3600)
    child.join()
    names = ", ".join(p.name for p in all_projections())
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
        Row(
            "rebuild all projections (child process)",
            backend,
            "events/s",
            per_second(n, seconds),
            floor,
            "read log",
            issue="#7.3",
            notes=f"{n} events; projections: {names}",
        ),
        Row(
            "rebuild all projections: peak RSS",
            backend,
            "MB",
            peak,
            before,
            "RSS before",
            Target("value", "<=", 400),
            issue="#7.3",
        ),
    ]


def run(sizes: Sizes) -> list[Row]:
    events = sizes.n("log_events", 30_000)
    rounds = sizes.n("rebuild_rounds", 3)
    return for_backends(sizes, lambda backend: measure(backend, events, rounds))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("rebuild", run)
