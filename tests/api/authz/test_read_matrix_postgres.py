"""The whole read matrix on PostgreSQL too: the read scope is SQL (JSON and comma-list
company columns, the org closure), so each backend must leave out the same rows."""

from __future__ import annotations

import pytest

from tests.api.authz.read_sweep import read_sweep
from tests.api.authz.reads import READS, read_world
from tests.api.authz.world import Matrix


@pytest.fixture(scope="module")
def pg_ids(pg_matrix: Matrix) -> dict[str, str]:
    return read_world(pg_matrix)


@pytest.mark.postgres
@pytest.mark.parametrize("operation", READS)
def test_read_operation_obeys_the_policy_table_on_postgres(
    pg_matrix: Matrix, pg_ids: dict[str, str], operation: str
) -> None:
    wrong = read_sweep(pg_matrix, pg_ids, operation)
    assert wrong == [], f"{operation}:\n" + "\n".join(wrong)
