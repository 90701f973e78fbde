"""Issue 14: group commit in-process, 16 threads issuing one-event commands.

Ours: 16 threads, each running `CommandGateway.run` with an Idempotency-Key inside a
metadata context, creating one trivial aggregate of ours per command (one event, its hash
link and idempotency record); commands that arrive together share one transaction. Peer:
a plain eventsourcing `Application` on the same persistence module and database server,
16 threads each calling `save()` of a new trivial aggregate (one event per save). The
chain is verified afterwards (the row fails if it does not). A second row measures the
ceiling: the same library saving 16 aggregates per `save()` from one thread, beside the
same peer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application

from bench.command_path import META, BareTick, Tick
from bench.harness import Row, Sizes, Target, bare_env, for_backends, side_by_side, temp_database
from domain.metadata import command_context
from infra.bootstrap import System, build_system
from infra.storage.chain import verify_chain

THREADS = 16
TARGETS = {"sqlite": 4.0, "postgres": 3.0}


def in_threads(threads: int, per_thread: int, work: Callable[[int, int], None]) -> int:
    """`work(thread, i)` for i < per_thread in each of `threads` threads started together;
    returns how many calls were made."""
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def run(t: int) -> None:
        barrier.wait()
        try:
            for i in range(per_thread):
                work(t, i)
        except BaseException as failure:  # noqa: BLE001 - re-raised below
            failures.append(failure)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise failures[0]
    return threads * per_thread


def tick_commands(system: System, per_thread: int, tag: str) -> int:
    app, gateway = system.app, system.gateway

    def tick(t: int, i: int) -> None:
        key = f"{tag}-{t}-{i}"
        with command_context(**META, idempotency_key=key):
            gateway.run(lambda: app.commit(Tick(n=i)), idempotency_key=key)

    return in_threads(THREADS, per_thread, tick)


def bare_saves(bare: Application[Any], per_thread: int) -> int:
    return in_threads(THREADS, per_thread, lambda t, i: bare.save(BareTick(n=i)))


def bare_batches(bare: Application[Any], per_thread: int) -> int:
    """The ceiling of group commit on the bare library: one thread saving THREADS new
    aggregates per `save()`, as many events as the threaded peer writes."""
    for i in range(per_thread):
        bare.save(*[BareTick(n=i) for _ in range(THREADS)])
    return THREADS * per_thread


def measure(backend: str, per_thread: int, rounds: int) -> list[Row]:
    with temp_database(backend, "gc") as ours_db, temp_database(backend, "gcbare") as bare_db:
        system = build_system(ours_db)
        bare: Application[Any] = Application(env=bare_env(bare_db))
        committer = system.app.recorder.committer  # type: ignore[attr-defined]
        try:
            tick_commands(system, 10, "warm")
            bare_saves(bare, 10)
            before = (committer.batches, committer.commands)
            ours, peer = side_by_side(
                lambda r: tick_commands(system, per_thread, f"gc{r}"),
                lambda r: bare_saves(bare, per_thread),
                rounds,
            )
            batches, commands = (committer.batches - before[0], committer.commands - before[1])
            ceiling, peer_again = side_by_side(
                lambda r: bare_batches(bare, per_thread),
                lambda r: bare_saves(bare, per_thread),
                rounds,
            )
            report = verify_chain(system.app.recorder)  # type: ignore[arg-type]
        finally:
            system.close()
            bare.close()
    if not report.ok:
        raise AssertionError(f"verify failed after the group-commit run: {report.problem}")
    return [
        Row(
            f"group commit in-process: {THREADS} threads, one-event commands",
            backend,
            "events/s",
            ours,
            peer,
            f"bare save() ({THREADS} threads)",
            Target("ratio", ">=", TARGETS[backend]),
            issue="#14",
            notes=(
                f"median of {rounds} interleaved rounds x {THREADS * per_thread} commands; "
                f"mean batch {commands / max(batches, 1):.1f} commands, largest "
                f"{committer.largest}; verify OK ({report.checked} events)"
            ),
            extra={"batches": batches, "commands": commands, "largest": committer.largest},
        ),
        Row(
            f"group commit ceiling: bare save() of {THREADS} aggregates at once, 1 thread",
            backend,
            "events/s",
            ceiling,
            peer_again,
            f"bare save() ({THREADS} threads)",
            issue="#14",
            notes=(
                f"the bare library, one transaction per {THREADS} events with no command, "
                "chain link, idempotency record or threads to coordinate: the most group "
                f"commit can give over the peer; median of {rounds} interleaved rounds"
            ),
        ),
    ]


def run(sizes: Sizes) -> list[Row]:
    per_thread = sizes.n("group_commit_per_thread", 250)
    rounds = sizes.n("group_commit_rounds", 5)
    return for_backends(sizes, lambda backend: measure(backend, per_thread, rounds))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("group_commit", run)
