"""SQLAlchemy engines for read models, tracking positions and audit reads."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, NullPool, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from infra.storage.write_turns import TurnTakingConnection, WriteTurns, turns_for

SQLITE_LOCK_SECONDS = 30
PING_AFTER_IDLE_SECONDS = 1.0  # a pooled PostgreSQL connection idle longer is pinged first


def sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database:
        raise ValueError(f"an SQLite URL needs a file path: {url}")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return database


def make_engine(
    url: str, *, schema: str = "public", immediate: bool = False, reads_only: bool = False
) -> Engine:
    """An engine on `url`. SQLite: WAL, a generous busy timeout, and transactions that
    begin explicitly (`BEGIN IMMEDIATE` for writers, so they never hit a stale snapshot).
    PostgreSQL, `reads_only`: no BEGIN and ROLLBACK around a checkout's statements, two
    round trips each; under READ COMMITTED every statement reads its own snapshot, in a
    transaction block or not, so the answers are the same."""
    url = sqlalchemy_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        connect_args: dict[str, Any] = {"timeout": SQLITE_LOCK_SECONDS, "check_same_thread": False}
        turns = turns_for(path) if immediate and path != ":memory:" else None
        if turns is not None:  # writers take turns (infra/storage/write_turns.py)
            connect_args["factory"] = TurnTakingConnection
        engine = create_engine(url, connect_args=connect_args)
        _explicit_sqlite_transactions(engine, immediate, turns)
        return engine
    connect_args = {}
    if schema != "public":
        connect_args["options"] = f"-csearch_path={schema}"
    engine = create_engine(
        url,
        connect_args=connect_args,
        pool_size=5,
        max_overflow=10,
        **({"isolation_level": "AUTOCOMMIT"} if reads_only else {}),
    )
    _ping_after_idle(engine, PING_AFTER_IDLE_SECONDS)
    return engine


def _ping_after_idle(engine: Engine, seconds: float) -> None:
    """A pooled connection idle for longer than `seconds` is pinged when checked out and
    replaced if the server no longer answers (as `pool_pre_ping` does on every checkout:
    one round trip of the two a one-statement read costs). A connection back in the pool
    less than `seconds` ago was just used, so its next request goes straight on; a fault in
    between fails that request (503, `Retry-After`), and the pool replaces it."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since <= seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as lost:
            raise DisconnectionError(f"the pooled connection did not answer: {lost}") from lost


def _explicit_sqlite_transactions(
    engine: Engine, immediate: bool, turns: WriteTurns | None
) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        if isinstance(dbapi_connection, TurnTakingConnection):
            dbapi_connection.turns = turns

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        dbapi_connection = conn.connection.dbapi_connection
        if isinstance(dbapi_connection, TurnTakingConnection):
            dbapi_connection.begin_writing(SQLITE_LOCK_SECONDS)
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def schema_lock(url: str, schema: str) -> Iterator[None]:
    """Creating the tables of one database, one process at a time. Server workers starting
    together on a fresh database otherwise race on CREATE TABLE IF NOT EXISTS and fail
    (PostgreSQL: "duplicate key value violates unique constraint pg_type_typname_nsp_index";
    SQLite: "database is locked", a read transaction that cannot become a write one)."""
    url = sqlalchemy_url(url)
    if url.startswith("postgresql"):
        with _advisory_lock(url, f"redproperty schema {schema}"):
            yield
    elif (database := make_url(url).database) and database != ":memory:":
        with _file_lock(sqlite_path(url)):
            yield
    else:
        yield


@contextmanager
def _advisory_lock(url: str, name: str) -> Iterator[None]:
    engine = create_engine(url, poolclass=NullPool)
    key = {"name": name}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtext(:name))"), key)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), key)
    finally:
        engine.dispose()


@contextmanager
def _file_lock(database: str) -> Iterator[None]:
    """flock() on `<database>.lock`, never on the database file: closing any descriptor of
    that file would drop the POSIX locks SQLite holds on it for this process's other
    connections."""
    with open(f"{database}.lock", "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
