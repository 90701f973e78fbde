"""The authorization matrix of every write operation (issue 15): each role, with a token in
scope (side A, where the request acts) and out of scope (side B), makes a valid request. The
policy table (api/access_policy.py) says which may: those go through (2xx, or a domain rule's
409/412/422), the others are refused with the table's status and move no log head. A write
that no role could carry out (no 2xx at all) fails too: the case itself is broken."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from api.access_policy import POLICY
from api.roles import ROLES
from tests.api.authz.cases import Call, write_cases
from tests.api.authz.expect import allowed
from tests.api.authz.world import DISTRICT_WIDE, Matrix

WRITES = sorted(key for key in POLICY if not key.startswith("GET "))
DOMAIN_REFUSALS = (409, 412, 422)


@dataclass(frozen=True)
class Attempt:
    role: str
    side: str

    def __str__(self) -> str:
        return f"{self.role}/{self.side}"


ATTEMPTS = [
    Attempt(role, side)
    for role in ROLES
    for side in ("in", "out")
    if not (side == "out" and role in DISTRICT_WIDE)  # their scope is the whole district
]


def send(matrix: Matrix, method: str, call: Call, attempt: Attempt) -> Any:
    headers = matrix.headers(attempt.role, attempt.side, user=f"{attempt}-{matrix.unique()}")
    body = dict(call.body)
    if call.own_jti:
        body["jti"] = matrix.jti(headers)
    if call.form:
        token = headers["Authorization"].removeprefix("Bearer ")
        return matrix.client.open(call.path, method=method, data={**body, "api_key": token})
    json = body if method != "DELETE" else None
    return matrix.client.open(call.path, method=method, json=json, headers=headers)


def _detail(answer: Any) -> str:
    body = answer.get_json(silent=True)
    return str(body.get("detail", body) if isinstance(body, dict) else body)[:160]


@pytest.mark.parametrize("operation", WRITES)
def test_write_operation_obeys_the_policy_table(matrix: Matrix, operation: str) -> None:
    entry = POLICY[operation]
    method = operation.split(" ", 1)[0]
    case = write_cases(matrix)[operation]
    shared = case(matrix)  # refusals store nothing, so they can share one target
    refused = [a for a in ATTEMPTS if not allowed(entry, shared.target, a.role, a.side)]
    permitted = [a for a in ATTEMPTS if a not in refused]
    wrong: list[str] = []
    for attempt in refused:
        head = matrix.head()
        answer = send(matrix, method, shared, attempt)
        if answer.status_code < 300:
            wrong.append(f"UNEXPECTED ALLOW {attempt}: {answer.status_code}")
        elif answer.status_code != entry.refusal:
            wrong.append(f"{attempt}: {answer.status_code}, not {entry.refusal}: {_detail(answer)}")
        if matrix.head() != head:
            wrong.append(f"{attempt}: refused with {answer.status_code} but the log moved")
    outcomes = []
    for attempt in permitted:
        answer = send(matrix, method, case(matrix), attempt)
        outcomes.append(f"{attempt}: {answer.status_code} {_detail(answer)}")
        if answer.status_code >= 300 and answer.status_code not in DOMAIN_REFUSALS:
            wrong.append(f"unexpected deny {attempt}: {answer.status_code}: {_detail(answer)}")
    if permitted and not any(": 2" in outcome for outcome in outcomes):
        wrong.append("no allowed role succeeded: " + "; ".join(outcomes))
    assert wrong == [], f"{operation}:\n" + "\n".join(wrong)


def test_every_write_has_a_case(matrix: Matrix) -> None:
    assert sorted(write_cases(matrix)) == WRITES
