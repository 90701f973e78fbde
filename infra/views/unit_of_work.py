"""A unit of work over a projection's tables: the `View` its handlers write through.

Handlers read rows by primary key (`get`), change plain dicts (`put`, `add`, `delete`),
and the batch writes all changes in bulk at `flush` (infra/views/table_writer.py). The row
cache outlives a batch (bounded LRU), so a rebuild does not re-read rows it wrote a moment
ago; the runner clears it whenever another writer may have touched the tables.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, select

from infra.views.table_writer import TableWriter, writer_for
from projections.base import Projection

Key = tuple[str, tuple[Any, ...]]


class _Entry:
    __slots__ = ("row", "in_db", "dirty")

    # in_db is None when a row was `put` without being read: the flush finds out, for all
    # such rows of a table in one query, whether to insert or update them.
    def __init__(self, row: dict[str, Any] | None, in_db: bool | None, dirty: bool) -> None:
        self.row, self.in_db, self.dirty = row, in_db, dirty


class RowCache:
    def __init__(self, max_rows: int = 50_000) -> None:
        self.entries: OrderedDict[Key, _Entry] = OrderedDict()
        self.dirty: set[Key] = set()  # keys changed since the last flush
        self.max_rows = max_rows
        # True while every row of the tables is in the cache (a rebuild into tables it
        # created empty, nothing evicted yet): a key not cached is then known to be absent.
        self.complete = False

    def clear(self) -> None:
        self.entries.clear()
        self.dirty.clear()
        self.complete = False

    def trim(self) -> None:
        if len(self.entries) > self.max_rows:
            self.complete = False
        while len(self.entries) > self.max_rows:
            self.entries.popitem(last=False)


class ViewBatch:
    """A `projections.view.View` over one transaction (`conn`)."""

    def __init__(self, conn: Connection, tables: dict[str, Table], cache: RowCache) -> None:
        self.conn = conn
        self.tables = tables
        self.cache = cache
        self.position = 0
        self._appends: dict[str, list[dict[str, Any]]] = {}

    # -- reads ----------------------------------------------------------------------------

    def get(self, table: str, *key: Any) -> dict[str, Any] | None:
        """The row with this primary key (values in primary-key column order), or None."""
        entry = self._entry(table, key)
        return entry.row

    def find(self, table: str, **criteria: Any) -> list[dict[str, Any]]:
        """Rows matching column equality criteria (flushes first, then reads the database)."""
        self.flush()
        t = self.tables[table]
        stmt = select(t).where(and_(*(t.c[k] == v for k, v in criteria.items())))
        rows = []
        for row in self.conn.execute(stmt).mappings():
            key = tuple(row[c.name] for c in t.primary_key.columns)
            cached = self.cache.entries.get((table, key))
            found = None if cached is None else cached.row
            if found is None:
                found = dict(row)
                self.cache.entries[(table, key)] = _Entry(found, True, False)
            rows.append(found)
        return rows

    def key(self, table: str, row: dict[str, Any]) -> tuple[Any, ...]:
        """The primary key of this row (values in primary-key column order)."""
        return tuple(row[c.name] for c in self.tables[table].primary_key.columns)

    @property
    def pending(self) -> int:
        """Rows waiting to be written at the next flush."""
        return len(self.cache.dirty) + sum(len(rows) for rows in self._appends.values())

    # -- writes ---------------------------------------------------------------------------

    def put(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """Insert or replace the row with this row's primary key."""
        key = self.key(table, row)
        cache_key = (table, key)
        entry = self.cache.entries.get(cache_key)
        if entry is None:  # not read: whether it exists is settled at flush, in bulk
            in_db = False if self.cache.complete else None
            entry = self.cache.entries[cache_key] = _Entry(row, in_db, True)
        entry.row, entry.dirty = row, True
        self.cache.dirty.add(cache_key)
        return row

    def insert(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """Insert a row whose key is known to be new (an aggregate's created-event): no
        lookup first. It can be read and changed later in the same batch."""
        cache_key = (table, self.key(table, row))
        self.cache.entries[cache_key] = _Entry(row, False, True)
        self.cache.dirty.add(cache_key)
        return row

    def update(self, table: str, *key: Any, **changes: Any) -> dict[str, Any]:
        row = self.get(table, *key)
        if row is None:
            raise LookupError(f"{table}: no row {key} (events out of order?)")
        row.update(changes)
        self.cache.entries[(table, tuple(key))].dirty = True
        self.cache.dirty.add((table, tuple(key)))
        return row

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Append a row that is never changed later (ledger lines, history)."""
        self._appends.setdefault(table, []).append(row)

    def delete(self, table: str, *key: Any) -> None:
        entry = self._entry(table, key)
        entry.row, entry.dirty = None, True
        self.cache.dirty.add((table, tuple(key)))

    def flush(self) -> None:
        inserts: dict[str, list[dict[str, Any]]] = {}
        updates: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
        deletes: dict[str, list[tuple[Any, ...]]] = {}
        changed = [(k, self.cache.entries[k]) for k in self.cache.dirty if k in self.cache.entries]
        self.cache.dirty.clear()
        self._settle_unknown([k for k, e in changed if e.in_db is None])
        for (table, key), entry in changed:
            if not entry.dirty:
                continue
            if entry.row is None:
                if entry.in_db:
                    deletes.setdefault(table, []).append(key)
            elif entry.in_db:
                updates.setdefault(table, []).append((key, entry.row))
            else:
                inserts.setdefault(table, []).append(entry.row)
            entry.in_db, entry.dirty = entry.row is not None, False
        for table, keys in deletes.items():
            self._writer(table).delete(self.conn, keys)
        for table, pairs in updates.items():
            self._writer(table).update(self.conn, pairs)
        for table, rows in inserts.items():
            self._writer(table).insert(self.conn, rows)
        for table, rows in self._appends.items():
            self._writer(table).insert(self.conn, rows)
        self._appends = {}
        self.cache.trim()

    # -- internals ------------------------------------------------------------------------

    def _settle_unknown(self, keys: list[Key]) -> None:
        """Mark which of these put-but-never-read rows already exist (one query per table
        and 500 keys for single-column keys)."""
        by_table: dict[str, list[tuple[Any, ...]]] = {}
        for table, key in keys:
            by_table.setdefault(table, []).append(key)
        for table, table_keys in by_table.items():
            t = self.tables[table]
            cols = list(t.primary_key.columns)
            found: set[tuple[Any, ...]] = set()
            if len(cols) == 1:
                for i in range(0, len(table_keys), 500):
                    chunk = [k[0] for k in table_keys[i : i + 500]]
                    rows = self.conn.execute(select(cols[0]).where(cols[0].in_(chunk)))
                    found.update((r[0],) for r in rows)
            else:
                for key in table_keys:
                    clause = and_(*(c == v for c, v in zip(cols, key, strict=True)))
                    if self.conn.execute(select(*cols).where(clause)).first() is not None:
                        found.add(key)
            for key in table_keys:
                self.cache.entries[(table, key)].in_db = key in found

    def _entry(self, table: str, key: tuple[Any, ...]) -> _Entry:
        cache_key = (table, tuple(key))
        entry = self.cache.entries.get(cache_key)
        if entry is None and self.cache.complete:
            entry = self.cache.entries[cache_key] = _Entry(None, False, False)
        elif entry is None:
            t = self.tables[table]
            cols = list(t.primary_key.columns)
            stmt = select(t).where(and_(*(c == v for c, v in zip(cols, key, strict=True))))
            found = self.conn.execute(stmt).mappings().first()
            entry = _Entry(dict(found) if found else None, found is not None, False)
            self.cache.entries[cache_key] = entry
        else:
            self.cache.entries.move_to_end(cache_key)
        return entry

    def _writer(self, table: str) -> TableWriter:
        return writer_for(self.tables[table], self.conn.dialect)


@contextmanager
def view_transaction(
    engine: Engine, tables: dict[str, Table], cache: RowCache
) -> Iterator[ViewBatch]:
    """One transaction over a projection's tables. Inside the block the caller claims its
    tracking record (on `view.conn`) and applies events to the view; when the block ends the
    changed rows are written and everything commits together. On any failure nothing is
    committed and the row cache is dropped. Both the database-fed and the Kafka-fed
    runners use it."""
    try:
        with engine.begin() as conn:
            view = ViewBatch(conn, tables, cache)
            yield view
            view.flush()
    except Exception:
        cache.clear()
        raise


def apply_events(
    projection: Projection, events: Iterable[tuple[int, str, Any]], view: ViewBatch
) -> None:
    """Apply (position, topic, event) triples in order."""
    for position, topic, event in events:
        view.position = position
        projection.apply(event, topic, view)
