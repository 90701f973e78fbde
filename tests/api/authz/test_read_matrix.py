"""The authorization matrix of every GET (issue 15): every read operation of the policy table
× every role × (in scope, out of scope), asserted against the table's read rule.

- A role the entry does not allow is refused (403) with a token on either side.
- A public operation answers without a token, and to every role.
- A single resource (side A) answers 200 to a role that reads `all`, and to a `unit` or
  `company` role whose token's unit covers it (`WHERE`); outside that, and to a role that
  reads `none`, it is OUTSIDE (404). `own` answers the reporter only.
- A scoped list shows the row on the token's side exactly to the roles whose unit covers it
  and the row on the other side only to those that read `all`; `total` counts the rows
  the page holds, and a role that reads `none` gets none.

Each role asks with three tokens: in scope (side A; the resident who reported side A's
issue), out of scope (side B, another user) and in scope as another user (a neighbour: an
`own` basis shows it nothing of side A)."""

from __future__ import annotations

import pytest

from api.access_policy import POLICY
from api.read_policy import PUBLIC
from tests.api.authz.read_sweep import read_sweep
from tests.api.authz.reads import MARKERS, READS, WHERE, read_requests, read_world
from tests.api.authz.world import Matrix

# a scoped list whose rows carry no id of the world (years' sums): its scoping is asserted in
# tests/api/test_read_policy_ops.py (a street's sums are less than the district's); a
# company's contracts are all one company's, so no row lies wholly on side B: their
# scoping is asserted in tests/api/test_service_contracts.py
UNMARKED = {
    "GET /api/v1/subsidies/reports/yearly",
    "GET /api/v1/property-companies/{company_id}/contracts",
}


@pytest.fixture(scope="module")
def ids(matrix: Matrix) -> dict[str, str]:
    return read_world(matrix)


@pytest.mark.parametrize("operation", READS)
def test_read_operation_obeys_the_policy_table(
    matrix: Matrix, ids: dict[str, str], operation: str
) -> None:
    wrong = read_sweep(matrix, ids, operation)
    assert wrong == [], f"{operation}:\n" + "\n".join(wrong)


def test_every_read_has_a_request_and_every_scoped_read_a_place(ids: dict[str, str]) -> None:
    assert sorted(read_requests(ids)) == READS
    scoped = {op for op in READS if getattr(POLICY[op].read, "resource", PUBLIC) != PUBLIC}
    assert scoped - UNMARKED == set(WHERE)  # a new scoped read needs its place in the world
    assert {op for op in scoped if not POLICY[op].read.one} - UNMARKED == set(MARKERS)
