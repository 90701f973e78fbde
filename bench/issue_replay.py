"""Replay of service-issue events into every issue read model, beside the raw log read.

    python -m bench.issue_replay                       # 100k issue events, SQLite
    python -m bench.issue_replay --events 20000 --postgres postgresql://postgres@127.0.0.1/test

The events are made by the domain commands (report, accept, start handling, handled,
feedback, close: 6 per issue), many aggregates per save. Then, in one run:
(1) raw notification read (select_notifications pages, no decoding),
(2) decoded read (notification → domain event),
(3) rebuild of each issue read model from position 0 (infra.rebuild: the same runner
    the system uses), and all of them one after the other.
Target (issue 4): ≥ 30,000 issue events/s into all issue read models on SQLite.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.service_issue_commands import DefineSlaPolicy
from domain.service_issue_handlers import sla_policy
from domain.service_issues import ServiceIssue
from domain.sla import DEFAULT_RULES
from infra.bootstrap import System, build_system
from infra.rebuild import rebuild
from infra.settings import Settings
from projections.grid_workers import GridWorkersProjection
from projections.issue_board import IssueBoardProjection

SH = ZoneInfo("Asia/Shanghai")
CATEGORIES = ["heating", "gas_connection", "repairs", "parking", "noise", "cleaning"]
PAGE = 2000
ISSUE_READ_MODELS = (IssueBoardProjection(), GridWorkersProjection())


def at(moment: datetime) -> Any:
    return command_context(
        actor_id="bench", role="system", scope="*", occurred_at=moment.isoformat()
    )


def generate(system: System, events: int, batch: int = 400) -> int:
    """Issues through the domain commands, `batch` aggregates per save; returns events."""
    app = system.app
    start = datetime(2020, 1, 1, 8, 0, tzinfo=SH)
    with at(start):
        district = app.handle(RegisterOrgUnit(kind="district", code="D", name="区")).id
        street = app.handle(
            RegisterOrgUnit(kind="street", code="S", name="街道", parent_id=district)
        ).id
        community = app.handle(
            RegisterOrgUnit(kind="community", code="C", name="社区", parent_id=street)
        ).id
        compounds = [
            app.handle(
                RegisterOrgUnit(
                    kind="compound",
                    code=f"Q{n}",
                    name=f"{n}号小区",
                    parent_id=community,
                    compound_type="open",
                    households=500,
                )
            ).id
            for n in range(20)
        ]
        app.handle(DefineSlaPolicy(rules=DEFAULT_RULES))
    policy = sla_policy(app)
    assert policy is not None
    companies = [uuid.uuid4() for _ in range(10)]
    made, number = 0, 0
    while made < events:
        pending = []
        for _ in range(batch):
            number += 1
            t = start + timedelta(minutes=7 * number)
            category = CATEGORIES[number % len(CATEGORIES)]
            with at(t):
                issue = ServiceIssue.report(
                    source_ref=f"B{number}",
                    channel="grid_worker",
                    category=category,
                    compound_id=compounds[number % 20],
                    grid_id=None,
                    street_id=street,
                    community_id=community,
                    description="bench",
                    reported_at=t,
                    accept_due=policy.due("accept", t, category, "normal"),
                    sla_version=1,
                )
            with at(t + timedelta(hours=1)):
                issue.accept(
                    company_id=companies[number % 10],
                    handle_due=policy.due("handle", t, category, "normal"),
                    served_by=companies[number % 10],  # the synthetic log has no contracts
                )
            with at(t + timedelta(hours=2)):
                issue.start_handling()
            with at(t + timedelta(hours=5)):
                issue.mark_handled("done")
            with at(t + timedelta(days=1)):
                issue.give_feedback("satisfied" if number % 4 else "basically_satisfied")
            with at(t + timedelta(days=1, hours=1)):
                issue.close()
            pending.append(issue)
            made += 6
            if made >= events:
                break
        app.save(*pending)
    return made


def timed(fn: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def raw_read(system: System, decode: bool) -> int:
    app, last, count = system.app, 0, 0
    while page := app.recorder.select_notifications(
        start=last, limit=1000, inclusive_of_start=False
    ):
        if decode:
            for n in page:
                app.mapper.to_domain_event(n)
        count += len(page)
        last = page[-1].id
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    if args.postgres:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        settings = Settings(database_url=args.postgres, database_schema=schema)
    else:
        folder = tempfile.mkdtemp(prefix="issue-replay-")
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db")
    system = build_system(settings)
    try:
        issue_events, seconds = timed(lambda: generate(system, args.events))
        head = system.app.recorder.max_notification_id()
        rows = [("generate via domain commands (batched saves)", issue_events, seconds)]
        rows.append(("raw notification read", *timed(lambda: raw_read(system, False))))
        rows.append(("decoded notification read", *timed(lambda: raw_read(system, True))))
        total = 0.0
        for projection in ISSUE_READ_MODELS:
            _, took = timed(
                lambda p=projection: rebuild(system.app, system.write_engine, p, page_size=PAGE)  # type: ignore[misc]
            )
            total += took
            rows.append((f"replay into {projection.name}", issue_events, took))
        rows.append(("replay into all issue read models", issue_events, total))
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(f"\n{backend}: {issue_events} issue events, log head {head}\n")
        raw_rate = rows[1][1] / rows[1][2]
        print(f"| {'step':<46} | {'events':>7} | {'seconds':>7} | {'events/s':>9} | vs raw |")
        print(f"|{'-' * 48}|{'-' * 9}|{'-' * 9}|{'-' * 11}|{'-' * 8}|")
        for name, count, took in rows:
            rate = count / took
            print(
                f"| {name:<46} | {count:>7} | {took:>7.2f} | {rate:>9,.0f} | {rate / raw_rate:>5.2f}x |"
            )
        all_rate = issue_events / total
        verdict = "met" if all_rate >= 30_000 else "NOT met"
        print(
            f"\ntarget >= 30,000 events/s into all issue read models: {verdict} ({all_rate:,.0f})"
        )
    finally:
        system.close()
        if args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
