"""What infra/storage/library_seams.py relies on still exists in the installed eventsourcing,
with the parameters it calls it with. A failure here names the seam to fix after an upgrade."""

from __future__ import annotations

import inspect
from importlib.metadata import version
from typing import Any

import pytest
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import ConnectionPool, DecimalAsStr, JSONTranscoder, Recording
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteConnectionPool

from infra.storage import library_seams
from infra.storage.chained_writes import ChainedWrites


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.lstrip("<>=").split("."))


def test_the_installed_library_is_a_version_the_seams_were_checked_against() -> None:
    installed = _release(version("eventsourcing"))
    lowest, above = library_seams.SUPPORTED_VERSIONS
    assert _release(lowest) <= installed < _release(above), version("eventsourcing")


def test_setup_pins_the_same_versions() -> None:
    from pathlib import Path

    setup = (Path(__file__).parents[2] / "setup.cfg").read_text()
    assert "eventsourcing[postgres,crypto]" + ",".join(library_seams.SUPPORTED_VERSIONS) in setup


def test_save_is_still_record_then_snapshots_then_notify() -> None:
    """`CollectingSave.save` repeats the library's `save` step for step: a new step in the
    library's would be skipped by ours."""
    steps = [
        line.strip()
        for line in inspect.getsource(Application.save).splitlines()
        if "self." in line or "processing_event" in line
    ]
    assert steps == [
        "processing_event: ProcessingEvent[TAggregateID] = ProcessingEvent()",
        "processing_event.collect_events(*objs, **kwargs)",
        "recordings = self._record(processing_event)",
        "self._take_snapshots(processing_event)",
        "self._notify(recordings)",
        "self.notify(processing_event.events)  # Deprecated.",
    ]


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("_record", ["self", "processing_event"]),
        ("_take_snapshots", ["self", "processing_event"]),
        ("_notify", ["self", "recordings"]),
        ("notify", ["self", "new_events"]),
        ("register_transcodings", ["self", "transcoder"]),
    ],
)
def test_application_steps_take_what_we_pass(name: str, parameters: list[str]) -> None:
    assert _parameters(getattr(Application, name)) == parameters


def test_processing_event_collects_into_the_attributes_we_fill() -> None:
    event: ProcessingEvent[Any] = ProcessingEvent()
    assert (event.events, event.aggregates, event.saved_kwargs) == ([], {}, {})
    assert _parameters(ProcessingEvent.collect_events) == ["self", "objs", "kwargs"]


def test_recording_is_exported_where_we_import_it() -> None:
    assert list(Recording.__dataclass_fields__) == ["domain_event", "notification"]


def test_the_postgres_recorder_steps_we_call() -> None:
    assert _parameters(PostgresApplicationRecorder._lock_table) == ["self", "curs"]
    assert _parameters(PostgresApplicationRecorder._notify_channel) == ["self", "curs"]
    assert _parameters(PostgresApplicationRecorder.construct_pg_stored_event) == [
        "self",
        "originator_id",
        "originator_version",
        "topic",
        "state",
    ]
    assert "self.insert_events_statement" in inspect.getsource(PostgresApplicationRecorder)


def test_the_recorders_insert_events_is_what_ours_replaces() -> None:
    """The event store calls `insert_events(stored_events, **kwargs)`; ChainedWrites takes
    that call for both recorders."""
    for recorder in (PostgresApplicationRecorder, SQLiteApplicationRecorder):
        assert _parameters(recorder.insert_events) == ["self", "stored_events", "kwargs"]
    assert _parameters(ChainedWrites.insert_events) == ["self", "stored_events", "kwargs"]
    assert "self.insert_events_statement" in inspect.getsource(SQLiteApplicationRecorder)


def test_the_sqlite_select_events_ours_repeats() -> None:
    """ChainedSQLiteRecorder.select_events repeats the library's query in one statement
    (tests/integration/test_sqlite_select_events.py compares the answers)."""
    from infra.storage.recorders import ChainedSQLiteRecorder

    expected = ["self", "originator_id", "gt", "lte", "desc", "limit"]
    assert _parameters(SQLiteApplicationRecorder.select_events) == expected
    assert _parameters(ChainedSQLiteRecorder.select_events) == expected
    source = inspect.getsource(SQLiteApplicationRecorder.select_events)
    assert "self.datastore.transaction(commit=False)" in source
    assert "convert_originator_id" in source


def test_the_transcoder_revives_typed_objects_with_decode_obj() -> None:
    transcoder = JSONTranscoder()
    transcoder.register(DecimalAsStr())
    decode = library_seams.typed_object_decoder(transcoder)
    assert decode({"_type_": "decimal_str", "_data_": "1.50"}) == transcoder.decode(
        b'{"_type_": "decimal_str", "_data_": "1.50"}'
    )


def test_the_sqlite_pool_insides_we_take_over() -> None:
    pool = SQLiteConnectionPool(db_name="file::memory:?cache=shared")
    for attribute in ("_writer_lock", "_num_writers", "_mutually_exclusive_read_write"):
        assert hasattr(pool, attribute), attribute
    for attribute in ("pool_timeout", "db_name", "lock_timeout", "max_age"):
        assert hasattr(pool, attribute), attribute
    assert _parameters(ConnectionPool._create_connection) == ["self"]
    assert _parameters(ConnectionPool.get_connection) == ["self", "timeout", "is_writer"]
    library_seams.use_statement_cache(pool)
    assert type(pool) is library_seams.StatementCachingPool
    connection = pool.get_connection(is_writer=True)
    try:
        assert connection.is_writer
    finally:
        pool.put_connection(connection)
    pool.close()


def test_synchronous_reaches_open_and_later_connections(tmp_path: Any) -> None:
    pool = SQLiteConnectionPool(db_name=str(tmp_path / "sync.db"), pool_size=2)

    def synchronous() -> list[int]:
        first, second = pool.get_connection(), pool.get_connection()
        try:
            return [
                c._sqlite_conn.execute("PRAGMA synchronous").fetchone()[0] for c in (first, second)
            ]
        finally:
            pool.put_connection(first)
            pool.put_connection(second)

    pool.put_connection(pool.get_connection())  # one open in the pool, one opened later
    library_seams.set_synchronous(pool, "NORMAL")
    assert synchronous() == [1, 1]
    library_seams.set_synchronous(pool, None)
    assert synchronous() == [2, 2]
    pool.close()
