"""Application recorders that chain every event and store idempotency records in the
same transaction as the events (SQLite and PostgreSQL).

Both take the write lock before reading the chain head (SQLite: the INSERT; PostgreSQL:
the library's `LOCK TABLE ... IN EXCLUSIVE MODE`), so concurrent writers can never fork
the chain, and no committed event is ever without its link.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from infra.chain import Link, extend_chain
from infra.command_log import CommandRecord, record_for
from infra.group_commit import GroupCommitter, WriteRequest
from infra.sqlite_pool import use_statement_cache


def _no_sync() -> None:
    pass


CHUNK = 200  # rows per multi-row INSERT (SQLite allows 32,766 parameters)


def _chunks(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _flat(rows: Sequence[Sequence[Any]]) -> list[Any]:
    return [value for row in rows for value in row]


class ChainHeadCache:
    """The last link this process committed, so the next insert can skip reading the chain
    head when its first position directly follows it. Positions are never handed out
    twice, so no other writer can have committed in between; a link is remembered only
    after its transaction committed. Anything else (another process wrote, a gap on
    PostgreSQL) falls back to reading the head under the write lock. Only the group
    committer's leader (one thread at a time) uses it."""

    def __init__(self) -> None:
        self.committed: Link | None = None

    def head_for(self, first_position: int) -> Link | None | bool:
        """The cached head if it precedes `first_position`, else False (read it)."""
        head = self.committed
        if head is not None and head.position == first_position - 1:
            return head
        return False


class ChainedWrites:
    """Group commit of chained, idempotent writes, shared by both recorders.

    A batch is first written as one: all its events in one statement, their links and
    idempotency records in one more. If that meets a conflict (a version already taken, an
    idempotency key already used), the transaction is rolled back and the batch written
    again with a savepoint per command: the conflicting command alone gets IntegrityError
    (the gateway retries it on fresh state), its neighbours commit. Outcomes are handed to
    the callers only after the transaction ends."""

    head_cache: ChainHeadCache
    committer: GroupCommitter

    def _start_group_commit(self) -> None:
        self.head_cache = ChainHeadCache()
        self.committer = GroupCommitter(self._write_batch)

    def insert_events(self, stored_events: Sequence[Any], **kwargs: Any) -> Any:
        if not stored_events:
            return []
        return self.committer.submit(stored_events, kwargs)

    def _write_batch(self, requests: list[WriteRequest]) -> None:
        if len(requests) > 1:
            try:
                self._write_together(requests)
                return
            except IntegrityError:
                pass
            self._write_each(requests)
        else:
            self._write_together(requests)

    def _write_together(self, requests: list[WriteRequest]) -> None:
        events = [e for r in requests for e in r.events]
        results: list[list[int]] = []
        with self._write_transaction() as (c, sync):
            positions = self._insert_rows(c, sync, events)
            links = extend_chain(self._head(c, positions[0]), positions, events)
            records = []
            start = 0
            for request in requests:
                mine = positions[start : start + len(request.events)]
                start += len(request.events)
                results.append(mine)
                record = record_for(request.pending, mine, request.events)
                if record is not None:
                    records.append(record)
            self._write_links(c, links, records)
        self._settle(requests, results, links[-1])

    def _write_each(self, requests: list[WriteRequest]) -> None:
        written: list[WriteRequest] = []
        results: list[list[int]] = []
        refused: list[tuple[WriteRequest, IntegrityError]] = []
        head: Link | None = None
        with self._write_transaction() as (c, sync):
            for request in requests:
                try:
                    with self._savepoint(c):
                        positions = self._insert_rows(c, sync, request.events)
                        known = head if head is not None else self._head(c, positions[0])
                        links = extend_chain(known, positions, request.events)
                        record = record_for(request.pending, positions, request.events)
                        self._write_links(c, links, [record] if record else [])
                except IntegrityError as lost:
                    refused.append((request, lost))
                    continue
                head = links[-1]
                written.append(request)
                results.append(positions)
        if written:
            assert isinstance(head, Link)
            self._settle(written, results, head)
        for request, error in refused:
            request.error = error

    def _settle(self, requests: list[WriteRequest], results: list[list[int]], head: Link) -> None:
        """After the commit: hand out positions, mark keys stored, remember the head."""
        self.head_cache.committed = head
        for request, positions in zip(requests, results, strict=True):
            request.positions = positions
            if request.pending is not None:
                request.pending.stored = True

    def _head(self, c: Any, first_position: int) -> Link | None:
        head = self.head_cache.head_for(first_position)
        return self._read_head(c) if head is False else head  # type: ignore[return-value]

    # Backend specifics ------------------------------------------------------------------

    def _write_transaction(self) -> AbstractContextManager[tuple[Any, Callable[[], None]]]:
        raise NotImplementedError

    def _savepoint(self, c: Any) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _insert_rows(self, c: Any, sync: Callable[[], None], events: Sequence[Any]) -> list[int]:
        raise NotImplementedError

    def _read_head(self, c: Any) -> Link | None:
        raise NotImplementedError

    def _write_links(self, c: Any, links: list[Link], records: list[CommandRecord]) -> None:
        raise NotImplementedError


