"""A token verified a moment ago is not decoded and checked again on the client's next
request (issue 14: the cost of a request), yet an expired or revoked one is still refused
at once."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

import api.auth
from api.auth import Principal, VerifiedTokens, mint_token
from api.tokens import TokenKeys
from tests.conftest import SECRET

URL = "/api/v1/org-units"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _count_verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    verified = api.auth._verified

    def counting(keys: Any, token: str, issuer: Any) -> dict[str, Any]:
        seen.append(token)
        return verified(keys, token, issuer)

    monkeypatch.setattr(api.auth, "_verified", counting)
    return seen


def test_a_token_is_verified_once_for_many_requests(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _count_verifications(monkeypatch)
    token = mint_token(SECRET, user_id="u1", role="auditor")
    other = mint_token(SECRET, user_id="u2", role="auditor")
    for _ in range(3):
        assert client.get(URL, headers=_bearer(token)).status_code == 200
    assert client.get(URL, headers=_bearer(other)).status_code == 200
    assert seen == [token, other]


def test_a_refused_token_is_checked_every_time(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _count_verifications(monkeypatch)
    forged = mint_token("another-secret-of-at-least-32-bytes-long", user_id="u", role="auditor")
    for _ in range(2):
        assert client.get(URL, headers=_bearer(forged)).status_code == 401
    assert seen == [forged, forged]


def test_a_kept_token_is_refused_once_it_expires(client: Any) -> None:
    token = mint_token(TokenKeys.single(SECRET, lifetime=1), user_id="u", role="auditor")
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert client.get(URL, headers=_bearer(token)).status_code == 200
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    refused = client.get(URL, headers=_bearer(token))
    assert refused.status_code == 401
    assert "expired" in refused.json["detail"]


def test_kept_tokens_are_bounded_in_time_and_number() -> None:
    who = Principal("u", "auditor", "*", "j")
    kept = VerifiedTokens(seconds=30, size=2)
    kept.put("a", who, expires=1_000, now=0)
    assert kept.get("a", now=29.9) == who
    assert kept.get("a", now=30) is None  # kept 30 s at most
    kept.put("b", who, expires=10, now=0)
    assert kept.get("b", now=9.9) == who
    assert kept.get("b", now=10) is None  # never past the token's own expiry
    kept.put("c", who, expires=5, now=6)  # already expired: not kept
    assert kept.get("c", now=6) is None
    kept.put("d", who, expires=1_000, now=0)  # a third token: the store starts again
    assert kept.get("a", now=1) is None
    assert kept.get("d", now=1) == who
