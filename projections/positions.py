"""Where each projection has got to in the log, stored beside its rows.

`generation` changes when a rebuilt copy replaces the live tables, so a runner that was
writing the old tables notices (its compare-and-set fails) and reloads.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, String, Table, select

metadata = MetaData()

projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("generation", Integer, nullable=False),
)


def read_positions(conn: Connection, names: list[str] | None = None) -> dict[str, int]:
    stmt = select(projection_positions.c.name, projection_positions.c.position)
    if names is not None:
        stmt = stmt.where(projection_positions.c.name.in_(names))
    return {row.name: row.position for row in conn.execute(stmt)}
