"""City logs for the benchmarks, generated once through the commands and kept.

An SQLite city log is written to `var/bench/city-<size>-<key>.db` (or under
`REDPROP_BENCH_CACHE`), where the key digests the plan and the code the stored log depends
on (domain, generator, recorders, subsidy process, assessment facts); a benchmark works on
a copy, so the cached file stays a bare log. Beside it, `<name>.json` says how it was made
(plan, events, commands, seconds, events/s, machine). PostgreSQL logs are generated in
every run (into a throwaway schema).

Not a benchmark module (no `run`): `python -m bench.city_logs --events 1000000` makes the
cached log ahead of a benchmark run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.machine import machine
from infra.settings import Settings
from scenarios.city_context import AREAS, CityPlan

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("REDPROP_BENCH_CACHE", ROOT / "var" / "bench"))
# the code a stored log depends on: change any of it and the log is generated afresh
SOURCES = (
    "domain/*.py",
    "scenarios/*.py",
    "infra/storage/recorders.py",
    "infra/storage/chained_writes.py",
    "infra/storage/postgres_recorder.py",
    "infra/storage/chain.py",
    "infra/storage/command_log.py",
    "infra/storage/event_store.py",
    "infra/storage/transcoder.py",
    "infra/subsidy_process.py",
    "infra/projection_runner.py",
    "projections/assessment_*.py",
    "infra/views/*.py",
)


def city_plan(events: int, areas: tuple[str, ...] = AREAS) -> CityPlan:
    """The benchmarks' plan: default city sizes, as many days as `events` needs."""
    return CityPlan(days=100_000, max_events=events, areas=areas)


def plan_key(plan: CityPlan) -> str:
    digest = hashlib.sha256(repr(plan).encode())
    digest.update(version("eventsourcing").encode())
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_path(plan: CityPlan) -> Path:
    size = f"{plan.max_events // 1000}k" if plan.max_events else f"{plan.days}d"
    areas = "" if plan.areas == AREAS else "-" + "+".join(plan.areas)
    return CACHE / f"city-{size}{areas}-{plan_key(plan)}.db"


def generate_into(settings: Settings, plan: CityPlan, progress: bool = True) -> dict[str, Any]:
    """Generate `plan` into the database of `settings`; returns how it went."""
    from infra.bootstrap import build_system
    from scenarios.city import every, generate

    def report(what: str, head: int, rate: float) -> None:
        print(f"   city log: {what}, {head:,} events, {rate:,.0f}/s", file=sys.stderr)

    system = build_system(settings)
    began = time.perf_counter()
    try:
        ctx = generate(system.app, plan, progress=every(15, report) if progress else None)
    finally:
        system.close()
    seconds = time.perf_counter() - began
    return {
        "events": ctx.head,
        "commands": ctx.commands,
        "seconds": round(seconds, 1),
        "events_per_second": round(ctx.head / seconds),
        "seconds_by_step": {name: round(s, 1) for name, s in ctx.seconds.items()},
    }


def cached_sqlite_log(plan: CityPlan) -> tuple[Path, dict[str, Any]]:
    """The cached SQLite log of `plan` (generated now if missing) and how it was made."""
    path = cached_path(plan)
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, {**json.loads(meta_path.read_text()), "cached": True}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.partial-{os.getpid()}.db")
    print(f"   generating {path.name} (cached for later runs)", file=sys.stderr)
    made = generate_into(Settings(database_url=f"sqlite:///{partial}"), plan)
    for suffix in ("-wal", "-shm"):  # closed cleanly, the WAL is checkpointed and gone
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    meta = {"plan": asdict(plan), **made, "machine": machine()}
    meta_path.write_text(json.dumps(meta, indent=2, default=str, ensure_ascii=False))
    return path, {**meta, "cached": False}


def copy_of(path: Path, folder: Path) -> Settings:
    """Settings on a private copy of a cached log (benchmarks write projections into it)."""
    target = folder / path.name
    shutil.copyfile(path, target)
    return Settings(database_url=f"sqlite:///{target}")


def main() -> None:
    parser = argparse.ArgumentParser(description="make the cached SQLite city log")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--areas", default=",".join(AREAS))
    args = parser.parse_args()
    plan = city_plan(args.events, tuple(a.strip() for a in args.areas.split(",")))
    path, meta = cached_sqlite_log(plan)
    how = "cached" if meta["cached"] else "generated"
    print(
        f"{path}: {meta['events']:,} events, {meta['commands']:,} commands, {how}; "
        f"made in {meta['seconds']} s ({meta['events_per_second']:,} events/s)"
    )


if __name__ == "__main__":
    main()
