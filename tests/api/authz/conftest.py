"""One world per test module (SQLite; `pg_matrix`: PostgreSQL, in a fresh schema): the matrix
makes hundreds of requests against it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from infra.bootstrap import build_system
from infra.settings import Settings
from tests.api.authz.world import Matrix, build
from tests.conftest import _PG_PROBLEM, PG_URL, REQUIRE_PG, SECRET


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    path = tmp_path_factory.mktemp("authz") / "ledger.db"
    system: Any = build_system(Settings(database_url=f"sqlite:///{path}", secret=SECRET))
    try:
        yield build(Matrix(system.wsgi().test_client(), system))
    finally:
        system.close()


@pytest.fixture(scope="module")
def pg_matrix() -> Iterator[Matrix]:
    if _PG_PROBLEM:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (REDPROP_REQUIRE_POSTGRES=1) but: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL unreachable: {_PG_PROBLEM}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    settings = Settings(database_url=PG_URL, database_schema=schema, secret=SECRET)
    system: Any = build_system(settings)
    try:
        yield build(Matrix(system.wsgi().test_client(), system))
    finally:
        system.close()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
