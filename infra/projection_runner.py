"""Runs a projection over the log: read pages, apply them, store rows and position in one
transaction. Restartable (resumes from its stored position) and safe to run in several
processes at once (the position is claimed by compare-and-set before anything is applied).

A transaction (a batch) reads up to `batch_size` events in pages of `page_size`; it also
ends once `batch_rows` view rows wait to be written, which bounds its memory, or after the
page that outlasted `batch_seconds`, which bounds how long it holds SQLite's write lock
(commands wait for it). Live runners use one page per batch; a rebuild uses large batches,
so a row changed by many events is written once per batch instead of once per page."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Connection, Engine, Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from domain.app import RedPropertyApp
from infra.storage.transcoder import uuid_from_hex
from infra.views.unit_of_work import RowCache, ViewBatch, apply_events, view_transaction
from projections.base import Projection
from projections.positions import projection_positions


class PositionMoved(Exception):
    """Another writer advanced (or replaced) this projection since we last looked."""


class ProjectionFailed(Exception):
    """A projection cannot apply the event at `position`: its rows and position stay just
    before it (nothing after it is applied, nothing is skipped)."""

    def __init__(self, name: str, position: int, error: BaseException) -> None:
        super().__init__(f"{name} stopped at position {position}: {error!r}")
        self.name = name
        self.position = position
        self.error = f"{type(error).__name__}: {error}"


class ProjectionRunner:
    def __init__(
        self,
        app: RedPropertyApp,
        engine: Engine,
        projection: Projection,
        *,
        tables: dict[str, Table] | None = None,
        tracking_name: str | None = None,
        page_size: int = 1000,
        batch_size: int | None = None,
        batch_rows: int = 50_000,
        batch_seconds: float | None = None,
    ) -> None:
        self.app = app
        self.engine = engine
        self.projection = projection
        self.tables = tables if tables is not None else projection.tables
        self.tracking_name = tracking_name or projection.name
        self.page_size = page_size
        self.batch_size = batch_size or page_size
        self.batch_rows = batch_rows
        self.batch_seconds = batch_seconds
        self.cache = RowCache()
        self._state: tuple[int, int] | None = None  # (position, generation) as last seen
        # after a failed batch: one event per transaction up to where it failed
        self._careful_until: int | None = None
        self._applying: int | None = None  # position of the event being applied

    def create_tables(self) -> None:
        with self.engine.begin() as conn:
            for table in self.tables.values():
                table.create(conn, checkfirst=True)
            projection_positions.create(conn, checkfirst=True)

    @property
    def position(self) -> int:
        return self._load_state()[0]

    @property
    def cached_position(self) -> int | None:
        """The position as this runner last stored or read it (no query)."""
        return None if self._state is None else self._state[0]

    def catch_up(
        self,
        *,
        until: int | None = None,
        progress: Callable[[int], None] | None = None,
        head: int | None = None,
    ) -> int:
        """Apply every event after the stored position (up to `until`; up to `head`, the
        log's head as the caller has just read it, without reading it again); returns how
        many log positions it advanced. Only the projection's topics are read (filtered in SQL).

        When a batch fails, it is retried one event per transaction, so everything before
        the failing event is stored and `ProjectionFailed` names that event."""
        read = 0
        if head is not None:
            until = head
        while True:
            position, generation = self._load_state()
            if until is not None and position >= until:
                break
            end = head if head is not None else self._read_head()
            if end <= position:
                break
            try:
                new_position = self._apply(position, end, generation)
            except PositionMoved:
                self._state = None
                self.cache.clear()
                continue
            except Exception as exc:
                if self._careful_until is None:
                    self._careful_until = self._applying or end
                    continue
                self._careful_until = None
                failed_at = self._applying if self._applying is not None else position + 1
                raise ProjectionFailed(self.projection.name, failed_at, exc) from exc
            read += new_position - position
            if progress is not None:
                progress(new_position - position)
            if self._careful_until is not None and new_position >= self._careful_until:
                self._careful_until = None  # past the batch that failed: whole batches again
        return read

    def _read_head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def _fill(self, view: ViewBatch, position: int, head: int, first: list[tuple[Any, ...]]) -> int:
        """Apply pages after `position` (up to `head`) until the batch is full, starting
        with `first` (already read); returns the position reached."""
        applied = 0
        self._applying = None
        batch_size = self._batch_size(position)
        deadline = None if self.batch_seconds is None else time.monotonic() + self.batch_seconds
        while position < head and applied < batch_size and view.pending < self.batch_rows:
            if applied and deadline is not None and time.monotonic() >= deadline:
                break
            size = min(self.page_size, batch_size - applied)
            page = first if not applied else self._page(position, head, size)
            apply_events(self.projection, self._decode(page), view)
            applied += len(page)
            # a short page means nothing else for us up to `head`: jump there
            position = page[-1][0] if len(page) == size else head
        return position

    def _batch_size(self, position: int) -> int:
        """One event per transaction while retrying up to a batch that failed."""
        careful = self._careful_until is not None and position < self._careful_until
        return 1 if careful else self.batch_size

    def _page(self, position: int, head: int, size: int) -> list[tuple[Any, ...]]:
        return self.app.recorder.select_projection_page(position, head, self._topics, size)  # type: ignore[no-any-return]

    def _decode(self, page: list[tuple[Any, ...]]) -> Iterator[tuple[int, str, Any]]:
        """Events decoded one at a time as the projection takes them, so a page holds one
        decoded event at once (assessment scorecards decode to tens of MB each)."""
        to_event = self.app.mapper.to_domain_event
        for position, aggregate_id, version, topic, state in page:
            self._applying = position
            yield (
                position,
                topic,
                to_event(StoredEvent(_as_uuid(aggregate_id), version, topic, state)),
            )

    @property
    def _topics(self) -> list[str]:
        return sorted(self.projection.topics)

    def _apply(self, old: int, head: int, generation: int) -> int:
        # Read before the view transaction: on SQLite it holds the write lock, which
        # commands wait for; a live runner's batch is this one page.
        first = self._page(old, head, min(self.page_size, self._batch_size(old)))
        try:
            with view_transaction(self.engine, self.tables, self.cache) as view:
                self._claim(view.conn, old, generation)
                reached = self._fill(view, old, head, first)
                self._move(view.conn, reached)
        except Exception:
            self._state = None
            raise
        self._state = (reached, generation)
        return reached

    def _claim(self, conn: Connection, old: int, generation: int) -> None:
        """Lock the tracking row if it is still where we read it (PostgreSQL makes a
        concurrent claim wait for our commit, then find the position moved)."""
        result = conn.execute(_CLAIM, {"at": self.tracking_name, "old": old, "gen": generation})
        if result.rowcount != 1:
            raise PositionMoved(self.tracking_name)

    def concerned_by(self, stretch: list[tuple[int, str]]) -> bool:
        """Whether any (position, topic) of `stretch` after this runner's position is one
        of its projection's topics."""
        position, topics = self.cached_position or 0, self.projection.topics
        return any(at > position and topic in topics for at, topic in stretch)

    def _move(self, conn: Connection, new: int) -> None:
        conn.execute(_MOVE, {"at": self.tracking_name, "new": new})

    def _load_state(self) -> tuple[int, int]:
        if self._state is None:
            self._state = read_state(self.engine, self.tracking_name)
        return self._state


_T = projection_positions
# built once: every live round runs them for each projection it moves
_CLAIM = (
    update(_T)
    .where(
        _T.c.name == bindparam("at"),
        _T.c.position == bindparam("old"),
        _T.c.generation == bindparam("gen"),
    )
    .values(position=_T.c.position)
)
_MOVE = update(_T).where(_T.c.name == bindparam("at")).values(position=bindparam("new"))


def advance_together(runners: list[ProjectionRunner], head: int) -> list[ProjectionRunner]:
    """Store `head` as the position of runners with nothing to apply up to it, in one
    statement per engine, each by compare-and-set from the position it last saw; returns
    those moved. A runner another writer moved reloads its position next time."""
    moved: list[ProjectionRunner] = []
    for engine in {id(r.engine): r.engine for r in runners}.values():
        seen = [(r, r._load_state()) for r in runners if r.engine is engine]
        params: dict[str, Any] = {"head": head}
        for i, (runner, (position, generation)) in enumerate(seen):
            params |= {
                f"at_{i}": runner.tracking_name,
                f"old_{i}": position,
                f"gen_{i}": generation,
            }
        with engine.begin() as conn:  # states read before: SQLite's write lock is held here
            reached = set(conn.execute(_advance(len(seen)), params).scalars())
        for runner, (_, generation) in seen:
            if runner.tracking_name in reached:
                runner._state = (head, generation)
                moved.append(runner)
            else:
                runner._state = None
                runner.cache.clear()
    return moved


_ADVANCE: dict[int, Any] = {}


def _advance(count: int) -> Any:
    """One compare-and-set of `count` positions to `head`, returning the names it moved
    (built once per count)."""
    if count not in _ADVANCE:
        seen = [
            and_(
                _T.c.name == bindparam(f"at_{i}"),
                _T.c.position == bindparam(f"old_{i}"),
                _T.c.generation == bindparam(f"gen_{i}"),
            )
            for i in range(count)
        ]
        _ADVANCE[count] = (
            update(_T).where(or_(*seen)).values(position=bindparam("head")).returning(_T.c.name)
        )
    return _ADVANCE[count]


def _as_uuid(aggregate_id: UUID | str) -> UUID:
    return aggregate_id if isinstance(aggregate_id, UUID) else uuid_from_hex(aggregate_id)


def read_state(engine: Engine, name: str) -> tuple[int, int]:
    """(position, generation) of a projection, creating its row at 0 if missing."""
    t = projection_positions
    try:
        with engine.begin() as conn:
            row = conn.execute(select(t.c.position, t.c.generation).where(t.c.name == name)).first()
            if row is None:
                conn.execute(insert(t).values(name=name, position=0, generation=0))
                return 0, 0
            return row.position, row.generation
    except IntegrityError:  # another runner created it meanwhile
        return read_state(engine, name)
