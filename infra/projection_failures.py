"""Where a projection (or a log-following process) is stuck, stored in the database so
every process can report it: /readyz and `redprop projections status` read it, the worker
writes it when a projection stops and deletes it once the projection gets past."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)

metadata = MetaData()

projection_failures = Table(
    "projection_failures",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("position", BigInteger, nullable=False),  # the event that fails
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("failed_at", Float, nullable=False),  # Unix time of the latest attempt
)


@dataclass(frozen=True)
class Failure:
    name: str
    position: int
    error: str
    attempts: int
    failed_at: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "error": self.error,
            "attempts": self.attempts,
            "failed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.failed_at)),
        }


def create_table(engine: Engine) -> None:
    with engine.begin() as conn:
        projection_failures.create(conn, checkfirst=True)


def record_failure(engine: Engine, failure: Failure) -> None:
    t = projection_failures
    with engine.begin() as conn:
        conn.execute(delete(t).where(t.c.name == failure.name))
        conn.execute(insert(t).values(**vars(failure)))


def clear_failure(engine: Engine, name: str) -> None:
    t = projection_failures
    with engine.begin() as conn:
        conn.execute(delete(t).where(t.c.name == name))


def read_failures(conn: Connection) -> dict[str, Failure]:
    return {row.name: Failure(**row._mapping) for row in conn.execute(select(projection_failures))}
