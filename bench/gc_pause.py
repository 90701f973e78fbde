"""Issue 14 (the 80/20 mix's p99): how long a full garbage collection pauses a loaded web
process, with what it loaded at start frozen (`infra/heap.py`, as every gunicorn worker
and `redprop worker` do) beside the same process unfrozen.

The process is a web process as `redprop serve` builds it (the app, its schemas, the
domain, SQLAlchemy's metadata), after answering a few requests. Every thread of a process
waits while a full collection runs, so the pause lands on whatever requests that worker
holds. Rounds alternate freezing and thawing; each figure is the median over the rounds of
`gc.collect()`'s wall time in microseconds.
"""

from __future__ import annotations

import gc
import time
from dataclasses import replace
from statistics import median

from api.auth import mint_token
from bench.command_path import register_districts
from bench.harness import Row, Sizes, temp_database
from bench.http import SECRET
from infra.bootstrap import build_system
from infra.heap import freeze_loaded


def full_collection_us() -> float:
    start = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - start) * 1e6


def measure(rounds: int) -> list[Row]:
    with temp_database("sqlite", "gcpause") as db:
        db = replace(db, secret=SECRET)
        system = build_system(db)
        web = build_system(db, projections_here=False)
        try:
            units = register_districts(system, 20)
            system.catch_up()
            client = web.wsgi().test_client()
            token = mint_token(SECRET, user_id="bench", role="district_admin", scope="*")
            for unit in units:
                answer = client.get(
                    f"/api/v1/org-units/{unit}", headers={"Authorization": f"Bearer {token}"}
                )
                assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
            frozen, thawed = [], []
            for _ in range(rounds):
                gc.unfreeze()
                thawed.append(full_collection_us())
                freeze_loaded()
                frozen.append(full_collection_us())
            tracked = len(gc.get_objects()) + gc.get_freeze_count()
        finally:
            gc.unfreeze()
            web.close()
            system.close()
    return [
        Row(
            "full GC pause of a loaded web process, start-up frozen",
            "-",
            "us",
            median(frozen),
            median(thawed),
            "the same process, not frozen",
            issue="#14",
            notes=(
                f"median of {rounds} alternating rounds: unfrozen pauses "
                f"{median(thawed) / max(median(frozen), 1e-9):,.0f}x longer; {tracked:,} objects "
                "tracked by the collector, the web app and its system loaded in one process"
            ),
        )
    ]


def run(sizes: Sizes) -> list[Row]:
    return measure(sizes.n("gc_pause_rounds", 7))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("gc_pause", run)
