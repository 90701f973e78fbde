"""One read operation of the policy table asked as every role with a token in scope, one out
of it, and one in scope of another user (see test_read_matrix.py); what differs from the
table, one line each."""

from __future__ import annotations

from typing import Any

from api.access_policy import POLICY, Access, Scope, reads
from api.read_policy import ALL, COMPANY, NONE, OUTSIDE, OWN, UNIT
from api.roles import ROLES
from tests.api.authz.reads import MARKERS, WHERE, read_requests
from tests.api.authz.world import ROLE_UNIT, Matrix

# in: side A's unit, the user who reported side A's issue; out: side B's unit, another user;
# neighbour: side A's unit, another user (an `own` basis reads nothing of side A then)
SIDES = ("in", "out", "neighbour")


def covers(operation: str, role: str, side: str, row: str = "A") -> bool:
    """Whether the role's token on `side` covers the operation's resource on side `row`.
    Sides mirror each other (each token's unit lies where the other side's does), except
    that the resident's own report is on side A only."""
    basis = reads(operation, role)
    if basis in (ALL, NONE):
        return basis == ALL
    if (side == "out") != (row == "B"):
        return False
    if basis == OWN:
        return side == "in"
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
    if side == "in":
        return matrix.headers(role, "in")
    return matrix.headers(role, "in" if side == "neighbour" else "out", user=f"{role}-{side}")


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


def read_sweep(matrix: Matrix, ids: dict[str, str], operation: str) -> list[str]:
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
    return wrong
