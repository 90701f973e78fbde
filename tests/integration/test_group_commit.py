"""Group commit: commands that arrive together share one transaction, each keeping its own
events, chain links, idempotency record and result (issue 14)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.storage.chain import verify_chain
from tests.integration.test_write_path import META, in_threads


def gather_first_batch(system: Any, size: int) -> list[int]:
    """Hold the first transaction until `size` commands wait for it, so the next batch is
    large; returns the list the batch sizes are reported into (the metrics hook)."""
    committer = system.app.recorder.committer
    sizes: list[int] = []
    committer.on_batch = sizes.append
    write = committer.write_batch
    first = threading.Event()

    def held(batch: list[Any]) -> None:
        if not first.is_set():
            first.set()
            deadline = time.monotonic() + 10
            while committer.queued < size - len(batch) and time.monotonic() < deadline:
                time.sleep(0.001)
        write(batch)

    committer.write_batch = held
    return sizes


def run(system: Any, key: str, command: Callable[[], Any]) -> tuple[Any, bool]:
    with command_context(**META, idempotency_key=key):
        result: tuple[Any, bool] = system.gateway.run(command, idempotency_key=key, fingerprint=key)
        return result


def test_concurrent_commands_are_committed_in_batches(system: Any) -> None:
    sizes = gather_first_batch(system, 16)
    app = system.app
    results: dict[int, Any] = {}

    def register(n: int) -> None:
        results[n], _ = run(
            system,
            f"k{n}",
            lambda: app.handle(RegisterOrgUnit(kind="district", code=f"G{n}", name="区")),
        )

    assert in_threads(16, register) == []
    assert max(sizes) > 1 and sum(sizes) == 16
    positions = sorted(r.position for r in results.values())
    assert len(set(positions)) == 16
    for n, result in results.items():  # each command kept its own idempotency record
        record = app.recorder.select_command(f"k{n}")
        assert (UUID(record.aggregate_id), record.version, record.position) == (
            result.id,
            result.version,
            result.position,
        )
    assert verify_chain(app.recorder).ok
    assert verify_chain(app.recorder).checked == 16


def test_a_conflict_in_a_batch_does_not_fail_its_neighbours(system: Any) -> None:
    """Two renames of one unit loaded at the same version and two requests with one key
    arrive together with ten new registrations: every command gets its own outcome."""
    app = system.app
    unit, _ = run(
        system, "setup", lambda: app.handle(RegisterOrgUnit(kind="district", code="D", name="甲"))
    )
    sizes = gather_first_batch(system, 14)
    recorder = app.recorder
    one_by_one: list[int] = []
    write_each = recorder._write_each
    recorder._write_each = lambda batch: (one_by_one.append(len(batch)), write_each(batch))
    outcomes: dict[int, tuple[Any, bool]] = {}

    def command(n: int) -> None:
        if n < 10:
            key, code = f"new-{n}", f"N{n}"
        elif n < 12:
            outcomes[n] = run(
                system,
                f"ren-{n}",
                lambda: app.handle(RenameOrgUnit(unit_id=unit.id, name=f"名{n}")),
            )
            return
        else:  # n = 12, 13: the same request sent twice, with one key
            key, code = "twice", "T"
        outcomes[n] = run(
            system, key, lambda: app.handle(RegisterOrgUnit(kind="district", code=code, name="区"))
        )

    assert in_threads(14, command) == []
    assert max(sizes) > 1 and max(one_by_one) > 1  # a batch met a conflict: one savepoint each
    assert app.load(type(app.repository.get(unit.id)), unit.id).version == 3  # both renames
    assert sorted(outcomes[n][0].version for n in (10, 11)) == [2, 3]
    assert sorted(outcomes[n][1] for n in (12, 13)) == [False, True]  # one replayed
    assert outcomes[12][0] == outcomes[13][0]
    for n in range(10):
        result, replayed = outcomes[n]
        assert not replayed and app.recorder.select_command(f"new-{n}").position == result.position
    report = verify_chain(app.recorder)
    assert report.ok and report.checked == 1 + 10 + 2 + 1


def test_a_failed_transaction_fails_every_command_in_it_and_stores_none(system: Any) -> None:
    """A command is acknowledged only once its transaction committed: when the batch's
    transaction fails, each of its callers gets the error and nothing of it is stored."""
    app = system.app
    run(system, "setup", lambda: app.handle(RegisterOrgUnit(kind="district", code="D", name="甲")))
    head = app.recorder.max_notification_id()
    sizes = gather_first_batch(system, 8)
    recorder = app.recorder
    write_links = recorder._write_links
    failed: list[int] = []

    def failing(c: Any, links: list[Any], records: list[Any]) -> None:
        if len(links) > 1 and not failed:  # the batch of several commands, once
            failed.append(len(links))
            raise RuntimeError("disk full")
        write_links(c, links, records)

    recorder._write_links = failing
    outcomes: dict[int, str] = {}

    def command(n: int) -> None:
        try:
            run(
                system,
                f"k{n}",
                lambda: app.handle(RegisterOrgUnit(kind="district", code=f"F{n}", name="区")),
            )
            outcomes[n] = "stored"
        except RuntimeError:
            outcomes[n] = "failed"

    assert in_threads(8, command) == []
    assert failed and list(outcomes.values()).count("failed") == failed[0] == max(sizes)
    stored = [n for n, outcome in outcomes.items() if outcome == "stored"]
    for n, outcome in outcomes.items():
        assert (app.recorder.select_command(f"k{n}") is None) == (outcome == "failed")
    again, _ = run(
        system, "after", lambda: app.handle(RegisterOrgUnit(kind="district", code="A", name="区"))
    )
    assert again.position > head
    report = verify_chain(app.recorder)
    assert report.ok and report.checked == 1 + len(stored) + 1
