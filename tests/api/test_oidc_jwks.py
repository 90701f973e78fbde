"""Getting the single sign-on issuer's key set: fetched with a timeout, cached, refetched for a
newly rotated key id (not for every made-up one), and a fetch that fails is a 503 that says
so, never a 500. Also a key set read from a file."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.bootstrap import build_system
from tests.support.oidc import AUDIENCE, ISSUER, JwksServer, SigningKey, signed

UNITS = "/api/v1/org-units"
RSA = SigningKey.rsa("city-2026a")
EC = SigningKey.ec("city-ec-1")


@pytest.fixture
def backend() -> str:
    return "sqlite"  # what is checked here is the key set, not the storage


@pytest.fixture
def served() -> Iterator[JwksServer]:
    with JwksServer([RSA]).running() as server:
        yield server


@pytest.fixture
def start(make_settings: Any) -> Iterator[Any]:
    """start(**settings) -> a test client of a server trusting the stand-in issuer."""
    systems: list[Any] = []

    def client(**options: Any) -> Any:
        options = {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, **options}
        systems.append(build_system(make_settings(**options)))
        return systems[-1].wsgi().test_client()

    yield client
    for system in systems:
        system.close()


def _get(client: Any, token: str) -> Any:
    return client.get(UNITS, headers={"Authorization": f"Bearer {token}"})


def test_the_key_set_is_fetched_once_and_kept(start: Any, served: JwksServer) -> None:
    client = start(oidc_jwks_url=served.url, oidc_jwks_cache_seconds=0.5)
    for _ in range(3):
        assert _get(client, signed(RSA)).status_code == 200
    assert served.fetches == 1
    time.sleep(0.6)
    assert _get(client, signed(RSA)).status_code == 200
    assert served.fetches == 2  # the cached set expired


def test_a_rotated_key_is_fetched_but_made_up_key_ids_are_not(
    start: Any, served: JwksServer
) -> None:
    client = start(oidc_jwks_url=served.url)
    assert _get(client, signed(RSA)).status_code == 200
    rotated = SigningKey.rsa("city-2026b")
    served.keys.append(rotated)
    assert _get(client, signed(rotated)).status_code == 200
    assert served.fetches == 2
    for kid in ("made-up-1", "made-up-2", "made-up-3"):
        refused = _get(client, signed(SigningKey(kid, "RS256", RSA.private)))
        assert refused.status_code == 401
        assert refused.json["detail"] == "the bearer token names no key the issuer publishes"
    assert served.fetches == 2  # at most one refetch per cooldown


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/certs"


@pytest.mark.parametrize("mode", ["unreachable", "error", "junk", "slow"])
def test_a_key_set_that_cannot_be_fetched_is_503_not_500(
    start: Any, served: JwksServer, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    served.mode = mode
    url = _closed_port_url() if mode == "unreachable" else served.url
    client = start(oidc_jwks_url=url, oidc_jwks_timeout=0.5)
    began = time.monotonic()
    answered = client.post(
        UNITS,
        json={"kind": "district", "code": "370105", "name": "天桥区"},
        headers={"Authorization": f"Bearer {signed(RSA)}"},
    )
    assert time.monotonic() - began < served.delay - 0.5  # the timeout, not the slow answer
    assert answered.status_code == 503, answered.json
    assert answered.content_type == "application/problem+json"
    assert "single sign-on key set could not be fetched" in answered.json["detail"]
    assert answered.headers["Retry-After"] == "5"
    (logged,) = [r for r in caplog.records if getattr(r, "event", "") == "jwks_fetch_failed"]
    assert logged.url == url  # type: ignore[attr-defined]


def test_the_issuer_recovering_is_noticed(start: Any, served: JwksServer) -> None:
    served.mode = "error"
    client = start(oidc_jwks_url=served.url)
    assert _get(client, signed(RSA)).status_code == 503
    served.mode = "ok"
    assert _get(client, signed(RSA)).status_code == 200


def test_a_key_set_file_verifies_tokens(start: Any, tmp_path: Path) -> None:
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps({"keys": [RSA.jwk(), EC.jwk()]}))
    client = start(oidc_jwks_file=str(keys))
    assert _get(client, signed(EC)).status_code == 200
    assert _get(client, signed(RSA)).status_code == 200
    other = SigningKey.rsa("city-2026b")
    assert _get(client, signed(other)).status_code == 401


def test_concurrent_requests_share_one_fetch(served: JwksServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from api.oidc import JwksUrl

    served.mode, served.delay = "slow", 0.3
    keys = JwksUrl(served.url, timeout=5)
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: keys.key_for(RSA.kid), range(8)))
    assert [key.key_id if key else None for key in found] == [RSA.kid] * 8
    assert served.fetches == 1
