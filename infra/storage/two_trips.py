"""A PostgreSQL write transaction in two round trips, for a batch that meets no conflict.

psycopg binds parameters on the server, one statement per message; in pipeline mode that
still costs a generator step per statement and per result, about 1.7 ms of CPU for a lone
command's BEGIN, lock, notification, insert, link, record and COMMIT (measured beside
this in `bench/RESULTS.md`). Here psycopg's client-side binding (`ClientCursor`) sends
several statements as one simple query: the opening (BEGIN, the lock, the notification,
the chain head, the events' insert) in the first trip, the statements deferred with
`execute` and COMMIT in the second.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import psycopg
from psycopg import ClientCursor
from psycopg.rows import tuple_row


class TwoTrips:
    """`open()` sends the opening and returns its two row sets (the head, the inserted
    positions); `execute` defers statements, which leaving the block sends
    with COMMIT. The connection must be in autocommit mode (the library's pool's are) and
    taken from the pool's `connection()` block, which rolls back whatever a failure left
    open before the pool gets the connection back."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.cursor = ClientCursor(conn, row_factory=tuple_row)
        self.deferred: list[bytes] = []

    def __enter__(self) -> TwoTrips:
        return self

    def open(self, statements: Sequence[str], params: Sequence[Any]) -> list[list[tuple[Any, ...]]]:
        """Runs `BEGIN` and `statements` in one trip; the rows of each that returns rows."""
        self.cursor.execute("; ".join(["BEGIN", *statements]), params)
        row_sets = []
        while True:
            if self.cursor.description is not None:
                row_sets.append(self.cursor.fetchall())
            if not self.cursor.nextset():
                return row_sets

    def execute(self, statement: str, params: Sequence[Any], prepare: bool = False) -> None:
        self.deferred.append(self.cursor.mogrify(statement, params).encode())

    def __exit__(
        self,
        kind: type[BaseException] | None,
        failure: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if failure is None:
                self.cursor.execute(b"; ".join([*self.deferred, b"COMMIT"]))
        finally:
            self.cursor.close()
