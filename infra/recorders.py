"""Application recorders that chain every event and store idempotency records in the
same transaction as the events (SQLite and PostgreSQL).

Both take the write lock before reading the chain head (SQLite: the INSERT; PostgreSQL:
the library's `LOCK TABLE ... IN EXCLUSIVE MODE`), so concurrent writers can never fork
the chain, and no committed event is ever without its link.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from infra.chain import Link, extend_chain
from infra.command_log import CommandRecord, record_for
from infra.sqlite_pool import use_statement_cache


class ChainHeadCache:
    """The last link this process committed, so the next insert can skip reading the chain
    head when its first position directly follows it. Positions are never handed out
    twice, so no other writer can have committed in between; a link is remembered only
    after its transaction committed. Anything else (another process wrote, a gap on
    PostgreSQL) falls back to reading the head under the write lock."""

    def __init__(self) -> None:
        self.committed: Link | None = None
        self._pending = threading.local()

    def head_for(self, first_position: int) -> Link | None | bool:
        """The cached head if it precedes `first_position`, else False (read it)."""
        head = self.committed
        if head is not None and head.position == first_position - 1:
            return head
        return False

    def stage(self, links: list[Link]) -> None:
        self._pending.link = links[-1] if links else None

    def commit(self) -> None:
        link = getattr(self._pending, "link", None)
        self._pending.link = None
        if link is not None:
            self.committed = link

    def discard(self) -> None:
        self._pending.link = None


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_statement_cache(self.datastore.pool)
        self.head_cache = ChainHeadCache()
        self._insert_link = f"INSERT INTO {self.chain_table} VALUES (?, ?, ?)"
        self._insert_command = f"INSERT INTO {self.commands_table} VALUES (?, ?, ?, ?, ?, ?)"

    def insert_events(self, stored_events: Sequence[Any], **kwargs: Any) -> Any:
        try:
            positions = super().insert_events(stored_events, **kwargs)
        except BaseException:
            self.head_cache.discard()
            raise
        self.head_cache.commit()
        return positions

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

    def _insert_events(self, c: Any, stored_events: Sequence[Any], **kwargs: Any) -> Any:
        positions = super()._insert_events(c, stored_events, **kwargs)
        assert positions is not None
        head = self.head_cache.head_for(positions[0]) if positions else False
        if head is False:
            c.execute(
                f"SELECT position, prev_position, hash FROM {self.chain_table} "
                "ORDER BY position DESC LIMIT 1"
            )
            row = c.fetchone()
            head = Link(row[0], row[1], bytes(row[2])) if row else None
        links = extend_chain(head, positions, stored_events)  # type: ignore[arg-type]
        if len(links) == 1:  # the usual command: execute() costs less than executemany()
            c.execute(self._insert_link, links[0])
        else:
            c.executemany(self._insert_link, links)
        self.head_cache.stage(links)
        record = record_for(positions, stored_events)
        if record is not None:
            c.execute(self._insert_command, record)
        return positions

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


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table = f"{events_table_name}_chain"
        self.commands_table = f"{events_table_name}_commands"
        self.head_cache = ChainHeadCache()
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

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[Any], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert positions is not None
        head = self.head_cache.head_for(positions[0]) if positions else False
        if head is False:
            curs.execute(
                SQL(
                    "SELECT position, prev_position, hash FROM {} ORDER BY position DESC LIMIT 1"
                ).format(self._chain)
            )
            row = curs.fetchone()
            head = Link(row["position"], row["prev_position"], bytes(row["hash"])) if row else None
        links = extend_chain(head, positions, stored_events)  # type: ignore[arg-type]
        self._write(curs, links, record_for(positions, stored_events))
        self.head_cache.stage(links)
        return positions

    def _write(self, curs: Any, links: list[Link], record: CommandRecord | None) -> None:
        """The links and the idempotency record; the usual command (one event, a key) in
        one prepared statement."""
        if len(links) == 1 and record is not None:
            curs.execute(self._insert_link_and_command, (*links[0], *record), prepare=True)
            return
        if len(links) == 1:
            curs.execute(self._insert_link, links[0], prepare=True)
        else:
            curs.executemany(self._insert_link, links)
        if record is not None:
            curs.execute(self._insert_command, record, prepare=True)

    def insert_events(self, stored_events: Sequence[Any], **kwargs: Any) -> Any:
        try:
            positions = super().insert_events(stored_events, **kwargs)
        except BaseException:
            self.head_cache.discard()
            raise
        self.head_cache.commit()
        return positions

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
