"""Runs a projection over the log: read a page, apply it, store rows and position in one
transaction. Restartable (resumes from its stored position) and safe to run in several
processes at once (the position is advanced by compare-and-set)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Connection, Engine, Table, insert, select, update

from domain.commands import uuid_from_hex
from projections.base import Projection
from projections.positions import projection_positions
from projections.view_batch import RowCache, ViewBatch


class PositionMoved(Exception):
    """Another writer advanced (or replaced) this projection since we last looked."""


class ProjectionRunner:
    def __init__(
        self,
        app: Any,
        engine: Engine,
        projection: Projection,
        *,
        tables: dict[str, Table] | None = None,
        tracking_name: str | None = None,
        page_size: int = 1000,
    ) -> None:
        self.app = app
        self.engine = engine
        self.projection = projection
        self.tables = tables if tables is not None else projection.tables
        self.tracking_name = tracking_name or projection.name
        self.page_size = page_size
        self.cache = RowCache()
        self._state: tuple[int, int] | None = None  # (position, generation) as last seen

    def create_tables(self) -> None:
        with self.engine.begin() as conn:
            for table in self.tables.values():
                table.create(conn, checkfirst=True)
            projection_positions.create(conn, checkfirst=True)

    @property
    def position(self) -> int:
        return self._load_state()[0]

    def catch_up(
        self, *, until: int | None = None, progress: Callable[[int], None] | None = None
    ) -> int:
        """Apply every event after the stored position (up to `until`); returns how many
        log positions it advanced. Only the projection's topics are read (filtered in SQL)."""
        read = 0
        while True:
            position, generation = self._load_state()
            if until is not None and position >= until:
                return read
            head = self.app.recorder.max_notification_id() or 0
            if head <= position:
                return read
            page = self.app.recorder.select_projection_page(
                position, head, self._topics, self.page_size
            )
            # a short page means nothing else for us up to `head`: jump there
            new_position = page[-1][0] if len(page) == self.page_size else head
            try:
                self._apply(self._decode(page), position, new_position, generation)
            except PositionMoved:
                self._state = None
                self.cache.clear()
                continue
            read += new_position - position
            if progress is not None:
                progress(new_position - position)

    def _decode(self, page: list[tuple[Any, ...]]) -> Iterator[tuple[int, str, Any]]:
        """Events decoded one at a time as the projection takes them, so a page holds one
        decoded event at once (assessment scorecards decode to tens of MB each)."""
        to_event = self.app.mapper.to_domain_event
        for position, aggregate_id, version, topic, state in page:
            yield (
                position,
                topic,
                to_event(StoredEvent(_as_uuid(aggregate_id), version, topic, state)),
            )

    @property
    def _topics(self) -> list[str]:
        return sorted(self.projection.topics)

    def _apply(
        self, events: Iterable[tuple[int, str, Any]], old: int, new: int, generation: int
    ) -> None:
        try:
            apply_batch(
                self.engine,
                self.projection,
                self.tables,
                self.cache,
                events,
                lambda conn: self._advance(conn, old, new, generation),
            )
        except Exception:
            self._state = None
            raise
        self._state = (new, generation)

    def _advance(self, conn: Connection, old: int, new: int, generation: int) -> None:
        t = projection_positions
        result = conn.execute(
            update(t)
            .where(
                t.c.name == self.tracking_name, t.c.position == old, t.c.generation == generation
            )
            .values(position=new)
        )
        if result.rowcount != 1:
            raise PositionMoved(self.tracking_name)

    def _load_state(self) -> tuple[int, int]:
        if self._state is None:
            self._state = read_state(self.engine, self.tracking_name)
        return self._state


def _as_uuid(aggregate_id: UUID | str) -> UUID:
    return aggregate_id if isinstance(aggregate_id, UUID) else uuid_from_hex(aggregate_id)


def read_state(engine: Engine, name: str) -> tuple[int, int]:
    """(position, generation) of a projection, creating its row at 0 if missing."""
    t = projection_positions
    with engine.begin() as conn:
        row = conn.execute(select(t.c.position, t.c.generation).where(t.c.name == name)).first()
        if row is None:
            conn.execute(insert(t).values(name=name, position=0, generation=0))
            return 0, 0
        return row.position, row.generation


def apply_batch(
    engine: Engine,
    projection: Projection,
    tables: dict[str, Table],
    cache: RowCache,
    events: Iterable[tuple[int, str, Any]],
    advance: Callable[[Connection], None],
) -> None:
    """One transaction: move the tracking record (`advance`, which raises `PositionMoved`
    when another writer got there first), apply the events, write the rows. Shared by the
    database-fed and the Kafka-fed runners; the row cache is dropped on any failure."""
    try:
        with engine.begin() as conn:
            advance(conn)
            view = ViewBatch(conn, tables, cache)
            projection.apply_all(events, view)
            view.flush()
    except Exception:
        cache.clear()
        raise
