"""The single sign-on settings are checked at start-up, one line per problem, like the rest."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from infra.bootstrap import oidc_issuer
from infra.settings import ConfigError, Settings
from tests.integration.servers import REDPROP, env_for
from tests.support.oidc import AUDIENCE, ISSUER, SigningKey

JWKS_URL = "https://sso.city.example/realms/tianqiao/protocol/openid-connect/certs"
GOOD = {
    "REDPROP_OIDC_ISSUER": ISSUER,
    "REDPROP_OIDC_AUDIENCE": AUDIENCE,
    "REDPROP_OIDC_JWKS_URL": JWKS_URL,
}


def problems(**env: str) -> list[str]:
    try:
        Settings.from_env(env)
    except ConfigError as error:
        return error.problems
    return []


def test_unset_means_no_single_sign_on() -> None:
    settings = Settings.from_env({})
    assert oidc_issuer(settings) is None
    assert (settings.oidc_role_claim, settings.oidc_scope_claim) == (
        "redprop_role",
        "redprop_scope",
    )


def test_settings_reach_the_issuer() -> None:
    env = {
        **GOOD,
        "REDPROP_OIDC_ROLE_CLAIM": "ledger_role",
        "REDPROP_OIDC_SCOPE_CLAIM": "ledger_scope",
        "REDPROP_OIDC_JWKS_TIMEOUT_SECONDS": "2.5",
        "REDPROP_OIDC_JWKS_CACHE_SECONDS": "60",
        "REDPROP_OIDC_LEEWAY_SECONDS": "0",
    }
    issuer = oidc_issuer(Settings.from_env(env))
    assert issuer is not None
    assert (issuer.issuer, issuer.audience, issuer.leeway) == (ISSUER, AUDIENCE, 0)
    assert (issuer.role_claim, issuer.scope_claim) == ("ledger_role", "ledger_scope")
    keys = issuer.keys
    assert (keys.url, keys.timeout, keys.lifespan) == (JWKS_URL, 2.5, 60)  # type: ignore[attr-defined]


def without(name: str) -> dict[str, str]:
    return {k: v for k, v in GOOD.items() if k != name}


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            without("REDPROP_OIDC_ISSUER"),
            "REDPROP_OIDC_ISSUER: must be set with the other REDPROP_OIDC_ settings",
        ),
        (
            without("REDPROP_OIDC_AUDIENCE"),
            "REDPROP_OIDC_AUDIENCE: must be set (the aud the issuer gives this server)",
        ),
        (
            without("REDPROP_OIDC_JWKS_URL"),
            "REDPROP_OIDC_JWKS_URL: set it or REDPROP_OIDC_JWKS_FILE (exactly one)",
        ),
        (
            {**GOOD, "REDPROP_OIDC_JWKS_FILE": "/etc/jwks.json"},
            "REDPROP_OIDC_JWKS_URL: set it or REDPROP_OIDC_JWKS_FILE (exactly one)",
        ),
        (
            {**GOOD, "REDPROP_OIDC_ISSUER": "http://sso.city.example/"},
            "REDPROP_OIDC_ISSUER: must be an https:// URL (http:// only on localhost) "
            "(got 'http://sso.city.example/')",
        ),
        (
            {**GOOD, "REDPROP_OIDC_JWKS_URL": "file:///etc/passwd"},
            "REDPROP_OIDC_JWKS_URL: must be an https:// URL (http:// only on localhost) "
            "(got 'file:///etc/passwd')",
        ),
        (
            {**GOOD, "REDPROP_OIDC_ROLE_CLAIM": "sub"},
            "REDPROP_OIDC_ROLE_CLAIM: must not be a standard claim (got 'sub')",
        ),
        (
            {**GOOD, "REDPROP_OIDC_SCOPE_CLAIM": "scope"},
            "REDPROP_OIDC_SCOPE_CLAIM: must not be a standard claim (got 'scope')",
        ),
        (
            {**GOOD, "REDPROP_OIDC_SCOPE_CLAIM": "redprop_role"},
            "REDPROP_OIDC_SCOPE_CLAIM: must differ from REDPROP_OIDC_ROLE_CLAIM",
        ),
        (
            {**GOOD, "REDPROP_OIDC_JWKS_TIMEOUT_SECONDS": "0"},
            "REDPROP_OIDC_JWKS_TIMEOUT_SECONDS: must be a number of seconds greater than 0 "
            "(got '0')",
        ),
        (
            {**GOOD, "REDPROP_OIDC_LEEWAY_SECONDS": "-5"},
            "REDPROP_OIDC_LEEWAY_SECONDS: must be a whole number >= 0 (got '-5')",
        ),
    ],
)
def test_each_bad_value_is_one_line(env: dict[str, str], line: str) -> None:
    assert problems(**env) == [line]


def test_http_is_allowed_on_the_loopback_address_only() -> None:
    assert problems(**{**GOOD, "REDPROP_OIDC_JWKS_URL": "http://127.0.0.1:8080/certs"}) == []
    assert problems(**{**GOOD, "REDPROP_OIDC_ISSUER": "http://localhost:8080/realms/x"}) == []


def test_a_jwks_file_is_read_and_checked_at_start_up(tmp_path: Path) -> None:
    env = without("REDPROP_OIDC_JWKS_URL")
    good, junk, symmetric = tmp_path / "good.json", tmp_path / "junk.json", tmp_path / "oct.json"
    good.write_text(json.dumps({"keys": [SigningKey.ec("ec-1").jwk()]}))
    junk.write_text("{not json")
    secret = {"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ", "kid": "k1", "alg": "HS256"}
    symmetric.write_text(json.dumps({"keys": [secret]}))
    assert problems(**env, REDPROP_OIDC_JWKS_FILE=str(good)) == []
    for path, reason in (
        (tmp_path / "missing.json", "not a readable JWKS file (FileNotFoundError"),
        (junk, "not a readable JWKS file (JSONDecodeError"),
        (symmetric, "no signing key with a kid and alg RS256 or ES256"),
    ):
        (line,) = problems(**env, REDPROP_OIDC_JWKS_FILE=str(path))
        assert line.startswith(f"REDPROP_OIDC_JWKS_FILE: {reason}"), line
        assert line.endswith(f"(got {str(path)!r})")


def test_the_command_line_prints_each_problem_and_exits_2(tmp_path: Path) -> None:
    clean = {k: v for k, v in env_for(Settings()).items() if not k.startswith("REDPROP_")}
    env = {**clean, "REDPROP_OIDC_ISSUER": "sso", "REDPROP_OIDC_JWKS_FILE": "/nowhere.json"}
    done = subprocess.run(
        [REDPROP, "worker", "--once"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "configuration: REDPROP_OIDC_ISSUER: must be an https:// URL (http:// only on localhost)"
        " (got 'sso')",
        "configuration: REDPROP_OIDC_AUDIENCE: must be set (the aud the issuer gives this server)",
        "configuration: REDPROP_OIDC_JWKS_FILE: not a readable JWKS file (FileNotFoundError: "
        "[Errno 2] No such file or directory: '/nowhere.json') (got '/nowhere.json')",
    ]
    assert list(tmp_path.iterdir()) == []
