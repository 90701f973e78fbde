"""The SQLite application recorder: events, their chain links and idempotency records in
one transaction, written by group commit (`infra/storage/chained_writes.py`; the PostgreSQL one is
`infra/storage/postgres_recorder.py`).

Both take the write lock before reading the chain head (SQLite: the INSERT; PostgreSQL:
the library's `LOCK TABLE ... IN EXCLUSIVE MODE`), so concurrent writers can never fork
the chain, and no committed event is ever without its link.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLITE3_DEFAULT_LOCK_TIMEOUT, SQLiteApplicationRecorder

from infra.storage.chain import Link
from infra.storage.chained_writes import ChainedWrites, chunks, flat
from infra.storage.command_log import CommandRecord
from infra.storage.library_seams import select_plain_rows, use_statement_cache
from infra.storage.transcoder import uuid_from_hex
from infra.storage.write_turns import WriteTurns, database_file, turns_for


def _no_sync() -> None:
    pass


class ChainedSQLiteRecorder(ChainedWrites, SQLiteApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_statement_cache(self.datastore.pool)
        self._start_group_commit()
        self._writer: Any = None
        self._turns: WriteTurns | None = None  # this process's turns at the database file
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

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """The library's query and answer, read in one statement as plain rows (loading
        an aggregate is on every command's path)."""
        statement = self.select_events_statement
        params: list[Any] = [
            originator_id.hex if isinstance(originator_id, UUID) else originator_id
        ]
        if gt is not None:
            statement += "AND originator_version>? "
            params.append(gt)
        if lte is not None:
            statement += "AND originator_version<=? "
            params.append(lte)
        statement += (
            "ORDER BY originator_version DESC " if desc else "ORDER BY originator_version ASC "
        )
        if limit is not None:
            statement += "LIMIT ? "
            params.append(limit)
        as_id = uuid_from_hex if self.datastore.originator_id_type == "uuid" else str
        return [
            StoredEvent(
                originator_id=as_id(row[0]), originator_version=row[1], topic=row[2], state=row[3]
            )
            for row in select_plain_rows(self.datastore, statement, params)
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
        if self._turns is None:
            self._turns = turns_for(database_file(pool.db_name))
        turns = self._turns
        turns.take(pool.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT)
        try:
            with self._writer.transaction(commit=True) as c:
                yield c, _no_sync
        finally:
            turns.give_back()

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
        for chunk in chunks(rows):
            statement = self._rows(self.insert_events_statement, len(chunk))
            c.execute(statement + " RETURNING rowid", flat(chunk))
            # each row takes the next rowid (the table is locked), so sorted = row order
            positions.extend(sorted(row[0] for row in c.fetchall()))
        return positions

    def _read_head(self, c: Any) -> Link | None:
        c.execute(
            f"SELECT position, prev_position, hash FROM {self.chain_table} "
            "ORDER BY position DESC LIMIT 1"
        )
        row = c.fetchone()
        return Link(row[0], row[1], bytes(row[2])) if row else None

    def _write_links(self, c: Any, links: list[Link], records: list[CommandRecord]) -> None:
        for statement, rows in ((self._insert_link, links), (self._insert_command, records)):
            for chunk in chunks(rows):
                c.execute(self._rows(statement, len(chunk)), flat(chunk))

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

    def events_source(self) -> tuple[str, str]:
        """The events table and its position column, for a statement on another connection
        to the same database (the read engine's)."""
        return f'"{self.events_table_name}"', "rowid"

    def any_after(self, position: int, topics: Sequence[str]) -> bool:
        """Whether an event of these topics lies after `position` (one statement, no
        transaction around it: a route asks before trusting a read model's row)."""
        marks = ",".join("?" * len(topics))
        statement = (
            f"SELECT 1 FROM {self.events_table_name} WHERE rowid > ? AND topic IN ({marks}) LIMIT 1"
        )
        return bool(select_plain_rows(self.datastore, statement, [position, *topics]))

    def select_topics(self, after: int, stop: int) -> list[tuple[int, str]]:
        """(position, topic) of every event in (after, stop]: which projections a stretch
        of the log concerns, without reading the events."""
        statement = (
            f"SELECT rowid, topic FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ?"
        )
        return [
            (row[0], row[1]) for row in select_plain_rows(self.datastore, statement, [after, stop])
        ]

    def select_command(self, key: str) -> CommandRecord | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.commands_table} WHERE idempotency_key = ?", (key,))
            row = c.fetchone()
            return CommandRecord(*row) if row else None
