"""Tamper evidence on a real database: edit, delete, insert and swap rows behind the ledger."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from infra.bootstrap import System
from infra.storage.chain import verify_chain
from tests.conftest import PG_URL


def _load(system: System, n: int = 6) -> None:
    with command_context(actor_id="t"):
        district = system.app.handle(RegisterOrgUnit(kind="district", code="D", name="天桥区")).id
        for i in range(n):
            system.app.handle(
                RegisterOrgUnit(kind="street", code=f"S{i}", name=f"街道{i}", parent_id=district)
            )


def _sql(system: System, backend: str, statement: str) -> None:
    """Run raw SQL against the event tables, as an attacker with database access would."""
    if backend == "sqlite":
        with system.write_engine.begin() as conn:
            conn.execute(text(statement))
    else:
        schema = system.settings.database_schema
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            conn.execute(statement)


def _names(backend: str) -> tuple[str, str]:
    return (
        ("stored_events", "rowid")
        if backend == "sqlite"
        else ("redproperty_events", "notification_id")
    )


def test_untouched_log_verifies(system: System) -> None:
    _load(system)
    report = verify_chain(system.app.recorder)
    assert report.ok and report.checked == system.app.recorder.max_notification_id()


def test_edited_payload_is_caught(system: System, backend: str) -> None:
    _load(system)
    table, pos = _names(backend)
    state = (
        "CAST(REPLACE(CAST(state AS TEXT), '街道3', '街道X') AS BLOB)"
        if backend == "sqlite"
        else "convert_to(replace(convert_from(state, 'UTF8'), '街道3', '街道X'), 'UTF8')"
    )
    target = _position_of(system, "街道3")
    _sql(system, backend, f"UPDATE {table} SET state = {state} WHERE {pos} = {target}")
    report = verify_chain(system.app.recorder)
    assert not report.ok and report.first_bad_position == target
    assert "altered" in report.problem


def test_deleted_event_is_caught(system: System, backend: str) -> None:
    _load(system)
    table, pos = _names(backend)
    _sql(system, backend, f"DELETE FROM {table} WHERE {pos} = 4")
    report = verify_chain(system.app.recorder)
    assert not report.ok and report.first_bad_position == 4 and "deleted" in report.problem


def test_deleted_event_with_its_link_is_caught(system: System, backend: str) -> None:
    _load(system)
    table, pos = _names(backend)
    _sql(system, backend, f"DELETE FROM {table} WHERE {pos} = 4")
    _sql(system, backend, f"DELETE FROM {table}_chain WHERE position = 4")
    report = verify_chain(system.app.recorder)
    assert not report.ok and report.first_bad_position == 4


def test_swapped_events_are_caught(system: System, backend: str) -> None:
    _load(system)
    table, pos = _names(backend)
    _sql(
        system,
        backend,
        f"UPDATE {table} SET state = (SELECT state FROM {table} WHERE {pos} = 5) WHERE {pos} = 3",
    )
    report = verify_chain(system.app.recorder)
    assert not report.ok and report.first_bad_position == 3


def test_inserted_event_is_caught(system: System, backend: str) -> None:
    _load(system)
    table, pos = _names(backend)
    if backend == "sqlite":
        _sql(
            system,
            backend,
            f"INSERT INTO {table} (rowid, originator_id, originator_version, "
            f"topic, state) SELECT 1000, originator_id, 99, topic, state FROM {table} "
            f"WHERE {pos} = 2",
        )
    else:
        _sql(
            system,
            backend,
            f"INSERT INTO {table} (originator_id, originator_version, topic, "
            f"state) SELECT originator_id, 99, topic, state FROM {table} WHERE {pos} = 2",
        )
    report = verify_chain(system.app.recorder)
    assert not report.ok and "inserted" in report.problem


def _position_of(system: System, needle: str) -> int:
    batch = system.app.recorder.select_notifications(start=1, limit=100)
    return next(n.id for n in batch if needle.encode() in n.state)


@pytest.mark.parametrize("threads", [4])
def test_concurrent_writers_never_fork_the_chain(system: System, threads: int) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with command_context(actor_id="t"):
        district = system.app.handle(RegisterOrgUnit(kind="district", code="D", name="区")).id

    def register(i: int) -> Any:
        with command_context(actor_id=f"w{i}"):
            return system.gateway.run(
                lambda: system.app.handle(
                    RegisterOrgUnit(
                        kind="street", code=f"S{i}", name=f"街道{i}", parent_id=district
                    )
                )
            )

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(register, range(24)))
    assert len({r.id for r, _ in results}) == 24
    report = verify_chain(system.app.recorder)
    assert report.ok, report.problem
    # every event has exactly one link: links == events
    assert report.checked == len(
        list(system.app.recorder.select_notifications(start=1, limit=10_000))
    )
