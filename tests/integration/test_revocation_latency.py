"""A revoked token is refused by the web processes within a second of the revocation being
recorded, with `redprop serve` and `redprop worker` running as they do in production
(default projection poll)."""

from __future__ import annotations

import time

import jwt

from api.auth import mint_token
from infra.settings import Settings
from tests.integration.servers import call, serving, working

WITHIN_SECONDS = 1.0


def _worker_caught_up(port: int, admin: str) -> None:
    """Waits (up to a minute) until the worker has projected a fresh command."""
    unit = {"kind": "district", "code": "370105", "name": "天桥区"}
    status, created = call(port, "POST", "/api/v1/org-units", unit, Authorization=f"Bearer {admin}")
    assert status == 201, created
    path = f"/api/v1/org-units/{created['id']}?min_position={created['position']}"
    deadline = time.monotonic() + 60
    while call(port, "GET", path, Authorization=f"Bearer {admin}")[0] != 200:
        assert time.monotonic() < deadline, "the worker never caught up"
        time.sleep(0.1)


def test_a_revocation_is_honoured_within_a_second(settings: Settings) -> None:
    admin = mint_token(settings.secret, user_id="admin", role="district_admin", scope="*")
    lost = mint_token(settings.secret, user_id="official-7", role="auditor")
    jti = jwt.decode(lost, options={"verify_signature": False})["jti"]
    with serving(settings, "--workers", "2") as (port, _), working(settings):
        _worker_caught_up(port, admin)
        assert call(port, "GET", "/api/v1/org-units", Authorization=f"Bearer {lost}")[0] == 200
        body = {"jti": jti, "reason": "laptop lost"}
        status, revoked = call(
            port, "POST", "/api/v1/token-revocations", body, Authorization=f"Bearer {admin}"
        )
        recorded = time.monotonic()
        assert status == 201, revoked
        statuses = []
        while time.monotonic() - recorded < 3 * WITHIN_SECONDS:
            got = call(port, "GET", "/api/v1/org-units", Authorization=f"Bearer {lost}")[0]
            statuses.append(got)
            if got == 401:
                break
        refused_after = time.monotonic() - recorded
    assert statuses[-1] == 401, statuses
    assert refused_after <= WITHIN_SECONDS, f"refused only after {refused_after:.2f} s"
