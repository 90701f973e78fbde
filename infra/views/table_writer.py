"""Batched INSERT, UPDATE and DELETE of view rows, straight to the database driver.

SQLAlchemy's executemany builds and processes a parameter dictionary per row, which was
close to half of a projection rebuild. Here the SQL is built once per table and column
set, each value goes through its column type's bind processor (JSON, for instance), and
the rows go to the driver's executemany as tuples, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Boolean, Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any] | None


class TableWriter:
    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.dialect = dialect
        quote = dialect.identifier_preparer.quote
        self.table_sql = dialect.identifier_preparer.format_table(table)
        self.columns = {c.name: quote(c.name) for c in table.columns}
        self.processors: dict[str, Processor] = {
            c.name: _processor(c.type, dialect) for c in table.columns
        }
        self.key = [c.name for c in table.primary_key.columns]
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}

    def insert(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        for keys, group in _by_columns(rows):
            names = tuple(n for n in keys if n in self.columns)
            sql = self._statement("insert", names)
            conn.exec_driver_sql(sql, [self._values(row, names) for row in group])

    def update(
        self, conn: Connection, rows: Sequence[tuple[tuple[Any, ...], dict[str, Any]]]
    ) -> None:
        """(primary key, row) pairs: every non-key column in the row is set."""
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for key, row in rows:
            changed = tuple(n for n in row if n in self.columns and n not in self.key)
            groups.setdefault(changed, []).append(
                (*self._values(row, changed), *self._key_values(key))
            )
        for changed, params in groups.items():
            if changed:
                conn.exec_driver_sql(self._statement("update", changed), params)

    def delete(self, conn: Connection, keys: Sequence[tuple[Any, ...]]) -> None:
        if keys:
            sql = self._statement("delete", ())
            conn.exec_driver_sql(sql, [self._key_values(key) for key in keys])

    def _statement(self, kind: str, names: tuple[str, ...]) -> str:
        sql = self._sql.get((kind, names))
        if sql is None:
            sql = self._sql[(kind, names)] = self._build(kind, names)
        return sql

    def _build(self, kind: str, names: tuple[str, ...]) -> str:
        where = " AND ".join(f"{self.columns[k]} = {self.mark}" for k in self.key)
        if kind == "insert":
            columns = ", ".join(self.columns[n] for n in names)
            marks = ", ".join(self.mark for _ in names)
            return f"INSERT INTO {self.table_sql} ({columns}) VALUES ({marks})"
        if kind == "update":
            sets = ", ".join(f"{self.columns[n]} = {self.mark}" for n in names)
            return f"UPDATE {self.table_sql} SET {sets} WHERE {where}"
        return f"DELETE FROM {self.table_sql} WHERE {where}"

    def _values(self, row: dict[str, Any], names: Iterable[str]) -> tuple[Any, ...]:
        processors = self.processors
        return tuple(
            row[n] if processors[n] is None else processors[n](row[n])  # type: ignore[misc]
            for n in names
        )

    def _key_values(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        return self._values(dict(zip(self.key, key, strict=True)), self.key)


def _processor(column_type: TypeEngine[Any], dialect: Dialect) -> Processor:
    if isinstance(column_type, Boolean):  # both drivers take Python bools as they are
        return None
    return column_type.dialect_impl(dialect).bind_processor(dialect)


class PostgresTableWriter(TableWriter):
    """PostgreSQL: rows arrive by COPY, and a changed row is deleted and copied in again
    (view rows are written whole), so the server handles a batch in a few statements
    rather than one per row."""

    def insert(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        for keys, group in _by_columns(rows):
            names = tuple(n for n in keys if n in self.columns)
            self._copy(conn, names, [self._values(row, names) for row in group])

    def update(
        self, conn: Connection, rows: Sequence[tuple[tuple[Any, ...], dict[str, Any]]]
    ) -> None:
        whole = [(key, row) for key, row in rows if len(row) == len(self.columns)]
        partial = [(key, row) for key, row in rows if len(row) != len(self.columns)]
        if whole:
            self.delete(conn, [key for key, _ in whole])
            self.insert(conn, [row for _, row in whole])
        if partial:
            super().update(conn, partial)

    def delete(self, conn: Connection, keys: Sequence[tuple[Any, ...]]) -> None:
        if len(self.key) != 1:
            super().delete(conn, keys)
        elif keys:
            column = self.columns[self.key[0]]
            with _cursor(conn) as cursor:
                cursor.execute(
                    f"DELETE FROM {self.table_sql} WHERE {column} = ANY(%s)",
                    ([self._key_values(key)[0] for key in keys],),
                )

    def _copy(
        self, conn: Connection, names: tuple[str, ...], values: list[tuple[Any, ...]]
    ) -> None:
        columns = ", ".join(self.columns[n] for n in names)
        with (
            _cursor(conn) as cursor,
            cursor.copy(f"COPY {self.table_sql} ({columns}) FROM STDIN") as copy,
        ):
            for row in values:
                copy.write_row(row)


def _cursor(conn: Connection) -> Any:
    """A psycopg cursor in the SQLAlchemy connection's transaction."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


@lru_cache(maxsize=512)
def writer_for(table: Table, dialect: Dialect) -> TableWriter:
    if dialect.name == "postgresql":
        return PostgresTableWriter(table, dialect)
    return TableWriter(table, dialect)


def _by_columns(
    rows: Sequence[dict[str, Any]],
) -> Iterable[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)  # SQLAlchemy too takes one key set
    return groups.items()
