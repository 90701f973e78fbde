"""Revoking a token records `TokenRevoked` in the log; the token is refused once the
read model has it (the projections poll the log every 0.1 s)."""

from __future__ import annotations

from typing import Any

import jwt

from api.auth import mint_token
from tests.conftest import SECRET

URL = "/api/v1/token-revocations"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _jti(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["jti"]


def test_a_revoked_token_is_refused(client: Any, auth: Any, system: Any) -> None:
    token = mint_token(SECRET, user_id="official-7", role="auditor")
    assert client.get("/api/v1/org-units", headers=_bearer(token)).status_code == 200
    revoked = client.post(
        URL, json={"jti": _jti(token), "reason": "laptop lost"}, headers=auth("district_admin")
    )
    assert revoked.status_code == 201, revoked.json
    system.catch_up()
    refused = client.get("/api/v1/org-units", headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.json["detail"] == "the bearer token has been revoked"
    again = client.post(
        URL, json={"jti": _jti(token), "reason": "twice"}, headers=auth("district_admin")
    )
    assert again.status_code == 409
    other = mint_token(SECRET, user_id="official-7", role="auditor")
    assert client.get("/api/v1/org-units", headers=_bearer(other)).status_code == 200


def test_the_revocation_is_an_event_with_who_and_why(client: Any, auth: Any, system: Any) -> None:
    token = mint_token(SECRET, user_id="u", role="resident")
    client.post(URL, json={"jti": _jti(token), "reason": "left"}, headers=auth("district_admin"))
    last = system.app.recorder.select_notifications(
        start=system.app.recorder.max_notification_id(), limit=1
    )[0]
    assert last.topic.endswith("TokenRevocation.Revoked")
    assert _jti(token).encode() in last.state and b"left" in last.state


def test_a_holder_may_revoke_only_its_own_token(client: Any, system: Any) -> None:
    mine = mint_token(SECRET, user_id="r1", role="resident")
    theirs = mint_token(SECRET, user_id="r2", role="resident")
    head = system.app.recorder.max_notification_id()
    denied = client.post(URL, json={"jti": _jti(theirs), "reason": "x"}, headers=_bearer(mine))
    assert denied.status_code == 403
    assert system.app.recorder.max_notification_id() == head
    signed_out = client.post(
        URL, json={"jti": _jti(mine), "reason": "sign out"}, headers=_bearer(mine)
    )
    assert signed_out.status_code == 201
    system.catch_up()
    assert client.get("/api/v1/org-units", headers=_bearer(mine)).status_code == 401


def test_bad_revocations_store_nothing(client: Any, auth: Any, system: Any) -> None:
    admin = auth("district_admin")
    head = system.app.recorder.max_notification_id()
    for body in ({"jti": "", "reason": "x"}, {"jti": "a" * 65, "reason": "x"}, {"jti": "a"}):
        assert client.post(URL, json=body, headers=admin).status_code == 422, body
    assert system.app.recorder.max_notification_id() == head
