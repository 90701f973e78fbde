"""The PostgreSQL application recorder: chained, idempotent writes by group commit (the
library's `LOCK TABLE ... IN EXCLUSIVE MODE` orders commits as the log)."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composable, Identifier

from infra.storage.chain import Link, extend_chain
from infra.storage.chained_writes import ChainedWrites, chunks, flat, shares
from infra.storage.command_log import CommandRecord
from infra.storage.group_commit import WriteRequest
from infra.storage.library_seams import lock_and_notify
from infra.storage.two_trips import TwoTrips


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
        self._select_head = (
            SQL("SELECT position, prev_position, hash FROM {} ORDER BY position DESC LIMIT 1")
            .format(self._chain)
            .as_string()
        )
        self._opening = [
            *(_text(statement) for statement in self.lock_table_statements),
            SQL("NOTIFY {}").format(Identifier(self.channel_name)).as_string(),
            self._select_head,
        ]
        self._insert_event = (
            SQL(
                "INSERT INTO {} (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
            )
            .format(self._events)
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

    def _write_together(self, requests: list[WriteRequest]) -> None:
        """The batch in two round trips (`TwoTrips`): the lock, the notification, the chain
        head and the events' insert in the first; the links, the records and COMMIT in the
        second. A conflict in either raises IntegrityError with nothing stored."""
        events = [e for r in requests for e in r.events]
        with self.datastore.get_connection() as conn, TwoTrips(conn) as trips:
            head_rows, position_rows = trips.open(
                [*self._opening, self._insert_values(len(events))],
                [value for e in events for value in _event_values(e)],
            )
            positions = sorted(row[0] for row in position_rows)  # taken in row order
            head = _link(head_rows[0]) if head_rows else None
            links = extend_chain(head, positions, events)
            results, records = shares(requests, positions)
            self._write_links(trips, links, records)
        self._settle(requests, results, links[-1])

    def _insert_values(self, count: int) -> str:
        return self._rows(self._insert_event, count) + " RETURNING notification_id"

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
            lock_and_notify(self, curs)
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
        c.execute(self._select_head)
        row = c.fetchone()
        return Link(row["position"], row["prev_position"], bytes(row["hash"])) if row else None

    def _write_links(self, c: Any, links: list[Link], records: list[CommandRecord]) -> None:
        """The links and the idempotency records: the usual command (one event, a key) in
        one prepared statement, a batch in one multi-row statement for each."""
        if len(links) == 1 and len(records) == 1:
            c.execute(self._insert_link_and_command, (*links[0], *records[0]), prepare=True)
            return
        for statement, rows in ((self._insert_link, links), (self._insert_command, records)):
            for chunk in chunks(rows):
                c.execute(self._rows(statement, len(chunk)), flat(chunk), prepare=len(chunk) == 1)

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

    def events_source(self) -> tuple[str, str]:
        """As ChainedSQLiteRecorder.events_source."""
        return f'"{self.datastore.schema}"."{self.events_table_name}"', "notification_id"

    def any_after(self, position: int, topics: Sequence[str]) -> bool:
        """As ChainedSQLiteRecorder.any_after."""
        rows = self._tuples(
            SQL("SELECT 1 FROM {} WHERE notification_id > %s AND topic = ANY(%s) LIMIT 1").format(
                self._events
            ),
            (position, list(topics)),
        )
        return bool(rows)

    def select_topics(self, after: int, stop: int) -> list[tuple[int, str]]:
        """As ChainedSQLiteRecorder.select_topics."""
        rows = self._tuples(
            SQL(
                "SELECT notification_id, topic FROM {} "
                "WHERE notification_id > %s AND notification_id <= %s"
            ).format(self._events),
            (after, stop),
        )
        return [(row[0], row[1]) for row in rows]

    def _tuples(self, statement: Any, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows as plain tuples (the library's cursors make a dict of every row), read by
        one statement on the pool's autocommit connection: no BEGIN and ROLLBACK trips."""
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row) as curs,
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


def _event_values(stored: Any) -> tuple[Any, int, str, bytes]:
    return stored.originator_id, stored.originator_version, stored.topic, stored.state


def _link(row: tuple[Any, ...]) -> Link:
    return Link(row[0], row[1], bytes(row[2]))


def _text(statement: Any) -> str:
    return statement.as_string() if isinstance(statement, Composable) else str(statement)
