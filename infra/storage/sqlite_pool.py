"""SQLite connections with a real prepared-statement cache, and readers that never queue
behind a writer.

eventsourcing 9.5's pool opens connections with `cached_statements=True`, which sqlite3
reads as a cache of ONE statement. The chained recorder runs three different statements
per commit (event, link, idempotency record), so each one was parsed again on every
command (~80k instructions, measured with callgrind). This pool is the library's with a
cache large enough for every statement the application runs.

The library's pool also makes every request, readers included, queue in one line: a
thread waiting for the writer (held by a command that waits for SQLite's write lock)
blocked every reader behind it, so a projection holding the write lock while it read the
log waited for a reader it could never get (issue 14). Here writers queue for the writer
by themselves; a reader only waits for a free connection.
"""

from __future__ import annotations

import sqlite3
from time import monotonic

from eventsourcing.persistence import ConnectionUnavailableError, InterfaceError
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool

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


def use_statement_cache(pool: SQLiteConnectionPool) -> None:
    """Make `pool` open its connections with the statement cache (before its first one)."""
    if type(pool) is SQLiteConnectionPool:
        pool.__class__ = StatementCachingPool
