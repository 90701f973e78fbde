"""Bearer tokens are standard JWTs (HS256) with key ids: several keys verify, one signs."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest

from api.auth import mint_token
from infra.bootstrap import build_system
from infra.settings import DEFAULT_SECRET, Settings

UNITS = "/api/v1/org-units"
KEYS = "old:first-secret-of-32-bytes-or-more!,new:second-secret-of-32-bytes-or-more"


@pytest.fixture
def rotating(make_settings: Any) -> Any:
    """A server that signs with `new` and still accepts tokens signed with `old`."""
    built = build_system(make_settings(token_keys=KEYS, token_signing_kid="new"))
    yield built
    built.close()


def _get(system: Any, token: str) -> Any:
    return system.wsgi().test_client().get(UNITS, headers={"Authorization": f"Bearer {token}"})


def _signed(kid: str | None, secret: str, **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": "u1", "role": "auditor", "scope": "*", "iat": now, "exp": now + 60}
    body["jti"] = uuid.uuid4().hex
    body.update(claims)
    headers = {"kid": kid} if kid else None
    return jwt.encode({k: v for k, v in body.items() if v is not None}, secret, headers=headers)


def test_a_minted_token_is_a_jwt_with_the_standard_claims() -> None:
    token = mint_token("s" * 32, user_id="audit-1", role="auditor", scope="*")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, "s" * 32, algorithms=["HS256"])
    assert header["alg"] == "HS256" and header["kid"]
    assert (claims["sub"], claims["role"], claims["scope"]) == ("audit-1", "auditor", "*")
    assert claims["exp"] - claims["iat"] == 8 * 3600
    other = jwt.decode(mint_token("s" * 32, user_id="audit-1", role="auditor"), "s" * 32, ["HS256"])
    assert other["jti"] != claims["jti"]


def test_rotation_signs_with_one_key_and_verifies_with_all(rotating: Any) -> None:
    from infra.bootstrap import token_keys

    keys = token_keys(rotating.settings)
    minted = mint_token(keys, user_id="u1", role="auditor")
    assert jwt.get_unverified_header(minted)["kid"] == "new"
    assert _get(rotating, minted).status_code == 200
    old_token = _signed("old", "first-secret-of-32-bytes-or-more!")
    assert _get(rotating, old_token).status_code == 200


OLD, NEW = "first-secret-of-32-bytes-or-more!", "second-secret-of-32-bytes-or-more"


@pytest.mark.parametrize(
    ("kid", "secret", "claims", "detail"),
    [
        ("gone", OLD, {}, "names no key"),  # a retired key id
        (None, NEW, {}, "names no key"),  # no key id
        ("new", OLD, {}, "not valid"),  # signed with another key
        ("new", NEW, {"exp": 1}, "expired"),
        ("new", NEW, {"jti": None}, "not valid"),
        ("new", NEW, {"exp": None}, "not valid"),
        ("new", NEW, {"role": "mayor"}, "not valid"),
        ("new", NEW, {"role": ["district_admin"]}, "not valid"),
    ],
    ids=["unknown-kid", "no-kid", "wrong-key", "expired", "no-jti", "no-exp", "role", "role-list"],
)
def test_tokens_that_do_not_verify_are_401(
    rotating: Any, kid: str | None, secret: str, claims: dict, detail: str
) -> None:
    refused = _get(rotating, _signed(kid, secret, **claims))
    assert refused.status_code == 401
    assert refused.content_type == "application/problem+json"
    assert detail in refused.json["detail"]


def test_junk_is_401(rotating: Any) -> None:
    assert _get(rotating, "not.a.jwt").status_code == 401


def test_none_algorithm_is_refused(rotating: Any) -> None:
    unsigned = jwt.encode(
        {"sub": "u", "role": "district_admin", "scope": "*", "exp": 2**40, "iat": 1, "jti": "x"},
        None,
        algorithm="none",
        headers={"kid": "new"},
    )
    assert _get(rotating, unsigned).status_code == 401


def test_settings_read_keys_lifetime_from_the_environment() -> None:
    env = {
        "REDPROP_TOKEN_KEYS": KEYS,
        "REDPROP_TOKEN_SIGNING_KID": "new",
        "REDPROP_TOKEN_LIFETIME_SECONDS": "3600",
    }
    settings = Settings.from_env(env)
    assert (settings.token_keys, settings.token_signing_kid) == (KEYS, "new")
    assert settings.token_lifetime == 3600
    assert Settings.from_env({}).token_lifetime == 8 * 3600


@pytest.mark.parametrize(
    ("keys", "kid"),
    [("old:a,new:b", "other"), ("old", ""), ("old:a,old:b", "old"), (":a", ""), ("k:", "k")],
)
def test_a_bad_key_list_refuses_to_start(keys: str, kid: str) -> None:
    from infra.bootstrap import token_keys

    with pytest.raises(SystemExit):
        token_keys(Settings(token_keys=keys, token_signing_kid=kid))


@pytest.mark.parametrize("environment", ["prod", "production", "staging", "Production", ""])
def test_the_default_secret_is_refused_outside_development_and_test(environment: str) -> None:
    with pytest.raises(SystemExit):
        Settings(environment=environment, secret=DEFAULT_SECRET).check_production()


@pytest.mark.parametrize("environment", ["development", "test"])
def test_the_default_secret_is_allowed_in_development_and_test(environment: str) -> None:
    Settings(environment=environment, secret=DEFAULT_SECRET).check_production()
    Settings(environment="prod", secret="a-real-secret").check_production()
    Settings(environment="prod", token_keys="k1:real", token_signing_kid="k1").check_production()


def test_production_with_a_key_list_needs_no_redprop_secret() -> None:
    env = {"REDPROP_ENV": "production", "REDPROP_TOKEN_KEYS": KEYS}
    Settings.from_env(env).check_production()


def test_the_default_secret_inside_a_key_list_is_refused_in_production() -> None:
    with pytest.raises(SystemExit, match="default secret in REDPROP_TOKEN_KEYS"):
        Settings(environment="production", token_keys=f"k1:{DEFAULT_SECRET}").check_production()


def test_the_wsgi_entry_point_refuses_the_default_secret_in_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    """Finding (issue 15): production accepted the default secret. gunicorn's worker boot
    (`infra.wsgi:create()`) is the path `redprop serve` takes."""
    from infra import wsgi

    monkeypatch.setenv("REDPROP_ENV", "production")
    monkeypatch.setenv("REDPROP_DATABASE_URL", f"sqlite:///{tmp_path}/ledger.db")
    monkeypatch.delenv("REDPROP_SECRET", raising=False)
    monkeypatch.delenv("REDPROP_TOKEN_KEYS", raising=False)
    with pytest.raises(SystemExit) as refused:
        wsgi.create()
    assert refused.value.code == wsgi.WORKER_BOOT_ERROR
    assert capsys.readouterr().err.splitlines() == [
        "configuration: REDPROP_SECRET: must be set (not the default) in production"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("environment", ["prod", "Production", "staging"])
def test_an_environment_other_than_the_three_is_refused_at_start_up(environment: str) -> None:
    """`REDPROP_ENV=prod` once slipped past the production check; now it is not a value."""
    from infra.settings import ConfigError

    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"REDPROP_ENV": environment})
    assert refused.value.problems == [
        f"REDPROP_ENV: must be one of development, test, production (got {environment!r})"
    ]
