"""PostgreSQL writes a batch that meets no conflict in two round trips (`TwoTrips`): a
conflict or a failure in either trip stores nothing and hands the connection back to the
pool with no transaction open (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from psycopg.pq import TransactionStatus

from domain.org_registry_commands import RegisterOrgUnit
from infra.storage.chain import verify_chain
from tests.integration.test_group_commit import run

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)


def returned_states(system: Any) -> list[TransactionStatus]:
    """The transaction status of every connection the pool gets back from now on."""
    pool = system.app.recorder.datastore.pool
    states: list[TransactionStatus] = []
    putconn = pool.putconn

    def recording(conn: Any) -> None:
        states.append(conn.info.transaction_status)
        putconn(conn)

    pool.putconn = recording
    return states


def register(system: Any, key: str, code: str) -> tuple[Any, bool]:
    app = system.app
    return run(
        system, key, lambda: app.handle(RegisterOrgUnit(kind="district", code=code, name="区"))
    )


def test_a_lone_command_is_written_and_chained(system: Any) -> None:
    states = returned_states(system)
    first, _ = register(system, "a", "A")
    second, _ = register(system, "b", "B")
    assert second.position > first.position
    assert system.app.recorder.select_command("b").position == second.position
    report = verify_chain(system.app.recorder)
    assert report.ok and report.checked == 2
    assert states and set(states) == {TransactionStatus.IDLE}


def test_a_conflict_in_the_first_trip_stores_nothing(system: Any) -> None:
    unit, _ = register(system, "a", "A")
    recorder = system.app.recorder
    head = recorder.max_notification_id()
    stored = recorder.select_events(unit.id)
    states = returned_states(system)
    with pytest.raises(IntegrityError):
        recorder.insert_events(stored)  # its version is taken: the events' insert fails
    assert set(states) == {TransactionStatus.IDLE}
    assert recorder.max_notification_id() == head
    again, _ = register(system, "b", "B")
    assert verify_chain(recorder).ok and again.position > head


def test_a_key_used_again_fails_in_the_second_trip_and_replays_the_first(system: Any) -> None:
    first, _ = register(system, "same", "A")
    recorder = system.app.recorder
    head = recorder.max_notification_id()
    states = returned_states(system)
    replay, replayed = register(system, "same", "B")  # a new unit: only the key conflicts
    assert replayed and replay == first
    assert set(states) == {TransactionStatus.IDLE}
    assert recorder.max_notification_id() == head  # the new unit's event was rolled back
    report = verify_chain(recorder)
    assert report.ok and report.checked == 1


def test_a_failure_between_the_trips_stores_nothing(system: Any) -> None:
    recorder = system.app.recorder
    register(system, "a", "A")
    head = recorder.max_notification_id()

    def failing(*_: Any) -> None:
        raise RuntimeError("disk full")

    recorder._write_links = failing
    states = returned_states(system)
    with pytest.raises(RuntimeError):
        register(system, "b", "B")
    assert set(states) == {TransactionStatus.IDLE}
    assert recorder.max_notification_id() == head and recorder.select_command("b") is None
