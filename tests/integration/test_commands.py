"""Optimistic concurrency and idempotency, across threads and across app instances."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from domain.errors import IdempotencyKeyReused, VersionMismatch
from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import build_system
from infra.command_gateway import CommandGateway


def test_two_writers_on_one_version_one_wins_no_lost_update(system: Any) -> None:
    with command_context(actor_id="t"):
        unit = system.app.handle(RegisterOrgUnit(kind="district", code="D", name="区"))
    outcomes: list[Any] = []
    barrier = threading.Barrier(2)

    def rename(name: str) -> None:
        barrier.wait()
        try:
            with command_context(actor_id=name):
                outcomes.append(
                    system.gateway.run(
                        lambda: system.app.handle(
                            RenameOrgUnit(unit_id=unit.id, name=name, expected_version=1)
                        )
                    )[0]
                )
        except VersionMismatch as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=rename, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [o for o in outcomes if not isinstance(o, Exception)]
    lost = [o for o in outcomes if isinstance(o, VersionMismatch)]
    assert len(won) == 1 and len(lost) == 1
    current = system.app.repository.get(unit.id)
    assert current.version == 2
    assert current.name in ("甲", "乙")


def test_without_if_match_both_renames_apply_in_order(system: Any) -> None:
    with command_context(actor_id="t"):
        unit = system.app.handle(RegisterOrgUnit(kind="district", code="D", name="区"))
    stale_a = system.app.repository.get(unit.id)
    stale_b = system.app.repository.get(unit.id)
    stale_a.rename("A")
    system.app.save(stale_a)
    stale_b.rename("B")
    from eventsourcing.persistence import IntegrityError

    with pytest.raises(IntegrityError):  # the library refuses the stale save outright
        system.app.save(stale_b)
    result, _ = system.gateway.run(
        lambda: system.app.handle(RenameOrgUnit(unit_id=unit.id, name="B"))
    )
    assert result.version == 3 and system.app.repository.get(unit.id).name == "B"


def test_idempotency_holds_across_two_app_instances(make_settings: Any) -> None:
    first, second = build_system(make_settings()), build_system(make_settings())
    try:

        def register(system: Any) -> Any:
            with command_context(actor_id="t"):
                return system.gateway.run(
                    lambda: system.app.handle(
                        RegisterOrgUnit(kind="district", code="D", name="区")
                    ),
                    idempotency_key="key-1",
                    fingerprint="fp-1",
                )

        original, replayed_first = register(first)
        head = first.app.recorder.max_notification_id()
        again, replayed_second = register(second)
        assert (replayed_first, replayed_second) == (False, True)
        assert again == original
        assert second.app.recorder.max_notification_id() == head
        with pytest.raises(
            IdempotencyKeyReused,
            match=r"this Idempotency-Key was already used for a different request",
        ):
            second.gateway.run(
                lambda: second.app.handle(RegisterOrgUnit(kind="district", code="E", name="别的")),
                idempotency_key="key-1",
                fingerprint="fp-2",
            )
    finally:
        first.close()
        second.close()


def test_concurrent_requests_with_one_key_store_once(system: Any) -> None:
    results: list[Any] = []
    barrier = threading.Barrier(4)
    gateway = CommandGateway(system.app)

    def call() -> None:
        barrier.wait()
        with command_context(actor_id="t"):
            results.append(
                gateway.run(
                    lambda: system.app.handle(
                        RegisterOrgUnit(kind="district", code="D", name="区")
                    ),
                    idempotency_key="same",
                    fingerprint="fp",
                )
            )

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len({r[0] for r in results}) == 1
    assert sum(1 for r in results if not r[1]) == 1
    assert system.app.recorder.max_notification_id() in (1, 2)  # 1 event (+ gaps on PG)
    assert len(system.app.recorder.select_notifications(start=1, limit=10)) == 1


def test_sqlite_event_store_keeps_a_statement_cache_for_the_chained_insert(
    tmp_path: Any,
) -> None:
    """The library's pool caches one statement; ours must keep event, link and
    idempotency statements prepared (see infra/storage/library_seams.py)."""
    from infra.settings import Settings
    from infra.storage.library_seams import StatementCachingPool

    system = build_system(Settings(database_url=f"sqlite:///{tmp_path}/cache.db"))
    try:
        pool = system.app.recorder.datastore.pool  # type: ignore[attr-defined]
        assert isinstance(pool, StatementCachingPool)
        with command_context(actor_id="t"):
            system.app.handle(RegisterOrgUnit(kind="district", code="C", name="区"))
        assert system.app.recorder.max_notification_id() == 1
    finally:
        system.close()
