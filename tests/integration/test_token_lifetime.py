"""`redprop token` mints with the configured lifetime and signing key: what
REDPROP_TOKEN_LIFETIME_SECONDS and REDPROP_TOKEN_KEYS / REDPROP_TOKEN_SIGNING_KID say
reaches the token's `exp` and `kid`, and the server (same settings) accepts it."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from click.testing import CliRunner

from infra.bootstrap import build_system
from infra.cli.main import main
from infra.settings import Settings

KEYS = "old:first-secret-of-32-bytes-or-more!,new:second-secret-of-32-bytes-or-more"


@pytest.mark.parametrize("lifetime", [600, 3 * 24 * 3600])
def test_the_cli_mints_with_the_configured_lifetime_and_key(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, lifetime: int
) -> None:
    env = {
        "REDPROP_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.db",
        "REDPROP_TOKEN_KEYS": KEYS,
        "REDPROP_TOKEN_SIGNING_KID": "new",
        "REDPROP_TOKEN_LIFETIME_SECONDS": str(lifetime),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["token", "--role", "auditor"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    minted = result.output.strip()
    assert jwt.get_unverified_header(minted)["kid"] == "new"
    claims = jwt.decode(minted, "second-secret-of-32-bytes-or-more", algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == lifetime
    system = build_system(Settings.from_env(env))
    try:
        answer = (
            system.wsgi()
            .test_client()
            .get("/api/v1/org-units", headers={"Authorization": f"Bearer {minted}"})
        )
        assert answer.status_code == 200, answer.json
    finally:
        system.close()
