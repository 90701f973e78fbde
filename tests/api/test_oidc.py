"""Tokens from an external OpenID Connect issuer (a city's single sign-on), verified against
its key set served over HTTP by a local stand-in issuer, beside the server's own tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from tests.conftest import SECRET
from tests.support.oidc import (
    AUDIENCE,
    ISSUER,
    JwksServer,
    SigningKey,
    hs256_with_public_key,
    signed,
    unsigned,
)

UNITS = "/api/v1/org-units"
RSA = SigningKey.rsa("city-2026a")
EC = SigningKey.ec("city-ec-1")
STRANGER = SigningKey.rsa("city-2026a")  # same key id, another key (not the issuer's)


@pytest.fixture
def backend() -> str:
    return "sqlite"  # what is checked here is the token, not the storage


@pytest.fixture
def issuer() -> Iterator[JwksServer]:
    with JwksServer([RSA, EC]).running() as served:
        yield served


@pytest.fixture
def sso(make_settings: Any, issuer: JwksServer) -> Iterator[tuple[Any, Any]]:
    from infra.bootstrap import build_system

    settings = make_settings(
        oidc_issuer=ISSUER, oidc_audience=AUDIENCE, oidc_jwks_url=issuer.url, oidc_leeway=5
    )
    system = build_system(settings)
    yield system, system.wsgi().test_client()
    system.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _district(client: Any, token: str) -> Any:
    body = {"kind": "district", "code": "370105", "name": "天桥区"}
    return client.post(UNITS, json=body, headers=_bearer(token))


@pytest.mark.parametrize("key", [RSA, EC], ids=["RS256", "ES256"])
def test_a_token_from_the_issuer_is_accepted_with_its_role(sso: Any, key: SigningKey) -> None:
    system, client = sso
    assert client.get(UNITS, headers=_bearer(signed(key))).status_code == 200
    created = _district(client, signed(key, redprop_role="district_admin"))
    assert created.status_code == 201, created.json
    refused = _district(client, signed(key, redprop_role="auditor"))
    assert refused.status_code == 403
    assert "role auditor" in refused.json["detail"]


def test_the_audience_may_be_one_of_several(sso: Any) -> None:
    _, client = sso
    token = signed(RSA, aud=["account", AUDIENCE])
    assert client.get(UNITS, headers=_bearer(token)).status_code == 200


def test_local_tokens_keep_working_beside_the_issuer(sso: Any, auth: Any) -> None:
    _, client = sso
    assert client.get(UNITS, headers=auth("auditor")).status_code == 200
    assert _district(client, auth("district_admin")["Authorization"][7:]).status_code == 201


REFUSED = [
    ("wrong-iss", lambda: signed(RSA, iss="https://evil.example/"), "issuer (iss)"),
    ("no-iss-wrong-key", lambda: signed(RSA, iss=None), "names no key"),
    ("wrong-aud", lambda: signed(RSA, aud="another-service"), "not meant for"),
    ("expired", lambda: signed(RSA, exp=1_600_000_000, iat=1_599_999_000), "expired"),
    ("future-iat", lambda: signed(RSA, iat=4_000_000_000, exp=4_000_000_600), "future"),
    ("unknown-kid", lambda: signed(SigningKey("gone", "RS256", RSA.private)), "the issuer"),
    ("no-kid", lambda: jwt.encode({"iss": ISSUER}, RSA.private, algorithm="RS256"), "no key"),
    ("other-key", lambda: signed(STRANGER), "not valid"),
    ("alg-none", lambda: unsigned(RSA), "RS256 or ES256"),
    ("hs256-public-key", lambda: hs256_with_public_key(RSA), "RS256 or ES256"),
    ("hs256-local-secret", lambda: jwt.encode({"iss": ISSUER}, SECRET, "HS256"), "RS256"),
    ("rs384", lambda: jwt.encode({"iss": ISSUER}, RSA.private, "RS384"), "RS256 or ES256"),
    ("alg-swap", lambda: signed(SigningKey(EC.kid, "RS256", RSA.private)), "not an RS256 key"),
    ("no-jti", lambda: signed(RSA, jti=None), "'jti'"),
    ("long-jti", lambda: signed(RSA, jti="j" * 65), "longer than 64"),
    ("no-iat", lambda: signed(RSA, iat=None), "'iat'"),
    ("no-exp", lambda: signed(RSA, exp=None), "'exp'"),
    ("no-sub", lambda: signed(RSA, sub=None), "'sub'"),
    ("no-role", lambda: signed(RSA, redprop_role=None), "no 'redprop_role' claim"),
    ("unknown-role", lambda: signed(RSA, redprop_role="mayor"), "'mayor' is not a role"),
    ("role-list", lambda: signed(RSA, redprop_role=["district_admin"]), "is not a role"),
    ("no-scope", lambda: signed(RSA, redprop_scope=None), "no 'redprop_scope' claim"),
    ("empty-scope", lambda: signed(RSA, redprop_scope=""), "no 'redprop_scope' claim"),
    ("scope-list", lambda: signed(RSA, redprop_scope=["*"]), "no 'redprop_scope' claim"),
]


@pytest.mark.parametrize(("make", "detail"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_token_that_does_not_verify_is_401_with_the_reason(
    sso: Any, make: Any, detail: str
) -> None:
    system, client = sso
    head = system.app.recorder.max_notification_id()
    refused = _district(client, make())
    assert refused.status_code == 401, refused.json
    assert refused.content_type == "application/problem+json"
    assert detail in refused.json["detail"]
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert system.app.recorder.max_notification_id() == head


def test_a_revoked_sso_token_is_refused(sso: Any) -> None:
    system, client = sso
    token = signed(RSA, redprop_role="resident", redprop_scope="compound-1")
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    assert client.get(UNITS, headers=_bearer(token)).status_code == 200
    signed_out = client.post(
        "/api/v1/token-revocations", json={"jti": jti, "reason": "sign out"}, headers=_bearer(token)
    )
    assert signed_out.status_code == 201, signed_out.json
    system.catch_up()
    refused = client.get(UNITS, headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.json["detail"] == "the bearer token has been revoked"
    assert client.get(UNITS, headers=_bearer(signed(RSA))).status_code == 200


def test_without_an_issuer_configured_sso_tokens_are_refused(system: Any) -> None:
    client = system.wsgi().test_client()
    refused = client.get(UNITS, headers=_bearer(signed(RSA)))
    assert refused.status_code == 401
    assert "issuer (iss)" in refused.json["detail"]


def test_configured_claim_names_carry_role_and_scope(make_settings: Any, issuer: Any) -> None:
    from infra.bootstrap import build_system

    settings = make_settings(
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=issuer.url,
        oidc_role_claim="ledger_role",
        oidc_scope_claim="ledger_scope",
    )
    system = build_system(settings)
    try:
        client = system.wsgi().test_client()
        named = signed(RSA, ledger_role="district_admin", ledger_scope="*", redprop_role=None)
        assert _district(client, named).status_code == 201
        default_names = signed(RSA)  # redprop_role / redprop_scope: not the configured ones
        refused = _district(client, default_names)
        assert refused.status_code == 401
        assert "no 'ledger_role' claim" in refused.json["detail"]
    finally:
        system.close()
