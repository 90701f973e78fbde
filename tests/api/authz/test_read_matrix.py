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

The out-of-scope token is another user's (a resident's own reports are by user)."""

from __future__ import annotations

from typing import Any

import pytest

from api.access_policy import POLICY, Access, Scope, reads
from api.read_policy import ALL, COMPANY, NONE, OUTSIDE, OWN, PUBLIC, UNIT
from api.roles import ROLES
from tests.api.authz.reads import MARKERS, READS, WHERE, read_requests, read_world
from tests.api.authz.world import ROLE_UNIT, Matrix

SIDES = ("in", "out")
# a scoped list whose rows carry no id of the world (years' sums): its scoping is asserted in
# tests/api/test_read_policy_ops.py (a street's sums are less than the district's)
UNMARKED = {"GET /api/v1/subsidies/reports/yearly"}


@pytest.fixture(scope="module")
def ids(matrix: Matrix) -> dict[str, str]:
    return read_world(matrix)


def covers(operation: str, role: str, side: str, row: str = "A") -> bool:
    """Whether the role's token on `side` covers the operation's resource on side `row`.
    Sides mirror each other (each token's unit lies where the other side's does), except
    that the resident's own report is on side A only."""
    basis = reads(operation, role)
    if basis in (ALL, NONE):
        return basis == ALL
    if (side == "in") != (row == "A"):
        return False
    if basis == OWN:
        return row == "A"
    assert basis in (UNIT, COMPANY), basis
    return ROLE_UNIT[role] in WHERE[operation]


def expected_status(entry: Access, operation: str, role: str, side: str) -> int:
    if entry.scope is Scope.PUBLIC:
        return 200
    if role not in entry.roles:
        return 403
    assert entry.read is not None
    if not entry.read.one:
        return 200
    return 200 if covers(operation, role, side) else OUTSIDE


def headers(matrix: Matrix, role: str, side: str) -> dict[str, str]:
    return matrix.headers(role, side, user=None if side == "in" else f"{role}-b-user")


def list_mismatch(
    ids: dict[str, str], operation: str, role: str, side: str, body: dict[str, Any]
) -> list[str]:
    """What a scoped list shows that the read rule forbids, or hides that it allows."""
    inside, outside = MARKERS[operation]
    text = str(body)
    shown = {"A": ids[inside] in text, "B": ids[outside] in text}
    allowed = {row: covers(operation, role, side, row) for row in "AB"}
    wrong = [
        f"side {s} row shown={shown[s]}, allowed={allowed[s]}"
        for s in "AB"
        if shown[s] != allowed[s]
    ]
    if "total" in body and body["total"] != len(body["items"]):
        wrong.append(f"total {body['total']} for {len(body['items'])} rows on one page")
    if reads(operation, role) == NONE and body.get("items"):
        wrong.append(f"{len(body['items'])} rows to a role that reads none")
    return wrong


@pytest.mark.parametrize("operation", READS)
def test_read_operation_obeys_the_policy_table(
    matrix: Matrix, ids: dict[str, str], operation: str
) -> None:
    entry = POLICY[operation]
    path, query = read_requests(ids)[operation]
    wrong: list[str] = []
    if entry.scope is Scope.PUBLIC:
        answer = matrix.client.get(path, query_string=query)
        if answer.status_code != 200:
            wrong.append(f"no token: {answer.status_code} {answer.get_data(as_text=True)[:160]}")
    if operation in MARKERS:  # the world holds a row on each side: else the test proves nothing
        admin = matrix.client.get(
            path, query_string=query, headers=headers(matrix, "auditor", "in")
        )
        assert list_mismatch(ids, operation, "auditor", "in", admin.json) == [], admin.json
    for role in ROLES:
        for side in SIDES:
            expected = expected_status(entry, operation, role, side)
            answer = matrix.client.get(
                path, query_string=query, headers=headers(matrix, role, side)
            )
            if answer.status_code != expected:
                body = answer.get_data(as_text=True)[:160]
                wrong.append(f"{role}/{side}: {answer.status_code}, not {expected}: {body}")
            elif expected == 200 and operation in MARKERS:
                found = list_mismatch(ids, operation, role, side, answer.json)
                wrong.extend(f"{role}/{side}: {line}" for line in found)
    assert wrong == [], f"{operation}:\n" + "\n".join(wrong)


def test_every_read_has_a_request_and_every_scoped_read_a_place(ids: dict[str, str]) -> None:
    assert sorted(read_requests(ids)) == READS
    scoped = {op for op in READS if getattr(POLICY[op].read, "resource", PUBLIC) != PUBLIC}
    assert scoped - UNMARKED == set(WHERE)  # a new scoped read needs its place in the world
    assert {op for op in scoped if not POLICY[op].read.one} - UNMARKED == set(MARKERS)
