"""Fixtures shared by every test.

`backend` runs a test on SQLite and on PostgreSQL. PostgreSQL tests skip when the server is
unreachable, unless REDPROP_REQUIRE_POSTGRES=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from api.auth import WHOLE_DISTRICT, mint_token
from infra.bootstrap import System, build_system
from infra.settings import Settings

PG_URL = os.environ.get("REDPROP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("REDPROP_REQUIRE_POSTGRES") == "1"
SECRET = "test-secret-of-at-least-32-bytes-for-hs256"


def _pg_available() -> str | None:
    try:
        with psycopg.connect(
            PG_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=3
        ):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"{exc.__class__.__name__}: {exc}"


_PG_PROBLEM = _pg_available()


@contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards (skips, or fails in CI, with no server)."""
    if _PG_PROBLEM:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (REDPROP_REQUIRE_POSTGRES=1) but: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL unreachable: {_PG_PROBLEM}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_schema() -> Iterator[str]:
    with fresh_pg_schema() as schema:
        yield schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_settings(
    backend: str, tmp_path: Any, request: pytest.FixtureRequest
) -> Callable[..., Settings]:
    """Settings for this backend; every call in one test points at the same database."""
    if backend == "sqlite":
        base = Settings(database_url=f"sqlite:///{tmp_path}/ledger.db", secret=SECRET)
    else:
        schema = request.getfixturevalue("pg_schema")
        base = Settings(database_url=PG_URL, database_schema=schema, secret=SECRET)

    def make(**overrides: Any) -> Settings:
        from dataclasses import replace

        return replace(base, **overrides)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def system(settings: Settings) -> Iterator[System]:
    built = build_system(settings)
    yield built
    built.close()


@pytest.fixture
def client(system: System) -> Any:
    return system.wsgi().test_client()


@pytest.fixture
def auth() -> Callable[..., dict[str, str]]:
    """auth("street_officer", scope=street_id) -> headers with a bearer token."""

    def headers(role: str, scope: Any = WHOLE_DISTRICT, user: str | None = None) -> dict[str, str]:
        token = mint_token(SECRET, user_id=user or f"{role}-user", role=role, scope=str(scope))
        return {"Authorization": f"Bearer {token}"}

    return headers
