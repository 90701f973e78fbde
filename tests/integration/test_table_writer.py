"""View rows written by the batch writer read back as written, on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Column, Float, Integer, MetaData, String, Table, select

from infra.bootstrap import System
from infra.views.table_writer import writer_for

metadata = MetaData()
things = Table(
    "writer_things",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(50), nullable=False),
    Column("open", Boolean, nullable=False),
    Column("score", Float),
    Column("count", Integer),
    Column("detail", JSON),
)
pairs = Table(
    "writer_pairs",
    metadata,
    Column("a", String(10), primary_key=True),
    Column("b", Integer, primary_key=True),
    Column("note", String(20)),
)


def _read(system: System, table: Table) -> list[dict[str, Any]]:
    with system.write_engine.connect() as conn:
        rows = conn.execute(select(table).order_by(*table.primary_key.columns))
        return [dict(r._mapping) for r in rows]


def test_insert_update_delete_round_trip(system: System) -> None:
    engine = system.write_engine
    metadata.create_all(engine)
    full = {"score": 1.5, "count": 3, "detail": {"k": ["v", 1]}}
    with engine.begin() as conn:
        w = writer_for(things, conn.dialect)
        w.insert(
            conn, [{"id": f"t{i}", "name": f"名{i}", "open": i % 2 == 0, **full} for i in range(4)]
        )
        w.insert(conn, [{"id": "t9", "name": "partial", "open": True}])  # other columns NULL
    with engine.begin() as conn:
        w = writer_for(things, conn.dialect)
        whole = {"id": "t1", "name": "改", "open": True, "score": None, "count": 7, "detail": [1]}
        w.update(conn, [(("t1",), whole), (("t2",), {"id": "t2", "name": "only name"})])
        w.delete(conn, [("t3",)])
    rows = {r["id"]: r for r in _read(system, things)}
    assert set(rows) == {"t0", "t1", "t2", "t9"}
    assert rows["t0"] == {"id": "t0", "name": "名0", "open": True, **full}
    assert rows["t1"] == whole
    assert rows["t2"]["name"] == "only name" and rows["t2"]["open"] is True  # rest kept
    assert rows["t2"]["detail"] == {"k": ["v", 1]}
    assert rows["t9"]["count"] is None and rows["t9"]["detail"] is None


def test_composite_keys(system: System) -> None:
    engine = system.write_engine
    metadata.create_all(engine)
    with engine.begin() as conn:
        w = writer_for(pairs, conn.dialect)
        w.insert(conn, [{"a": "x", "b": b, "note": str(b)} for b in range(3)])
    with engine.begin() as conn:
        w = writer_for(pairs, conn.dialect)
        w.update(conn, [(("x", 1), {"a": "x", "b": 1, "note": "one"})])
        w.delete(conn, [("x", 2)])
    assert _read(system, pairs) == [
        {"a": "x", "b": 0, "note": "0"},
        {"a": "x", "b": 1, "note": "one"},
    ]
