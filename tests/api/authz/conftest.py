"""One world per test module (SQLite; `pg_matrix`: PostgreSQL, in a fresh schema): the matrix
makes hundreds of requests against it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.bootstrap import build_system
from infra.settings import Settings
from tests.api.authz.world import Matrix, build
from tests.conftest import PG_URL, SECRET, fresh_pg_schema


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
    with fresh_pg_schema() as schema:
        settings = Settings(database_url=PG_URL, database_schema=schema, secret=SECRET)
        system: Any = build_system(settings)
        try:
            yield build(Matrix(system.wsgi().test_client(), system))
        finally:
            system.close()
