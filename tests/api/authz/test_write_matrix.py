"""The authorization matrix of every write operation (issue 15): each role, with a token in
scope (side A, where the request acts) and out of scope (side B), makes a valid request. The
policy table (api/access_policy.py) says which may: those go through (2xx, or a domain rule's
409/412/422), the others are refused with the table's status and move no log head. A write
that no role could carry out (no 2xx at all) fails too: the case itself is broken."""

from __future__ import annotations

import pytest

from tests.api.authz.cases import write_cases
from tests.api.authz.sweep import WRITES, sweep
from tests.api.authz.world import Matrix


@pytest.mark.parametrize("operation", WRITES)
def test_write_operation_obeys_the_policy_table(matrix: Matrix, operation: str) -> None:
    wrong = sweep(matrix, operation)
    assert wrong == [], f"{operation}:\n" + "\n".join(wrong)


def test_every_write_has_a_case(matrix: Matrix) -> None:
    assert sorted(write_cases(matrix)) == WRITES
