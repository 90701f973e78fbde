"""The small interface every benchmark module shares.

A benchmark module `bench/<name>.py` exposes `run(sizes: Sizes) -> list[Row]`. Each Row is
one ratio measured side by side in the same run: our figure beside its peer (another
implementation doing the same work) or its floor (the cheapest way to do it), with the
target from the issue that owns it. `python -m bench` discovers such modules, prints one
table and writes JSON to bench/results/.
"""

from __future__ import annotations

import atexit
import gc
import json
import math
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.city_logs import cached_sqlite_log, city_plan, copy_of, generate_into
from bench.machine import PG_URL, pg_problem
from infra.settings import Settings

RESULTS = Path(__file__).parent / "results"
BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Target:
    """What the owning issue asks: on the `ratio` or the `value`, `>=` or `<=` a bound."""

    on: str  # "ratio" | "value"
    op: str  # ">=" | "<="
    bound: float

    def met(self, row: Row) -> bool | None:
        figure = row.ratio if self.on == "ratio" else row.ours
        if figure is None:
            return None
        return figure >= self.bound if self.op == ">=" else figure <= self.bound

    def __str__(self) -> str:
        suffix = "x" if self.on == "ratio" else ""
        return f"{self.op} {self.bound:g}{suffix}"


@dataclass
class Row:
    """One line of the table: ours beside its peer (or floor), measured in the same run."""

    benchmark: str  # e.g. "command path (1 event/command)"
    backend: str  # "sqlite" | "postgres" | "-"
    unit: str  # e.g. "events/s", "ms", "MB"
    ours: float | None
    peer: float | None
    peer_label: str  # what the peer or floor is
    target: Target | None = None
    issue: str = ""  # owning issue, e.g. "#2a"
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.peer:
            return None
        return self.ours / self.peer

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "-"
        met = self.target.met(self)
        return "n/a" if met is None else ("PASS" if met else "FAIL")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = str(self.target) if self.target else None
        data["ratio"] = self.ratio
        data["verdict"] = self.verdict
        return data


class Sizes:
    """Benchmark sizes: a module asks `sizes.n("commands", 3000)`; the default can be
    overridden by `--size commands=5000`, `REDPROP_BENCH_COMMANDS=5000`, or scaled by
    `--scale 0.2` (flags win over the environment)."""

    def __init__(
        self,
        overrides: dict[str, int] | None = None,
        *,
        scale: float = 1.0,
        backends: Sequence[str] = BACKENDS,
        env: dict[str, str] | None = None,
    ) -> None:
        self.overrides = dict(overrides or {})
        self.scale = scale
        self.backends = list(backends)
        self.env = dict(os.environ if env is None else env)
        self.used: dict[str, int] = {}

    def n(self, name: str, default: int) -> int:
        if name in self.overrides:
            value = self.overrides[name]
        elif (raw := self.env.get(f"REDPROP_BENCH_{name.upper()}")) is not None:
            value = int(raw)
        else:
            value = max(1, int(default * self.scale))
        self.used[name] = value
        return value


