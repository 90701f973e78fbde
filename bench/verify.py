"""Issue 2 (b) / issue 7 row 4: `redprop verify` beside a plain read of the notification log.

Ours: `infra.storage.chain.verify_chain` (what `redprop verify` runs): read events and links page
by page and recompute every SHA-256 link. Floor: read the same notifications, page by page
with the same page size, and do nothing with them. Same database, interleaved rounds.
"""

from __future__ import annotations

from bench.harness import Row, Sizes, Target, city_log, for_backends, side_by_side
from infra.bootstrap import build_system
from infra.storage.chain import verify_chain

PAGE = 2000


def read_log(recorder: object, page: int = PAGE) -> int:
    """Read every notification, page by page: the floor for any pass over the log."""
    after, count = 0, 0
    while batch := recorder.select_notifications(after, page, inclusive_of_start=False):  # type: ignore[attr-defined]
        count += len(batch)
        after = batch[-1].id
    return count


def verify(recorder: object) -> int:
    report = verify_chain(recorder, page=PAGE)  # type: ignore[arg-type]
    if not report.ok:
        raise AssertionError(f"the generated log does not verify: {report.problem}")
    return report.checked


def measure(backend: str, events: int, rounds: int) -> list[Row]:
    system = build_system(city_log(backend, events, ("registry",)))
    try:
        recorder = system.app.recorder
        ours, floor = side_by_side(lambda r: verify(recorder), lambda r: read_log(recorder), rounds)
        head = recorder.max_notification_id()
    finally:
        system.close()
    return [
        Row(
            "verify chain vs plain notification read",
            backend,
            "events/s",
            ours,
            floor,
            "read log",
            Target("ratio", ">=", 0.7),
            issue="#2b",
            notes=f"{head} events, median of {rounds} interleaved rounds",
        )
    ]


def run(sizes: Sizes) -> list[Row]:
    events = sizes.n("log_events", 30_000)
    rounds = sizes.n("verify_rounds", 3)
    return for_backends(sizes, lambda backend: measure(backend, events, rounds))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("verify", run)
