"""Every dependence of the ledger on eventsourcing's internals, in one place.

The library promises its public API; these names it does not: the private steps of
`Application.save()`, `ProcessingEvent`'s collecting, the PostgreSQL recorder's lock and
notify steps, the JSON transcoder's typed-object decoder and the SQLite pool's insides.
tests/unit/test_library_seams.py checks each of them (and the installed version) against
the library, so an upgrade that changes one fails there, loudly, rather than in a command.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from time import monotonic
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import (
    ConnectionUnavailableError,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    JSONTranscoder,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    Recording,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteDatastore

from domain.base import LedgerAggregate

SUPPORTED_VERSIONS = (">=9.5.6", "<9.6")  # as setup.cfg pins it; the seams test checks both


# Saving ---------------------------------------------------------------------------------


class LedgerProcessingEvent(ProcessingEvent[UUID]):
    """Collects our aggregates' events knowing their class. The library asks each object
    `isinstance(obj, <runtime Protocol>)`, which on Python 3.11 walks the protocol's
    attributes every time (`python -m bench.instructions` measures the difference)."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if isinstance(obj, LedgerAggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            else:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)


class CollectingSave(Application[UUID]):
    """An application whose `save()` is the library's, step for step, collecting through
    `LedgerProcessingEvent`."""

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        processing_event = LedgerProcessingEvent()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library's deprecated hook, kept
        return recordings


# Recorders ------------------------------------------------------------------------------


def lock_and_notify(recorder: PostgresApplicationRecorder, curs: Any) -> None:
    """What the library's PostgreSQL recorder does first in an insert: take the table lock
    (`LOCK TABLE ... IN EXCLUSIVE MODE`, so commits follow the log's order) and NOTIFY."""
    recorder._lock_table(curs)
    recorder._notify_channel(curs)


def typed_object_decoder(transcoder: JSONTranscoder) -> Callable[[dict[str, Any]], Any]:
    """The transcoder's own reviver of one `{"_type_": ..., "_data_": ...}` object."""
    return transcoder._decode_obj


# The SQLite pool ------------------------------------------------------------------------
#
# eventsourcing 9.5's pool opens connections with `cached_statements=True`, which sqlite3
# reads as a cache of ONE statement. The chained recorder runs three different statements
# per commit (event, link, idempotency record), so each one was parsed again on every
# command (~80k instructions, measured with callgrind). This pool is the library's with a
# cache large enough for every statement the application runs.
#
# The library's pool also makes every request, readers included, queue in one line: a
# thread waiting for the writer (held by a command that waits for SQLite's write lock)
# blocked every reader behind it, so a projection holding the write lock while it read the
# log waited for a reader it could never get (issue 14). Here writers queue for the writer
# by themselves; a reader only waits for a free connection.

STATEMENT_CACHE_SIZE = 256
DEFAULT_LOCK_TIMEOUT = 5


class StatementCachingPool(SQLiteConnectionPool):
    def get_connection(
        self, timeout: float | None = None, *, is_writer: bool | None = None
    ) -> SQLiteConnection:
        if is_writer is not True or self._mutually_exclusive_read_write:
            return super().get_connection(timeout, is_writer=is_writer)
        timeout = self.pool_timeout if timeout is None else timeout
        started = monotonic()
        if not self._writer_lock.acquire(timeout=timeout):
            raise ConnectionUnavailableError("Timed out waiting for return of writer")
        try:
            remaining = max(0.0, timeout - (monotonic() - started))
            conn = super().get_connection(remaining, is_writer=None)
        except BaseException:
            self._writer_lock.release()
            raise
        self._num_writers += 1
        conn.is_writer = True  # put_connection() releases the writer lock
        return conn

    def _create_connection(self) -> SQLiteConnection:
        try:
            connection = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,  # autocommit; the library issues BEGIN itself
                cached_statements=STATEMENT_CACHE_SIZE,
                timeout=self.lock_timeout or DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as error:
            raise InterfaceError(error) from error
        if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
            mode = connection.execute("PRAGMA journal_mode;").fetchone()[0]
            if mode.lower() != "wal":
                connection.execute("PRAGMA journal_mode=WAL;")
                self.journal_mode_was_changed_to_wal = True
            self.is_journal_mode_wal = True
        connection.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=connection, max_age=self.max_age)


# What the library's SQLite transaction turns each sqlite3 error into, most specific first.
_TRANSLATED: tuple[tuple[type[sqlite3.Error], type[PersistenceError]], ...] = (
    (sqlite3.InterfaceError, InterfaceError),
    (sqlite3.DataError, DataError),
    (sqlite3.OperationalError, OperationalError),
    (sqlite3.IntegrityError, IntegrityError),
    (sqlite3.InternalError, InternalError),
    (sqlite3.ProgrammingError, ProgrammingError),
    (sqlite3.NotSupportedError, NotSupportedError),
    (sqlite3.DatabaseError, DatabaseError),
)


def select_plain_rows(
    datastore: SQLiteDatastore, statement: str, params: Any
) -> list[tuple[Any, ...]]:
    """One SELECT on a pooled reader, rows as plain tuples. Without the library's BEGIN
    and ROLLBACK around it: in autocommit mode one statement reads one snapshot by itself
    (loading an aggregate paid two more statements and `sqlite3.Row` lookups for it)."""
    with datastore.get_connection(commit=False) as conn:
        cursor = conn._sqlite_conn.cursor()
        cursor.row_factory = None
        try:
            return cursor.execute(statement, params).fetchall()
        except sqlite3.Error as error:
            kind = next((ours for theirs, ours in _TRANSLATED if isinstance(error, theirs)), None)
            raise (kind or PersistenceError)(error) from error
        finally:
            cursor.close()


def use_statement_cache(pool: SQLiteConnectionPool) -> None:
    """Make `pool` open its connections with the statement cache (before its first one)."""
    if type(pool) is SQLiteConnectionPool:
        pool.__class__ = StatementCachingPool


def set_synchronous(pool: SQLiteConnectionPool, mode: str | None) -> None:
    """PRAGMA synchronous on the pool's open connections and on those it opens later (mode
    None: back to the pool's own connections and SQLite's default, FULL). The city
    generator writes its logs with NORMAL."""
    if mode is None:
        pool.__dict__.pop("_create_connection", None)
        mode = "FULL"
    else:
        create = pool._create_connection

        def create_relaxed() -> SQLiteConnection:
            conn = create()
            conn._sqlite_conn.execute(f"PRAGMA synchronous={mode}")
            return conn

        pool._create_connection = create_relaxed  # type: ignore[method-assign]
    for conn in list(pool._pool):
        conn._sqlite_conn.execute(f"PRAGMA synchronous={mode}")
