"""Rebuild a projection from position 0 beside the live one, then switch.

The copy is built into `<table>__next` tables, with their indexes under `__next` names
(handlers query by them during the rebuild); the switch replaces them by the live names.
The switch is one transaction: drop the live tables, rename the copies, create the
indexes, and move the position (with a new generation) to the copy's. The API keeps
serving the live tables until that commit.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, MetaData, Table, delete, select, text, update

from domain.app import RedPropertyApp
from infra.projection_runner import ProjectionRunner, read_state
from projections.base import Projection
from projections.positions import projection_positions

SUFFIX = "__next"


def beside_tables(projection: Projection) -> dict[str, Table]:
    metadata = MetaData()
    copies = {}
    for name, table in projection.tables.items():
        copy = table.to_metadata(metadata, name=table.name + SUFFIX)
        for index in copy.indexes:  # handlers query by them (e.g. find); names are global
            index.name = f"{index.name}{SUFFIX}"
        copies[name] = copy
    return copies


def rebuild(
    app: RedPropertyApp,
    engine: Engine,
    projection: Projection,
    *,
    progress: Callable[[int], None] | None = None,
    page_size: int = 10_000,
    batch_size: int = 100_000,
    batch_seconds: float = 1.0,
    cache_rows: int = 50_000,
) -> int:
    """Rebuild `projection` from the start of the log; returns the position reached.
    Each transaction applies up to `batch_size` events, read `page_size` at a time, and
    ends early once `cache_rows` rows wait to be written or after the page that outlasted
    `batch_seconds` (see ProjectionRunner)."""
    copies = beside_tables(projection)
    tracking = projection.name + SUFFIX
    with engine.begin() as conn:
        for table in copies.values():
            table.drop(conn, checkfirst=True)
            table.create(conn)
        projection_positions.create(conn, checkfirst=True)
        conn.execute(delete(projection_positions).where(projection_positions.c.name == tracking))
    runner = ProjectionRunner(
        app,
        engine,
        projection,
        tables=copies,
        tracking_name=tracking,
        page_size=page_size,
        batch_size=batch_size,
        batch_rows=cache_rows,
        batch_seconds=batch_seconds,
    )
    runner.cache.max_rows = cache_rows
    runner.cache.complete = True  # the copies were created empty just now
    runner.catch_up(progress=progress)
    runner.catch_up(progress=progress)  # what arrived during the first pass
    return _switch(engine, projection, copies, tracking)


def _switch(engine: Engine, projection: Projection, copies: dict[str, Table], tracking: str) -> int:
    t = projection_positions
    read_state(engine, projection.name)  # make sure the live row exists
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(t.c.position).where(t.c.name == projection.name).with_for_update())
        position = conn.execute(select(t.c.position).where(t.c.name == tracking)).scalar_one()
        for name, live in projection.tables.items():
            live.drop(conn, checkfirst=True)
            conn.execute(text(f'ALTER TABLE "{copies[name].name}" RENAME TO "{live.name}"'))
            for index in copies[name].indexes:
                index.drop(conn)
            for index in live.indexes:
                index.create(conn)
        conn.execute(
            update(t)
            .where(t.c.name == projection.name)
            .values(position=position, generation=t.c.generation + 1)
        )
        conn.execute(delete(t).where(t.c.name == tracking))
    return position
