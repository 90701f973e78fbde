"""Issue 7 row 3: every projection rebuilt from the city log, beside the raw notification
read rate, with the peak memory of the rebuilding process.

The log is the city generator's (every area through the commands; SQLite: cached in
var/bench/, see bench/city_logs.py). A fresh child process (spawned, so its memory is the
rebuild's alone) first reads the whole log page by page (the floor), then rebuilds every
projection of `projections.catalog` one after the other (`infra.rebuild.rebuild`, as
`redprop rebuild`: beside, then switch). Rows:

* rebuild all projections: log events / seconds of all the rebuilds, beside the raw read;
* peak RSS of the child (VmHWM), target <= 400 MB, beside its peak before the rebuilds
  (start-up and raw read); each projection's own peak is in the JSON, the highest in the
  notes;
* the generation of the log itself (events/s through the commands) when made in this run.

    python -m bench.city_rebuild --backend sqlite                       # 50k events
    python -m bench.city_rebuild --backend sqlite --size city_events=1000000
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import time
from pathlib import Path
from typing import Any

from bench.harness import Row, Sizes, Target, city_log_made, for_backends, per_second
from bench.verify import read_log
from infra.settings import Settings


def peak_mb() -> float:
    """Peak RSS of this process image, MB: VmHWM from /proc (ru_maxrss would also count
    the parent's memory copied at fork, before the spawned child's exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def reset_peak() -> None:
    """Start a new peak from the current RSS (Linux: clear_refs 5), so each projection's
    own peak is measured; elsewhere the peak stays cumulative."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def rebuild_all_in_child(settings: Settings, out: Any) -> None:
    """Child process: raw read, then every projection rebuilt; reports what it measured."""
    from infra.bootstrap import build_system
    from infra.rebuild import rebuild
    from projections.catalog import all_projections

    system = build_system(settings)
    try:
        start = peak_mb()
        head = system.app.recorder.max_notification_id() or 0
        began = time.perf_counter()
        read = read_log(system.app.recorder)
        raw = (read, time.perf_counter() - began)
        before = peak_mb()
        each = []
        for projection in all_projections():
            reset_peak()
            began = time.perf_counter()
            rebuild(system.app, system.write_engine, projection)
            each.append((projection.name, time.perf_counter() - began, peak_mb()))
    finally:
        system.close()
    out.put({"head": head, "raw": raw, "start": start, "before": before, "each": each})


def measure(backend: str, events: int) -> list[Row]:
    settings, made = city_log_made(backend, events)
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    child = spawn.Process(target=rebuild_all_in_child, args=(settings, out))
    child.start()
    result = out.get(timeout=4 * 3600)
    child.join()
    head, (read, read_seconds), before = result["head"], result["raw"], result["before"]
    each = result["each"]
    seconds = sum(s for _, s, _ in each)
    peak = max(before, *(rss for _, _, rss in each))
    top_mb, top = max((rss, name) for name, _, rss in each)
    slowest = sorted(each, key=lambda e: -e[1])[:3]
    rows = [
        Row(
            "rebuild all projections vs notification read",
            backend,
            "events/s",
            per_second(head, seconds),
            per_second(read, read_seconds),
            "read log",
            issue="#7.3",
            notes=(
                f"{head} events, {len(each)} projections in {seconds:.1f} s; slowest: "
                + ", ".join(f"{n} {s:.1f} s" for n, s, _ in slowest)
            ),
            extra={"projections": [{"name": n, "seconds": s, "rss_mb": r} for n, s, r in each]},
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
            notes=(
                f"{result['start']:.0f} MB after start-up, {before:.0f} MB after the raw read; "
                f"highest while rebuilding {top} ({top_mb:.0f} MB)"
            ),
        ),
    ]
    rows.append(
        Row(
            "generate city log through the commands",
            backend,
            "events/s",
            made["events_per_second"],
            None,
            "",
            issue="#7",
            notes=(
                f"{made['events']} events, {made['commands']} commands in {made['seconds']} s; "
                + ", ".join(f"{k} {v} s" for k, v in made.get("seconds_by_step", {}).items())
                + (" (cached log: figures from when it was made)" if made["cached"] else "")
            ),
        )
    )
    return rows


def run(sizes: Sizes) -> list[Row]:
    events = sizes.n("city_events", 50_000)
    return for_backends(sizes, lambda backend: measure(backend, events))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("city_rebuild", run)
