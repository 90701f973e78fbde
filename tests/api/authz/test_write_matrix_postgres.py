"""A sample of the write matrix on PostgreSQL (the full matrix runs on SQLite): one
operation of each scope rule, against a world of its own in a fresh schema (`pg_matrix`, conftest.py)."""

from __future__ import annotations

import pytest

from api.access_policy import ISSUES, ORG, PARTY, POLICY, SUBSIDY, V1
from tests.api.authz.sweep import sweep
from tests.api.authz.world import Matrix

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
