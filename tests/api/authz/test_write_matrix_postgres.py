"""A sample of the write matrix on PostgreSQL (the full matrix runs on SQLite): one
operation of each scope rule, against a world of its own in a fresh schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from api.access_policy import ISSUES, ORG, PARTY, POLICY, SUBSIDY, V1
from infra.bootstrap import build_system
from infra.settings import Settings
from tests.api.authz.sweep import sweep
from tests.api.authz.world import Matrix, build
from tests.conftest import _PG_PROBLEM, PG_URL, REQUIRE_PG, SECRET

SAMPLE = [
    f"POST {ORG}/{{unit_id}}/close",  # unit
    f"POST {ISSUES}",  # report
    f"POST {ISSUES}/{{issue_id}}/accept",  # issue
    f"POST {PARTY}/{{org_id}}/dissolve",  # party org
    f"POST {V1}/branch-life/meetings",  # branch
    f"POST {SUBSIDY}/entitlements/{{entitlement_id}}/approve",  # entitlement
    f"POST {SUBSIDY}/budgets/{{budget_id}}/top-ups",  # budget
    f"POST {V1}/grid/assessments/{{assessment_id}}/send",  # assessment
    f"PATCH {V1}/property-companies/{{company_id}}",  # company
    f"POST {V1}/assessment/periods/{{key}}/publish",  # district
    f"POST {V1}/token-revocations",  # own
]


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


def test_the_sample_covers_every_write_scope_rule() -> None:
    writes = {POLICY[op].scope for op in POLICY if not op.startswith("GET ")}
    assert writes - {POLICY[op].scope for op in SAMPLE} == set()


@pytest.mark.postgres
@pytest.mark.parametrize("operation", SAMPLE)
def test_write_operation_obeys_the_policy_table_on_postgres(
    pg_matrix: Matrix, operation: str
) -> None:
    wrong = sweep(pg_matrix, operation)
    assert wrong == [], f"{operation}:\n" + "\n".join(wrong)