class ChainedSQLiteRecorder(ChainedWrites, SQLiteApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_statement_cache(self.datastore.pool)
        self._start_group_commit()
        self._statements: dict[tuple[str, int, str], str] = {}
        self._writer: Any = None
        self._insert_link = f"INSERT INTO {self.chain_table} VALUES (?, ?, ?)"
        self._insert_command = f"INSERT INTO {self.commands_table} VALUES (?, ?, ?, ?, ?, ?)"

    @property
    def chain_table(self) -> str:
        return f"{self.events_table_name}_chain"

    @property
    def commands_table(self) -> str:
        return f"{self.events_table_name}_commands"

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.chain_table} ("
            "position INTEGER PRIMARY KEY, prev_position INTEGER NOT NULL, hash BLOB NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.commands_table} ("
            "idempotency_key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
            "aggregate_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "position INTEGER NOT NULL, recorded_at TEXT NOT NULL) WITHOUT ROWID",
        ]

    @contextmanager
    def _write_transaction(self) -> Iterator[tuple[Any, Callable[[], None]]]:
        """On the group committer's own connection: commands queue for the committer,
        never for the pool's writer, and the leader takes nothing else while it waits
        for SQLite's write lock."""
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode:  # readers and writers take turns there
            with self.datastore.transaction(commit=True) as c:
                yield c, _no_sync
            return
        if self._writer is None or self._writer.closed:
            self._writer = pool.get_connection()  # kept; the pool closes it on close()
        with self._writer.transaction(commit=True) as c:
            yield c, _no_sync

    @contextmanager
    def _savepoint(self, c: Any) -> Iterator[None]:
        c.execute("SAVEPOINT command")
        try:
            yield
        except sqlite3.IntegrityError as conflict:
            c.execute("ROLLBACK TO command")
            c.execute("RELEASE command")
            raise IntegrityError(conflict) from conflict
        c.execute("RELEASE command")

    def _insert_rows(self, c: Any, sync: Callable[[], None], events: Sequence[Any]) -> list[int]:
        """One statement per chunk of rows: sqlite3 releases the GIL around every
        statement, and under load each release can cost the leader a thread switch."""
        rows = [
            (
                e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id,
                e.originator_version,
                e.topic,
                e.state,
            )
            for e in events
        ]
        if len(rows) == 1:
            c.execute(self.insert_events_statement, rows[0])
            return [c.lastrowid]
        positions: list[int] = []
        for chunk in _chunks(rows):
            c.execute(
                self._many(self.events_table_name, 4, len(chunk), " RETURNING rowid"), _flat(chunk)
            )
            # each row takes the next rowid (the table is locked), so sorted = row order
            positions.extend(sorted(row[0] for row in c.fetchall()))
        return positions

    def _many(self, table: str, width: int, count: int, tail: str = "") -> str:
        key = (table, count, tail)
        statement = self._statements.get(key)
        if statement is None:
            row = "(" + ", ".join("?" * width) + ")"
            statement = f"INSERT INTO {table} VALUES " + ", ".join([row] * count) + tail
            self._statements[key] = statement
        return statement

    def _read_head(self, c: Any) -> Link | None:
        c.execute(
            f"SELECT position, prev_position, hash FROM {self.chain_table} "
            "ORDER BY position DESC LIMIT 1"
        )
        row = c.fetchone()
        return Link(row[0], row[1], bytes(row[2])) if row else None

    def _write_links(self, c: Any, links: list[Link], records: list[CommandRecord]) -> None:
        if len(links) == 1:  # the usual command
            c.execute(self._insert_link, links[0])
        else:
            for chunk in _chunks(links):
                c.execute(self._many(self.chain_table, 3, len(chunk)), _flat(chunk))
        if len(records) == 1:
            c.execute(self._insert_command, records[0])
        else:
            for chunk in _chunks(records):
                c.execute(self._many(self.commands_table, 6, len(chunk)), _flat(chunk))

    def select_links(self, after: int, limit: int) -> list[Link]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position, prev_position, hash FROM {self.chain_table} "
                "WHERE position > ? ORDER BY position LIMIT ?",
                (after, limit),
            )
            return [Link(r[0], r[1], bytes(r[2])) for r in c.fetchall()]

    def select_chained(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        """Events after `after` with their links (None where a link is missing), as raw
        tuples: position, aggregate id, version, topic, state, link position, prev, hash."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, "
                f"l.position, l.prev_position, l.hash FROM {self.events_table_name} e "
                f"LEFT JOIN {self.chain_table} l ON l.position = e.rowid "
                "WHERE e.rowid > ? ORDER BY e.rowid LIMIT ?",
                (after, limit),
            )
            return [tuple(row) for row in c.fetchall()]

    def select_projection_page(
        self, after: int, stop: int, topics: Sequence[str], limit: int
    ) -> list[tuple[Any, ...]]:
        """Events in (after, stop] with these topics, as raw tuples for a projection:
        position, aggregate id (32 hex digits), version, topic, state."""
        marks = ",".join("?" * len(topics))
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ? "
                f"AND topic IN ({marks}) ORDER BY rowid LIMIT ?",
                (after, stop, *topics, limit),
            )
            return [tuple(row) for row in c.fetchall()]

    def select_command(self, key: str) -> CommandRecord | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.commands_table} WHERE idempotency_key = ?", (key,))
            row = c.fetchone()
            return CommandRecord(*row) if row else None


class ChainedPostgresRecorder(ChainedWrites, PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table = f"{events_table_name}_chain"
        self.commands_table = f"{events_table_name}_commands"
        self._start_group_commit()
        schema = Identifier(self.datastore.schema)
        self._events = SQL("{}.{}").format(schema, Identifier(events_table_name))
        self._chain = SQL("{}.{}").format(schema, Identifier(self.chain_table))
        self._commands = SQL("{}.{}").format(schema, Identifier(self.commands_table))
        # Rendered once: psycopg renders a composed statement again on every execute.
        self._insert_link = (
            SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(self._chain).as_string()
        )
        self._insert_command = (
            SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s)").format(self._commands).as_string()
        )
        self._insert_link_and_command = (
            SQL(
                "WITH link AS (INSERT INTO {} VALUES (%s, %s, %s)) "
                "INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s)"
            )
            .format(self._chain, self._commands)
            .as_string()
        )
        self.sql_create_statements.extend(
            [
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, "
                    "prev_position bigint NOT NULL, hash bytea NOT NULL)"
                ).format(self._chain),
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (idempotency_key text PRIMARY KEY, "
                    "fingerprint text NOT NULL, aggregate_id text NOT NULL, version bigint NOT NULL, "
                    "position bigint NOT NULL, recorded_at text NOT NULL)"
                ).format(self._commands),
            ]
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _write_batch(self, requests: list[WriteRequest]) -> None:
        super()._write_batch(requests)

    @contextmanager
    def _write_transaction(self) -> Iterator[tuple[Any, Callable[[], None]]]:
        """One transaction in pipeline mode: the lock, the notification and the events'
        insert go in one round trip, the links, the records and the commit in another."""
        with (
            self.datastore.get_connection() as conn,
            conn.pipeline() as pipeline,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._lock_table(curs)
            self._notify_channel(curs)
            yield curs, pipeline.sync

    @contextmanager
    def _savepoint(self, c: Any) -> Iterator[None]:
        try:
            with c.connection.transaction():
                yield
        except psycopg.IntegrityError as conflict:
            raise IntegrityError(str(conflict)) from conflict

    def _insert_rows(self, c: Any, sync: Callable[[], None], events: Sequence[Any]) -> list[int]:
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in events
        ]
        c.execute(self.insert_events_statement, (rows,))
        sync()  # a conflict raises here, inside the command's savepoint
        return [row["notification_id"] for row in c.fetchall()]

    def _read_head(self, c: Any) -> Link | None:
        c.execute(
            SQL(
                "SELECT position, prev_position, hash FROM {} ORDER BY position DESC LIMIT 1"
            ).format(self._chain)
        )
        row = c.fetchone()
        return Link(row["position"], row["prev_position"], bytes(row["hash"])) if row else None

    def _write_links(self, c: Any, links: list[Link], records: list[CommandRecord]) -> None:
        """The links and the idempotency records; the usual command (one event, a key) in
        one prepared statement."""
        if len(links) == 1 and len(records) == 1:
            c.execute(self._insert_link_and_command, (*links[0], *records[0]), prepare=True)
            return
        if len(links) == 1:
            c.execute(self._insert_link, links[0], prepare=True)
        else:
            c.executemany(self._insert_link, links)
        if len(records) == 1:
            c.execute(self._insert_command, records[0], prepare=True)
        elif records:
            c.executemany(self._insert_command, records)

    def select_links(self, after: int, limit: int) -> list[Link]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT position, prev_position, hash FROM {} WHERE position > %s "
                    "ORDER BY position LIMIT %s"
                ).format(self._chain),
                (after, limit),
            )
            return [
                Link(r["position"], r["prev_position"], bytes(r["hash"])) for r in curs.fetchall()
            ]

    def select_chained(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        """As ChainedSQLiteRecorder.select_chained. Without the bound on the links, the
        planner's merge join scanned the chain from its start on every page."""
        return self._tuples(
            SQL(
                "SELECT e.notification_id, e.originator_id::text, e.originator_version, e.topic, "
                "e.state, l.position, l.prev_position, l.hash FROM {} e "
                "LEFT JOIN {} l ON l.position = e.notification_id AND l.position > %s "
                "WHERE e.notification_id > %s ORDER BY e.notification_id LIMIT %s"
            ).format(self._events, self._chain),
            (after, after, limit),
        )

    def select_projection_page(
        self, after: int, stop: int, topics: Sequence[str], limit: int
    ) -> list[tuple[Any, ...]]:
        """As ChainedSQLiteRecorder.select_projection_page (the aggregate id is a UUID here)."""
        return self._tuples(
            SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {} WHERE notification_id > %s AND notification_id <= %s "
                "AND topic = ANY(%s) ORDER BY notification_id LIMIT %s"
            ).format(self._events),
            (after, stop, list(topics), limit),
        )

    def _tuples(self, statement: Any, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows as plain tuples (the library's cursors make a dict of every row)."""
        with (
            self.datastore.transaction(commit=False) as dict_cursor,
            dict_cursor.connection.cursor(row_factory=tuple_row) as curs,
        ):
            curs.execute(statement, params)
            return curs.fetchall()

    def select_command(self, key: str) -> CommandRecord | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT * FROM {} WHERE idempotency_key = %s").format(self._commands), (key,)
            )
            row = curs.fetchone()
            return CommandRecord(*row.values()) if row else None