# -- timing ---------------------------------------------------------------------------------


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def timed(fn: Callable[[], Any]) -> float:
    """Seconds `fn()` took (monotonic, high resolution)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def side_by_side(
    ours: Callable[[int], int], peer: Callable[[int], int], rounds: int
) -> tuple[float, float]:
    """Interleave rounds of ours and the peer (so drift hits both alike); each callable
    gets the round number and returns how many items it processed. Returns the median
    rate of each, items/s. Each round starts after a full garbage collection: one that
    falls inside a short round otherwise costs it up to a fifth of its rate (measured
    on verify), whichever side it falls on."""
    ours_rates, peer_rates = [], []
    for r in range(rounds):
        for fn, rates in (
            ((ours, ours_rates), (peer, peer_rates))
            if r % 2 == 0
            else (
                (peer, peer_rates),
                (ours, ours_rates),
            )
        ):
            gc.collect()
            start = time.perf_counter()
            count = fn(r)
            rates.append(per_second(count, time.perf_counter() - start))
    return statistics.median(ours_rates), statistics.median(peer_rates)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


# -- databases ------------------------------------------------------------------------------


@contextmanager
def temp_database(backend: str, label: str = "bench") -> Iterator[Settings]:
    """Settings on a fresh, throwaway database: an SQLite file in a temp dir, or a new
    PostgreSQL schema (dropped afterwards)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"redprop-{label}-") as tmp:
            yield Settings(database_url=f"sqlite:///{tmp}/{label}.db")
        return
    import psycopg

    schema = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield Settings(database_url=PG_URL, database_schema=schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def bare_env(settings: Settings) -> dict[str, str]:
    """Environment of a plain eventsourcing Application on the same persistence module
    and database as `settings`, without our chained recorder."""
    from infra.storage.event_store import event_store_env

    env = event_store_env(settings)
    env.pop("APPLICATION_RECORDER_TOPIC")
    return env


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that make a child process use `settings`' database."""
    return {
        "REDPROP_DATABASE_URL": settings.database_url,
        "REDPROP_DATABASE_SCHEMA": settings.database_schema,
    }


def for_backends(
    sizes: Sizes, each: Callable[[str], list[Row]], benchmark: str = "", unit: str = ""
) -> list[Row]:
    """Run `each(backend)` for every selected backend; PostgreSQL rows say why they were
    skipped when the server is unreachable."""
    rows: list[Row] = []
    for backend in sizes.backends:
        problem = pg_problem() if backend == "postgres" else None
        if problem:
            rows.append(Row(benchmark, backend, unit, None, None, "", notes=f"skipped: {problem}"))
            continue
        rows.extend(each(backend))
    return rows


# -- table, JSON ----------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


HEADERS = ("benchmark", "db", "ours", "peer / floor", "unit", "ratio", "target", "ok")


def table(rows: Sequence[Row], info: dict[str, Any]) -> str:
    lines = [
        [
            f"{r.issue} {r.benchmark}".strip(),
            r.backend,
            _fmt(r.ours),
            f"{_fmt(r.peer)} {r.peer_label}".strip(),
            r.unit,
            "-" if r.ratio is None else f"{r.ratio:.2f}x",
            str(r.target) if r.target else "-",
            r.verdict,
        ]
        for r in rows
    ]
    widths = [max([len(h), *(len(line[i]) for line in lines)]) for i, h in enumerate(HEADERS)]
    fmt = "  ".join(f"{{:{'>' if i in (2, 5) else '<'}{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*HEADERS), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    notes = [f"  {r.issue} {r.benchmark} [{r.backend}]: {r.notes}" for r in rows if r.notes]
    if notes:
        out += ["", "notes:", *notes]
    out += [
        "",
        "machine: {cpus} CPUs ({cpu}), {platform}, Python {python}, SQLite {sqlite}, "
        "PostgreSQL {postgres}, eventsourcing {eventsourcing}, commit {git}".format(**info),
    ]
    return "\n".join(out)


def write_json(
    rows: Sequence[Row], info: dict[str, Any], sizes: Sizes, errors: dict[str, str]
) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    body = {
        "generated_at": stamp,
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "machine": info,
        "sizes": sizes.used,
        "rows": [r.as_dict() for r in rows],
        "errors": errors,
    }
    path = RESULTS / f"bench-{stamp}.json"
    text = json.dumps(body, indent=2, ensure_ascii=False, default=str)
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return path


def with_notes(row: Row, note: str) -> Row:
    return replace(row, notes="; ".join(n for n in (row.notes, note) if n))


# -- a city log shared by the benchmarks of one run -------------------------------------------

_LOGS: dict[tuple[str, int, tuple[str, ...]], tuple[Settings, dict[str, Any]]] = {}
_LOG_STACK = ExitStack()
atexit.register(_LOG_STACK.close)


def vacuum_analyze(schema: str) -> None:
    """Bring a freshly loaded PostgreSQL schema to the state autovacuum would: planner
    statistics, hint bits and visibility map set. Otherwise the first pass over the new
    rows writes their hint bits, and an autovacuum may start in the middle of a measure."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
        ).fetchall()
        for (table,) in tables:
            conn.execute(f'VACUUM ANALYZE "{schema}"."{table}"')


def city_log(backend: str, events: int, areas: tuple[str, ...] | None = None) -> Settings:
    """A database holding a generated city log of about `events` events (loaded through
    the commands by scenarios.city; `areas`: some of its steps, default all), made
    once per run and backend, dropped at exit. SQLite: a copy of the log cached in
    var/bench/ (see bench/city_logs.py), generated only when missing."""
    return city_log_made(backend, events, areas)[0]


def city_log_made(
    backend: str, events: int, areas: tuple[str, ...] | None = None
) -> tuple[Settings, dict[str, Any]]:
    """`city_log` and how the log was made: events, commands, seconds, events/s, cached."""
    plan = city_plan(events) if areas is None else city_plan(events, areas)
    key = (backend, events, plan.areas)
    if key not in _LOGS:
        if backend == "sqlite":
            path, made = cached_sqlite_log(plan)
            folder = Path(_LOG_STACK.enter_context(tempfile.TemporaryDirectory(prefix="city-")))
            settings = copy_of(path, folder)
        else:
            settings = _LOG_STACK.enter_context(temp_database(backend, "city"))
            made = {**generate_into(settings, plan), "cached": False}
            vacuum_analyze(settings.database_schema)
        print(
            f"   city log on {backend}: {made['events']} events"
            + (" (cached)" if made["cached"] else f" at {made['events_per_second']:,}/s"),
            file=sys.stderr,
        )
        _LOGS[key] = settings, made
    return _LOGS[key]
