"""The write path under concurrency: commands, reads and projection catch-up never wait on
each other in a cycle (issue 14, findings 1 and 2)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from eventsourcing.persistence import ConnectionUnavailableError
from sqlalchemy import create_engine, event, text

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from infra.storage.personal_data import SqlKeyVault

META = {"actor_id": "tester", "role": "district_admin", "scope": "*"}


def in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(n)` in `count` threads started together; the exceptions they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        barrier.wait()
        try:
            work(n)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def register_district(system: Any, code: str) -> Any:
    with command_context(**META, idempotency_key=code):
        return system.gateway.run(
            lambda: system.app.handle(
                RegisterOrgUnit(kind="district", code=code, name=f"区 {code}")
            ),
            idempotency_key=code,
            fingerprint=code,
        )[0]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_catch_up_is_not_blocked_by_a_waiting_writer(system: Any) -> None:
    """Finding 1's cycle, held still: one thread holds the event store's writer, another
    waits for it. A projection catching up (whose view transaction may hold the SQLite
    write lock the first one waits for) must still read the log."""
    register_district(system, "D0")
    pool = system.app.recorder.datastore.pool
    holder = pool.get_connection(is_writer=True)
    waiting = threading.Thread(target=_get_writer, args=(pool,))
    waiting.start()
    try:
        waiting.join(timeout=0.2)  # let it start waiting for the writer
        assert system.runner("org_registry").catch_up() > 0
    finally:
        pool.put_connection(holder)
        waiting.join()


def _get_writer(pool: Any) -> Any:
    with contextlib.suppress(ConnectionUnavailableError):  # gave up: fine for this test
        pool.put_connection(pool.get_connection(timeout=20, is_writer=True))


def test_concurrent_commands_while_projections_run(system: Any) -> None:
    """Finding 1: eight threads writing while the projection thread catches up got
    'Timed out waiting for connection pool semaphore / return of writer' on SQLite."""
    system.worker.poll_seconds = 0.01
    system.worker.start()

    def writer(n: int) -> None:
        for i in range(25):
            register_district(system, f"W{n}-{i}")

    try:
        errors = in_threads(8, writer)
    finally:
        system.worker.stop()
    assert errors == []
    assert system.app.recorder.max_notification_id() >= 200


def test_key_vault_creates_a_key_while_another_connection_writes(tmp_path: Any) -> None:
    """Finding 2: the key vault read, then wrote, in a deferred SQLite transaction; a
    write committed in between made its insert fail with 'database is locked'."""
    url = f"sqlite:///{tmp_path}/vault.db"
    from infra.storage.database import make_engine

    engine = make_engine(url)
    vault = SqlKeyVault(engine)
    other = create_engine(url, connect_args={"timeout": 30})
    with other.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS other_writes (n INTEGER)"))

    @event.listens_for(engine, "after_cursor_execute")
    def _write_elsewhere(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith("SELECT"):
            return
        with other.begin() as conn:  # another writer commits between our read and write
            conn.execute(text("INSERT INTO other_writes VALUES (1)"))

    try:
        sealed = [vault.seal(f"subject-{n}", "13812341234") for n in range(3)]
    finally:
        event.remove(engine, "after_cursor_execute", _write_elsewhere)
        other.dispose()
    assert [vault.open(f"subject-{n}", s) for n, s in enumerate(sealed)] == ["13812341234"] * 3
    engine.dispose()
