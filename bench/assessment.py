"""Benchmark: score a quarter for 65 companies and 100 communities from ~200k input events.

    python -m bench.assessment [--events 200000] [--backend sqlite|postgres|both]

One run per backend, measured side by side on the same log:
  read      raw notification read of the whole log (pages of 5000, no decoding): the floor
  decode    the same read, decoded into domain events
  facts     the input-facts projection built from position 0 (one handler per event type)
  compute   a period's scorecards: read the facts → pure scoring → record the draft event
The issue's target: compute within 3x the raw read time.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.assessment_commands import (
    ComputeAssessment,
    DefineAssessmentScheme,
    OpenAssessmentPeriod,
)
from domain.assessment_period import AssessmentPeriod
from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.service_issues import ServiceIssue
from infra.bootstrap import System, build_system
from infra.settings import Settings
from projections.assessment_facts import read_period_facts
from scenarios.assessment import scheme_definition

PG_URL = os.environ.get("REDPROP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
COMPANIES, COMMUNITIES, COMPOUNDS_PER_COMMUNITY = 65, 100, 2
START = datetime(2020, 10, 1, tzinfo=UTC)
RATINGS = ["satisfied"] * 7 + ["basically_satisfied"] * 2 + ["dissatisfied"]


def _at(moment: datetime) -> Any:
    return command_context(occurred_at=moment.isoformat(), actor_id="bench", role="system")


def build_world(system: System, events: int, rng: random.Random) -> int:
    app = system.app
    compounds: list[uuid.UUID] = []
    with _at(START - timedelta(days=30)):
        district = app.handle(RegisterOrgUnit(kind="district", code="D", name="天桥区")).id
        street = app.handle(
            RegisterOrgUnit(kind="street", code="S", name="街道", parent_id=district)
        ).id
        for c in range(COMMUNITIES):
            community = app.handle(
                RegisterOrgUnit(
                    kind="community", code=f"C{c}", name=f"社区{c:03d}", parent_id=street
                )
            ).id
            for k in range(COMPOUNDS_PER_COMMUNITY):
                compounds.append(
                    app.handle(
                        RegisterOrgUnit(
                            kind="compound",
                            code=f"C{c}Q{k}",
                            name=f"小区{c}-{k}",
                            parent_id=community,
                            compound_type="open",
                            households=rng.randrange(200, 1600),
                        )
                    ).id
                )
        scheme = app.handle(
            DefineAssessmentScheme(
                code="BENCH",
                name="bench",
                definition=scheme_definition(),
                effective_from=START.date(),
            )
        ).id
        app.handle(OpenAssessmentPeriod("2020Q4", scheme_id=scheme))
    companies = [uuid.uuid5(uuid.NAMESPACE_DNS, f"company-{i}") for i in range(COMPANIES)]
    compound_community = {c: app.repository.get(c).parent_id for c in compounds}
    batch: list[ServiceIssue] = []
    written = n = 0
    while written < events:
        n += 1
        compound = rng.choice(compounds)
        when = START + timedelta(minutes=rng.randrange(0, 88 * 24 * 60))
        with _at(when):
            issue = ServiceIssue.report(
                source_ref=f"bench-{n}",
                channel="grid_worker",
                category="heating",
                compound_id=compound,
                grid_id=None,
                street_id=street,
                community_id=compound_community[compound],
                description="暖气不热",
                reported_at=when,
                accept_due=when + timedelta(hours=2),
            )
        company = rng.choice(companies)
        for hours, step in enumerate(("accept", "start", "handle", "feedback")):
            with _at(when + timedelta(hours=hours * 10 + 1 + rng.random() * 3)):
                if step == "accept":
                    issue.accept(
                        company_id=company,
                        handle_due=when + timedelta(days=1),
                        served_by=company,  # the synthetic log has no contracts
                    )
                elif step == "start":
                    issue.start_handling()
                elif step == "handle":
                    issue.mark_handled("已处理")
                else:
                    issue.give_feedback(rng.choice(RATINGS))
        if issue.state == "feedback_given":
            with _at(when + timedelta(hours=40)):
                issue.close()
        written += len(issue.pending_events)
        batch.append(issue)
        if len(batch) >= 500:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)
    return written


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def read_log(app: Any, decode: bool) -> int:
    count, after = 0, 0
    to_event = app.mapper.to_domain_event
    while page := app.recorder.select_notifications(
        start=after, limit=5000, inclusive_of_start=False
    ):
        if decode:
            for n in page:
                to_event(n)
        count += len(page)
        after = page[-1].id
    return count


def bench_backend(backend: str, events: int) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="bench-assessment-")
    if backend == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp}/ledger.db")
        schema = None
    else:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        settings = Settings(database_url=PG_URL, database_schema=schema)
    system = build_system(settings)
    try:
        input_events = build_world(system, events, random.Random(7))
        app = system.app
        log_size = app.recorder.max_notification_id()
        t_read, _ = timed(lambda: read_log(app, decode=False))
        t_decode, _ = timed(lambda: read_log(app, decode=True))
        t_read = min(t_read, timed(lambda: read_log(app, decode=False))[0])
        runner = system.runner("assessment_inputs")
        t_facts, _ = timed(runner.catch_up)
        period = AssessmentPeriod.create_id("2020Q4")

        def compute() -> Any:
            with system.read_engine.connect() as conn:
                facts = read_period_facts(conn, "2020Q4")
            return app.handle(ComputeAssessment(period, facts)), facts

        t_compute, (_, facts) = timed(compute)
        cards = len(facts.subjects)
        return {
            "backend": backend,
            "input_events": input_events,
            "log": log_size,
            "subjects": cards,
            "read": t_read,
            "decode": t_decode,
            "facts": t_facts,
            "compute": t_compute,
        }
    finally:
        system.close()
        if schema:
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = [bench_backend(b, args.events) for b in backends]
    print(
        "| backend | input events | subjects | raw read s | read+decode s | facts build s "
        "| compute s | compute / raw read | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["compute"] / r["read"]
        print(
            f"| {r['backend']} | {r['input_events']:,} | {r['subjects']} | {r['read']:.2f} "
            f"| {r['decode']:.2f} | {r['facts']:.2f} | {r['compute']:.2f} | {ratio:.2f}x "
            f"| <= 3x {'met' if ratio <= 3 else 'NOT met'} |"
        )


if __name__ == "__main__":
    main()
