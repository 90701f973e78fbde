"""Rebuild the subsidy ledger from ~100k ledger events, beside the raw notification read
rate and the decode rate of the same log, in one run (issue 5 target: ≥ 30,000 events/s).

    python -m bench.ledger_rebuild                      # SQLite in a temp dir, 100k events
    python -m bench.ledger_rebuild --events 20000 --database-url postgresql://postgres@127.0.0.1/test

The log is written straight through the aggregates (budgets, entitlements raised,
submitted, approved, disbursed with their budget draws, some reversed and recovered), in
batches, so the set-up is quick; only the timed parts matter.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import date
from typing import Any

from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import YEARLY, Due
from infra.rebuild import rebuild
from infra.settings import Settings
from infra.storage.database import make_engine
from infra.storage.event_store import build_application
from projections.subsidy_ledger import SubsidyLedgerProjection

BATCH = 400  # entitlements per transaction while generating
DUE = Due(300_000, "bench", 1)


def generate(app: Any, events: int) -> int:
    """Write about `events` ledger events; returns the log head."""
    streets = [uuid.uuid4() for _ in range(10)]
    budgets = {
        s: SubsidyBudget.allocate(holder_id=s, holder_kind="street", year=2020, amount_fen=10**12)
        for s in streets
    }
    app.save(*budgets.values())
    written, n = len(budgets), 0
    while written < events:
        batch: list[Any] = []
        for _ in range(BATCH):
            n += 1
            street = streets[n % len(streets)]
            e = SubsidyEntitlement.raise_for(
                branch_id=uuid.uuid4(),
                kind=YEARLY,
                year=2020,
                due=DUE,
                street_id=street,
                company_ids=[str(uuid.uuid4())],
                raised_on=date(2020, 1, 1),
            )
            e.submit("manager")
            e.approve("officer")
            e.disburse(budgets[street], f"P-{n}", date(2020, 6, 1))
            if n % 10 == 0:
                e.reverse("paid_twice", "bench", date(2020, 7, 1))
                e.recover(budgets[street], f"R-{n}", date(2020, 8, 1))
            batch.append(e)
        written += sum(len(e.pending_events) for e in batch)
        written += sum(len(b.pending_events) for b in budgets.values())
        app.save(*batch, *budgets.values())
    return int(app.recorder.max_notification_id())


def time_reads(app: Any, decode: bool, page: int = 2000) -> tuple[int, float]:
    started, after, count = time.perf_counter(), 0, 0
    to_event = app.mapper.to_domain_event
    while batch := app.recorder.select_notifications(
        start=after, limit=page, inclusive_of_start=False
    ):
        if decode:
            for notification in batch:
                to_event(notification)
        count += len(batch)
        after = batch[-1].id
    return count, time.perf_counter() - started


def measure(settings: Settings, events: int) -> list[tuple[str, int, float]]:
    app = build_application(settings)
    engine = make_engine(settings.database_url, schema=settings.database_schema, immediate=True)
    try:
        head = generate(app, events)
        raw = time_reads(app, decode=False)
        decoded = time_reads(app, decode=True)
        started = time.perf_counter()
        rebuild(app, engine, SubsidyLedgerProjection())
        ledger = (head, time.perf_counter() - started)
        return [
            ("raw notification read (floor)", *raw),
            ("read + decode events", *decoded),
            ("subsidy ledger rebuild", *ledger),
        ]
    finally:
        app.close()
        engine.dispose()


def print_table(rows: list[tuple[str, int, float]], backend: str) -> None:
    floor = rows[0][1] / rows[0][2]
    print(f"\nsubsidy ledger rebuild — {backend}, {rows[0][1]:,} ledger events")
    print(f"{'measure':32} {'events':>9} {'seconds':>8} {'events/s':>10} {'vs raw read':>11}")
    for name, count, seconds in rows:
        rate = count / seconds
        print(f"{name:32} {count:>9,} {seconds:>8.2f} {rate:>10,.0f} {rate / floor:>10.2f}x")
    rebuild_rate = rows[-1][1] / rows[-1][2]
    verdict = "met" if rebuild_rate >= 30_000 else "NOT met"
    print(f"target ≥ 30,000 events/s for the rebuild: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--schema", default=None, help="PostgreSQL schema (default: a new one)")
    args = parser.parse_args()
    if args.database_url and args.database_url.startswith("postgres"):
        import psycopg

        schema = args.schema or f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        try:
            settings = Settings(database_url=args.database_url, database_schema=schema)
            print_table(measure(settings, args.events), "postgres")
        finally:
            if not args.schema:
                with psycopg.connect(args.database_url, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")
        return
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        settings = Settings(database_url=args.database_url or f"sqlite:///{tmp}/ledger.db")
        print_table(measure(settings, args.events), "sqlite")


if __name__ == "__main__":
    main()
