"""The sweep of one write operation: every role, in scope and out, against the policy table
(see test_write_matrix.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def sweep(matrix: Matrix, operation: str) -> list[str]:
    """What goes against the policy table when every role tries the operation."""
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
    return wrong
